// The `nango` calls that send no provider request (metadata, connection, token, integration,
// environment), timed and reported with where the handler made them, so the editor can show them at
// their line. Summaries name keys and shapes only: the values can be secrets or personal data.
import type { CallSite, SdkCall } from '../core/protocol';

/** Deep enough to get through the SDK's frames and a few helper functions to the user's call. */
const CALL_SITE_FRAMES = 40;

/** Where the user's code called the SDK method running now (undefined when no frame maps to TypeScript). */
export function callSiteOfCaller(callSiteOf: ((stack: string) => CallSite | undefined) | undefined): CallSite | undefined {
    if (!callSiteOf) return undefined;
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = CALL_SITE_FRAMES;
    const stack = withRawStacks(() => String(new Error().stack ?? ''));
    Error.stackTraceLimit = limit;
    return callSiteOf(stack);
}

/**
 * Runs `fn` with stacks as raw positions: the cheapest form of a stack nobody reads (msw takes one in
 * every handler it makes), and the one the call-site lookup parses. Node's own formatting names every
 * frame and, once a user's msw handlers file has turned source maps on, looks each one up in its maps.
 */
export function withRawStacks<T>(fn: () => T): T {
    const prepare = Error.prepareStackTrace;
    Error.prepareStackTrace = rawFrames;
    try {
        return fn();
    } finally {
        Error.prepareStackTrace = prepare;
    }
}

function rawFrames(_error: Error, frames: NodeJS.CallSite[]): string {
    return frames.map((f) => `    at ${f.getFileName() ?? '<anonymous>'}:${f.getLineNumber() ?? 0}:${f.getColumnNumber() ?? 0}`).join('\n');
}

/** Keys listed before "+N more": the after-text of a line stays short. */
const MAX_KEYS = 6;
const MAX_KEY_CHARS = 40;

function keyText(key: string): string {
    return key.length > MAX_KEY_CHARS ? `${key.slice(0, MAX_KEY_CHARS)}…` : key;
}

/** "{ organizationId, webhookId }", "null", "[3 items]", "string": what a value holds, without its values. */
export function shapeOf(value: unknown): string {
    if (value === null) return 'null';
    if (Array.isArray(value)) return `[${value.length} item${value.length === 1 ? '' : 's'}]`;
    if (typeof value !== 'object') return typeof value;
    let keys: string[];
    try {
        keys = Object.keys(value);
    } catch {
        // A revoked Proxy: its keys cannot be read, and the call reports the error it meets.
        return 'object';
    }
    if (!keys.length) return '{}';
    const shown = keys.slice(0, MAX_KEYS).map(keyText);
    if (keys.length > MAX_KEYS) shown.push(`+${keys.length - MAX_KEYS} more`);
    return `{ ${shown.join(', ')} }`;
}

/** The summary of a call that reads: "→ { organizationId, webhookId }", "→ string", "→ [2 items]". */
export function returnedShape(value: unknown): string {
    return `→ ${shapeOf(value)}`;
}

function errorName(err: unknown): string {
    const name = err && typeof err === 'object' ? (err as { name?: unknown }).name : undefined;
    return typeof name === 'string' && name ? name : 'an error';
}

/**
 * Runs one SDK call and reports it to `report` (the worker sends it to the run's result), also when it
 * throws; the error itself reaches the handler unchanged.
 */
export async function recordSdkCall<T>(
    report: ((call: SdkCall) => void) | undefined,
    method: string,
    callSite: CallSite | undefined,
    run: () => Promise<T>,
    summary: string | ((value: T) => string)
): Promise<T> {
    const started = performance.now();
    const site = callSite ? { callSite } : {};
    try {
        const value = await run();
        report?.({ method, summary: typeof summary === 'string' ? summary : summary(value), durationMs: performance.now() - started, ...site });
        return value;
    } catch (err) {
        report?.({ method, summary: `threw ${errorName(err)}`, durationMs: performance.now() - started, failed: true, ...site });
        throw err;
    }
}
