// Runs the emulator CLI (dist/emulator/cli.js) in a child process and reads its JSON result. User
// handler code never runs in the extension host: the CLI runs it in its own worker process.
import { spawn } from 'node:child_process';
import type { RunResult } from '../emulator/result';

export interface CliFailure {
    ok: false;
    error: { type: string; message: string };
}

export type CliOutcome =
    { kind: 'result'; result: RunResult; exitCode: number } | { kind: 'failure'; failure: CliFailure; exitCode: number } | { kind: 'cancelled' };

export interface CliRunOptions {
    cliPath: string;
    args: string[];
    cwd: string;
    signal?: AbortSignal;
}

export function runEmulatorCli(options: CliRunOptions): Promise<CliOutcome> {
    return new Promise((resolve, reject) => {
        // In VS Code desktop process.execPath is Electron: ELECTRON_RUN_AS_NODE makes it plain Node.
        const child = spawn(process.execPath, [options.cliPath, ...options.args], {
            cwd: options.cwd,
            env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', NO_COLOR: '1' },
            stdio: ['ignore', 'pipe', 'pipe']
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        let cancelled = false;
        const onAbort = (): void => {
            cancelled = true;
            child.kill('SIGTERM');
        };
        options.signal?.addEventListener('abort', onAbort, { once: true });
        child.on('error', reject);
        child.on('close', (code) => {
            options.signal?.removeEventListener('abort', onAbort);
            if (cancelled) return resolve({ kind: 'cancelled' });
            const exitCode = code ?? 1;
            try {
                const parsed = JSON.parse(stdout) as RunResult | CliFailure;
                if ('operation' in parsed) return resolve({ kind: 'result', result: parsed, exitCode });
                return resolve({ kind: 'failure', failure: parsed, exitCode });
            } catch {
                const message = (stderr || stdout).trim() || `the emulator exited with code ${exitCode} and printed nothing`;
                return resolve({ kind: 'failure', failure: { ok: false, error: { type: 'emulator_failed', message } }, exitCode });
            }
        });
    });
}
