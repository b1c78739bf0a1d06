// Runs handler code in a child process (worker.ts) with a timeout. A handler that hangs is killed; one
// that crashes the worker is reported; the orchestrating process (the CLI, the server or the editor)
// keeps going and starts a fresh worker for the next request.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { codeCacheDir, codeCacheFile, storeCodeCache } from '../boot/code-cache';
import { cacheDir } from '../project/compile';
import { sandboxWorkerFlags } from '../sandbox/worker-flags';
import { CODE_CACHE_ENV } from './protocol';
import type {
    AnsweredResponse,
    AnswerRequest,
    DescribeRequest,
    HandlerDefinition,
    HandlerErrorInfo,
    LogEntry,
    ProviderRequest,
    RunRequest,
    SdkCall,
    WorkerMessage
} from './protocol';

import { DEFAULT_MEMORY_LIMIT_MB, DEFAULT_TIMEOUT_MS } from './limits';

export { DEFAULT_MEMORY_LIMIT_MB, DEFAULT_TIMEOUT_MS };

export interface RunOutcome {
    ok: boolean;
    definition?: HandlerDefinition;
    error?: HandlerErrorInfo;
    logs: LogEntry[];
    requests: ProviderRequest[];
    /** The metadata, connection… calls that sent no provider request; absent when there were none. */
    sdkCalls?: SdkCall[];
    /** The last metadata the handler wrote, if it wrote any. */
    metadataWritten?: Record<string, unknown>;
    durationMs: number;
}

export interface RunOptions {
    timeoutMs?: number;
    signal?: AbortSignal;
    onLog?: (entry: LogEntry) => void;
}

/** The worker script shipped next to this module (bundled) or built into dist/ (from sources, in tests). */
export function workerScript(): string {
    const candidates = [
        path.join(__dirname, 'worker.js'),
        path.join(__dirname, 'emulator', 'worker.js'),
        // from sources (tests): this file is in emulator/<folder>/
        path.join(__dirname, '..', '..', 'dist', 'emulator', 'worker.js')
    ];
    const found = candidates.find((f) => existsSync(f));
    if (!found) throw new Error(`the emulator worker was not found (looked in ${candidates.join(', ')}); run "npm run build"`);
    return found;
}

export interface WorkerOptions {
    /** The nango-integrations root whose handlers this worker runs. */
    projectRoot: string;
    /** Extra node flags, e.g. ["--inspect-brk=9229"] to debug a handler. */
    execArgv?: string[];
    /** The worker's heap limit in MB (default DEFAULT_MEMORY_LIMIT_MB). */
    memoryLimitMb?: number;
}

/** The worker bundle's code cache file, or undefined when caching is off or the folder is unknown. */
function workerCodeCache(script: string): string | undefined {
    const dir = codeCacheDir();
    try {
        return dir ? codeCacheFile(dir, path.join(path.dirname(script), 'worker.bundle.js')) : undefined;
    } catch {
        return undefined; // no bundle next to the entry: the worker's start reports it
    }
}

/** Why the worker process ended, as the run reports it. */
interface WorkerExit {
    reason: string;
    outOfMemory: boolean;
}

export class HandlerWorker {
    private child: ChildProcess | undefined;
    private ready: Promise<void> | undefined;
    private nextId = 1;
    private listeners = new Map<number, (m: WorkerMessage) => void>();
    private exitListeners = new Set<(exit: WorkerExit) => void>();

    constructor(private readonly options: WorkerOptions) {}

    private get memoryLimitMb(): number {
        return this.options.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB;
    }

    private start(): Promise<void> {
        if (this.ready && this.child && this.child.exitCode === null && !this.child.killed) return this.ready;
        const script = workerScript();
        const codeCache = workerCodeCache(script);
        const child = fork(script, [], {
            execArgv: [
                // The permission model's warnings would bury a crash's own message in the stderr tail.
                '--no-warnings',
                `--max-old-space-size=${this.memoryLimitMb}`,
                ...sandboxWorkerFlags(
                    [
                        path.dirname(script),
                        cacheDir(this.options.projectRoot),
                        path.join(this.options.projectRoot, 'node_modules'),
                        ...(codeCache ? [path.dirname(codeCache)] : [])
                    ],
                    {
                        inspector: (this.options.execArgv ?? []).some((flag) => flag.startsWith('--inspect'))
                    }
                ),
                ...(this.options.execArgv ?? [])
            ],
            stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
            // Handlers see no credentials from the parent's environment (e.g. NANGO_SECRET_KEY).
            env: {
                PATH: process.env['PATH'] ?? '',
                NODE_ENV: 'development',
                NANGO_EMULATOR: '1',
                // Inside VS Code desktop process.execPath is Electron: keep it acting as plain Node.
                ...(process.env['ELECTRON_RUN_AS_NODE'] ? { ELECTRON_RUN_AS_NODE: '1' } : {}),
                ...(codeCache ? { [CODE_CACHE_ENV]: codeCache } : {})
            },
            serialization: 'advanced'
        });
        this.child = child;
        const stderr: string[] = [];
        child.stderr?.on('data', (chunk: Buffer) => {
            stderr.push(chunk.toString());
            if (stderr.length > 50) stderr.shift();
        });
        child.stdout?.resume();
        child.on('message', (m: WorkerMessage) => {
            if ('id' in m) this.listeners.get(m.id)?.(m);
        });
        child.on('exit', (code, signal) => {
            if (this.child === child) {
                this.child = undefined;
                this.ready = undefined;
            }
            const output = stderr.join('');
            const outOfMemory = /heap out of memory|Reached heap limit/.test(output);
            const tail = output.trim().split('\n').slice(-5).join('\n');
            const reason = `the handler's worker process exited (${signal ?? `code ${code}`})${tail && !outOfMemory ? `: ${tail}` : ''}`;
            for (const l of this.exitListeners) l({ reason, outOfMemory });
        });
        this.ready = new Promise((resolve, reject) => {
            const onMessage = (m: WorkerMessage): void => {
                // Only before 'ready': after it the worker may have run user code, which must not reach a later worker.
                if (m.type === 'codeCache' && codeCache) storeCodeCache(codeCache, m.data);
                if (m.type === 'ready') {
                    child.off('message', onMessage);
                    resolve();
                }
            };
            child.on('message', onMessage);
            child.once('exit', () => reject(new Error(`the emulator worker failed to start: ${stderr.join('').trim() || 'no output'}`)));
            child.once('error', reject);
        });
        return this.ready;
    }

    /**
     * Starts the process ahead of the first run, so that run does not wait for it (about 200 ms of Node
     * start-up and bundle loading). A failure to start is left for that run to report.
     */
    warmUp(): void {
        try {
            this.start().catch(() => undefined);
        } catch {
            // workerScript() missing: the run says so.
        }
    }

    private kill(): void {
        const child = this.child;
        this.child = undefined;
        this.ready = undefined;
        child?.kill('SIGKILL');
    }

    async describe(
        compiledFile: string,
        handlerFile: string,
        timeoutMs = DEFAULT_TIMEOUT_MS,
        signal?: AbortSignal
    ): Promise<{ definition?: HandlerDefinition; error?: HandlerErrorInfo }> {
        const id = this.nextId++;
        const request: DescribeRequest = { type: 'describe', id, compiledFile, handlerFile, projectRoot: this.options.projectRoot };
        return this.exchange(
            request,
            timeoutMs,
            signal,
            (m, resolve) => {
                if (m.type === 'described' && m.retire) this.kill();
                if (m.type === 'described') resolve({ ...(m.definition ? { definition: m.definition } : {}), ...(m.error ? { error: m.error } : {}) });
            },
            (error) => ({ error })
        );
    }

    /**
     * Asks the user's msw handlers (compiled handlers.ts) to answer one provider request, in this worker
     * with its timeout: how the server's /proxy keeps user code out of its own process.
     */
    async answer(
        compiledFile: string,
        sourceFile: string,
        request: AnswerRequest['request'],
        timeoutMs: number
    ): Promise<{ response?: AnsweredResponse; error?: HandlerErrorInfo }> {
        const id = this.nextId++;
        const message: AnswerRequest = { type: 'answer', id, handlerFile: sourceFile, compiledFile, request };
        return this.exchange(
            message,
            timeoutMs,
            undefined,
            (m, resolve) => {
                if (m.type === 'answered') resolve({ ...(m.response ? { response: m.response } : {}), ...(m.error ? { error: m.error } : {}) });
            },
            (error) => ({ error })
        );
    }

    async run(request: Omit<RunRequest, 'type' | 'id' | 'projectRoot'>, options: RunOptions = {}): Promise<RunOutcome> {
        const id = this.nextId++;
        const started = performance.now();
        const logs: LogEntry[] = [];
        const requests: ProviderRequest[] = [];
        const sdkCalls: SdkCall[] = [];
        let metadataWritten: Record<string, unknown> | undefined;
        let loaded: HandlerDefinition | undefined;
        const outcome = await this.exchange<Omit<RunOutcome, 'logs' | 'requests' | 'sdkCalls' | 'durationMs' | 'metadataWritten'>>(
            { ...request, type: 'run', id, projectRoot: this.options.projectRoot },
            options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
            options.signal,
            (m, resolve) => {
                if (m.type === 'loaded') loaded = m.definition;
                else if (m.type === 'log') {
                    logs.push(m.entry);
                    options.onLog?.(m.entry);
                } else if (m.type === 'request') requests.push(m.entry);
                else if (m.type === 'sdkCall') sdkCalls.push(m.entry);
                else if (m.type === 'metadata') metadataWritten = m.metadata;
                else if (m.type === 'done') {
                    // A run that changed what runs share leaves a worker no later run may use.
                    if (m.retire) this.kill();
                    resolve({ ok: m.ok, ...(m.definition ? { definition: m.definition } : {}), ...(m.error ? { error: m.error } : {}) });
                }
            },
            (error) => ({ ok: false, error })
        );
        const definition = outcome.definition ?? loaded;
        return {
            ...outcome,
            ...(definition ? { definition } : {}),
            logs,
            requests,
            ...(sdkCalls.length ? { sdkCalls } : {}),
            ...(metadataWritten ? { metadataWritten } : {}),
            durationMs: Math.round(performance.now() - started)
        };
    }

    private async exchange<T>(
        request: RunRequest | DescribeRequest | AnswerRequest,
        timeoutMs: number,
        signal: AbortSignal | undefined,
        onMessage: (m: WorkerMessage, resolve: (v: T) => void) => void,
        onFailure: (error: HandlerErrorInfo) => T
    ): Promise<T> {
        // A worker under --inspect-brk starts only when a debugger attaches: cancelling must not wait for it.
        const cancelled = await new Promise<boolean>((resolve, reject) => {
            if (signal?.aborted) return resolve(true);
            const onAbort = (): void => resolve(true);
            signal?.addEventListener('abort', onAbort, { once: true });
            this.start().then(
                () => {
                    signal?.removeEventListener('abort', onAbort);
                    resolve(false);
                },
                (err: unknown) => {
                    signal?.removeEventListener('abort', onAbort);
                    reject(err instanceof Error ? err : new Error(String(err)));
                }
            );
        });
        if (cancelled) {
            this.kill();
            return onFailure({ type: 'cancelled', message: `${'handlerFile' in request ? request.handlerFile : 'the handler'}: the run was cancelled.` });
        }
        const child = this.child;
        if (!child)
            return onFailure({
                type: 'worker_exit',
                message: `${'handlerFile' in request ? request.handlerFile : 'the handler'}: the worker process ended before the run started. The next run starts a fresh worker.`
            });
        return new Promise<T>((resolve) => {
            let finished = false;
            const finish = (value: T): void => {
                if (finished) return;
                finished = true;
                clearTimeout(timer);
                this.listeners.delete(request.id);
                this.exitListeners.delete(onExit);
                signal?.removeEventListener('abort', onAbort);
                resolve(value);
            };
            const fail = (type: string, message: string): void => {
                this.kill();
                finish(onFailure({ type, message }));
            };
            const timer = setTimeout(
                () =>
                    fail(
                        'timeout',
                        `${request.handlerFile}: the handler did not finish within ${timeoutMs} ms and was stopped. Look for a missing await, an endless loop or a request that never answers; or raise the timeout (--timeout, or the "nango.emulator.timeoutMs" setting).`
                    ),
                timeoutMs
            );
            const onAbort = (): void => fail('cancelled', `${request.handlerFile}: the run was cancelled.`);
            const onExit = ({ reason, outOfMemory }: WorkerExit): void =>
                finish(
                    onFailure(
                        outOfMemory
                            ? {
                                  type: 'memory_limit',
                                  message: `${request.handlerFile}: the handler went over the worker's memory limit (${this.memoryLimitMb} MB of JavaScript heap) and was stopped. Look for data that grows without bound (a loop that never ends, a whole export kept in memory); or raise the limit (nango-emulator --memory-limit <MB>).`
                              }
                            : {
                                  type: 'worker_exit',
                                  message: `${request.handlerFile}: ${reason}. Something the handler ran ended its process (a native crash, or the process was killed); event functions must return or throw instead. The next run starts a fresh worker.`
                              }
                    )
                );
            if (signal?.aborted) return onAbort();
            signal?.addEventListener('abort', onAbort);
            this.exitListeners.add(onExit);
            this.listeners.set(request.id, (m) => onMessage(m, finish));
            child.send(request);
        });
    }

    dispose(): void {
        const child = this.child;
        this.child = undefined;
        this.ready = undefined;
        if (child && child.connected) child.disconnect();
        child?.kill('SIGTERM');
    }
}
