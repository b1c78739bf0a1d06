// The child process that runs user handler code. The orchestrator (runner.ts) sends it requests over
// IPC; it answers with logs, provider requests, metadata writes and a final outcome. Anything the
// handler does wrong (throws, hangs, exits, rejects unhandled) stays in here; the parent survives.
import * as nodeCrypto from 'node:crypto';
import { statSync } from 'node:fs';
import Module from 'node:module';
import * as nodeUrl from 'node:url';
import { isNativeError } from 'node:util/types';
import { Worker } from 'node:worker_threads';
import * as msw from 'msw';
import * as zod from 'zod';
import type {
    AnsweredResponse,
    AnswerRequest,
    DescribeRequest,
    HandlerDefinition,
    LogEntry,
    LogLevel,
    RunRequest,
    WorkerMessage,
    WorkerRequest
} from './core/protocol';
import { integrationSecretsOf } from './fakes/nango-shapes';
import { Redactor, secretsOf } from './core/redact';
import { sdkFacade } from './sandbox/facade';
import { SharedSurfaceGuard } from './sandbox/surface-guard';
import { describeError, describeValue, InvalidHandlerError, loadHandler, type LoadedHandler } from './worker/handler-module';
import * as nangoShim from './worker/nango-shim';
import { ProviderFakes } from './worker/provider-fakes';
import { EMULATED_NANGO_INTERNALS, EmulatedNango } from './worker/sdk';
import { CONSOLE_DROPPED } from './worker/sdk-logger';

// The user's msw handlers file (emulator configuration, not a handler) is compiled with these left
// external; they resolve to our copies so the msw instance is the worker's own. Handlers never see this
// loader: they run in the sandbox, whose `require` is Nango's.
const provided: Record<string, unknown> = { nango: nangoShim, msw, zod, 'zod/v4': zod };
type ModuleLoad = (request: string, parent: unknown, isMain: boolean) => unknown;
const moduleWithLoad = Module as unknown as { _load: ModuleLoad };
const originalLoad = moduleWithLoad._load;
moduleWithLoad._load = function (request, parent, isMain) {
    return request in provided ? provided[request] : originalLoad.call(this, request, parent, isMain);
};

class HandlerExitError extends Error {
    override readonly name = 'HandlerExitError';
}
// Code run as plain Node here (the user's msw handlers file) must not end the process either.
process.exit = ((code?: number) => {
    throw new HandlerExitError(`the handler called process.exit(${code ?? ''}); event functions must return or throw instead`);
}) as typeof process.exit;

function send(message: WorkerMessage): void {
    process.send?.(message);
}

let fakes: ProviderFakes | undefined;
/** A failure of the running handler. Boxed, because a handler can throw `undefined`. */
interface Failure {
    error: unknown;
}
let current: { id: number; handlerFile: string; redactor: Redactor; finish: (failure?: Failure) => void } | undefined;

/** Node's own objects every run can reach; a run that changes them retires this worker. */
const sharedSurface = new SharedSurfaceGuard({
    Object,
    Function,
    Array,
    Promise,
    Error,
    TypeError,
    RangeError,
    SyntaxError,
    ReferenceError,
    EvalError,
    URIError,
    String,
    Number,
    Boolean,
    Symbol,
    BigInt,
    Date,
    RegExp,
    Map,
    Set,
    WeakMap,
    WeakSet,
    JSON,
    Math,
    Reflect,
    ArrayBuffer,
    Uint8Array,
    DataView,
    Buffer,
    URL,
    URLSearchParams,
    Response,
    Headers,
    Request,
    crypto: nodeCrypto,
    url: nodeUrl,
    zod
});

function loadUserCode(compiledFile: string): unknown {
    // Stacks of the user's msw handlers file show its TypeScript lines. Turned on here, not with
    // --enable-source-maps, which parsed this bundle's 4 MB map at every worker start (~50 ms CPU):
    // Node maps only files loaded after the switch.
    process.setSourceMapsEnabled(true);
    const resolved = require.resolve(compiledFile);
    delete require.cache[resolved];
    return require(resolved) as unknown;
}

const MAX_LOG_BYTES = 1024 * 1024;
const MAX_LOG_LINES = 5000;

const CONSOLE_NOTE = "console output never reaches Nango's logs (its runtime drops it): use await nango.log(...) for what you want to see there.";

function retireNote(changed: string[]): string {
    const shown = `${changed.slice(0, 5).join(', ')}${changed.length > 5 ? ', …' : ''}`;
    return `the handler changed objects the emulator's worker shares between runs (${shown}); the worker was discarded so no later run sees the change.`;
}

async function handleDescribe(req: DescribeRequest): Promise<void> {
    // Loading runs the file's top-level code: it may change shared objects as much as a run can.
    const changesSince = sharedSurface.snapshot();
    const retire = (): { retire?: true } => (changesSince().length ? { retire: true } : {});
    try {
        const { sandbox, loaded } = loadHandler(req.compiledFile, req.handlerFile, req.projectRoot, () => undefined);
        sandbox.dispose();
        send({ type: 'described', id: req.id, definition: loaded.definition, ...retire() });
    } catch (err) {
        send({ type: 'described', id: req.id, error: describeError(err, req.handlerFile, new Redactor([])), ...retire() });
    }
}

async function handleRun(req: RunRequest): Promise<void> {
    const secrets = req.accounts.flatMap((a) => secretsOf(a.credentials)).concat(secretsOf(req.connection.credentials), integrationSecretsOf(req.integration));
    const redactor = new Redactor(secrets);
    const startedAt = performance.now();
    let logBytes = 0;
    let logLines = 0;
    let dropped = { lines: 0, bytes: 0 };
    const emit = (entry: Omit<LogEntry, 'at'>): void =>
        send({ type: 'log', id: req.id, entry: { ...entry, message: redactor.text(entry.message), at: Math.round(performance.now() - startedAt) } });
    // A run keeps its first lines of logs: a handler logging in a loop must not make a result of gigabytes.
    const log = (entry: Omit<LogEntry, 'at'>): void => {
        const size = Buffer.byteLength(entry.message);
        if (dropped.lines || logLines >= MAX_LOG_LINES || logBytes + size > MAX_LOG_BYTES) {
            dropped = { lines: dropped.lines + 1, bytes: dropped.bytes + size };
            return;
        }
        logLines += 1;
        logBytes += size;
        emit(entry);
    };
    let consoleNoted = false;
    const onConsole = (level: LogLevel, args: unknown[]): void => {
        if (!consoleNoted) {
            consoleNoted = true;
            log({ level: 'warn', message: CONSOLE_NOTE, source: 'emulator' });
        }
        log({ level, message: formatArgs(args), source: 'console', hiddenInNango: CONSOLE_DROPPED });
    };
    let changesSince: (() => string[]) | undefined;

    let settled = false;
    let failure: Failure | undefined;
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    let definition: HandlerDefinition | undefined;
    let handler: LoadedHandler | undefined;
    const finish = (f?: Failure): void => {
        // A failure that surfaces while the run is wrapping up (a promise the handler did not await,
        // rejected in its last tick) still fails it.
        failure ??= f;
        if (settled) return;
        settled = true;
        void (async () => {
            // Node reports unhandled rejections after the current tick: give them one turn to arrive.
            await new Promise((r) => setImmediate(r));
            await fakes?.settle();
            handler?.sandbox.dispose();
            if (current?.id === req.id) current = undefined;
            const unmatched = fakes?.unmatchedErrors ?? [];
            let errorInfo = failure ? describeError(failure.error, req.handlerFile, redactor, handler?.sandbox.sourceMap) : undefined;
            if (!errorInfo && unmatched[0]) errorInfo = { type: 'UnmatchedRequest', message: redactor.text(unmatched[0]) };
            if (dropped.lines) {
                const kb = Math.ceil(dropped.bytes / 1024);
                emit({
                    level: 'warn',
                    message: `${dropped.lines} more log line${dropped.lines === 1 ? '' : 's'} (${kb} KB) dropped: a run keeps its first ${MAX_LOG_LINES.toLocaleString('en-US')} log lines or ${MAX_LOG_BYTES / 1024 / 1024} MB.`,
                    source: 'emulator'
                });
            }
            const changed = changesSince?.() ?? [];
            if (changed.length) emit({ level: 'warn', message: retireNote(changed), source: 'emulator' });
            send({
                type: 'done',
                id: req.id,
                ok: !errorInfo,
                ...(definition ? { definition } : {}),
                ...(errorInfo ? { error: errorInfo } : {}),
                ...(changed.length ? { retire: true } : {})
            });
            resolveDone();
        })();
    };
    current = { id: req.id, handlerFile: req.handlerFile, redactor, finish };

    try {
        const userHandlers = req.userMswFile ? loadUserHandlers(req.userMswFile, redactor) : [];
        fakes ??= new ProviderFakes();
        fakes.use({
            accounts: req.accounts,
            responses: req.responses,
            integration: req.connection.integration,
            fixturesFile: req.fixturesFile,
            userHandlers,
            ...(req.userMswFile ? { userHandlersFile: req.userMswFile } : {}),
            captureBodies: req.captureBodies,
            maxBodyBytes: req.maxBodyBytes,
            onRequest: (entry) => send({ type: 'request', id: req.id, entry: redactor.value(entry) })
        });
        // After msw has patched what it patches: from here on, every change is the handler's.
        changesSince = sharedSurface.snapshot();
        handler = loadHandler(req.compiledFile, req.handlerFile, req.projectRoot, onConsole);
        const { loaded } = handler;
        definition = loaded.definition;
        if (req.expectedEvent && loaded.definition.event !== req.expectedEvent) {
            throw new InvalidHandlerError(`${req.handlerFile}: handles '${loaded.definition.event}', not '${req.expectedEvent}'.`);
        }
        send({ type: 'loaded', id: req.id, definition: loaded.definition });
        const nango = new EmulatedNango(req, loaded.metadataSchema, fakes, {
            log,
            metadataChanged: (metadata) => send({ type: 'metadata', id: req.id, metadata }),
            callSiteOf: (stack) => handler?.sandbox.sourceMap?.firstUserFrame(stack),
            sdkCall: (entry) => send({ type: 'sdkCall', id: req.id, entry: redactor.value(entry) })
        });
        // The user's msw handlers file runs as plain Node: its console still shows in the run's logs.
        captureConsole(log);
        await loaded.exec(sdkFacade(nango, EMULATED_NANGO_INTERNALS));
        finish();
    } catch (err) {
        finish({ error: err });
    }
    await done;
}

function formatArgs(args: unknown[]): string {
    return args.map((a) => (typeof a === 'string' ? a : isNativeError(a) ? (a.stack ?? a.message) : safeJson(a))).join(' ');
}

function safeJson(value: unknown): string {
    try {
        return JSON.stringify(value) ?? String(value);
    } catch {
        return String(value);
    }
}

/**
 * A problem with .nango-emulator/handlers.ts, found before the handler ran. The orchestrator reports it
 * as bad input (user_handlers_invalid) naming the source file: this process only sees the compiled copy.
 */
class UserHandlersError extends Error {
    override readonly name = 'UserHandlersError';
}

function loadUserHandlers(file: string, redactor: Redactor): msw.RequestHandler[] {
    let mod: { default?: unknown; handlers?: unknown };
    try {
        mod = loadUserCode(file) as typeof mod;
    } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        const wrapped = new UserHandlersError(
            `loading it threw ${e.name}: ${e.message}. Top-level code there runs before every handler run: fix it, or move it into a handler's resolver.`
        );
        if (e.stack)
            wrapped.stack = `${wrapped.name}: ${wrapped.message}\n${e.stack
                .split('\n')
                .filter((l) => /^\s+at /.test(l))
                .join('\n')}`;
        throw wrapped;
    }
    const list = mod.default ?? mod.handlers;
    const example = `export default [http.get('https://api.example.com/me', () => HttpResponse.json({ id: 1 }))]`;
    if (list === undefined) throw new UserHandlersError(`no default export. Export an array of msw handlers: ${example}`);
    if (list instanceof msw.RequestHandler) throw new UserHandlersError(`the default export is a single msw handler, not an array. Wrap it in [ ]: ${example}`);
    if (!Array.isArray(list))
        throw new UserHandlersError(`the default export is ${describeValue(list, redactor)}, not an array of msw handlers. Export an array: ${example}`);
    const bad = list.findIndex((h) => !(h instanceof msw.RequestHandler));
    if (bad >= 0)
        throw new UserHandlersError(
            `item ${bad} of the exported array is ${describeValue(list[bad], redactor)}, not an msw handler (made with http.get(...), http.post(...), … from 'msw'). Export only handlers: ${example}`
        );
    return list as msw.RequestHandler[];
}

let consoleCaptured = false;
let consoleSink: (entry: Omit<LogEntry, 'at'>) => void = () => undefined;
function captureConsole(log: (entry: Omit<LogEntry, 'at'>) => void): void {
    consoleSink = log;
    if (consoleCaptured) return;
    consoleCaptured = true;
    const levels = { log: 'info', info: 'info', debug: 'debug', warn: 'warn', error: 'error' } as const;
    for (const [method, level] of Object.entries(levels)) {
        (console as unknown as Record<string, unknown>)[method] = (...args: unknown[]) =>
            consoleSink({
                level,
                message: args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? (a.stack ?? a.message) : JSON.stringify(a))).join(' '),
                source: 'console'
            });
    }
}

// Failures outside the awaited exec chain still belong to the running handler.
process.on('unhandledRejection', (reason) => {
    if (!current) return;
    const hint = 'a promise the handler started was rejected and nothing awaited or caught it: await it, or add .catch()';
    if (isNativeError(reason)) {
        reason.message = `unhandled promise rejection: ${reason.message} (${hint})`;
        return current.finish({ error: reason });
    }
    current.finish({ error: new Error(`${current.handlerFile}: unhandled promise rejection with ${describeValue(reason, current.redactor)} (${hint})`) });
});
process.on('uncaughtException', (err) => {
    current?.finish({ error: err });
});

/**
 * The user's handlers for the server's requests, loaded once per version of the compiled file: module
 * state (a counter of attempts, say) lasts across requests, as it lasts across a run's requests.
 */
let answering: { compiledFile: string; version: string; handlers: msw.RequestHandler[] } | undefined;
function answeringHandlers(compiledFile: string): msw.RequestHandler[] {
    const st = statSync(compiledFile);
    const version = `${st.size}:${st.mtimeMs}`;
    if (answering?.compiledFile !== compiledFile || answering.version !== version) {
        answering = { compiledFile, version, handlers: loadUserHandlers(compiledFile, new Redactor([])) };
    }
    return answering.handlers;
}

/** Answers one /proxy request of the server with the user's msw handlers (they run here, not in the server). */
async function handleAnswer(req: AnswerRequest): Promise<void> {
    try {
        // Requests the resolvers make themselves meet the same catch-all as handlers' requests: never the network.
        fakes ??= new ProviderFakes();
        fakes.use({
            accounts: [],
            responses: [],
            integration: '',
            fixturesFile: req.handlerFile,
            userHandlers: [],
            captureBodies: false,
            maxBodyBytes: 1024 * 1024,
            onRequest: () => undefined
        });
        const handlers = answeringHandlers(req.compiledFile);
        const { method, url, headers, body } = req.request;
        const response = await msw.getResponse(handlers, new Request(url, { method, headers, ...(body ? { body } : {}) }));
        if (!response || response.headers.get('x-msw-intention') === 'passthrough') return send({ type: 'answered', id: req.id });
        const answered: AnsweredResponse = {
            status: response.status,
            statusText: response.statusText,
            headers: [...response.headers.entries()],
            body: response.type === 'error' ? new Uint8Array() : new Uint8Array(await response.arrayBuffer()),
            networkError: response.type === 'error'
        };
        send({ type: 'answered', id: req.id, response: answered });
    } catch (err) {
        send({ type: 'answered', id: req.id, error: describeError(err, req.handlerFile, new Redactor([])) });
    }
}

let queue: Promise<void> = Promise.resolve();
process.on('message', (req: WorkerRequest) => {
    // One request at a time: a warm worker serves runs in order.
    queue = queue.then(() => (req.type === 'run' ? handleRun(req) : req.type === 'describe' ? handleDescribe(req) : handleAnswer(req)));
});
process.on('disconnect', () => {
    fakes?.close();
    process.kill(process.pid, 'SIGTERM');
});

// A handler stuck in a synchronous loop keeps this event loop busy, so 'disconnect' never fires when the
// parent goes away (a cancelled or killed CLI, a closed editor) and the loop would spin on as an orphan.
// A watchdog thread runs beside it and ends this process when the parent is gone.
if (process.send) {
    const watchdog = new Worker(
        `const { workerData } = require('node:worker_threads');
        const gone = () => { if (process.ppid !== workerData.parent) return true; try { process.kill(workerData.parent, 0); return false; } catch (err) { return err.code === 'ESRCH'; } };
        setInterval(() => { if (gone()) process.kill(workerData.self, 'SIGKILL'); }, 250);`,
        { eval: true, workerData: { parent: process.ppid, self: process.pid } }
    );
    watchdog.unref();
}

/**
 * Tells the parent this worker takes requests. The entry (boot/worker-entry.ts) calls it after it has
 * sent the code cache, so the parent takes a cache only from a worker that has not run any user code.
 */
export function announceReady(): void {
    send({ type: 'ready' });
    // The provider fakes (msw's server, interceptors and request handlers, whose modules the bundle
    // initialises on first use) cost about 150 ms the first time; every run needs them. Made, and used once
    // with no fixture, right after 'ready', they are done while the orchestrator is still preparing the run
    // (or idle) instead of inside the first run; a request that comes meanwhile waits no longer than that run would have.
    setImmediate(() => {
        // A request that came first has set them up for itself: using them here would take its fixtures away.
        if (fakes) return;
        fakes = new ProviderFakes();
        fakes.use({
            accounts: [],
            responses: [],
            integration: '',
            fixturesFile: '',
            userHandlers: [],
            captureBodies: false,
            maxBodyBytes: 0,
            onRequest: () => undefined
        });
    });
}
