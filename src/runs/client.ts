// The editor's one way to the emulator: a long-lived `nango-emulator serve` per nango-integrations
// folder, reached over loopback HTTP. Runs, resets, the view's reads, scenarios and debug sessions all
// go through it, so user code only ever runs in that server's worker process, and an operation is sent
// once: if the server dies mid-run the run fails with that reason and is never repeated elsewhere.
// Pure Node (no vscode import): unit-tested against the real server.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { EmulatorOperation, OperationResult } from '../../emulator/core/operation';
import type { IntegrationSummary } from '../../emulator/server/control';
import type { ScenarioEvent } from '../../emulator/server/scenarios-api';
import type { ConnectionRecord } from '../../emulator/state/state';

export type { IntegrationSummary, ScenarioEvent };

export interface EmulatorFailure {
    type: string;
    message: string;
}

export type RunOutcome = { kind: 'result'; result: OperationResult } | { kind: 'failure'; error: EmulatorFailure } | { kind: 'cancelled' };

interface RunningServer {
    child: ChildProcess;
    url: string;
}

/** A failed request: the emulator's own { type, message }, or why it could not be reached. */
export class EmulatorRequestError extends Error {
    constructor(readonly failure: EmulatorFailure) {
        super(failure.message);
    }
}

export class EmulatorClient {
    private readonly servers = new Map<string, { timeoutMs: number; server: Promise<RunningServer> }>();

    constructor(
        private readonly cliPath: string,
        private readonly timeoutMs: (root: string) => number,
        private readonly log: (message: string) => void
    ) {}

    /** Runs one operation; with `inspectPort`, the handlers' worker waits for a debugger on that port. */
    async run(root: string, op: EmulatorOperation, opts: { signal?: AbortSignal; inspectPort?: number } = {}): Promise<RunOutcome> {
        const query = opts.inspectPort === undefined ? '' : `?inspect=${opts.inspectPort}`;
        try {
            return { kind: 'result', result: await this.request<OperationResult>(root, 'POST', `/_emulator/run${query}`, op, opts.signal) };
        } catch (err) {
            if (opts.signal?.aborted) return { kind: 'cancelled' };
            return { kind: 'failure', error: failureOf(err) };
        }
    }

    /** The root's server: its process id and the fixtures it serves. */
    health(root: string): Promise<{ pid: number; root: string; fixturesFile: string }> {
        return this.request(root, 'GET', '/_emulator/health');
    }

    connections(root: string): Promise<ConnectionRecord[]> {
        return this.request<{ connections: ConnectionRecord[] }>(root, 'GET', '/_emulator/connections').then((r) => r.connections);
    }

    integrations(root: string): Promise<{ fixturesFile: string; integrations: IntegrationSummary[] }> {
        return this.request(root, 'GET', '/_emulator/integrations');
    }

    /** Runs scenarios (ids as `nango-emulator test` takes them), calling `onEvent` for each line of the server's stream. */
    async runScenarios(root: string, ids: string[], opts: { signal?: AbortSignal; inspectPort?: number; onEvent: (e: ScenarioEvent) => void }): Promise<void> {
        const query = opts.inspectPort === undefined ? '' : `?inspect=${opts.inspectPort}`;
        const res = await this.send(root, 'POST', `/_emulator/scenarios/run${query}`, { scenarios: ids }, opts.signal);
        if (!res.ok || !res.body) throw new EmulatorRequestError(await failureOfResponse(res));
        const lines = createInterface({ input: streamOf(res.body) });
        for await (const line of lines) if (line.trim()) opts.onEvent(JSON.parse(line) as ScenarioEvent);
    }

    private async request<T>(root: string, method: 'GET' | 'POST', route: string, body?: unknown, signal?: AbortSignal): Promise<T> {
        const res = await this.send(root, method, route, body, signal);
        if (!res.ok) throw new EmulatorRequestError(await failureOfResponse(res));
        return (await res.json()) as T;
    }

    private async send(root: string, method: 'GET' | 'POST', route: string, body: unknown, signal: AbortSignal | undefined): Promise<Response> {
        const server = await this.server(root);
        // Cancelling stops the server (and the handler's worker under it); the next request starts a new one.
        const onAbort = (): void => this.stop(root);
        signal?.addEventListener('abort', onAbort, { once: true });
        try {
            return await fetch(`${server.url}${route}`, {
                method,
                ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
                ...(signal ? { signal } : {})
            });
        } catch (err) {
            if (signal?.aborted) throw err;
            this.stop(root);
            throw new EmulatorRequestError({
                type: 'emulator_stopped',
                message: `the emulator server for ${root} stopped answering (${(err as Error).message}); nothing was retried. See the "Nango Emulator" output, then run it again.`
            });
        } finally {
            signal?.removeEventListener('abort', onAbort);
        }
    }

    /**
     * The root's server, started (or restarted with the current time limit) when needed. Decided
     * synchronously, so requests made at the same moment share one server instead of racing to start two.
     */
    private server(root: string): Promise<RunningServer> {
        const timeoutMs = this.timeoutMs(root);
        const current = this.servers.get(root);
        if (current && current.timeoutMs === timeoutMs) return current.server;
        this.stop(root);
        const server = this.start(root, timeoutMs);
        const entry = { timeoutMs, server };
        this.servers.set(root, entry);
        const forget = (): void => {
            if (this.servers.get(root) === entry) this.servers.delete(root);
        };
        server.then((s) => s.child.once('exit', forget), forget);
        return server;
    }

    private start(root: string, timeoutMs: number): Promise<RunningServer> {
        return new Promise((resolve, reject) => {
            // In VS Code desktop process.execPath is Electron: ELECTRON_RUN_AS_NODE makes it plain Node.
            // --bodies: results carry request and response bodies (redacted) for the hover at the call.
            const child = spawn(
                process.execPath,
                [this.cliPath, 'serve', '--port', '0', '--root', root, '--json', '--quiet', '--bodies', '--timeout', String(timeoutMs)],
                {
                    cwd: root,
                    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', NO_COLOR: '1' },
                    stdio: ['ignore', 'pipe', 'pipe']
                }
            );
            let stderr = '';
            let stdout = '';
            let started = false;
            child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
            // The first line is { ok, url } once it listens; a failure to start is one JSON error (over several lines).
            createInterface({ input: child.stdout }).on('line', (line) => {
                stdout += `${line}\n`;
                if (started) return;
                const info = parseJson<{ ok?: boolean; url?: string }>(line);
                if (info?.ok && info.url) {
                    started = true;
                    this.log(`emulator server for ${root} listening on ${info.url}`);
                    resolve({ child, url: info.url });
                }
            });
            child.once('error', (err) =>
                reject(new EmulatorRequestError({ type: 'emulator_failed', message: `the emulator server did not start: ${err.message}` }))
            );
            child.once('close', (code) => {
                const error = parseJson<{ error?: EmulatorFailure }>(stdout)?.error;
                const message = stderr.trim().replace(/^nango-emulator: /, '') || `the emulator server exited (code ${code})`;
                reject(new EmulatorRequestError(error?.message ? error : { type: 'emulator_failed', message }));
            });
        });
    }

    stop(root: string): void {
        const running = this.servers.get(root);
        this.servers.delete(root);
        void running?.server.then((s) => s.child.kill()).catch(() => undefined);
    }

    dispose(): void {
        for (const root of [...this.servers.keys()]) this.stop(root);
    }
}

function parseJson<T>(text: string): T | undefined {
    try {
        return JSON.parse(text) as T;
    } catch {
        return undefined;
    }
}

function failureOf(err: unknown): EmulatorFailure {
    if (err instanceof EmulatorRequestError) return err.failure;
    return { type: 'emulator_failed', message: err instanceof Error ? err.message : String(err) };
}

async function failureOfResponse(res: Response): Promise<EmulatorFailure> {
    const text = await res.text();
    try {
        const body = JSON.parse(text) as { error?: EmulatorFailure };
        if (body.error?.message) return body.error;
    } catch {
        // not JSON: the text itself says what happened
    }
    return { type: 'emulator_failed', message: `the emulator answered ${res.status}: ${text.slice(0, 500)}` };
}

/** Node's reading of a fetch body, line by line. */
function streamOf(body: ReadableStream<Uint8Array>): Readable {
    return Readable.fromWeb(body as NodeReadableStream<Uint8Array>);
}
