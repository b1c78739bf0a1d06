// Two nango-integrations folders in one window (a .code-workspace of two copies of the example, see
// ../workspace.ts makeMultiRootWorkspace): each gets its model, lenses, diagnostics, its own emulator
// (the second folder's GitHub connection has another id, so a run shows whose fixtures answered), its
// place in the Emulator view and its scenarios in the Testing view.
import assert from 'node:assert/strict';
import path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, runAcceptingFirstPick, until, type ExtensionApi } from './util';
import { MULTI_ROOT_FOLDERS, SECOND_FOLDER_CONNECTION, UNIMPORTED_HANDLER } from './workspaceFiles';

interface RunResult {
    ok: boolean;
    connectionId: string;
    error: unknown;
}

function folderRoot(name: string): string {
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.name === name);
    assert.ok(folder, `no workspace folder named ${name}`);
    return path.join(folder.uri.fsPath, 'nango-integrations');
}

const uriIn = (name: string, rel: string): vscode.Uri => vscode.Uri.file(path.join(folderRoot(name), rel));

async function lensesIn(name: string, rel: string): Promise<vscode.CodeLens[]> {
    const doc = await vscode.workspace.openTextDocument(uriIn(name, rel));
    return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri)) ?? [];
}

describe('two nango-integrations folders in one window', function () {
    this.timeout(120_000);
    let api: ExtensionApi;

    before(async function () {
        api = await activateExtension();
    });

    it('opens as a multi-root workspace of the two folders', function () {
        assert.deepEqual(
            vscode.workspace.workspaceFolders?.map((f) => f.name),
            [...MULTI_ROOT_FOLDERS]
        );
    });

    it('finds a project in each folder', function () {
        assert.deepEqual(
            api.projects
                .all()
                .map((m) => m.root)
                .sort(),
            MULTI_ROOT_FOLDERS.map(folderRoot).sort()
        );
    });

    for (const name of MULTI_ROOT_FOLDERS) {
        it(`${name}: lenses above each createOnEvent(…)`, async function () {
            const titles = (await lensesIn(name, 'github/on-events/validate-scopes.ts')).map((l) => l.command?.title);
            for (const title of ['▶ Dry run', '▶ First connect', '▶ Reconnect…']) assert.ok(titles.includes(title), `${title} missing: ${titles.join(', ')}`);
        });

        it(`${name}: the handler index.ts does not import is reported in that folder`, async function () {
            const uri = uriIn(name, UNIMPORTED_HANDLER);
            const diagnostics = await until(
                `the "not imported" diagnostic in ${name}`,
                () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'nango'),
                (ds) => ds.length > 0
            );
            assert.match(diagnostics[0]?.message ?? '', /index\.ts/);
        });
    }

    it("a dry run in each folder runs on that folder's fixtures and emulator", async function () {
        const expected: Record<string, string> = { 'team-a': 'gh-admin', 'team-b': SECOND_FOLDER_CONNECTION };
        for (const name of MULTI_ROOT_FOLDERS) {
            const lens = (await lensesIn(name, 'github/on-events/validate-scopes.ts')).find((l) => l.command?.title === '▶ Dry run');
            assert.ok(lens?.command);
            const result = await runAcceptingFirstPick<RunResult | undefined>(lens.command.command, ...(lens.command.arguments ?? []));
            assert.ok(result, `${name}: the dry run returned no result`);
            assert.equal(result.ok, true, JSON.stringify(result.error));
            assert.equal(result.connectionId, expected[name], `${name} ran on ${result.connectionId}`);
        }
    });

    it('the Emulator view has one entry per folder, each with its own connections', async function () {
        const view = api.emulatorView;
        const projects = (await view.getChildren()) ?? [];
        const items = await Promise.all(projects.map((node) => view.getTreeItem(node)));
        assert.deepEqual(items.map((i) => i.label).sort(), [...MULTI_ROOT_FOLDERS].sort(), 'each project is named after its folder');
        const labels = items.map((i) => i.tooltip);
        assert.deepEqual([...labels].sort(), MULTI_ROOT_FOLDERS.map(folderRoot).sort());
        for (const [i, node] of projects.entries()) {
            const text = JSON.stringify(await describeTree(view, node));
            const root = String(labels[i]);
            const own = root === folderRoot('team-b') ? SECOND_FOLDER_CONNECTION : 'gh-admin';
            const other = root === folderRoot('team-b') ? '"gh-admin"' : SECOND_FOLDER_CONNECTION;
            assert.ok(text.includes(own), `${root} does not show ${own}: ${text}`);
            assert.ok(!text.includes(other), `${root} shows the other folder's ${other}: ${text}`);
        }
    });

    it('the Testing view lists the scenarios of both folders, each under its folder', async function () {
        const roots = [...api.scenarioTests.items].map(([, item]) => item);
        const files = roots.flatMap((r) => [...r.children].map(([, child]) => child.uri?.fsPath ?? ''));
        for (const name of MULTI_ROOT_FOLDERS) {
            assert.ok(
                files.some((f) => f.startsWith(folderRoot(name) + path.sep) && f.endsWith('github.json')),
                `no github.json scenarios of ${name}: ${files.join(', ')}`
            );
        }
        assert.deepEqual(roots.map((r) => r.label).sort(), [...MULTI_ROOT_FOLDERS].sort());
    });
});

/** The labels and descriptions of a subtree, as the view shows them. */
async function describeTree(view: vscode.TreeDataProvider<unknown>, node: unknown, depth = 0): Promise<unknown> {
    const item = await view.getTreeItem(node);
    const label = typeof item.label === 'string' ? item.label : item.label?.label;
    const children = depth < 3 ? ((await view.getChildren(node)) ?? []) : [];
    return { label, description: item.description, children: await Promise.all(children.map((c) => describeTree(view, c, depth + 1))) };
}
