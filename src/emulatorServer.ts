// One long-lived `nango-emulator serve` per nango-integrations folder, so that a dry run from the editor
// reuses a warm emulator (compiled handlers, running worker): measured 12–150 ms a run against
// 400–900 ms for spawning the CLI each time (npm run bench:server). The server is a child process bound
// to loopback; user handler code runs in its own worker process below it. If it cannot start, callers
// fall back to spawning the CLI.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { RunResult } from '../emulator/result';
import type { CliOutcome } from './emulatorProcess';
import type { EmulatorOperation } from './plans/dryRun';

interface RunningServer {
    child: ChildProcess;
    url: string;
    timeoutMs: number;
}

export class EmulatorServers {
    private readonly servers = new Map<string, Promise<RunningServer>>();

    constructor(
        private readonly cliPath: string,
        private readonly log: (message: string) => void
    ) {}

    private start(root: string, timeoutMs: number): Promise<RunningServer> {
        return new Promise((resolve, reject) => {
            const child = spawn(process.execPath, [this.cliPath, 'serve', '--port', '0', '--root', root, '--json', '--quiet', '--timeout', String(timeoutMs)], {
                cwd: root,
                env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', NO_COLOR: '1' },
                stdio: ['ignore', 'pipe', 'pipe']
            });
            let stderr = '';
            child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
            const lines = createInterface({ input: child.stdout! });
            lines.once('line', (line) => {
                try {
                    const info = JSON.parse(line) as { ok: boolean; url: string };
                    if (!info.ok || !info.url) throw new Error(line);
                    this.log(`emulator server for ${root} listening on ${info.url}`);
                    resolve({ child, url: info.url, timeoutMs });
                } catch {
                    child.kill();
                    reject(new Error(`the emulator server did not start: ${line}`));
                }
            });
            child.once('error', reject);
            child.once('exit', (code) => {
                this.servers.delete(root);
                reject(new Error(`the emulator server exited (code ${code}): ${stderr.trim()}`));
            });
        });
    }

    private server(root: string, timeoutMs: number): Promise<RunningServer> {
        const running = this.servers.get(root);
        const restart = async (): Promise<RunningServer> => {
            this.stop(root);
            const fresh = this.start(root, timeoutMs);
            this.servers.set(root, fresh);
            fresh.catch(() => this.servers.delete(root));
            return fresh;
        };
        if (!running) return restart();
        return running.then((s) => (s.timeoutMs === timeoutMs && s.child.exitCode === null ? s : restart()));
    }

    /** Runs one operation on the root's server; undefined when no server could be used (fall back to the CLI). */
    async run(root: string, body: EmulatorOperation, timeoutMs: number, signal: AbortSignal): Promise<CliOutcome | undefined> {
        let server: RunningServer;
        try {
            server = await this.server(root, timeoutMs);
        } catch (err) {
            this.log(`${(err as Error).message}; running the CLI instead`);
            return undefined;
        }
        // Cancelling stops the server (and the handler's worker under it); the next run starts a new one.
        const onAbort = (): void => this.stop(root);
        signal.addEventListener('abort', onAbort, { once: true });
        try {
            const res = await fetch(`${server.url}/_emulator/run`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify(body),
                signal
            });
            const json = (await res.json()) as RunResult | { ok: false; error: { type: string; message: string } };
            if ('operation' in json) return { kind: 'result', result: json, exitCode: json.ok ? 0 : 1 };
            return { kind: 'failure', failure: json, exitCode: 2 };
        } catch (err) {
            if (signal.aborted) return { kind: 'cancelled' };
            this.log(`the emulator server failed (${(err as Error).message}); running the CLI instead`);
            this.stop(root);
            return undefined;
        } finally {
            signal.removeEventListener('abort', onAbort);
        }
    }

    stop(root: string): void {
        const running = this.servers.get(root);
        this.servers.delete(root);
        void running?.then((s) => s.child.kill()).catch(() => undefined);
    }

    dispose(): void {
        for (const root of [...this.servers.keys()]) this.stop(root);
    }
}
