// Dry run / first connect / reconnect / delete a handler in the emulator, from a code lens or the
// palette: pick the connection (and account), run the CLI with progress and cancellation, show the
// result in the "Nango Emulator" output channel, and notify on failure.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { emulatorTimeoutMs } from '../settings';
import type { RunResult } from '../../emulator/result';
import { runEmulatorCli } from '../emulatorProcess';
import { loadCore } from '../loadCore';
import { DEBUG_TIMEOUT_MS, emulatorDebugConfig } from '../debugConfig';
import { EmulatorServers } from '../emulatorServer';
import {
    accountItems,
    cliArgs,
    connectionItems,
    emulatorArgs,
    freshConnectionId,
    LENS_TITLES,
    operationFor,
    type DryRunKind,
    type DryRunRequest,
    type EmulatorOperation,
    type PickItem
} from '../plans/dryRun';
import type { NangoProjects } from '../projects';
import type { HandlerInfo } from '../workspace';

const LAST_CONNECTION = 'nango.lastConnection';
const LAST_ACCOUNT = 'nango.lastAccount';

export class DryRunController {
    private readonly didRun = new vscode.EventEmitter<{ root: string; result: RunResult }>();
    /** Fires after every run that produced a result (the emulator view refreshes on it). */
    readonly onDidRun = this.didRun.event;

    private readonly servers: EmulatorServers;

    constructor(
        private readonly context: vscode.ExtensionContext,
        private readonly projects: NangoProjects,
        private readonly output: vscode.LogOutputChannel
    ) {
        this.servers = new EmulatorServers(this.cliPath, (m) => this.output.info(m));
        context.subscriptions.push(this.servers);
    }

    private get cliPath(): string {
        return this.context.asAbsolutePath(path.join('dist', 'emulator', 'cli.js'));
    }

    private timeoutMs(root: string): number {
        return emulatorTimeoutMs(root);
    }

    /** From the palette: pick a handler of the workspace first (the active editor's, if it is one). */
    async pickHandlerAndRun(): Promise<void> {
        const active = vscode.window.activeTextEditor?.document.uri.fsPath;
        const activeHandler = active ? this.projects.modelFor(active)?.handler(active) : undefined;
        if (activeHandler?.createOnEventRange) return void (await this.run(activeHandler.file, 'dryrun'));
        const handlers = this.projects.all().flatMap((m) => m.handlers().filter((h) => h.createOnEventRange));
        if (!handlers.length) {
            void vscode.window.showInformationMessage('No event functions found. Create one with "Nango: New Event Function…".');
            return;
        }
        const picked = await vscode.window.showQuickPick(
            handlers.map((h) => ({ label: `${h.integration}/${h.name}`, description: h.event, detail: h.description, handler: h })),
            { title: 'Dry run which event function?', matchOnDescription: true }
        );
        if (picked) await this.run(picked.handler.file, 'dryrun');
    }

    private handler(file: string): { handler: HandlerInfo; root: string } | undefined {
        const model = this.projects.modelFor(file);
        const handler = model?.handler(file);
        return model && handler ? { handler, root: model.root } : undefined;
    }

    private async pick(items: PickItem[], title: string, placeHolder: string): Promise<string | undefined> {
        const picked = await vscode.window.showQuickPick(
            items.map((i) => ({ ...i })),
            { title, placeHolder, matchOnDescription: true, matchOnDetail: true, ignoreFocusOut: true }
        );
        return picked?.id;
    }

    /** Asks for what the run needs; undefined when the user cancelled or nothing fits. */
    private async buildRequest(kind: DryRunKind, handler: HandlerInfo, root: string): Promise<DryRunRequest | undefined> {
        const { Emulator, loadFixtures } = loadCore();
        const emulator = new Emulator(root);
        let connections;
        let accounts: Record<string, { description?: string | undefined }>;
        try {
            connections = emulator.connections();
            const integration = loadFixtures(root).integrations[handler.integration];
            if (!integration)
                throw new Error(
                    `${emulator.fixturesFile}: no integration "${handler.integration}" under "integrations". Add it with its provider and accounts (see the README's "Fixtures" section).`
                );
            accounts = integration.accounts;
        } catch (err) {
            this.reportProblem((err as Error).message);
            return undefined;
        } finally {
            emulator.dispose();
        }
        const state = this.context.workspaceState;
        const lastConnection = state.get<string>(`${LAST_CONNECTION}:${handler.integration}`);
        const lastAccount = state.get<string>(`${LAST_ACCOUNT}:${handler.integration}`);
        const base = { kind, root, handlerFile: handler.file, integration: handler.integration, timeoutMs: this.timeoutMs(root) };
        const title = `${LENS_TITLES[kind].replace('▶ ', '').replace('…', '')}: ${handler.integration}/${handler.name}`;

        let connectionId: string | undefined;
        let account: string | undefined;
        if (kind === 'first-connect') {
            account = await this.pick(accountItems(accounts, undefined, lastAccount), title, 'Connect which provider account?');
            if (!account) return undefined;
            connectionId = freshConnectionId(handler.integration, account, new Set(connections.filter((c) => c.status !== 'deleted').map((c) => c.id)));
        } else {
            const items = connectionItems(connections, handler.integration, lastConnection);
            if (!items.length) {
                const choice = await vscode.window.showWarningMessage(
                    `No emulated ${handler.integration} connection yet. Run a first connect, or add one under "connections" in the fixtures.`,
                    'First connect',
                    'Open fixtures'
                );
                if (choice === 'First connect') return this.buildRequest('first-connect', handler, root);
                if (choice === 'Open fixtures') await vscode.window.showTextDocument(vscode.Uri.file(emulator.fixturesFile));
                return undefined;
            }
            connectionId = await this.pick(items, title, 'Run against which emulated connection?');
            if (!connectionId) return undefined;
            if (kind === 'reconnect') {
                const current = connections.find((c) => c.id === connectionId)?.account;
                account = await this.pick(
                    accountItems(accounts, current, lastAccount),
                    title,
                    `Reconnect ${connectionId} as which provider account? (another one simulates an account switch)`
                );
                if (!account) return undefined;
            }
        }
        await state.update(`${LAST_CONNECTION}:${handler.integration}`, connectionId);
        if (account) await state.update(`${LAST_ACCOUNT}:${handler.integration}`, account);
        return { ...base, connectionId, ...(account ? { account } : {}) };
    }

    async run(file: string, kind: DryRunKind): Promise<RunResult | undefined> {
        if (!vscode.workspace.isTrusted) {
            void vscode.window
                .showWarningMessage('Dry runs execute your event function code, so they are off until you trust this workspace.', 'Manage Workspace Trust')
                .then((c) => c && vscode.commands.executeCommand('workbench.trust.manage'));
            return undefined;
        }
        const found = this.handler(file);
        if (!found) return undefined;
        const request = await this.buildRequest(kind, found.handler, found.root);
        if (!request) return undefined;
        const label = `${LENS_TITLES[kind].replace('▶ ', '')} ${found.handler.integration}/${found.handler.name} on ${request.connectionId}${request.account ? ` as ${request.account}` : ''}`;
        return this.runOperation(found.root, operationFor(request), label);
    }

    /**
     * Runs an operation with progress and cancellation, on the folder's warm emulator server (or, if
     * that cannot be used, by spawning the CLI), then shows and announces the result.
     */
    async runOperation(root: string, op: EmulatorOperation, label: string): Promise<RunResult | undefined> {
        if (!vscode.workspace.isTrusted) {
            void vscode.window
                .showWarningMessage('Emulator runs execute your event function code, so they are off until you trust this workspace.', 'Manage Workspace Trust')
                .then((c) => c && vscode.commands.executeCommand('workbench.trust.manage'));
            return undefined;
        }
        return vscode.window.withProgress(
            { location: vscode.ProgressLocation.Notification, title: `Nango emulator: ${label}`, cancellable: true },
            async (_progress, token) => {
                const abort = new AbortController();
                token.onCancellationRequested(() => abort.abort());
                const timeoutMs = this.timeoutMs(root);
                const outcome =
                    (await this.servers.run(root, op, timeoutMs, abort.signal)) ??
                    (await runEmulatorCli({ cliPath: this.cliPath, args: cliArgs(op, root, timeoutMs), cwd: root, signal: abort.signal }));
                if (outcome.kind === 'cancelled') {
                    this.output.warn(`${label}: cancelled`);
                    return undefined;
                }
                if (outcome.kind === 'failure') {
                    this.reportProblem(outcome.failure.error.message);
                    return undefined;
                }
                this.show(outcome.result);
                this.didRun.fire({ root, result: outcome.result });
                return outcome.result;
            }
        );
    }

    /** Lifecycle runs of a whole integration (every handler of the event), from the emulator view. */
    lifecycle(root: string, op: EmulatorOperation & { operation: 'connect' | 'reconnect' | 'delete' }): Promise<RunResult | undefined> {
        return this.runOperation(root, op, `${op.operation} ${op.integration}/${op.connectionId}${'account' in op ? ` as ${op.account}` : ''}`);
    }

    /** The account pick the lenses use, for the view's connect and reconnect actions. */
    async pickAccount(root: string, integration: string, current: string | undefined, title: string): Promise<string | undefined> {
        let accounts: Record<string, { description?: string | undefined }>;
        try {
            const found = loadCore().loadFixtures(root).integrations[integration];
            if (!found) throw new Error(`no integration "${integration}" in the fixtures of ${root}`);
            accounts = found.accounts;
        } catch (err) {
            this.reportProblem((err as Error).message);
            return undefined;
        }
        const lastAccount = this.context.workspaceState.get<string>(`${LAST_ACCOUNT}:${integration}`);
        const account = await this.pick(accountItems(accounts, current, lastAccount), title, 'Which provider account?');
        if (account) await this.context.workspaceState.update(`${LAST_ACCOUNT}:${integration}`, account);
        return account;
    }

    /** Runs the same dry run with the Node inspector attached (js-debug follows the CLI into its worker). */
    async debug(file: string): Promise<void> {
        if (!vscode.workspace.isTrusted) return void (await this.run(file, 'dryrun'));
        const found = this.handler(file);
        if (!found) return;
        const request = await this.buildRequest('dryrun', found.handler, found.root);
        if (!request) return;
        const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(found.root));
        const args = emulatorArgs({ ...request, timeoutMs: DEBUG_TIMEOUT_MS }).filter((a) => a !== '--json');
        await vscode.debug.startDebugging(
            folder,
            emulatorDebugConfig(`Nango: debug ${found.handler.integration}/${found.handler.name}`, this.cliPath, args, found.root)
        );
    }

    show(result: RunResult): void {
        this.output.info(`\n${loadCore().formatResult(result, { color: false, bodies: true })}`);
        if (!result.ok) {
            const message = result.error ? `${result.error.handler}: ${result.error.type}: ${result.error.message}` : `${result.operation} failed`;
            void vscode.window
                .showErrorMessage(`Nango dry run failed (${result.status}). ${message}`, 'Show output', ...(result.error?.location ? ['Go to error'] : []))
                .then((choice) => {
                    if (choice === 'Show output') this.output.show(true);
                    if (choice === 'Go to error' && result.error?.location) {
                        const { file, line, column } = result.error.location;
                        void vscode.window.showTextDocument(vscode.Uri.file(file), { selection: new vscode.Range(line - 1, column - 1, line - 1, column - 1) });
                    }
                });
        } else {
            this.output.show(true);
        }
    }

    private reportProblem(message: string): void {
        this.output.error(message);
        void vscode.window.showErrorMessage(message.split('\n')[0]!, 'Show output').then((c) => c && this.output.show(true));
    }
}
