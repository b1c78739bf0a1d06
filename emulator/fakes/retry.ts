// Nango's proxy retry rule: which failed provider calls are retried, how long to wait between
// attempts and what is logged. Ported from NangoHQ/nango: packages/shared/lib/services/proxy/retry.ts
// (getProxyRetryFromErr), packages/utils/lib/retry.ts (networkError, retryFlexible,
// getExponentialBackoff), packages/shared/lib/services/proxy/request.ts (its log lines) and
// packages/runner/lib/sdk/sdk.ts (proxy(): the runner's `canRetryOn401` rule). The single home of the
// rule: the worker's SDK (worker/sdk-proxy.ts) and the server's /proxy (server/proxy.ts) both call
// proxyRetryStep. Pure: no I/O.
//
// The rule, as Nango applies it when a request asks for `retries` (never otherwise):
// - network failures with one of 7 codes (NETWORK_ERROR_CODES; ECONNABORTED is a timeout) are
//   retried; others (ENOTFOUND, …) are not;
// - statuses: the provider's `proxy.retry.error_code` list from Nango's catalogue when it has one
//   ("403", "5xx", "500-502"), else 5xx, 429 and 401; plus any status in the request's `retryOn`;
//   plus any failure whose `proxy.retry.remaining` header is "0";
// - in the runner (an SDK call of a function), a 401 is retried only while the connection's
//   credentials changed since the previous attempt: so once at most, then "invalid_credentials"
//   (they never change during an emulated run). Nango's server /proxy has no such rule
//   (packages/server/lib/services/proxy.service.ts passes no onError to ProxyRequest);
// - the wait comes from the headers (or body) the provider's catalogue entry names (`retry.after`,
//   e.g. Retry-After for Slack; `retry.at`, e.g. x-ratelimit-reset for GitHub), the longest one found;
//   otherwise exponential backoff, 3 s × 2^attempt. Nango does NOT read Retry-After for a provider
//   whose catalogue entry does not name it.

export interface RetryInput {
    /** The provider's status; undefined when there was no answer (network failure, timeout). */
    status?: number;
    /** Axios-style code of a failure without an answer, e.g. "ECONNABORTED" for a timeout. */
    networkCode?: string;
    /** Response headers, names lower-cased. */
    headers?: Record<string, string>;
    /** Parsed response body (for catalogue entries that read the wait from the body). */
    body?: unknown;
    /** The request's `retryOn`. */
    retryOn?: number[] | null | undefined;
    /** `proxy.retry` of the provider in Nango's catalogue. */
    providerRetry?: unknown;
    /** Now, in ms since the epoch (for `retry.at` headers); defaults to Date.now(). */
    now?: number;
    /** Not an HTTP failure at all (e.g. the URL could not be built): Nango's "unknown_error", never retried. */
    unknown?: boolean;
}

export interface RetryDecision {
    retry: boolean;
    /** Nango's reason string, e.g. "status_code_503", "retry_on_409", "network_error", "preconfigured_after". */
    reason: string;
    /** The wait the provider's headers (or body) ask for, in ms; absent: exponential backoff. */
    waitMs?: number;
}

/** Network error codes Nango retries (`networkError` in packages/utils/lib/retry.ts). ENOTFOUND is not one. */
export const NETWORK_ERROR_CODES = ['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'ECONNREFUSED', 'EHOSTUNREACH', 'EAI_AGAIN', 'UND_ERR_SOCKET'];

interface ProviderRetryConfig {
    at?: string | string[];
    after?: string | string[];
    remaining?: string;
    error_code?: string[] | string;
    in_body?: { strategy: 'at' | 'after'; value?: string; path: string };
}

function asConfig(value: unknown): ProviderRetryConfig {
    return value && typeof value === 'object' ? (value as ProviderRetryConfig) : {};
}

/** Whether Nango's proxy retries this failure, and how long it waits first (when the provider says). */
export function nangoRetryDecision(input: RetryInput): RetryDecision {
    if (input.unknown) return { retry: false, reason: 'unknown_error' };
    if (input.networkCode && NETWORK_ERROR_CODES.includes(input.networkCode)) return { retry: true, reason: 'network_error' };
    const status = input.status ?? 0;
    const headers = input.headers ?? {};
    const conf = asConfig(input.providerRetry);
    let retryable = false;
    let reason: string | undefined;
    if (Array.isArray(conf.error_code)) {
        for (const code of conf.error_code) {
            if (matchesStatusCode(status, code)) {
                retryable = true;
                reason = `provider_error_code_${code}`;
                break;
            }
        }
    } else {
        retryable = status >= 500 || status === 429 || status === 401;
    }
    if (!retryable && input.retryOn?.includes(status)) {
        retryable = true;
        reason = `retry_on_${status}`;
    }
    if (!retryable && conf.remaining && headers[conf.remaining.toLowerCase()] === '0') {
        retryable = true;
        reason = 'provider_remaining';
    }
    if (!retryable) return { retry: false, reason: 'not_retryable' };

    if (conf.at || conf.after) {
        const type = conf.at ? 'at' : 'after';
        const names = [conf.at ?? conf.after ?? []].flat();
        let best: number | undefined;
        for (const name of names) {
            const wait = parseRetryValue(type, headers[name.toLowerCase()], input.now ?? Date.now());
            if (wait !== undefined && (best === undefined || wait > best)) best = wait;
        }
        if (best !== undefined) return { retry: true, reason: `preconfigured_${type}`, waitMs: best };
    }
    if (conf.in_body) {
        const { strategy, value, path } = conf.in_body;
        const message = getPath(input.body, path);
        if (typeof message === 'string') {
            const match = message.match(value ? new RegExp(value) : /(?:)/);
            const wait = match?.[1] ? parseRetryValue(strategy, match[1].trim(), input.now ?? Date.now()) : undefined;
            if (wait !== undefined) return { retry: true, reason: `preconfigured_in_body:${strategy}`, waitMs: wait };
        }
    }
    return { retry: true, reason: reason ?? `status_code_${status}` };
}

/** Whether Nango reads the wait from this header for a provider (its catalogue's retry.at / retry.after). */
export function providerReadsRetryHeader(providerRetry: unknown, header: string): boolean {
    const conf = asConfig(providerRetry);
    return [conf.at ?? conf.after ?? []].flat().some((name) => name.toLowerCase() === header.toLowerCase());
}

/** Nango's wait before retry number `attempt + 1` when the provider names no wait: 3 s × 2^attempt, at most 10 minutes. */
export function nangoBackoffMs(attempt: number): number {
    return Math.min(3000 * 2 ** attempt, 10 * 60 * 1000);
}

/**
 * The emulator's stand-in for that backoff: the same doubling, 30 times shorter (100 ms, 200 ms,
 * 400 ms, …), so runs that retry stay fast. The number of attempts is Nango's; waits the provider
 * asks for (Retry-After and the like, where Nango reads them) are kept as they are.
 */
export function emulatorBackoffMs(attempt: number): number {
    return Math.round(nangoBackoffMs(attempt) / 30);
}

export interface RetryStepInput {
    /** The attempt that just failed, from 0 (the first call). */
    attempt: number;
    /** The request's `retries`: how many more attempts Nango makes at most. */
    max: number;
    failure: RetryInput;
    /** True for an SDK call of a function (Nango's runner, with its 401 rule); false for the server's /proxy. */
    runnerSdk: boolean;
    /** The provider's name in Nango's catalogue, for the notes. */
    provider?: string;
    /** What failed, for the log line, e.g. "GET https://api.github.com/user: 503". */
    context: string;
}

export interface RetryStep {
    retry: boolean;
    reason: string;
    /** How long the emulator waits before the next attempt (when retry). */
    waitMs: number;
    /** The warning Nango logs for this failure (none once the attempts are spent, as in Nango). */
    message?: string;
}

/**
 * What Nango does after a failed attempt: retry (and how long it waits) or stop, with the line its
 * ProxyRequest logs ("Retrying HTTP call (reason: …). Waiting for …ms [n/max]" or "Skipping retry HTTP
 * call (reason: …) [n/max]"), followed by the emulator's note in parentheses. Like retryFlexible,
 * nothing is decided (nor logged) once `max` attempts were retried.
 */
export function proxyRetryStep(input: RetryStepInput): RetryStep {
    const { attempt, max, failure } = input;
    if (attempt >= max) return { retry: false, reason: 'no_retries_left', waitMs: 0 };
    const at = `[${attempt + 1}/${max}]`;
    let decision = nangoRetryDecision(failure);
    let why = '';
    // packages/runner/lib/sdk/sdk.ts, proxy() onError: from the second attempt on, a 401 stops unless the
    // connection's credentials changed since the previous attempt; an emulated run never changes them.
    if (input.runnerSdk && decision.reason.includes('code_401') && attempt >= 1) {
        decision = { retry: false, reason: 'invalid_credentials' };
        why = ". Nango retries a 401 in a function once, then only if the connection's credentials changed meanwhile; they never change during an emulated run";
    }
    if (!decision.retry)
        return {
            retry: false,
            reason: decision.reason,
            waitMs: 0,
            message: `Skipping retry HTTP call (reason: ${decision.reason}) ${at} (${input.context}${why})`
        };
    const waitMs = decision.waitMs ?? emulatorBackoffMs(attempt);
    let note = '';
    if (decision.waitMs === undefined) {
        note = `; Nango waits ${nangoBackoffMs(attempt)}ms here, the emulator shortens its backoff`;
        const headers = failure.headers ?? {};
        if (headers['retry-after'] !== undefined && !providerReadsRetryHeader(failure.providerRetry, 'retry-after')) {
            note += `. Retry-After is not read: Nango reads it only for providers whose catalogue entry names it, and ${input.provider ? `"${input.provider}"'s` : "this provider's"} does not`;
        }
    }
    return {
        retry: true,
        reason: decision.reason,
        waitMs,
        message: `Retrying HTTP call (reason: ${decision.reason}). Waiting for ${waitMs}ms ${at} (${input.context}${note})`
    };
}

/** Milliseconds to wait from an "after" (seconds) or "at" (epoch seconds or ms, or a date) value; undefined if unusable. */
function parseRetryValue(type: 'at' | 'after', raw: string | undefined, now: number): number | undefined {
    if (!raw) return undefined;
    if (type === 'after') {
        const seconds = Number(raw);
        return Number.isNaN(seconds) ? undefined : seconds * 1000;
    }
    const nowSeconds = Math.floor(now / 1000);
    let atSeconds: number;
    const numeric = Number(raw);
    if (!Number.isNaN(numeric)) {
        const isMs = new Date(numeric).getFullYear() > 1971;
        atSeconds = isMs ? Math.floor(numeric / 1000) : numeric;
    } else {
        const date = new Date(raw).getTime();
        if (Number.isNaN(date)) return undefined;
        atSeconds = Math.floor(date / 1000);
    }
    if (atSeconds <= nowSeconds) return undefined;
    return Math.ceil(atSeconds - nowSeconds) * 1000;
}

function matchesStatusCode(status: number, rule: string): boolean {
    if (!rule) return false;
    if (!Number.isNaN(Number(rule))) return status === Number(rule);
    const xx = /^(\d)xx$/i.exec(rule);
    if (xx) return Math.floor(status / 100) === Number(xx[1]);
    const range = /^(\d{3})-(\d{3})$/.exec(rule);
    if (range) return status >= Number(range[1]) && status <= Number(range[2]);
    return false;
}

function getPath(value: unknown, path: string): unknown {
    return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), value);
}
