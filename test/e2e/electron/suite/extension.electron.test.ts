/**
 * Runs inside VS Code's extension host (desktop VS Code, or code-server through
 * ../code-server-stand-in.sh; both launched by ../runTest.ts): the `vscode` API is real. Add
 * *.electron.test.ts files next to this one; shared helpers are in ./util.ts.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, extensionId, manifest, projectUri } from './util';

describe('the extension in a real VS Code extension host', function () {
    it(`is installed as ${extensionId}, activates on the workspace and builds its model`, async function () {
        const ext = vscode.extensions.getExtension(extensionId);
        assert.ok(ext, `${extensionId} is not installed`);
        await activateExtension();
        assert.ok(ext.isActive);
    });

    it('registers every command it contributes', async function () {
        const registered = new Set(await vscode.commands.getCommands(true));
        const missing = (manifest.contributes?.commands ?? []).map((c) => c.command).filter((c) => !registered.has(c));
        assert.deepEqual(missing, []);
    });

    it('runs in a trusted workspace (runTests passes --disable-workspace-trust), so dry runs are on', async function () {
        // The extension host cannot revoke trust; restricted mode is covered by the Playwright tests.
        assert.equal(vscode.workspace.isTrusted, true);
        const doc = await vscode.workspace.openTextDocument(projectUri('github/on-events/seed-metadata.ts'));
        const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
        const titles = lenses.map((l) => l.command?.title ?? '');
        assert.ok(!titles.some((t) => /not trusted/.test(t)), `a trusted workspace shows the restricted-mode lens: ${titles.join(' | ')}`);
        assert.ok(titles.includes('▶ Dry run'), titles.join(' | '));
    });
});
