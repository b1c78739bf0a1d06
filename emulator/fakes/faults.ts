// Fault injection, in one place: what a response fixture's `fault` means (its schema), which requests
// get it (`times`, counted per run), and the answer it turns into. Used by the worker's provider fakes
// (worker/provider-fakes.ts) and, through them, the server's /proxy (server/proxy.ts); the emulator's
// SDK (worker/sdk-proxy.ts) and the /proxy read a stand-in answer back as the failure it stands for.
import { STATUS_CODES } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import * as z from 'zod';
import type { ResponseFixture } from '../fixtures/fixtures';

const nonEmpty = z.string().min(1, 'must not be empty');

/** How long a `"timeout": true` fault holds a request before the SDK call fails (see FaultSchema). */
export const DEFAULT_FAULT_TIMEOUT_MS = 1000;

// A fault turns a response fixture's answer into a failure: an error status (401, 403, 429 with
// Retry-After, 5xx), a slow answer, no answer at all (a timeout), or a body that is not JSON although
// it says it is. With `times`, only the first N requests the fixture matches (in one handler run) fail,
// later ones get the normal answer: that is how retries are shown.
/**
 * Node's codes for a connection that fails (`fault.networkError`): the 7 Nango's proxy retries
 * (networkError in NangoHQ/nango packages/utils/lib/retry.ts, see emulator/fakes/retry.ts) and some it does not.
 */
export const FAULT_NETWORK_ERRORS = [
    'ECONNRESET',
    'ETIMEDOUT',
    'ECONNABORTED',
    'ECONNREFUSED',
    'EHOSTUNREACH',
    'EAI_AGAIN',
    'UND_ERR_SOCKET',
    'ENOTFOUND',
    'ENETUNREACH',
    'EPIPE'
] as const;
export const FaultSchema = z
    .strictObject({
        // Answer with this error status instead of the response's own.
        status: z
            .number()
            .int()
            .min(400, 'a fault status is an error status (400-599): for another answer, change the response\'s own "status"')
            .max(599)
            .optional(),
        // Sets the Retry-After header of the faulted answer: seconds, or an HTTP date.
        retryAfter: z.union([z.number().int().min(0), nonEmpty]).optional(),
        // Headers and JSON body of the faulted answer (default body: {"error": "<status text>"}).
        headers: z.record(z.string(), z.string()).optional(),
        body: z.unknown().optional(),
        // Wait this long before answering (with the fault, or with the normal answer when only delayed).
        delayMs: z.number().int().min(0).max(60_000).optional(),
        // Never answer: the SDK call fails with a timeout error (axios-style, code ECONNABORTED) after
        // this many ms (true: 1000 ms). Keep it below the handler timeout so the handler sees the error.
        timeout: z.union([z.literal(true), z.number().int().min(1).max(60_000)]).optional(),
        // The connection fails with this Node error code (after delayMs, if set): the SDK call fails like
        // axios, with that `code` and no response; the server's /proxy answers 500 as Nango's does.
        networkError: z.enum(FAULT_NETWORK_ERRORS).optional(),
        // Send a body that is not valid JSON with a JSON content type: true cuts the normal body in
        // half; a string is sent as it is (e.g. an HTML error page from a gateway).
        malformedBody: z.union([z.literal(true), z.string()]).optional(),
        // Only the first N matching requests of each handler run fail; later ones get the normal answer.
        times: z.number().int().min(1).optional(),
        description: z.string().optional()
    })
    .superRefine((f, ctx) => {
        const kinds = (['status', 'delayMs', 'timeout', 'networkError', 'malformedBody'] as const).filter((k) => f[k] !== undefined);
        if (kinds.length === 0) {
            ctx.addIssue({
                code: 'custom',
                path: [],
                message:
                    'a fault needs one of "status" (e.g. 503), "delayMs", "timeout" (true or ms), "networkError" (e.g. "ECONNRESET") or "malformedBody" (true or a string)'
            });
        }
        if (f.networkError !== undefined) {
            for (const k of ['status', 'malformedBody', 'retryAfter', 'headers', 'body', 'timeout'] as const) {
                if (f[k] !== undefined)
                    ctx.addIssue({
                        code: 'custom',
                        path: [k],
                        message: `"${k}" has no effect with "networkError": a request whose connection fails gets no answer. Remove one of them`
                    });
            }
        }
        if (f.timeout !== undefined) {
            for (const k of ['status', 'malformedBody', 'retryAfter', 'headers', 'body', 'delayMs'] as const) {
                if (f[k] !== undefined)
                    ctx.addIssue({
                        code: 'custom',
                        path: [k],
                        message: `"${k}" has no effect with "timeout": a request that times out gets no answer. Remove one of them`
                    });
            }
        }
        if (f.status === undefined) {
            for (const k of ['retryAfter', 'body'] as const) {
                if (f[k] !== undefined && f.timeout === undefined && f.networkError === undefined)
                    ctx.addIssue({ code: 'custom', path: [k], message: `"${k}" belongs to a faulted answer: add "status" (e.g. 429 or 503)` });
            }
        }
        if (f.malformedBody !== undefined && f.body !== undefined && f.timeout === undefined && f.networkError === undefined) {
            ctx.addIssue({
                code: 'custom',
                path: ['body'],
                message: '"body" and "malformedBody" both set the body: keep one (a string "malformedBody" is sent as it is)'
            });
        }
    });
export type Fault = z.infer<typeof FaultSchema>;

/** How many requests each faulted response (by its index in the run's responses) has failed so far. */
export type FaultCounts = Map<number, number>;

/** The fault a request gets, with the label its `matchedBy` shows ("503, 1 of 2"). */
export interface TakenFault {
    fault: Fault;
    label: string;
    /** False for a fault that only delays the answer: the request then gets the normal answer, late. */
    fails: boolean;
}

/** The fixture's fault, if this request gets it (the first `times` matches of the run, or all); counts it. */
export function takeFault(fault: Fault | undefined, index: number, counts: FaultCounts): TakenFault | undefined {
    if (!fault) return undefined;
    const seen = counts.get(index) ?? 0;
    if (fault.times !== undefined && seen >= fault.times) return undefined;
    counts.set(index, seen + 1);
    const what =
        fault.timeout !== undefined
            ? 'timeout'
            : fault.networkError !== undefined
              ? fault.networkError
              : fault.status !== undefined
                ? String(fault.status)
                : fault.malformedBody !== undefined
                  ? 'malformed body'
                  : `delay ${fault.delayMs} ms`;
    const fails = fault.timeout !== undefined || fault.networkError !== undefined || fault.status !== undefined || fault.malformedBody !== undefined;
    return { fault, label: `${what}${fault.times !== undefined ? `, ${seen + 1} of ${fault.times}` : ''}`, fails };
}

/** How long the answer waits: the fault's delay when the request gets the fault, else the response's own. */
export function answerDelayMs(fixture: Pick<ResponseFixture, 'delayMs'>, taken: TakenFault | undefined): number | undefined {
    return taken?.fault.delayMs ?? fixture.delayMs;
}

/**
 * A response that is only a fault (no body, status 200) is a layer in front of the others: a request
 * it does not fail (its `times` are spent, or it only delays) goes on to the next matching response.
 */
export function passesToNextResponse(fixture: Pick<ResponseFixture, 'fault' | 'body' | 'status'>, taken: TakenFault | undefined): boolean {
    return !taken?.fails && fixture.fault !== undefined && fixture.body === undefined && fixture.status === 200;
}

/** Header on the stand-in answer of a request that timed out (a `timeout` fault); the SDK turns it into a timeout error. */
export const TIMEOUT_MARKER = 'timeout';
/** Header on the stand-in answer of a request whose connection failed (a `networkError` fault). */
export const NETWORK_ERROR_MARKER = 'network-error';

/**
 * The faulted answer (for a fault that fails: TakenFault.fails). A timeout holds the request, then
 * answers with a marked 504 that the emulator's SDK reports as a timeout error (with no answer, as axios
 * does); other HTTP clients see the 504. A network error answers with a marked 502 the SDK reports as
 * axios' error with that code (no answer).
 */
export async function faultResponse(fault: Fault, fixture: Pick<ResponseFixture, 'status' | 'headers'>, normalBody: unknown, url: string): Promise<Response> {
    if (fault.networkError !== undefined) {
        const message = networkErrorMessage(fault.networkError, url);
        return Response.json(
            { error: `${message} (the emulator's stand-in for a failed connection: fixture fault networkError)` },
            {
                status: 502,
                statusText: 'Bad Gateway',
                headers: { 'x-nango-emulator': NETWORK_ERROR_MARKER, 'x-nango-emulator-network-error': fault.networkError }
            }
        );
    }
    if (fault.timeout !== undefined) {
        const ms = fault.timeout === true ? DEFAULT_FAULT_TIMEOUT_MS : fault.timeout;
        await delay(ms);
        return new Response(null, {
            status: 504,
            statusText: 'Gateway Timeout',
            headers: { 'x-nango-emulator': TIMEOUT_MARKER, 'x-nango-emulator-timeout-ms': String(ms) }
        });
    }
    const status = fault.status ?? fixture.status;
    const headers = new Headers(fault.status !== undefined ? fault.headers : { ...fixture.headers, ...fault.headers });
    if (fault.retryAfter !== undefined) headers.set('retry-after', String(fault.retryAfter));
    if (fault.malformedBody !== undefined) {
        const full = JSON.stringify(fault.status !== undefined ? (fault.body ?? { error: STATUS_CODES[status] ?? 'Error' }) : (normalBody ?? {}));
        headers.set('content-type', 'application/json');
        return new Response(fault.malformedBody === true ? full.slice(0, Math.max(1, Math.floor(full.length / 2))) : fault.malformedBody, {
            status,
            headers
        });
    }
    return Response.json(fault.body ?? { error: STATUS_CODES[status] ?? 'Error' }, { status, headers });
}

/** The failure a stand-in answer stands for: the code and message axios gives it, with no response. */
export interface NetworkFailure {
    code: string;
    message: string;
    /** Set for a `timeout` fault: how long the request was held. */
    timeoutMs?: number;
}

/** The failure a marked stand-in answer stands for (a `timeout` or `networkError` fault); undefined for any other answer. */
export function markedNetworkFailure(response: Response, url: string): NetworkFailure | undefined {
    const marker = response.headers.get('x-nango-emulator');
    if (marker === TIMEOUT_MARKER) {
        const timeoutMs = Number(response.headers.get('x-nango-emulator-timeout-ms'));
        return { code: 'ECONNABORTED', message: `timeout of ${timeoutMs}ms exceeded`, timeoutMs };
    }
    if (marker === NETWORK_ERROR_MARKER) {
        const code = response.headers.get('x-nango-emulator-network-error') ?? 'ECONNRESET';
        return { code, message: networkErrorMessage(code, url) };
    }
    return undefined;
}

/** The message Node (through axios) gives a failed connection with this code, e.g. "read ECONNRESET". */
export function networkErrorMessage(code: string, url: string): string {
    let host = '';
    let port = '';
    try {
        const u = new URL(url);
        host = u.hostname;
        port = u.port || (u.protocol === 'http:' ? '80' : '443');
    } catch {
        // keep the generic forms
    }
    switch (code) {
        case 'ECONNRESET':
            return 'read ECONNRESET';
        case 'EPIPE':
            return 'write EPIPE';
        case 'ECONNABORTED':
            return 'Request aborted';
        case 'UND_ERR_SOCKET':
            return 'other side closed';
        case 'EAI_AGAIN':
        case 'ENOTFOUND':
            return `getaddrinfo ${code} ${host}`;
        default:
            return `connect ${code} ${host}:${port}`;
    }
}
