// The launch configuration for running the emulator CLI under the Node debugger: js-debug follows it
// into the worker process that runs the handlers, and maps breakpoints to their TypeScript sources.
import * as path from 'node:path';
import type * as vscode from 'vscode';

/** Handlers may sit on a breakpoint for long: the emulator's own timeout is raised to an hour. */
export const DEBUG_TIMEOUT_MS = 60 * 60 * 1000;

export function emulatorDebugConfig(name: string, cliPath: string, args: string[], cwd: string): vscode.DebugConfiguration {
    return {
        type: 'node',
        request: 'launch',
        name,
        program: cliPath,
        args,
        cwd,
        console: 'internalConsole',
        autoAttachChildProcesses: true,
        sourceMaps: true,
        resolveSourceMapLocations: ['**', '!**/node_modules/**'],
        skipFiles: ['<node_internals>/**', `${path.dirname(cliPath)}/**`],
        env: { NO_COLOR: '1' }
    };
}
