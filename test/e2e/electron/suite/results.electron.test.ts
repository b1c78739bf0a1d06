// Results at the handler's code, through the real VS Code API: after a dry run from the lens, the line
// of the nango.get call has a hover with the request's status and URL (and no credential), the lens line
// shows the outcome, the "Run Results" view lists the run; editing the file takes the results off it. An
// updateMetadata line shows the call with the keys it wrote, never their values.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, projectUri, runAcceptingFirstPick, until, type ExtensionApi } from './util';

const HANDLER = 'github/on-events/validate-scopes.ts';
/** Writes the connection's metadata with nango.updateMetadata. */
const SEED = 'github/on-events/seed-metadata.ts';
/** The fixture token of the account the dry run uses (.nango-emulator/fixtures.json): never shown. */
const TOKEN = 'gho_fake0octo0admin0token000000000000';

interface ResultRow {
    label: string;
    description?: string;
    children?: ResultRow[];
    location?: { file: string; line: number };
}
type Api = ExtensionApi & { resultRows(): ResultRow[] };

async function lensesOf(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
    return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
}

async function hoverText(uri: vscode.Uri, line: number): Promise<string> {
    const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line, 12))) ?? [];
    return hovers
        .flatMap((h) => h.contents)
        .map((c) => (typeof c === 'string' ? c : c.value))
        .filter((text) => text.includes('Nango emulator'))
        .join('\n');
}

describe('results at the code', function () {
    let api: Api;
    let doc: vscode.TextDocument;
    let callLine: number;

    before(async function () {
        this.timeout(120_000);
        api = (await activateExtension()) as Api;
        doc = await vscode.workspace.openTextDocument(projectUri(HANDLER));
        await vscode.window.showTextDocument(doc);
        callLine = doc
            .getText()
            .split('\n')
            .findIndex((l) => l.includes("nango.get<GitHubUser>({ endpoint: '/user'"));
        assert.ok(callLine > 0, 'the example no longer calls nango.get for /user');
        const lens = (await lensesOf(doc.uri)).find((l) => l.command?.title === '▶ Dry run');
        assert.ok(lens?.command);
        const result = await runAcceptingFirstPick<{ ok: boolean; error: unknown } | undefined>(lens.command.command, ...(lens.command.arguments ?? []));
        assert.ok(result, 'the dry run returned no result');
        assert.equal(result.ok, true, JSON.stringify(result.error));
    });

    it("the nango.get line's hover shows method, URL, status, the account, the fixture that answered, the response body, and no credential", async function () {
        const text = await until(
            'a hover on the call line',
            () => hoverText(doc.uri, callLine),
            (t) => t.length > 0
        );
        assert.match(text, /\*\*GET\*\* `https:\/\/api\.github\.com\/user`/);
        assert.match(text, /status \*\*200\*\*/);
        assert.match(text, /account `octo-admin`/);
        assert.match(text, /answered by `[^`]*fixtures\.json integrations\.github\.responses\[\d+\]`/);
        assert.match(text, /response body \(secrets redacted\)/);
        assert.match(text, /"login": "octo-admin"/);
        assert.ok(!text.includes(TOKEN), 'the hover shows the account token');
        assert.equal(await hoverText(doc.uri, callLine + 16), '', 'a line that made no request has a results hover');
    });

    it('the lens line shows the outcome, and it opens the results view', async function () {
        const outcome = (await lensesOf(doc.uri)).find((l) => l.command?.command === 'nango.showResults');
        assert.ok(outcome?.command, 'no outcome lens after the run');
        assert.match(outcome.command.title, /^\$\(pass\) passed · active · \d+ ms$/);
        await vscode.commands.executeCommand(outcome.command.command, ...(outcome.command.arguments ?? []));
    });

    it('the results view: the outcome once, the provider request at its line, the logs, the metadata', function () {
        const rows = api.resultRows();
        assert.equal(rows[0]?.label, 'Dry run passed');
        assert.match(rows[0]?.description ?? '', /^github\/validate-scopes · active · \d+ ms$/);
        const requests = rows.find((r) => r.label === 'Provider requests');
        assert.deepEqual(
            requests?.children?.map((c) => [c.label, c.location?.line]),
            [['GET /user', callLine + 1]]
        );
        assert.match(requests?.children?.[0]?.description ?? '', /^200 · \d+ ms · octo-admin · validate-scopes\.ts:\d+$/);
        const logs = rows.find((r) => r.label === 'Logs');
        assert.ok(
            logs?.children?.some((l) => l.label === 'GitHub user octo-admin granted: repo, read:org'),
            JSON.stringify(logs)
        );
        assert.ok(rows.some((r) => r.label === 'Metadata'));
        assert.ok(!JSON.stringify(rows).includes(TOKEN), 'the results view shows the account token');
    });

    it('an edit of the file takes its results off the lines and marks the lens "edited since"', async function () {
        const editor = await vscode.window.showTextDocument(doc);
        try {
            await editor.edit((b) => b.insert(new vscode.Position(0, 0), '// moved\n'));
            assert.equal(await hoverText(doc.uri, callLine + 1), '');
            assert.equal(await hoverText(doc.uri, callLine), '');
            const outcome = (await lensesOf(doc.uri)).find((l) => l.command?.command === 'nango.showResults');
            assert.match(outcome?.command?.title ?? '', /\(file edited since\)$/);
            assert.match(api.resultRows()[0]?.description ?? '', /file edited since/);
        } finally {
            await vscode.commands.executeCommand('workbench.action.files.revert');
        }
    });

    it("the updateMetadata line's hover and the results view show the call with the keys it wrote, not their values", async function () {
        this.timeout(120_000);
        const seed = await vscode.workspace.openTextDocument(projectUri(SEED));
        await vscode.window.showTextDocument(seed);
        const line = seed
            .getText()
            .split('\n')
            .findIndex((l) => l.includes('await nango.updateMetadata({'));
        assert.ok(line > 0, 'the example no longer calls nango.updateMetadata');
        const lens = (await lensesOf(seed.uri)).find((l) => l.command?.title === '▶ Dry run');
        assert.ok(lens?.command);
        const result = await runAcceptingFirstPick<{ ok: boolean; error: unknown } | undefined>(lens.command.command, ...(lens.command.arguments ?? []));
        assert.equal(result?.ok, true, JSON.stringify(result?.error));
        const text = await until(
            'a hover on the updateMetadata line',
            () => hoverText(seed.uri, line),
            (t) => t.length > 0
        );
        assert.match(text, /\*\*updateMetadata\*\* `\{ login, accountId, defaultOrg \}`/);
        assert.ok(!text.includes('octo-admin'), 'the hover shows a metadata value');
        const calls = api.resultRows().find((r) => r.label === 'SDK calls');
        assert.deepEqual(
            calls?.children?.map((c) => [c.label, c.location?.line]),
            [['updateMetadata { login, accountId, defaultOrg }', line + 1]]
        );
    });
});
