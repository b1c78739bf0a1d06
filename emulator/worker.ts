// The child process that runs user handler code. The orchestrator (runner.ts) sends it requests over
// IPC; it answers with logs, provider requests, metadata writes and a final outcome. Anything the
// handler does wrong (throws, hangs, exits, rejects unhandled) stays in here; the parent survives.
import Module from 'node:module';
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
let current: { id: number; startedAt: number; redactor: Redactor; finish: (error: unknown) => void } | undefined;

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

export function describeError(err: unknown, handlerFile: string, redactor: Redactor): HandlerErrorInfo {
    if (!(err instanceof Error)) {
        const shown = typeof err === 'string' ? JSON.stringify(err) : (() => {
            try {
                return JSON.stringify(err);
            } catch {
                return String(err);
            }
        })();
        return { type: 'NonErrorThrown', message: redactor.text(`the handler threw a ${err === null ? 'null' : typeof err} (${shown}), not an Error. Throw new nango.ActionError({ message: ... }) or an Error so Nango can report the failure.`) };
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
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    let definition: HandlerDefinition | undefined;
    const finish = (error: unknown): void => {
        if (settled) return;
        settled = true;
        current = undefined;
        void (async () => {
            await fakes?.settle();
            const unmatched = fakes?.unmatchedErrors ?? [];
            let errorInfo = error === undefined ? undefined : describeError(error, req.handlerFile, redactor);
            if (!errorInfo && unmatched.length) errorInfo = { type: 'UnmatchedRequest', message: redactor.text(unmatched[0]!) };
            send({ type: 'done', id: req.id, ok: !errorInfo, ...(definition ? { definition } : {}), ...(errorInfo ? { error: errorInfo } : {}) });
            resolveDone();
        })();
    };
    current = { id: req.id, startedAt, redactor, finish };

    try {
        const loaded = readDefinition(loadFresh(req.compiledFile), req.handlerFile);
        definition = loaded.definition;
        if (req.expectedEvent && loaded.definition.event !== req.expectedEvent) {
            throw new InvalidHandlerError(`${req.handlerFile}: handles '${loaded.definition.event}', not '${req.expectedEvent}'.`);
        }
        const userHandlers = req.userMswFile ? loadUserHandlers(req.userMswFile) : [];
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
        finish(undefined);
    } catch (err) {
        finish(err);
    }
    await done;
}

function loadUserHandlers(file: string): msw.RequestHandler[] {
    const mod = loadFresh(file) as { default?: unknown; handlers?: unknown };
    const list = mod.default ?? mod.handlers;
    if (!Array.isArray(list) || !list.every((h) => h instanceof msw.RequestHandler)) {
        throw new InvalidHandlerError(`${file}: must "export default [ ... ]" an array of msw handlers, e.g. export default [http.get('https://api.example.com/me', () => HttpResponse.json({ id: 1 }))]`);
    }
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
    const message = reason instanceof Error ? reason : new Error(`unhandled promise rejection: ${String(reason)}`);
    if (reason instanceof Error) reason.message = `unhandled promise rejection: ${reason.message}`;
    current?.finish(message);
});
process.on('uncaughtException', (err) => {
    current?.finish(err);
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
send({ type: 'ready' });
