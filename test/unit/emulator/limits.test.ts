// The run limit is Nango's own (orchestrator/lib/clients/client.ts executeOnEvent: startedToCompleted
// 5 * 60 s), and every place a user meets it says the same: the CLI's help and the editor's setting.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_TIMEOUT_MS } from '../../../emulator/core/limits';

const repo = path.resolve(__dirname, '../../..');

describe('the run time limit', () => {
    it("is Nango's 5 minutes", () => {
        assert.equal(DEFAULT_TIMEOUT_MS, 5 * 60 * 1000);
    });

    it('the editor setting nango.emulator.timeoutMs defaults to it', () => {
        const manifest = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as {
            contributes: { configuration: { properties: Record<string, { default: unknown }> } };
        };
        assert.equal(manifest.contributes.configuration.properties['nango.emulator.timeoutMs']?.default, DEFAULT_TIMEOUT_MS);
    });

    it("the CLI's help gives it as --timeout's default", () => {
        const help = spawnSync(process.execPath, [path.join(repo, 'dist/emulator/cli.js'), '--help'], { encoding: 'utf8' });
        assert.match(help.stdout, new RegExp(`--timeout <ms>[^]*?default: ${DEFAULT_TIMEOUT_MS}`));
    });
});
