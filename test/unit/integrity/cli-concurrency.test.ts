// The built CLI (dist/emulator/cli.js, run `npm run build` first) from many processes at once on one
// project: connects get distinct numeric ids, and read-modify-writes of one connection's metadata all stick.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { EmulatorState } from '../../../emulator/state/state';
import { FIXTURES, PRE_DELETE_CLEANUP, makeProject, salesforceFixtures, type TestProject } from '../emulator/project';

const repo = path.resolve(__dirname, '../../..');
const cli = path.join(repo, 'dist/emulator/cli.js');

function run(root: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        const p = spawn(process.execPath, [cli, ...args, '--root', root, '--no-typecheck', '--json'], { env: { ...process.env, NO_COLOR: '1' } });
        let stdout = '';
        let stderr = '';
        p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        p.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
}

function state(root: string): EmulatorState {
    return JSON.parse(readFileSync(path.join(root, '.nango-emulator/state.json'), 'utf8')) as EmulatorState;
}

/** A post-connection-creation handler that adds one key of its own to the metadata. */
function addKey(key: string): string {
    return `
import { createOnEvent } from 'nango';
export default createOnEvent({
    description: 'adds ${key}',
    event: 'post-connection-creation',
    exec: async (nango) => {
        await nango.updateMetadata({ ${key}: Date.now() });
    }
});
`;
}

describe('CLI processes running at once on one project', function () {
    this.timeout(120_000);
    let project: TestProject;
    afterEach(() => project.cleanup());

    it('8 concurrent connects get 8 distinct numeric ids', async () => {
        // Only a deletion hook: a connect runs no handler, so the processes spend their time on the state.
        project = makeProject({ [FIXTURES]: salesforceFixtures(), 'salesforce/on-events/cleanup.ts': PRE_DELETE_CLEANUP });
        const ids = Array.from({ length: 8 }, (_, i) => `conn-${i}`);
        const results = await Promise.all(ids.map((id) => run(project.root, 'connect', 'salesforce', '--connection', id, '--account', 'acme')));
        for (const r of results) assert.equal(r.code, 0, r.stderr || r.stdout);
        const s = state(project.root);
        const numericIds = Object.values(s.connections).map((c) => c.numericId);
        assert.deepEqual(Object.keys(s.connections).sort(), ['sf-1', ...ids].sort());
        assert.equal(new Set(numericIds).size, numericIds.length, `numeric ids: ${numericIds.join(', ')}`);
        assert.ok(s.nextNumericId > Math.max(...numericIds), `nextNumericId ${s.nextNumericId} after ids ${numericIds.join(', ')}`);
    });

    it('10 concurrent dry runs adding a metadata key each to one connection keep all 10 keys', async () => {
        const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
        project = makeProject({ [FIXTURES]: salesforceFixtures(), ...Object.fromEntries(keys.map((k) => [`salesforce/on-events/add-${k}.ts`, addKey(k)])) });
        const results = await Promise.all(keys.map((k) => run(project.root, 'dryrun', `salesforce/add-${k}`, '--connection', 'sf-1')));
        for (const r of results) assert.equal(r.code, 0, r.stderr || r.stdout);
        const metadata = state(project.root).connections['sf-1']!.metadata;
        assert.deepEqual(Object.keys(metadata ?? {}).sort(), ['organizationId', ...keys].sort(), JSON.stringify(metadata));
    });
});
