// Debug goes the same way as a run: the editor sends the operation (or the scenarios) to its emulator
// server with an inspector port, the server starts the handlers' worker waiting on that port, and VS
// Code's JavaScript debugger attaches to it. Ending the debug session cancels the run; the end of the
// run ends the session.
import { createServer } from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';

/** A loopback port nothing listens on now. */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const address = server.address();
            server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
        });
    });
}

/** Attach to the worker that waits on `port`; breakpoints map to the handlers' TypeScript through their source maps. */
export function attachConfiguration(name: string, port: number, emulatorDir: string): vscode.DebugConfiguration {
    return {
        type: 'node',
        request: 'attach',
        name,
        address: '127.0.0.1',
        port,
        // The worker waits (--inspect-brk) until a debugger is there; then it runs on its own.
        continueOnAttach: true,
        // The worker starts when the run needs it (after the type check): wait for it that long.
        timeout: 60_000,
        sourceMaps: true,
        // The handler's compiled code is loaded and run at once: js-debug holds each new script until it
        // has read its source map and bound the TypeScript breakpoints in it, or a breakpoint early in a
        // run could be passed before it binds. The emulator's own bundles are not mapped (nor held long).
        pauseForSourceMap: true,
        resolveSourceMapLocations: ['**', '!**/node_modules/**', `!${emulatorDir}${path.sep}**`],
        skipFiles: ['<node_internals>/**', `${emulatorDir}${path.sep}**`]
    };
}

/**
 * Runs `work` with a debug session attached on `port`. `work` gets a signal that aborts when the user
 * ends the session (or it could not start); the session is ended when `work` is done.
 *
 * Both start together: the attach completes only once the worker listens on the port, and the worker
 * starts with the run that `work` sends (startDebugging resolves after the attach). The target ending
 * on its own is the run's end (the emulator stops the worker before it answers), not a cancellation:
 * only a disconnect or terminate request the user sends to one of the run's sessions cancels it.
 */
export async function whileDebugging<T>(
    folder: vscode.WorkspaceFolder | undefined,
    configuration: vscode.DebugConfiguration,
    work: (signal: AbortSignal) => Promise<T>
): Promise<T | undefined> {
    const abort = new AbortController();
    /** The session started with `configuration` and the child sessions js-debug starts under it. */
    const sessions = new Set<vscode.DebugSession>();
    const live = new Set<vscode.DebugSession>();
    let done = false;
    const isOurs = (s: vscode.DebugSession): boolean =>
        (s.configuration.name === configuration.name && s.configuration['port'] === configuration['port']) ||
        (s.parentSession !== undefined && sessions.has(s.parentSession));
    const stopAll = async (): Promise<void> => {
        const roots = [...live].filter((s) => !s.parentSession || !sessions.has(s.parentSession));
        await Promise.all(roots.map((s) => Promise.resolve(vscode.debug.stopDebugging(s)).catch(() => undefined)));
    };
    const subscriptions = [
        vscode.debug.registerDebugAdapterTrackerFactory('*', {
            createDebugAdapterTracker(s) {
                if (!isOurs(s)) return undefined;
                sessions.add(s);
                live.add(s);
                if (done) void stopAll();
                return {
                    onWillReceiveMessage(message: { type?: string; command?: string }) {
                        if (!done && message.type === 'request' && (message.command === 'disconnect' || message.command === 'terminate')) abort.abort();
                    }
                };
            }
        }),
        vscode.debug.onDidTerminateDebugSession((s) => live.delete(s))
    ];
    const started = Promise.resolve(vscode.debug.startDebugging(folder, configuration)).then(
        (ok) => ok || abort.abort(),
        () => abort.abort()
    );
    // A session that starts after the run ended is stopped as soon as it shows up.
    void started.finally(() => {
        for (const s of subscriptions) s.dispose();
        if (done) void stopAll();
    });
    try {
        return await work(abort.signal);
    } finally {
        done = true;
        await stopAll();
    }
}
