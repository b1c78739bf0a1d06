// A compiled handler as the worker sees it: loaded in a fresh sandbox, its createOnEvent definition
// checked, and what it throws described for the user (redacted, mapped to TypeScript, explained when
// one of Nango's runtime rules refused it).
import { readFileSync } from 'node:fs';
import { types } from 'node:util';
import { EVENT_NAMES, type EventName } from '../fixtures/fixtures';
import type { HandlerDefinition, HandlerErrorInfo } from '../core/protocol';
import type { Redactor } from '../core/redact';
import { createSandbox, type ConsoleLevel, type Sandbox } from '../sandbox/context';
import { explainRuntimeError } from '../sandbox/explain';
import type { CompiledSourceMap } from '../sandbox/source-map';
import { ActionError } from './sdk-errors';

export interface LoadedDefinition {
    definition: HandlerDefinition;
    exec: (nango: unknown) => unknown;
    metadataSchema?: { safeParse(value: unknown): never };
}

export class InvalidHandlerError extends Error {
    override readonly name = 'InvalidHandlerError';
}

export interface LoadedHandler {
    sandbox: Sandbox;
    loaded: LoadedDefinition;
}

/**
 * Runs the handler's top-level code in a new sandbox and reads its definition. On failure the sandbox
 * is disposed and the error rethrown with the sandbox attached, so its stack can still be mapped.
 */
export function loadHandler(
    compiledFile: string,
    handlerFile: string,
    projectRoot: string,
    onConsole: (level: ConsoleLevel, args: unknown[]) => void
): LoadedHandler {
    const sandbox = createSandbox({ code: readFileSync(compiledFile, 'utf8'), compiledFile, projectRoot, onConsole });
    try {
        return { sandbox, loaded: readDefinition(sandbox.evaluate(), handlerFile) };
    } catch (err) {
        sandbox.dispose();
        throw new SandboxFailure(err, sandbox.sourceMap);
    }
}

/** Carries what the handler threw at load time with the map that explains its stack. */
export class SandboxFailure {
    constructor(
        readonly error: unknown,
        readonly sourceMap: CompiledSourceMap | undefined
    ) {}
}

export function readDefinition(mod: unknown, handlerFile: string): LoadedDefinition {
    const exported = (mod as { default?: unknown } | undefined)?.default;
    if (exported === undefined) {
        throw new InvalidHandlerError(`${handlerFile}: no default export. Event functions must "export default createOnEvent({ ... })".`);
    }
    if (!exported || typeof exported !== 'object' || !('type' in exported)) {
        throw new InvalidHandlerError(
            `${handlerFile}: the default export is not the result of createOnEvent(...). Use "export default createOnEvent({ description, event, exec })" with createOnEvent imported from 'nango'.`
        );
    }
    const def = exported as Record<string, unknown>;
    if (def['type'] !== 'onEvent') {
        const factory = def['type'] === 'action' ? 'createAction' : def['type'] === 'sync' ? 'createSync' : `something of type "${String(def['type'])}"`;
        throw new InvalidHandlerError(
            `${handlerFile}: the default export comes from ${factory}, not createOnEvent. Files under on-events/ must "export default createOnEvent({ ... })".`
        );
    }
    if (typeof def['event'] !== 'string' || !(EVENT_NAMES as readonly string[]).includes(def['event'])) {
        throw new InvalidHandlerError(
            `${handlerFile}: event ${JSON.stringify(def['event'])} is not a Nango lifecycle event. Use one of ${EVENT_NAMES.map((e) => `'${e}'`).join(', ')}.`
        );
    }
    if (typeof def['exec'] !== 'function') {
        throw new InvalidHandlerError(`${handlerFile}: createOnEvent({ ... }) has no exec function. Add "exec: async (nango) => { ... }".`);
    }
    const schema = def['metadata'] as LoadedDefinition['metadataSchema'];
    return {
        definition: {
            event: def['event'] as EventName,
            description: typeof def['description'] === 'string' ? def['description'] : '',
            version: typeof def['version'] === 'string' ? def['version'] : '0.0.1'
        },
        exec: def['exec'] as LoadedDefinition['exec'],
        ...(schema && typeof schema.safeParse === 'function' ? { metadataSchema: schema } : {})
    };
}

/** "a string (\"…\")", "an object ({…})", "undefined": what a non-Error value is, redacted, short. */
export function describeValue(value: unknown, redactor: Redactor): string {
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

/** Errors made in the sandbox come from another realm: `instanceof Error` is false for them. */
function isError(value: unknown): value is Error {
    return value instanceof Error || types.isNativeError(value);
}

export function describeError(thrown: unknown, handlerFile: string, redactor: Redactor, sourceMap?: CompiledSourceMap): HandlerErrorInfo {
    const [err, map] = thrown instanceof SandboxFailure ? [thrown.error, thrown.sourceMap] : [thrown, sourceMap];
    if (!isError(err)) {
        return {
            type: 'NonErrorThrown',
            message: redactor.text(
                `${handlerFile}: the handler threw ${describeValue(err, redactor)}, not an Error. Throw new nango.ActionError({ message: ... }) or an Error so Nango can report the failure.`
            )
        };
    }
    const isAction = err instanceof ActionError || (err as { type?: unknown }).type === 'action_script_runtime_error';
    const payload = (err as { payload?: unknown }).payload;
    // `new ActionError(payload)` leaves message empty: Nango reports the payload, and so do we.
    let message = err.message;
    if (!message && payload !== undefined) {
        const inner = payload && typeof payload === 'object' ? (payload as { message?: unknown }).message : undefined;
        message = typeof payload === 'string' ? payload : typeof inner === 'string' ? inner : JSON.stringify(payload);
    }
    const response = (err as { response?: { status?: number; data?: unknown } }).response;
    if (err.name === 'AxiosError' && response) {
        const config = (err as { config?: { method?: string; url?: string } }).config;
        message += ` (${config?.method ?? ''} ${config?.url ?? ''} → ${JSON.stringify(response.data)})`;
    }
    message = explainRuntimeError(err.name, message) ?? message;
    const mapped = err.stack && map ? map.mapStack(err.stack) : err.stack;
    const stack = mapped ? redactor.text(userStack(mapped)) : undefined;
    const info: HandlerErrorInfo = { type: isAction ? 'ActionError' : err.name || 'Error', message: redactor.text(message || '(no message)') };
    if (stack) info.stack = stack;
    if (payload !== undefined) info.payload = redactor.value(payload);
    const location = stack ? userFrame(stack, handlerFile) : undefined;
    if (location) info.location = location;
    return info;
}

/** The stack without the emulator's own frames: what is left is the user's code and Node's. */
function userStack(stack: string): string {
    const own = [/[\\/]dist[\\/]emulator[\\/]worker(\.bundle)?\.js:/, /[\\/]emulator[\\/](worker|sandbox)([\\/][^:]+)?\.ts:/, /\(node:vm:/, /evalmachine\./];
    return stack
        .split('\n')
        .filter((line) => !own.some((pattern) => pattern.test(line)))
        .join('\n');
}

/** The first stack frame in user code (a .ts file outside node_modules), preferring the handler. */
function userFrame(stack: string, handlerFile: string): HandlerErrorInfo['location'] {
    const frames = [...stack.matchAll(/\(?((?:[A-Za-z]:)?[^\s()]+\.(?:ts|tsx|mts|cts)):(\d+):(\d+)\)?/g)].flatMap((m) =>
        m[1] ? [{ file: m[1], line: Number(m[2]), column: Number(m[3]) }] : []
    );
    const user = frames.filter((f) => !f.file.includes('node_modules'));
    return user.find((f) => f.file === handlerFile) ?? user[0];
}
