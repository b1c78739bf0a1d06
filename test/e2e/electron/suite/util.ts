// Helpers of the extension-host suite (bundled into each *.electron.test.js; not a test file).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';

interface Manifest {
    publisher: string;
    name: string;
    contributes?: { commands?: Array<{ command: string }> };
}

export const repoRoot = process.env.NANGO_E2E_REPO_ROOT ?? path.resolve(__dirname, '..', '..');
export const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Manifest;
export const extensionId = `${manifest.publisher}.${manifest.name}`;

/** The nango-integrations folder of the workspace ../workspace.ts made. */
export function projectRoot(): string {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.env.NANGO_E2E_WORKSPACE;
    if (!folder) throw new Error('no workspace folder is open');
    return path.join(folder, 'nango-integrations');
}

export function projectUri(relative: string): vscode.Uri {
    return vscode.Uri.file(path.join(projectRoot(), relative));
}

/** What activate() returns (src/extension.ts NangoExtensionApi), as far as the suite needs it. */
export interface ExtensionApi {
    ready: Promise<void>;
    projects: { all(): ReadonlyArray<{ root: string }> };
    /** The Nango Emulator view's data, as the view shows it. */
    emulatorView: vscode.TreeDataProvider<unknown>;
    /** The Testing view's scenarios. */
    scenarioTests: vscode.TestController;
}

/** Activates the extension and waits until its workspace model is built. */
export async function activateExtension(): Promise<ExtensionApi> {
    const ext = vscode.extensions.getExtension<ExtensionApi>(extensionId);
    if (!ext) throw new Error(`${extensionId} is not installed`);
    const api = await ext.activate();
    await api.ready;
    return api;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `get` until `ok` holds for its value (returned); throws with the last value after `timeoutMs`. */
export async function until<T>(what: string, get: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
        const v = await get();
        if (ok(v)) return v;
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(v)}`);
        await sleep(100);
    }
}

/**
 * Runs a command that asks with showQuickPick (one or more times) and answers every pick with its
 * first (preselected) item, as a user pressing Enter would; resolves with the command's result.
 */
export async function runAcceptingFirstPick<T>(command: string, ...args: unknown[]): Promise<T> {
    let settled = false;
    const run = Promise.resolve(vscode.commands.executeCommand<T>(command, ...args)).finally(() => (settled = true));
    const end = Date.now() + 60_000;
    while (!settled && Date.now() < end) {
        await sleep(300);
        if (!settled) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    }
    return run;
}

/**
 * Starts a command that asks with showQuickPick and answers each pick with its first (preselected)
 * item, as Enter would, until `stopAnswering()` holds or the command settles (for a command that goes
 * on after its picks, e.g. a debug run waiting at a breakpoint). Resolves with the command's result.
 */
export function startAcceptingFirstPicks<T>(stopAnswering: () => boolean, command: string, ...args: unknown[]): Promise<T> {
    let settled = false;
    const run = Promise.resolve(vscode.commands.executeCommand<T>(command, ...args)).finally(() => (settled = true));
    void (async () => {
        const end = Date.now() + 60_000;
        while (!settled && !stopAnswering() && Date.now() < end) {
            await sleep(300);
            if (!settled && !stopAnswering()) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        }
    })();
    return run;
}

/** A Debug Adapter Protocol message (request, response or event) as a tracker sees it. */
export interface DapMessage {
    type: string;
    seq?: number;
    command?: string;
    event?: string;
    success?: boolean;
    body?: Record<string, unknown> | undefined;
}

export interface RecordedDapMessage {
    session: vscode.DebugSession;
    /** `toAdapter`: VS Code's request; `fromAdapter`: the adapter's response or event. */
    direction: 'toAdapter' | 'fromAdapter';
    message: DapMessage;
}

/** Records every DAP message of every debug session (all types), and which sessions are running, until disposed. */
export function recordDebugAdapterMessages(): vscode.Disposable & { messages: RecordedDapMessage[]; live: Set<vscode.DebugSession> } {
    const messages: RecordedDapMessage[] = [];
    const live = new Set<vscode.DebugSession>();
    const subscriptions = [
        vscode.debug.registerDebugAdapterTrackerFactory('*', {
            createDebugAdapterTracker: (session) => {
                live.add(session);
                return {
                    onWillReceiveMessage: (message: DapMessage) => messages.push({ session, direction: 'toAdapter', message }),
                    onDidSendMessage: (message: DapMessage) => messages.push({ session, direction: 'fromAdapter', message })
                };
            }
        }),
        vscode.debug.onDidTerminateDebugSession((session) => live.delete(session))
    ];
    return { messages, live, dispose: () => subscriptions.forEach((s) => s.dispose()) };
}
