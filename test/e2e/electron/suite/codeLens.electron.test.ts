// The code lenses above each createOnEvent(...) and what clicking one does (the lens's own command
// and arguments, answering its connection/account pick with the first item, as Enter would).
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, projectUri, runAcceptingFirstPick } from './util';

interface RunResult {
    ok: boolean;
    operation: string;
    event: string;
    integration: string;
    connectionId: string;
    account?: string;
    outcome: string;
    status: string;
    handlers: Array<{ name: string; ok: boolean }>;
    logs: Array<{ message: string }>;
    error: unknown;
}

// The code lens command needs the document open (as an editor showing lenses has it).
const lenses = async (rel: string): Promise<vscode.CodeLens[]> => {
    const doc = await vscode.workspace.openTextDocument(projectUri(rel));
    return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri)) ?? [];
};
const titles = async (rel: string): Promise<string[]> => (await lenses(rel)).map((l) => l.command?.title ?? '');

describe('code lenses per event', function () {
    before(async function () {
        await activateExtension();
    });

    const expected: Array<[string, string[]]> = [
        ['salesforce/on-events/validate-connection.ts', ['▶ First connect', '▶ Reconnect…', '▶ Dry run', 'Debug']],
        ['github/on-events/validate-scopes.ts', ['▶ First connect', '▶ Reconnect…', '▶ Dry run', 'Debug']],
        ['salesforce/on-events/post-connection-setup.ts', ['▶ Dry run', 'Debug']],
        ['github/on-events/seed-metadata.ts', ['▶ Dry run', 'Debug']],
        ['salesforce/on-events/pre-connection-cleanup.ts', ['▶ Dry run', '▶ Delete', 'Debug']],
        ['index.ts', []]
    ];
    for (const [rel, want] of expected) {
        it(`${rel}: ${want.length ? want.join(', ') : 'no lens'}`, async function () {
            assert.deepEqual(await titles(rel), want);
        });
    }

    it('all lenses of a handler sit on its createOnEvent( line', async function () {
        const doc = await vscode.workspace.openTextDocument(projectUri('salesforce/on-events/validate-connection.ts'));
        const lines = new Set((await lenses('salesforce/on-events/validate-connection.ts')).map((l) => l.range.start.line));
        assert.equal(lines.size, 1);
        assert.match(doc.lineAt([...lines][0]!).text, /createOnEvent\(/);
    });

    it('"▶ Dry run" on github/validate-scopes runs it in the emulator on the only GitHub connection', async function () {
        this.timeout(120_000);
        const lens = (await lenses('github/on-events/validate-scopes.ts')).find((l) => l.command?.title === '▶ Dry run');
        assert.ok(lens?.command);
        const result = await runAcceptingFirstPick<RunResult | undefined>(lens.command.command, ...(lens.command.arguments ?? []));
        assert.ok(result, 'the dry run returned no result (cancelled or failed before running)');
        assert.equal(result.ok, true, JSON.stringify(result.error));
        assert.equal(result.operation, 'dryrun');
        assert.equal(result.event, 'validate-connection');
        assert.equal(result.connectionId, 'gh-admin');
        assert.deepEqual(
            result.handlers.map((h) => [h.name, h.ok]),
            [['validate-scopes', true]]
        );
        assert.ok(
            result.logs.some((l) => l.message === 'GitHub user octo-admin granted: repo, read:org'),
            JSON.stringify(result.logs)
        );
    });

    it('"▶ First connect" creates a new connection with the first account and validates it', async function () {
        this.timeout(120_000);
        const lens = (await lenses('github/on-events/validate-scopes.ts')).find((l) => l.command?.title === '▶ First connect');
        assert.ok(lens?.command);
        const result = await runAcceptingFirstPick<RunResult | undefined>(lens.command.command, ...(lens.command.arguments ?? []));
        assert.ok(result, 'the first connect returned no result');
        assert.equal(result.ok, true, JSON.stringify(result.error));
        assert.equal(result.account, 'octo-admin');
        assert.equal(result.connectionId, 'github-octo-admin');
        assert.equal(result.status, 'active');
    });
});
