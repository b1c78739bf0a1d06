// Where the extension's pieces live in the workbench (#15): the Nango activity-bar container with the
// Nango Emulator view, "New Event Function…" on an Explorer folder, the quick fix that saves the
// index.ts it edits, and the nango.codeLens.enabled setting. Runs after the other files (it adds event
// functions and imports to the shared workspace).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, extensionId, projectUri, runAcceptingFirstPick, until } from './util';

interface Contributes {
    viewsContainers?: Record<string, Array<{ id: string; title: string; icon: string }>>;
    views?: Record<string, Array<{ id: string; name: string }>>;
    menus?: Record<string, Array<{ command: string; when?: string }>>;
    configuration?: { properties?: Record<string, { type?: string; default?: unknown }> };
}

const contributes = (): Contributes => {
    const ext = vscode.extensions.getExtension(extensionId);
    assert.ok(ext, `${extensionId} is not installed`);
    return (ext.packageJSON as { contributes?: Contributes }).contributes ?? {};
};

const nangoDiagnostics = (uri: vscode.Uri): vscode.Diagnostic[] => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'nango');
const codeOf = (d: vscode.Diagnostic): unknown => (typeof d.code === 'object' ? d.code.value : d.code);

describe('the workbench: view container, Explorer menu, quick fix saving, code lens setting', function () {
    before(async function () {
        await activateExtension();
    });

    describe('the Nango activity-bar container', function () {
        it('is contributed with a title and an SVG icon that ships, and holds the Nango Emulator and Run Results views (not the Explorer)', function () {
            const { viewsContainers, views } = contributes();
            const container = viewsContainers?.['activitybar']?.find((c) => c.id === 'nango');
            assert.ok(container, `activitybar containers: ${JSON.stringify(viewsContainers)}`);
            assert.equal(container.title, 'Nango');
            assert.match(container.icon, /\.svg$/);
            const icon = path.join(vscode.extensions.getExtension(extensionId)!.extensionPath, container.icon);
            assert.ok(existsSync(icon), `${icon} is missing`);
            assert.match(readFileSync(icon, 'utf8'), /<svg[^>]*viewBox="0 0 24 24"/);
            assert.deepEqual(
                (views?.['nango'] ?? []).map((v) => [v.id, v.name]),
                [
                    ['nango.emulator', 'Nango Emulator'],
                    ['nango.results', 'Run Results']
                ]
            );
            const elsewhere = Object.entries(views ?? {}).filter(([where, list]) => where !== 'nango' && list.some((v) => v.id === 'nango.emulator'));
            assert.deepEqual(elsewhere, []);
        });

        it('opens (workbench.view.extension.nango) and focuses the view in it without an error', async function () {
            await vscode.commands.executeCommand('workbench.view.extension.nango');
            await vscode.commands.executeCommand('nango.emulator.focus');
            await vscode.commands.executeCommand('workbench.view.explorer');
        });
    });

    describe('"New Event Function…" on an Explorer folder', function () {
        it('is on the context menu of on-events folders and of integration folders', function () {
            const entries = (contributes().menus?.['explorer/context'] ?? []).filter((m) => m.command === 'nango.newEventFunction');
            const whens = entries.map((m) => m.when ?? '');
            assert.ok(
                whens.some((w) => /explorerResourceIsFolder/.test(w) && /resourceFilename == on-events/.test(w)),
                whens.join(' | ')
            );
            assert.ok(
                whens.some((w) => /explorerResourceIsFolder/.test(w) && /resourcePath in nango\.integrationFolders/.test(w)),
                whens.join(' | ')
            );
        });

        // Answering every pick with its first item: had the command asked for the integration, it would
        // have picked github (the first, sorted); the clicked folder says salesforce.
        for (const [label, folder] of [
            ['salesforce/on-events', 'salesforce/on-events'],
            ['the integration folder salesforce', 'salesforce']
        ] as const) {
            it(`on ${label}: creates the file in salesforce without asking for the integration, imported and saved`, async function () {
                this.timeout(90_000);
                const created = await runAcceptingFirstPick<vscode.Uri | undefined>('nango.newEventFunction', projectUri(folder));
                assert.ok(created, 'the command created nothing (cancelled)');
                assert.equal(path.dirname(created.fsPath), projectUri('salesforce/on-events').fsPath);
                assert.ok(existsSync(created.fsPath), `${created.fsPath} is not on disk`);
                assert.match(readFileSync(created.fsPath, 'utf8'), /event: 'validate-connection'/);
                const specifier = `./salesforce/on-events/${path.basename(created.fsPath, '.ts')}`;
                assert.ok(readFileSync(projectUri('index.ts').fsPath, 'utf8').includes(`import '${specifier}';`), `index.ts on disk lacks ${specifier}`);
            });
        }
    });

    describe('"Add import to index.ts"', function () {
        const rel = 'github/on-events/quick-fix-saves.ts';

        before(async function () {
            const source = readFileSync(projectUri('github/on-events/seed-metadata.ts').fsPath, 'utf8');
            await vscode.workspace.fs.writeFile(projectUri(rel), Buffer.from(source));
        });

        it('is an ordinary quick fix that adds the import and leaves index.ts saved', async function () {
            const uri = projectUri(rel);
            const indexUri = projectUri('index.ts');
            const d = (
                await until(
                    'the not-imported diagnostic',
                    () => nangoDiagnostics(uri),
                    (ds) => ds.some((x) => codeOf(x) === 'handler-not-imported')
                )
            ).find((x) => codeOf(x) === 'handler-not-imported')!;
            await vscode.workspace.openTextDocument(uri);
            const index = await vscode.workspace.openTextDocument(indexUri);
            assert.equal(index.isDirty, false, 'index.ts has unsaved changes before the fix');

            const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
                'vscode.executeCodeActionProvider',
                uri,
                d.range,
                vscode.CodeActionKind.QuickFix.value
            );
            const fix = actions.find((a) => a.title === 'Add import to index.ts');
            assert.ok(fix, `quick fixes offered: ${actions.map((a) => a.title).join(' | ')}`);
            assert.ok(fix.kind && vscode.CodeActionKind.QuickFix.contains(fix.kind), `kind ${fix.kind?.value}`);
            assert.ok(fix.edit && fix.command, 'the fix has an edit and a command');
            // What VS Code does with a chosen code action: apply its edit, then run its command.
            assert.equal(await vscode.workspace.applyEdit(fix.edit), true);
            await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));

            const importLine = "import './github/on-events/quick-fix-saves';";
            assert.equal(index.isDirty, false, 'index.ts is left unsaved');
            assert.ok(index.getText().split(/\r?\n/).includes(importLine), index.getText());
            assert.ok(readFileSync(indexUri.fsPath, 'utf8').split(/\r?\n/).includes(importLine), 'index.ts on disk lacks the import');
            await until(
                'the not-imported diagnostic to go away',
                () => nangoDiagnostics(uri),
                (ds) => !ds.some((x) => codeOf(x) === 'handler-not-imported')
            );
        });
    });

    describe('nango.codeLens.enabled', function () {
        const rel = 'github/on-events/seed-metadata.ts';
        const nangoLenses = async (): Promise<string[]> => {
            const doc = await vscode.workspace.openTextDocument(projectUri(rel));
            const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri)) ?? [];
            // The last run's outcome lens (nango.showResults) is there only after an earlier test ran this handler.
            return lenses.filter((l) => l.command?.command.startsWith('nango.') && l.command.command !== 'nango.showResults').map((l) => l.command!.title);
        };
        const setEnabled = (value: boolean | undefined): Thenable<void> =>
            vscode.workspace.getConfiguration('nango').update('codeLens.enabled', value, vscode.ConfigurationTarget.Workspace);

        after(async function () {
            await setEnabled(undefined);
        });

        it('is a boolean setting, on by default', function () {
            const setting = contributes().configuration?.properties?.['nango.codeLens.enabled'];
            assert.equal(setting?.type, 'boolean');
            assert.equal(setting?.default, true);
            assert.equal(vscode.workspace.getConfiguration('nango').get('codeLens.enabled'), true);
        });

        it('off: no Nango lens; on again: they are back', async function () {
            assert.deepEqual(await nangoLenses(), ['▶ Dry run', 'Debug']);
            await setEnabled(false);
            assert.deepEqual(await nangoLenses(), []);
            await setEnabled(true);
            assert.deepEqual(await nangoLenses(), ['▶ Dry run', 'Debug']);
        });
    });
});
