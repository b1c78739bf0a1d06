// The "not imported by index.ts" diagnostic of an event function, and its quick fix, through the API
// a user's editor uses (Problems panel = getDiagnostics, Ctrl+. = the code action provider).
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, projectUri, until } from './util';
import { UNIMPORTED_HANDLER } from './workspaceFiles';

const nangoDiagnostics = (uri: vscode.Uri): vscode.Diagnostic[] => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'nango');
const codeOf = (d: vscode.Diagnostic): unknown => (typeof d.code === 'object' ? d.code.value : d.code);

describe('diagnostics and quick fixes', function () {
    before(async function () {
        await activateExtension();
    });

    it('reports an event function that index.ts does not import, as an error on that file', async function () {
        const uri = projectUri(UNIMPORTED_HANDLER);
        const diagnostics = await until(
            'the not-imported diagnostic',
            () => nangoDiagnostics(uri),
            (d) => d.some((x) => codeOf(x) === 'handler-not-imported')
        );
        const d = diagnostics.find((x) => codeOf(x) === 'handler-not-imported')!;
        assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
        assert.match(d.message, /audit-removal\.ts is not imported by index\.ts, so Nango does not build or deploy it/);
        assert.match(d.message, /import '\.\/github\/on-events\/audit-removal';/);
    });

    it('reports nothing for the example event functions index.ts imports', async function () {
        for (const rel of [
            'salesforce/on-events/validate-connection.ts',
            'salesforce/on-events/post-connection-setup.ts',
            'salesforce/on-events/pre-connection-cleanup.ts',
            'github/on-events/validate-scopes.ts',
            'github/on-events/seed-metadata.ts'
        ]) {
            assert.deepEqual(
                nangoDiagnostics(projectUri(rel)).map((d) => d.message),
                [],
                rel
            );
        }
    });

    it('offers "Add import to index.ts", which adds the import line and clears the diagnostic', async function () {
        const uri = projectUri(UNIMPORTED_HANDLER);
        const indexUri = projectUri('index.ts');
        const d = nangoDiagnostics(uri).find((x) => codeOf(x) === 'handler-not-imported');
        assert.ok(d, 'no not-imported diagnostic');
        await vscode.workspace.openTextDocument(uri);
        const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
            'vscode.executeCodeActionProvider',
            uri,
            d.range,
            vscode.CodeActionKind.QuickFix.value
        );
        const fix = actions.find((a) => a.title === 'Add import to index.ts');
        assert.ok(fix, `quick fixes offered: ${actions.map((a) => a.title).join(' | ')}`);
        assert.equal(fix.isPreferred, true);
        assert.ok(fix.edit, 'the quick fix has no edit');
        assert.equal(await vscode.workspace.applyEdit(fix.edit), true);

        const index = await vscode.workspace.openTextDocument(indexUri);
        const lines = index.getText().split(/\r?\n/);
        assert.ok(lines.includes("import './github/on-events/audit-removal';"), index.getText());
        // The other imports are kept, each once.
        assert.equal(lines.filter((l) => l.startsWith('import ')).length, 6, index.getText());
        await index.save();
        await until(
            'the not-imported diagnostic to go away',
            () => nangoDiagnostics(uri),
            (ds) => !ds.some((x) => codeOf(x) === 'handler-not-imported')
        );
    });
});
