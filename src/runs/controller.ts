// Dry run / first connect / reconnect / delete / debug a handler in the emulator, from a code lens, the
// palette or the Emulator view: pick the connection (and account), send the operation to the folder's
// emulator server (the one way to the emulator, client.ts) with progress and cancellation, show the
// result in the "Nango Emulator" output channel, and notify on failure.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EmulatorOperation, OperationResult, RunOperation } from '../../emulator/core/operation';
import type { RunResult } from '../../emulator/core/result';
import type { ConnectionRecord } from '../../emulator/state/state';
import { loadCore } from '../loadCore';
import type { NangoProjects } from '../projects';
import type { HandlerInfo } from '../workspace';
import type { EmulatorClient, IntegrationSummary } from './client';
import { attachConfiguration, freePort, whileDebugging } from './debug';
import { verdictOf } from './verdict';
import { accountItems, connectionItems, freshConnectionId, LENS_TITLES, operationFor, type DryRunKind, type DryRunRequest, type PickItem } from './plan';

const LAST_CONNECTION = 'nango.lastConnection';
/** A pick closed because the emulator's current answer left nothing to pick (e.g. the connections were deleted meanwhile). */
const EMPTIED = Symbol('emptied');
const LAST_ACCOUNT = 'nango.lastAccount';

/**
 * When a lens run's steps happened (performance.now() in the extension host), for the "timing:" line
 * the e2e benchmark reads (test/e2e/editor-timings.bench.ts, npm run bench).
 */
interface RunTimes {
    clicked: number;
    pickShown?: number;
}

/** What the folder's emulator lists for the quick picks: its connections, and the fixtures' integrations and accounts. */
interface PickLists {
    connections: ConnectionRecord[];
    fixturesFile: string;
    integrations: IntegrationSummary[];
}

export class DryRunController implements vscode.Disposable {
    private readonly didRun = new vscode.EventEmitter<{ root: string; result: OperationResult }>();
    /** No run got a result yet in this session (its server's worker starts on the first). */
    private firstRun = true;
    /** What each folder's emulator listed last (asked ahead, or by the last click): a quick pick opens with it at once. */
    private readonly listed = new Map<string, PickLists>();
    /** Fires after every run that produced a result (the emulator view refreshes on it). */
    readonly onDidRun = this.didRun.event;

    constructor(
        private readonly context: vscode.ExtensionContext,
        private readonly projects: NangoProjects,
        private readonly output: vscode.LogOutputChannel,
        private readonly client: EmulatorClient
    ) {}

    dispose(): void {
        this.didRun.dispose();
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

    /**
     * Starts the folder's emulator server (and asks it what the quick pick lists) as soon as one of its
     * event functions is shown in a trusted workspace, once the model is read: the first click's quick
     * pick then opens at once with that answer instead of waiting for the server's start (650 to 1,100 ms
     * in the editor bench, README "Performance"). No user code runs here. A failure here is reported by
     * the click, which starts the server again.
     */
    startServersAhead(ready: Promise<void>): vscode.Disposable {
        const ahead = (editor: vscode.TextEditor | undefined): void => {
            const found = editor && vscode.workspace.isTrusted ? this.handler(editor.document.uri.fsPath) : undefined;
            if (!found?.handler.createOnEventRange) return;
            void this.lists(found.root).catch(() => undefined);
        };
        let disposed = false;
        void ready.then(() => disposed || ahead(vscode.window.activeTextEditor)).catch(() => undefined);
        const subscriptions = [
            vscode.window.onDidChangeActiveTextEditor(ahead),
            vscode.workspace.onDidGrantWorkspaceTrust(() => ahead(vscode.window.activeTextEditor))
        ];
        return new vscode.Disposable(() => {
            disposed = true;
            for (const s of subscriptions) s.dispose();
        });
    }

    private handler(file: string): { handler: HandlerInfo; root: string } | undefined {
        const model = this.projects.modelFor(file);
        const handler = model?.handler(file);
        return model && handler ? { handler, root: model.root } : undefined;
    }

    /** Asks the folder's emulator what the quick picks list, and keeps the answer for the next click. */
    private async lists(root: string): Promise<PickLists> {
        const [connections, fixtures] = await Promise.all([this.client.connections(root), this.client.integrations(root)]);
        const lists = { connections, ...fixtures };
        this.listed.set(root, lists);
        return lists;
    }

    /**
     * A quick pick of `items`. `refreshed`: the items from the emulator's current answer, when `items` come
     * from an earlier one; they replace them in place (the active item kept) if they differ, and close the
     * pick (EMPTIED) if there are none.
     */
    private pick(items: PickItem[], title: string, placeHolder: string, times?: RunTimes): Promise<string | undefined>;
    private pick(
        items: PickItem[],
        title: string,
        placeHolder: string,
        times: RunTimes | undefined,
        refreshed: Promise<PickItem[] | undefined> | undefined
    ): Promise<string | typeof EMPTIED | undefined>;
    private async pick(
        items: PickItem[],
        title: string,
        placeHolder: string,
        times?: RunTimes,
        refreshed?: Promise<PickItem[] | undefined>
    ): Promise<string | typeof EMPTIED | undefined> {
        if (times) times.pickShown ??= performance.now();
        const quickPick = vscode.window.createQuickPick<PickItem>();
        quickPick.title = title;
        quickPick.placeholder = placeHolder;
        quickPick.matchOnDescription = true;
        quickPick.matchOnDetail = true;
        quickPick.ignoreFocusOut = true;
        quickPick.items = items;
        let open = true;
        let emptied = false;
        if (refreshed) {
            quickPick.busy = true;
            void refreshed.then((next) => {
                if (!open) return;
                quickPick.busy = false;
                if (!next || JSON.stringify(next) === JSON.stringify(items)) return;
                if (!next.length) {
                    emptied = true;
                    quickPick.hide();
                    return;
                }
                const active = quickPick.activeItems[0]?.id;
                quickPick.items = next;
                const stillThere = next.find((i) => i.id === active);
                if (stillThere) quickPick.activeItems = [stillThere];
            });
        }
        const picked = await new Promise<string | typeof EMPTIED | undefined>((resolve) => {
            quickPick.onDidAccept(() => {
                resolve(quickPick.selectedItems[0]?.id ?? quickPick.activeItems[0]?.id);
                quickPick.hide();
            });
            quickPick.onDidHide(() => resolve(emptied ? EMPTIED : undefined));
            quickPick.show();
        });
        open = false;
        quickPick.dispose();
        return picked;
    }

    /** Asks for what the run needs; undefined when the user cancelled or nothing fits. */
    private async buildRequest(kind: DryRunKind, handler: HandlerInfo, root: string, times?: RunTimes): Promise<DryRunRequest | undefined> {
        // The pick opens at once with what the emulator listed before this click, when that holds what it
        // needs, and takes the current answer when it comes: the click does not wait for two requests.
        const known = this.listed.get(root);
        const fresh = this.lists(root);
        const answer = async (): Promise<PickLists | undefined> => {
            try {
                return await fresh;
            } catch (err) {
                this.reportProblem((err as Error).message);
                return undefined;
            }
        };
        const state = this.context.workspaceState;
        const lastConnection = state.get<string>(`${LAST_CONNECTION}:${handler.integration}`);
        const lastAccount = state.get<string>(`${LAST_ACCOUNT}:${handler.integration}`);
        const firstItems = (lists: PickLists): PickItem[] =>
            kind === 'first-connect'
                ? accountItems(this.accountsOf(lists.integrations, handler.integration, lists.fixturesFile), undefined, lastAccount)
                : connectionItems(lists.connections, handler.integration, lastConnection);
        const knownItems = known && known.integrations.some((i) => i.id === handler.integration) ? firstItems(known) : [];
        let lists = knownItems.length ? known : await answer();
        if (!lists) return undefined;
        const accountsIn = (from: PickLists): Record<string, { description?: string }> | undefined => {
            try {
                return this.accountsOf(from.integrations, handler.integration, from.fixturesFile);
            } catch (err) {
                this.reportProblem((err as Error).message);
                return undefined;
            }
        };
        const accounts = accountsIn(lists);
        if (!accounts) return undefined;
        const refreshed = lists === known ? fresh.then(firstItems).catch(() => undefined) : undefined;
        /** After the first pick, what follows works from the emulator's current answer. */
        const settle = async (): Promise<boolean> => {
            if (lists !== known) return true;
            lists = await answer();
            return lists !== undefined;
        };
        const base = { kind, root, handlerFile: handler.file, integration: handler.integration };
        const title = `${LENS_TITLES[kind].replace('▶ ', '').replace('…', '')}: ${handler.integration}/${handler.name}`;

        let connectionId: string | undefined;
        let account: string | undefined;
        if (kind === 'first-connect') {
            const picked = await this.pick(accountItems(accounts, undefined, lastAccount), title, 'Connect which provider account?', times, refreshed);
            // Asked again from the current answer, which says why there is nothing to pick.
            if (picked === EMPTIED) return this.buildRequest(kind, handler, root, times);
            account = picked;
            if (!account || !(await settle()) || !lists) return undefined;
            connectionId = freshConnectionId(handler.integration, account, new Set(lists.connections.filter((c) => c.status !== 'deleted').map((c) => c.id)));
        } else {
            const connections = lists.connections;
            const fixturesFile = lists.fixturesFile;
            const items = connectionItems(connections, handler.integration, lastConnection);
            if (!items.length) {
                const choice = await vscode.window.showWarningMessage(
                    `No emulated ${handler.integration} connection yet. Run a first connect, or add one under "connections" in the fixtures.`,
                    'First connect',
                    'Open fixtures'
                );
                if (choice === 'First connect') return this.buildRequest('first-connect', handler, root, times);
                if (choice === 'Open fixtures') await vscode.window.showTextDocument(vscode.Uri.file(fixturesFile));
                return undefined;
            }
            const picked = await this.pick(items, title, 'Run against which emulated connection?', times, refreshed);
            if (picked === EMPTIED) return this.buildRequest(kind, handler, root, times);
            connectionId = picked;
            if (!connectionId || !(await settle()) || !lists) return undefined;
            if (kind === 'reconnect') {
                const current = lists.connections.find((c) => c.id === connectionId)?.account;
                const accountsNow = accountsIn(lists);
                if (!accountsNow) return undefined;
                account = await this.pick(
                    accountItems(accountsNow, current, lastAccount),
                    title,
                    `Reconnect ${connectionId} as which provider account? (another one simulates an account switch)`,
                    times
                );
                if (!account) return undefined;
            }
        }
        await state.update(`${LAST_CONNECTION}:${handler.integration}`, connectionId);
        if (account) await state.update(`${LAST_ACCOUNT}:${handler.integration}`, account);
        return { ...base, connectionId, ...(account ? { account } : {}) };
    }

    private accountsOf(integrations: readonly IntegrationSummary[], id: string, fixturesFile: string): Record<string, { description?: string }> {
        const integration = integrations.find((i) => i.id === id);
        if (!integration) {
            throw new Error(
                `${fixturesFile}: no integration "${id}" under "integrations". Add it with its provider and accounts (see the README's "Fixtures" section).`
            );
        }
        return Object.fromEntries(integration.accounts.map((a) => [a.id, a]));
    }

    private trusted(what: string): boolean {
        if (vscode.workspace.isTrusted) return true;
        void vscode.window
            .showWarningMessage(`${what} execute your event function code, so they are off until you trust this workspace.`, 'Manage Workspace Trust')
            .then((c) => c && vscode.commands.executeCommand('workbench.trust.manage'));
        return false;
    }

    async run(file: string, kind: DryRunKind): Promise<RunResult | undefined> {
        const times: RunTimes = { clicked: performance.now() };
        if (!this.trusted('Dry runs')) return undefined;
        const found = this.handler(file);
        if (!found) return undefined;
        const request = await this.buildRequest(kind, found.handler, found.root, times);
        if (!request) return undefined;
        const picked = performance.now();
        const first = this.firstRun;
        const label = this.label(request, found.handler);
        const result = await this.runOperation(found.root, operationFor(request), label);
        if (result && times.pickShown !== undefined) {
            const ms = (x: number): string => x.toFixed(1);
            this.output.info(
                `timing: ${label}: quick pick shown ${ms(times.pickShown - times.clicked)} ms after the click, result ${ms(performance.now() - picked)} ms after the pick (${first ? 'first run of this session' : 'warm'})`
            );
        }
        return result;
    }

    private label(request: DryRunRequest, handler: HandlerInfo): string {
        return `${LENS_TITLES[request.kind].replace('▶ ', '')} ${handler.integration}/${handler.name} on ${request.connectionId}${request.account ? ` as ${request.account}` : ''}`;
    }

    /** Sends an operation to the folder's emulator with progress and cancellation, then shows and announces the result. */
    async runOperation(root: string, op: RunOperation, label: string, inspectPort?: number, debugSignal?: AbortSignal): Promise<RunResult | undefined>;
    async runOperation(
        root: string,
        op: EmulatorOperation,
        label: string,
        inspectPort?: number,
        debugSignal?: AbortSignal
    ): Promise<OperationResult | undefined>;
    async runOperation(
        root: string,
        op: EmulatorOperation,
        label: string,
        inspectPort?: number,
        debugSignal?: AbortSignal
    ): Promise<OperationResult | undefined> {
        if (!this.trusted('Emulator runs')) return undefined;
        return vscode.window.withProgress(
            { location: vscode.ProgressLocation.Notification, title: `Nango emulator: ${label}`, cancellable: true },
            async (_progress, token) => {
                const abort = new AbortController();
                const cancel = token.onCancellationRequested(() => abort.abort());
                const onDebugEnd = (): void => abort.abort();
                debugSignal?.addEventListener('abort', onDebugEnd, { once: true });
                try {
                    const outcome = await this.client.run(root, op, { signal: abort.signal, ...(inspectPort === undefined ? {} : { inspectPort }) });
                    if (outcome.kind === 'cancelled') {
                        this.output.warn(`${label}: cancelled`);
                        return undefined;
                    }
                    if (outcome.kind === 'failure') {
                        this.reportProblem(outcome.error.message);
                        return undefined;
                    }
                    const result = outcome.result;
                    if (result.operation === 'reset') {
                        this.output.info(`Emulator state of ${root} reset from ${result.fixturesFile} (${result.connections} connections)`);
                    } else {
                        this.show(result);
                    }
                    this.firstRun = false;
                    this.didRun.fire({ root, result });
                    return result;
                } finally {
                    cancel.dispose();
                    debugSignal?.removeEventListener('abort', onDebugEnd);
                }
            }
        );
    }

    /** Lifecycle runs of a whole integration (every handler of the event), from the emulator view. */
    lifecycle(root: string, op: RunOperation & { operation: 'connect' | 'reconnect' | 'delete' }): Promise<RunResult | undefined> {
        return this.runOperation(root, op, `${op.operation} ${op.integration}/${op.connectionId}${'account' in op ? ` as ${op.account}` : ''}`);
    }

    /** Back to the fixtures' connections: one folder, or every folder of the workspace. */
    async reset(onlyRoot?: string): Promise<void> {
        for (const model of this.projects.all().filter((m) => !onlyRoot || m.root === onlyRoot)) {
            if (!(await this.runOperation(model.root, { operation: 'reset' }, `reset ${path.basename(model.root)}`))) return;
        }
        void vscode.window.showInformationMessage('Nango emulator reset to the fixtures.');
    }

    /** The account pick the lenses use, for the view's connect and reconnect actions. */
    async pickAccount(root: string, integration: string, current: string | undefined, title: string): Promise<string | undefined> {
        let accounts: Record<string, { description?: string }>;
        try {
            const fixtures = await this.client.integrations(root);
            accounts = this.accountsOf(fixtures.integrations, integration, fixtures.fixturesFile);
        } catch (err) {
            this.reportProblem((err as Error).message);
            return undefined;
        }
        const lastAccount = this.context.workspaceState.get<string>(`${LAST_ACCOUNT}:${integration}`);
        const account = await this.pick(accountItems(accounts, current, lastAccount), title, 'Which provider account?');
        if (account) await this.context.workspaceState.update(`${LAST_ACCOUNT}:${integration}`, account);
        return account;
    }

    /** The same dry run, with the debugger attached to the worker that runs the handler. */
    async debug(file: string): Promise<RunResult | undefined> {
        if (!this.trusted('Debug runs')) return undefined;
        const found = this.handler(file);
        if (!found) return undefined;
        const request = await this.buildRequest('dryrun', found.handler, found.root);
        if (!request) return undefined;
        const port = await freePort();
        const name = `Nango: debug ${found.handler.integration}/${found.handler.name}`;
        const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(found.root));
        return whileDebugging(folder, attachConfiguration(name, port, this.emulatorDir), (signal) =>
            this.runOperation(found.root, operationFor(request), `Debug ${this.label(request, found.handler)}`, port, signal)
        );
    }

    /** Where the emulator's own code is (the debugger steps over it). */
    get emulatorDir(): string {
        return this.context.asAbsolutePath(path.join('dist', 'emulator'));
    }

    /** The result in the output channel, and one notification: information, warning for a rejection, error for a failure. */
    show(result: RunResult): void {
        this.output.info(`\n${loadCore().formatResult(result, { color: false, bodies: true })}`);
        const verdict = verdictOf(result);
        const location = result.error?.location;
        const actions = ['Show output', ...(location ? ['Go to error'] : [])];
        const notify =
            verdict.kind === 'passed'
                ? vscode.window.showInformationMessage
                : verdict.kind === 'rejected'
                  ? vscode.window.showWarningMessage
                  : vscode.window.showErrorMessage;
        void notify(verdict.message, ...actions).then((choice) => {
            if (choice === 'Show output') this.output.show(true);
            if (choice === 'Go to error' && location) {
                const { file, line, column } = location;
                void vscode.window.showTextDocument(vscode.Uri.file(file), { selection: new vscode.Range(line - 1, column - 1, line - 1, column - 1) });
            }
        });
        if (verdict.kind === 'passed') this.output.show(true);
    }

    private reportProblem(message: string): void {
        this.output.error(message);
        void vscode.window.showErrorMessage(message.split('\n')[0] ?? message, 'Show output').then((c) => c && this.output.show(true));
    }
}
