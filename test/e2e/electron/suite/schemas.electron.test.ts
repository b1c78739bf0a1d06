// The JSON schemas the extension contributes (package.json contributes.jsonValidation → schemas/*.json)
// at work in VS Code's own JSON language service (the built-in json-language-features extension):
// problems on a fixtures.json edited in memory, and completion of the catalogue's provider keys and of
// an integration's fields, through the API a user's editor uses. Nothing is saved: every document is
// reverted at the end.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, extensionId, projectUri, until } from './util';

const JSON_EXTENSION = 'vscode.json-language-features';

/** Problems of the JSON language service (not the extension's own, source "nango"). */
const jsonDiagnostics = (uri: vscode.Uri): vscode.Diagnostic[] => vscode.languages.getDiagnostics(uri).filter((d) => d.source !== 'nango');

const labelOf = (item: vscode.CompletionItem): string => (typeof item.label === 'string' ? item.label : item.label.label);
/** A completion's label without the quotes JSON completions carry ("\"github\"" → "github"). */
const unquoted = (item: vscode.CompletionItem): string => labelOf(item).replace(/^"|"$/g, '');

async function completionsAt(uri: vscode.Uri, position: vscode.Position): Promise<string[]> {
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, position);
    return list.items.map(unquoted);
}

/** Opens `uri` in an editor; returns its document. */
async function open(uri: vscode.Uri): Promise<vscode.TextDocument> {
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: false });
    assert.equal(document.languageId, 'json', `${uri.fsPath} opens as ${document.languageId}`);
    return document;
}

/** Replaces the whole text of `document` in memory (no save). */
async function setText(document: vscode.TextDocument, text: string): Promise<void> {
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), text);
    assert.equal(await vscode.workspace.applyEdit(edit), true, 'the edit was not applied');
}

/** Where `needle` ends in `document` (the first occurrence after `after`, if given). */
function positionAfter(document: vscode.TextDocument, needle: string, after?: string): vscode.Position {
    const text = document.getText();
    const from = after === undefined ? 0 : text.indexOf(after);
    const at = text.indexOf(needle, Math.max(from, 0));
    assert.ok(at >= 0, `"${needle}" not found in ${document.uri.fsPath}`);
    return document.positionAt(at + needle.length);
}

async function revert(document: vscode.TextDocument): Promise<void> {
    await vscode.window.showTextDocument(document, { preview: false });
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await until(
        `${document.uri.fsPath} to be reverted`,
        () => document.isDirty,
        (dirty) => !dirty
    );
}

describe('JSON schemas of fixtures.json and scenario files', function () {
    this.timeout(120_000);
    const opened: vscode.TextDocument[] = [];

    before(async function () {
        await activateExtension();
        // The editor gets schemas from VS Code's built-in JSON language features: present in desktop VS Code
        // and in code-server alike (lib/vscode/extensions/json-language-features), even with --disable-extensions.
        const json = vscode.extensions.getExtension(JSON_EXTENSION);
        assert.ok(json, `${JSON_EXTENSION} (VS Code's built-in JSON language features) is not installed in this VS Code`);
        await json.activate();
    });

    after(async function () {
        for (const document of opened) if (document.isDirty) await revert(document);
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    it('the extension contributes a schema for fixtures.json and for scenario files', () => {
        const ext = vscode.extensions.getExtension(extensionId);
        assert.ok(ext, `${extensionId} is not installed`);
        const contributed = (ext.packageJSON as { contributes?: { jsonValidation?: { url: string }[] } }).contributes?.jsonValidation ?? [];
        assert.deepEqual(contributed.map((v) => v.url).sort(), ['./schemas/fixtures.schema.json', './schemas/scenarios.schema.json']);
    });

    it('an unknown field in fixtures.json, edited in memory, is a problem at that field', async () => {
        const uri = projectUri('.nango-emulator/fixtures.json');
        const document = await open(uri);
        opened.push(document);
        const original = document.getText();
        await setText(document, original.replace(/^\{/, '{\n    "integraitons": {},'));
        assert.ok(document.isDirty, 'the edit stays in memory');
        const diagnostics = await until(
            'a JSON schema problem at "integraitons"',
            () => jsonDiagnostics(uri),
            (ds) => ds.some((d) => d.range.start.line === 1),
            60_000
        );
        const problem = diagnostics.find((d) => d.range.start.line === 1)!;
        assert.match(problem.message, /integraitons.*not allowed|not allowed.*integraitons/i, problem.message);
        assert.equal(document.getText(problem.range), '"integraitons"');
        assert.equal(problem.severity, vscode.DiagnosticSeverity.Warning);

        // The file as the example has it has no JSON problem: the problem goes away with the field.
        await setText(document, original);
        await until(
            'the problems to go away',
            () => jsonDiagnostics(uri),
            (ds) => ds.length === 0,
            30_000
        );
    });

    it('"provider" offers the keys of Nango\'s catalogue, and an integration object offers its fields', async () => {
        const uri = projectUri('.nango-emulator/fixtures.json');
        const document = await open(uri);
        const original = document.getText();
        const edited = original
            .replace('"provider": "salesforce"', '"provider": ""')
            .replace('"integrations": {', '"integrations": {\n        "newapp": {  },');
        assert.notEqual(edited, original);
        await setText(document, edited);

        const inProvider = positionAfter(document, '"provider": "');
        const providers = await until(
            'catalogue keys offered inside "provider": ""',
            () => completionsAt(uri, inProvider),
            (labels) => labels.includes('github')
        );
        for (const key of ['salesforce', 'hubspot', 'slack'])
            assert.ok(providers.includes(key), `${key} is not offered: ${providers.slice(0, 20).join(', ')}…`);

        const inNewIntegration = positionAfter(document, '"newapp": { ');
        const fields = await until(
            'the fields of an integration offered inside a new integration object',
            () => completionsAt(uri, inNewIntegration),
            (labels) => labels.includes('provider')
        );
        for (const field of ['accounts', 'baseUrl', 'responses']) assert.ok(fields.includes(field), `${field} is not offered: ${fields.join(', ')}`);
        assert.ok(!fields.includes('integrations'), `top-level fields are offered inside an integration: ${fields.join(', ')}`);

        await revert(document);
        assert.equal(document.getText(), original);
    });

    it('a scenario file: a step offers the actions, and an unknown step field is a problem', async () => {
        const uri = projectUri('.nango-emulator/scenarios/github.json');
        const document = await open(uri);
        opened.push(document);
        const original = document.getText();
        assert.match(original, /"action": "connect"/);
        await setText(document, original.replace('"action": "connect"', '"action": "", "acount": "x"'));

        // The step has an "account": the language service offers the actions whose step takes one.
        const actions = await until(
            'the step actions offered inside "action": ""',
            () => completionsAt(uri, positionAfter(document, '"action": "')),
            (labels) => labels.includes('connect')
        );
        for (const action of ['reconnect', 'dryrun']) assert.ok(actions.includes(action), `${action} is not offered: ${actions.join(', ')}`);
        await until(
            'a JSON schema problem on the step',
            () => jsonDiagnostics(uri),
            (ds) => ds.length > 0,
            60_000
        );

        await revert(document);
        assert.equal(document.getText(), original);
    });

    it('what the emulator refuses in fixtures.json (an unknown account) is a problem at the field, and its quick fix fixes it', async () => {
        const uri = projectUri('.nango-emulator/fixtures.json');
        const document = await open(uri);
        opened.push(document);
        const original = document.getText();
        const at = original.indexOf('"globex"', original.indexOf('"sf-globex-stale"'));
        assert.ok(at > 0, 'the example has connection sf-globex-stale with account globex');
        await setText(document, original.slice(0, at) + '"globx"' + original.slice(at + '"globex"'.length));

        const nangoDiagnostics = (): vscode.Diagnostic[] => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'nango');
        const [problem] = await until("the emulator's problem at the connection's account", nangoDiagnostics, (ds) => ds.length === 1);
        assert.ok(problem);
        assert.equal(document.getText(problem.range), '"globx"');
        assert.equal(problem.severity, vscode.DiagnosticSeverity.Error);
        assert.match(problem.message, /unknown account "globx" of integration "salesforce": use one of "acme", "acme-ops", "globex"/);
        assert.deepEqual(jsonDiagnostics(uri), [], 'the JSON schema has nothing to say about it (no problem twice)');

        const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, problem.range);
        const titles = actions.map((a) => a.title);
        for (const account of ['acme', 'acme-ops', 'globex']) assert.ok(titles.includes(`Use account "${account}"`), titles.join(', '));
        const fix = actions.find((a) => a.title === 'Use account "globex"');
        assert.ok(fix?.edit);
        assert.equal(await vscode.workspace.applyEdit(fix.edit), true);
        assert.equal(document.getText(), original);
        await until('the problem to go away', nangoDiagnostics, (ds) => ds.length === 0);
        await revert(document);
    });
});
