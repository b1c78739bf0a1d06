// The code lenses above each createOnEvent(...) and what clicking one does (the lens's own command
// and arguments, answering its connection/account pick with the first item, as Enter would).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, projectRoot, projectUri, repoRoot, runAcceptingFirstPick } from './util';

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

    it('the connection pick follows the emulator: connections deleted outside the editor since the last pick are not offered', async function () {
        this.timeout(120_000);
        const lens = (await lenses('github/on-events/validate-scopes.ts')).find((l) => l.command?.title === '▶ Dry run');
        assert.ok(lens?.command);
        // A dry run first: the next pick opens with the connections this one listed.
        assert.ok(await runAcceptingFirstPick<RunResult | undefined>(lens.command.command, ...(lens.command.arguments ?? [])));
        const stateFile = path.join(projectRoot(), '.nango-emulator', 'state.json');
        copyFileSync(stateFile, `${stateFile}.before-test`);
        const cli = (...args: string[]): string => {
            const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist/emulator/cli.js'), ...args, '--root', projectRoot(), '--json'], {
                encoding: 'utf8',
                env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }
            });
            assert.equal(r.status, 0, r.stderr + r.stdout);
            return r.stdout;
        };
        const warnings: string[] = [];
        const window = vscode.window as { showWarningMessage: (message: string, ...items: string[]) => Thenable<string | undefined> };
        const showWarningMessage = window.showWarningMessage;
        try {
            // In a terminal, say: every GitHub connection deleted.
            const { connections } = JSON.parse(cli('connections')) as { connections: Array<{ id: string; integration: string; status: string }> };
            const github = connections.filter((c) => c.integration === 'github' && c.status !== 'deleted').map((c) => c.id);
            assert.ok(github.length >= 1, JSON.stringify(connections));
            for (const id of github) cli('delete', 'github', '--connection', id);
            window.showWarningMessage = (message: string) => {
                warnings.push(message);
                return Promise.resolve(undefined);
            };
            const result = await vscode.commands.executeCommand<RunResult | undefined>(lens.command.command, ...(lens.command.arguments ?? []));
            assert.equal(result, undefined);
            assert.deepEqual(warnings, ['No emulated github connection yet. Run a first connect, or add one under "connections" in the fixtures.']);
        } finally {
            window.showWarningMessage = showWarningMessage;
            renameSync(`${stateFile}.before-test`, stateFile);
        }
    });
});
