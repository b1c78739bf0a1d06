// The child process that runs user handler code. The orchestrator (runner.ts) sends it requests over
// IPC; it answers with logs, provider requests, metadata writes and a final outcome. Anything the
// handler does wrong (throws, hangs, exits, rejects unhandled) stays in here; the parent survives.
import Module from 'node:module';
import { Worker } from 'node:worker_threads';
import * as msw from 'msw';
import * as zod from 'zod';
import { EVENT_NAMES, type EventName } from './fixtures';
import type { DescribeRequest, HandlerDefinition, HandlerErrorInfo, LogEntry, RunRequest, WorkerMessage, WorkerRequest } from './protocol';
import { Redactor, secretsOf } from './redact';
import * as nangoShim from './worker/nango-shim';
import { ProviderFakes } from './worker/provider-fakes';
import { EmulatedNango } from './worker/sdk';

// Handlers and user msw files are compiled with these left external; they resolve to our copies so
// the msw instance is the server's own and no user node_modules are needed.
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
// A handler must not end the process; Nango's runner would not let it either.
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

function loadFresh(compiledFile: string): unknown {
    const resolved = require.resolve(compiledFile);
    delete require.cache[resolved];
    return require(resolved) as unknown;
}

interface LoadedDefinition {
    definition: HandlerDefinition;
    exec: (nango: unknown) => unknown;
    metadataSchema?: { safeParse(value: unknown): never };
}

class InvalidHandlerError extends Error {
    override readonly name = 'InvalidHandlerError';
}

function readDefinition(mod: unknown, handlerFile: string): LoadedDefinition {
    const exported = (mod as { default?: unknown } | undefined)?.default;
    if (exported === undefined) {
        throw new InvalidHandlerError(`${handlerFile}: no default export. Event functions must "export default createOnEvent({ ... })".`);
    }
    if (!exported || typeof exported !== 'object' || !('type' in exported)) {
        throw new InvalidHandlerError(`${handlerFile}: the default export is not the result of createOnEvent(...). Use "export default createOnEvent({ description, event, exec })" with createOnEvent imported from 'nango'.`);
    }
    const def = exported as Record<string, unknown>;
    if (def['type'] !== 'onEvent') {
        const factory = def['type'] === 'action' ? 'createAction' : def['type'] === 'sync' ? 'createSync' : `something of type "${String(def['type'])}"`;
        throw new InvalidHandlerError(`${handlerFile}: the default export comes from ${factory}, not createOnEvent. Files under on-events/ must "export default createOnEvent({ ... })".`);
    }
    if (typeof def['event'] !== 'string' || !(EVENT_NAMES as readonly string[]).includes(def['event'])) {
        throw new InvalidHandlerError(`${handlerFile}: event ${JSON.stringify(def['event'])} is not a Nango lifecycle event. Use one of ${EVENT_NAMES.map((e) => `'${e}'`).join(', ')}.`);
    }
    if (typeof def['exec'] !== 'function') {
        throw new InvalidHandlerError(`${handlerFile}: createOnEvent({ ... }) has no exec function. Add "exec: async (nango) => { ... }".`);
    }
    const schema = def['metadata'] as LoadedDefinition['metadataSchema'];
    return {
        definition: { event: def['event'] as EventName, description: typeof def['description'] === 'string' ? def['description'] : '', version: typeof def['version'] === 'string' ? def['version'] : '0.0.1' },
        exec: def['exec'] as LoadedDefinition['exec'],
        ...(schema && typeof schema.safeParse === 'function' ? { metadataSchema: schema } : {})
    };
}

/** "a string (\"…\")", "an object ({…})", "undefined": what a non-Error value is, redacted, short. */
function describeValue(value: unknown, redactor: Redactor): string {
    if (value === undefined || value === null) return String(value);
    const kind = Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
    let shown: string;
    try {
        shown = JSON.stringify(value) ?? String(value);
    } catch {
        shown = String(value);
    }
    // Redact before shortening: a cut secret would no longer be recognised.
    shown = redactor.text(shown);
    return `${kind} (${shown.length > 300 ? `${shown.slice(0, 300)}…` : shown})`;
}

export function describeError(err: unknown, handlerFile: string, redactor: Redactor): HandlerErrorInfo {
    if (!(err instanceof Error)) {
        return { type: 'NonErrorThrown', message: redactor.text(`${handlerFile}: the handler threw ${describeValue(err, redactor)}, not an Error. Throw new nango.ActionError({ message: ... }) or an Error so Nango can report the failure.`) };
    }
    const isAction = err instanceof nangoShim.ActionError || (err as { type?: unknown }).type === 'action_script_runtime_error';
    const payload = (err as { payload?: unknown }).payload;
    // `new ActionError(payload)` leaves message empty: Nango reports the payload, and so do we.
    let message = err.message;
    if (!message && payload !== undefined) {
        const inner = payload && typeof payload === 'object' ? (payload as { message?: unknown }).message : undefined;
        message = typeof payload === 'string' ? payload : typeof inner === 'string' ? inner : JSON.stringify(payload);
    }
    const response = (err as { response?: { status?: number; data?: unknown } }).response;
    if (err.name === 'AxiosError' && response) message += ` (${(err as { config?: { method?: string; url?: string } }).config?.method ?? ''} ${(err as { config?: { url?: string } }).config?.url ?? ''} → ${JSON.stringify(response.data)})`;
    const stack = err.stack ? redactor.text(userStack(err.stack)) : undefined;
    const info: HandlerErrorInfo = { type: isAction ? 'ActionError' : err.name || 'Error', message: redactor.text(message || '(no message)') };
    if (stack) info.stack = stack;
    if (payload !== undefined) info.payload = redactor.value(payload);
    const location = stack ? userFrame(stack, handlerFile) : undefined;
    if (location) info.location = location;
    return info;
}

/** The stack without the emulator's own frames: what is left is the user's code and Node's. */
function userStack(stack: string): string {
    const own = [__filename, __filename.replace(/\.js$/, '.ts')];
    return stack
        .split('\n')
        .filter((line) => !own.some((f) => line.includes(f)) && !/[\\/]emulator[\\/](worker|worker[\\/][^:]+)\.ts:/.test(line))
        .join('\n');
}

/** The first stack frame in user code (a .ts file outside node_modules), preferring the handler. */
function userFrame(stack: string, handlerFile: string): HandlerErrorInfo['location'] {
    const frames = [...stack.matchAll(/\(?((?:[A-Za-z]:)?[^\s()]+\.(?:ts|tsx|mts|cts)):(\d+):(\d+)\)?/g)].map((m) => ({ file: m[1]!, line: Number(m[2]), column: Number(m[3]) }));
    const user = frames.filter((f) => !f.file.includes('node_modules'));
    return user.find((f) => f.file === handlerFile) ?? user[0];
}

async function handleDescribe(req: DescribeRequest): Promise<void> {
    try {
        const { definition } = readDefinition(loadFresh(req.compiledFile), req.handlerFile);
        send({ type: 'described', id: req.id, definition });
    } catch (err) {
        send({ type: 'described', id: req.id, error: describeError(err, req.handlerFile, new Redactor([])) });
    }
}

async function handleRun(req: RunRequest): Promise<void> {
    const secrets = req.accounts.flatMap((a) => secretsOf(a.credentials)).concat(secretsOf(req.connection.credentials));
    const redactor = new Redactor(secrets);
    const startedAt = performance.now();
    const log = (entry: Omit<LogEntry, 'at'>): void => send({ type: 'log', id: req.id, entry: { ...entry, message: redactor.text(entry.message), at: Math.round(performance.now() - startedAt) } });

    let settled = false;
    let failure: Failure | undefined;
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    let definition: HandlerDefinition | undefined;
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
            if (current?.id === req.id) current = undefined;
            const unmatched = fakes?.unmatchedErrors ?? [];
            let errorInfo = failure ? describeError(failure.error, req.handlerFile, redactor) : undefined;
            if (!errorInfo && unmatched.length) errorInfo = { type: 'UnmatchedRequest', message: redactor.text(unmatched[0]!) };
            send({ type: 'done', id: req.id, ok: !errorInfo, ...(definition ? { definition } : {}), ...(errorInfo ? { error: errorInfo } : {}) });
            resolveDone();
        })();
    };
    current = { id: req.id, handlerFile: req.handlerFile, redactor, finish };

    try {
        const loaded = readDefinition(loadFresh(req.compiledFile), req.handlerFile);
        definition = loaded.definition;
        if (req.expectedEvent && loaded.definition.event !== req.expectedEvent) {
            throw new InvalidHandlerError(`${req.handlerFile}: handles '${loaded.definition.event}', not '${req.expectedEvent}'.`);
        }
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
        const nango = new EmulatedNango(req, loaded.metadataSchema, fakes, {
            log,
            metadataChanged: (metadata) => send({ type: 'metadata', id: req.id, metadata })
        });
        captureConsole(log);
        await loaded.exec(nango);
        finish();
    } catch (err) {
        finish({ error: err });
    }
    await done;
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
        mod = loadFresh(file) as typeof mod;
    } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        const wrapped = new UserHandlersError(`loading it threw ${e.name}: ${e.message}. Top-level code there runs before every handler run: fix it, or move it into a handler's resolver.`);
        if (e.stack) wrapped.stack = `${wrapped.name}: ${wrapped.message}\n${e.stack.split('\n').filter((l) => /^\s+at /.test(l)).join('\n')}`;
        throw wrapped;
    }
    const list = mod.default ?? mod.handlers;
    const example = `export default [http.get('https://api.example.com/me', () => HttpResponse.json({ id: 1 }))]`;
    if (list === undefined) throw new UserHandlersError(`no default export. Export an array of msw handlers: ${example}`);
    if (list instanceof msw.RequestHandler) throw new UserHandlersError(`the default export is a single msw handler, not an array. Wrap it in [ ]: ${example}`);
    if (!Array.isArray(list)) throw new UserHandlersError(`the default export is ${describeValue(list, redactor)}, not an array of msw handlers. Export an array: ${example}`);
    const bad = list.findIndex((h) => !(h instanceof msw.RequestHandler));
    if (bad >= 0) throw new UserHandlersError(`item ${bad} of the exported array is ${describeValue(list[bad], redactor)}, not an msw handler (made with http.get(...), http.post(...), … from 'msw'). Export only handlers: ${example}`);
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
        (console as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => consoleSink({ level, message: args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? (a.stack ?? a.message) : JSON.stringify(a))).join(' '), source: 'console' });
    }
}

// Failures outside the awaited exec chain still belong to the running handler.
process.on('unhandledRejection', (reason) => {
    if (!current) return;
    const hint = 'a promise the handler started was rejected and nothing awaited or caught it: await it, or add .catch()';
    if (reason instanceof Error) {
        reason.message = `unhandled promise rejection: ${reason.message} (${hint})`;
        return current.finish({ error: reason });
    }
    current.finish({ error: new Error(`${current.handlerFile}: unhandled promise rejection with ${describeValue(reason, current.redactor)} (${hint})`) });
});
process.on('uncaughtException', (err) => {
    current?.finish({ error: err });
});

let queue: Promise<void> = Promise.resolve();
process.on('message', (req: WorkerRequest) => {
    // One request at a time: a warm worker serves runs in order.
    queue = queue.then(() => (req.type === 'run' ? handleRun(req) : handleDescribe(req)));
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
send({ type: 'ready' });
