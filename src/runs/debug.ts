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
        resolveSourceMapLocations: ['**', '!**/node_modules/**'],
        skipFiles: ['<node_internals>/**', `${emulatorDir}${path.sep}**`]
    };
}

/**
 * Runs `work` with a debug session attached on `port`. `work` gets a signal that aborts when the user
 * ends the session; the session is ended when `work` is done.
 */
export async function whileDebugging<T>(
    folder: vscode.WorkspaceFolder | undefined,
    configuration: vscode.DebugConfiguration,
    work: (signal: AbortSignal) => Promise<T>
): Promise<T | undefined> {
    const abort = new AbortController();
    let session: vscode.DebugSession | undefined;
    const subscriptions = [
        vscode.debug.onDidStartDebugSession((s) => {
            if (s.configuration.name === configuration.name && s.configuration.port === configuration['port']) session ??= s;
        }),
        vscode.debug.onDidTerminateDebugSession((s) => {
            if (s === session) abort.abort();
        })
    ];
    try {
        if (!(await vscode.debug.startDebugging(folder, configuration))) return undefined;
        return await work(abort.signal);
    } finally {
        for (const s of subscriptions) s.dispose();
        if (session && !abort.signal.aborted) await vscode.debug.stopDebugging(session);
    }
}
