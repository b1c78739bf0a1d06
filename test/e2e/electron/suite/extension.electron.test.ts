/**
 * Runs inside VS Code's extension host (desktop via ../runTest.ts, or code-server via
 * ../runInCodeServer.ts): the `vscode` API is real. Add *.electron.test.ts files next to this one.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';

interface Manifest {
    publisher: string;
    name: string;
    contributes?: { commands?: Array<{ command: string }> };
}

const repoRoot = process.env.NANGO_E2E_REPO_ROOT ?? path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Manifest;
const extensionId = `${manifest.publisher}.${manifest.name}`;

describe('the extension in a real VS Code extension host', function () {
    it(`is installed as ${extensionId} and activates`, async function () {
        const ext = vscode.extensions.getExtension(extensionId);
        assert.ok(ext, `${extensionId} is not installed`);
        await ext.activate();
        assert.ok(ext.isActive);
    });

    it('registers every command it contributes', async function () {
        const registered = new Set(await vscode.commands.getCommands(true));
        const missing = (manifest.contributes?.commands ?? []).map((c) => c.command).filter((c) => !registered.has(c));
        assert.deepEqual(missing, []);
    });
});
