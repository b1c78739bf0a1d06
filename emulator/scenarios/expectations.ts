// Expectations: checks one step's result against what the scenario file expects of it, one failure
// (with message and source location) per expectation that does not hold.
import type { RunResult } from '../core/result';
import { matchesPathTail } from '../fakes/path-pattern';
import type { RequestExpectation, ScenarioStep } from './format';
import { pointer, type SourceLocation } from './locations';

export interface ExpectationFailure {
    /** Which expectation: "outcome", "metadata.organizationId", "requests[0]", "logs[1]", "error.message", … */
    expectation: string;
    message: string;
    expected?: unknown;
    actual?: unknown;
    /** Where that expectation is written (the step itself for the implicit "ok: true"). */
    location: SourceLocation;
}

/** Checks a step's result against what the step expects; one failure per expectation that does not hold. */
export function evaluateExpectations(step: ScenarioStep, r: RunResult): ExpectationFailure[] {
    const failures: ExpectationFailure[] = [];
    const e = step.expect;
    const at = (...keys: (string | number)[]): SourceLocation => {
        for (let n = keys.length; n >= 0; n--) {
            const found = step.locations[pointer(keys.slice(0, n))];
            if (found) return found;
        }
        return step.location;
    };
    const fail = (expectation: string, message: string, location: SourceLocation, expected?: unknown, actual?: unknown): void => {
        failures.push({ expectation, message, location, ...(expected !== undefined ? { expected } : {}), ...(actual !== undefined ? { actual } : {}) });
    };
    const because = r.error ? ` (${r.error.handler}: ${r.error.type}: ${r.error.message})` : '';

    if (step.implicitOk && !r.ok)
        fail(
            'ok',
            `the step failed${because}; a step without "expect" must succeed: fix the handler, or write what the step should give under "expect"`,
            step.location,
            true,
            false
        );
    if (e.ok !== undefined && r.ok !== e.ok) fail('ok', `ok: expected ${e.ok}, got ${r.ok}${r.ok ? '' : because}`, at('expect', 'ok'), e.ok, r.ok);
    if (e.outcome !== undefined && r.outcome !== e.outcome)
        fail('outcome', `outcome: expected "${e.outcome}", got "${r.outcome}"${because}`, at('expect', 'outcome'), e.outcome, r.outcome);
    if (e.status !== undefined && r.status !== e.status)
        fail('status', `status: expected "${e.status}", got "${r.status}"${because}`, at('expect', 'status'), e.status, r.status);
    if (e.events !== undefined && !deepEqual(r.events, e.events))
        fail('events', `events: expected ${show(e.events)}, got ${show(r.events)}`, at('expect', 'events'), e.events, r.events);

    if (e.metadata !== undefined) {
        const after = r.metadata.after;
        if (after === null) {
            const why =
                r.status === 'not_created'
                    ? `the connection was not created, so it has no metadata (outcome "${r.outcome}")`
                    : "the connection's metadata is null: nothing has set it yet (Nango creates OAuth connections with metadata null)";
            fail('metadata', `metadata: ${why}${because}`, at('expect', 'metadata'), e.metadata, null);
        } else
            for (const f of partialMismatches(e.metadata, after, []))
                fail(`metadata.${f.keys.join('.')}`, `metadata.${f.keys.join('.')}: ${f.message}`, at('expect', 'metadata', ...f.keys), f.expected, f.actual);
    }
    if (e.metadataEquals !== undefined && !deepEqual(r.metadata.after, e.metadataEquals)) {
        fail(
            'metadataEquals',
            `metadataEquals: expected ${show(e.metadataEquals)}, got ${show(r.metadata.after)}`,
            at('expect', 'metadataEquals'),
            e.metadataEquals,
            r.metadata.after
        );
    }

    const requestList = (): string =>
        r.requests.length ? r.requests.map((q) => `${q.method} ${q.url} → ${q.status ?? (q.unmatched ? 'unmatched' : 'no answer')}`).join('; ') : 'none';
    e.requests?.forEach((m, i) => {
        const found = r.requests.filter(
            (q) =>
                (m.method === undefined || q.method === m.method) &&
                (m.path === undefined || pathMatches(m.path, q.url)) &&
                (m.status === undefined || q.status === m.status) &&
                (m.account === undefined || q.account === m.account)
        );
        const ok = m.count === undefined ? found.length > 0 : found.length === m.count;
        if (!ok) {
            const wanted = `${m.count === undefined ? 'at least one' : m.count} ${describeRequestMatcher(m)} request${m.count === undefined || m.count === 1 ? '' : 's'}`;
            fail(
                `requests[${i}]`,
                `requests[${i}]: expected ${wanted}, found ${found.length}. Requests made: ${requestList()}`,
                at('expect', 'requests', i),
                m.count ?? '≥1',
                found.length
            );
        }
    });
    if (e.requestCount !== undefined && r.requests.length !== e.requestCount) {
        fail(
            'requestCount',
            `requestCount: expected ${e.requestCount} provider request${e.requestCount === 1 ? '' : 's'}, got ${r.requests.length}: ${requestList()}`,
            at('expect', 'requestCount'),
            e.requestCount,
            r.requests.length
        );
    }
    if (e.unmatchedRequests !== undefined) {
        const unmatched = r.requests.filter((q) => q.unmatched);
        if (unmatched.length !== e.unmatchedRequests) {
            fail(
                'unmatchedRequests',
                `unmatchedRequests: expected ${e.unmatchedRequests}, got ${unmatched.length}${unmatched.length ? ` (${unmatched.map((q) => `${q.method} ${q.url}`).join('; ')}: add fixtures for them)` : ''}`,
                at('expect', 'unmatchedRequests'),
                e.unmatchedRequests,
                unmatched.length
            );
        }
    }

    e.logs?.forEach((l, i) => {
        const spec = typeof l === 'string' ? { message: l } : l;
        const pattern = compilePattern(spec.message);
        const found = r.logs.filter((entry) => pattern.test(entry.message) && (spec.level === undefined || entry.level === spec.level));
        const count = typeof l === 'string' ? undefined : l.count;
        const ok = count === undefined ? found.length > 0 : found.length === count;
        if (!ok) {
            const logs = r.logs.length ? r.logs.map((entry) => `[${entry.level}] ${entry.message}`).join(' | ') : 'none';
            fail(
                `logs[${i}]`,
                `logs[${i}]: expected ${count === undefined ? 'a' : count} log line${count === undefined || count === 1 ? '' : 's'} matching ${pattern.describe}${spec.level ? ` at level ${spec.level}` : ''}, found ${found.length}. Logs: ${logs}`,
                at('expect', 'logs', i),
                count ?? '≥1',
                found.length
            );
        }
    });

    if (e.error !== undefined) {
        if (e.error === null) {
            if (r.error)
                fail('error', `error: expected none, got ${r.error.handler}: ${r.error.type}: ${r.error.message}`, at('expect', 'error'), null, r.error);
        } else if (!r.error) {
            fail(
                'error',
                `error: expected an error${e.error.type ? ` of type ${e.error.type}` : ''}, but no handler failed (outcome "${r.outcome}")`,
                at('expect', 'error'),
                e.error,
                null
            );
        } else {
            if (e.error.type !== undefined && r.error.type !== e.error.type)
                fail(
                    'error.type',
                    `error.type: expected "${e.error.type}", got "${r.error.type}" (${r.error.message})`,
                    at('expect', 'error', 'type'),
                    e.error.type,
                    r.error.type
                );
            if (e.error.message !== undefined) {
                const pattern = compilePattern(e.error.message);
                if (!pattern.test(r.error.message))
                    fail(
                        'error.message',
                        `error.message: expected ${pattern.describe}, got ${JSON.stringify(r.error.message)}`,
                        at('expect', 'error', 'message'),
                        e.error.message,
                        r.error.message
                    );
            }
            if (e.error.handler !== undefined && r.error.handler !== e.error.handler && !r.error.handler.endsWith(`/${e.error.handler}`)) {
                fail(
                    'error.handler',
                    `error.handler: expected "${e.error.handler}", got "${r.error.handler}"`,
                    at('expect', 'error', 'handler'),
                    e.error.handler,
                    r.error.handler
                );
            }
        }
    }
    return failures;
}

function describeRequestMatcher(m: RequestExpectation): string {
    const parts = [m.method, m.path].filter(Boolean).join(' ') || 'provider';
    const extra = [m.status !== undefined ? `status ${m.status ?? 'none (no answer)'}` : '', m.account ? `account ${m.account}` : '']
        .filter(Boolean)
        .join(', ');
    return extra ? `${parts} (${extra})` : parts;
}

/** A pattern: "/regex/flags", or text looked for as a substring. */
export function compilePattern(pattern: string): { test(text: string): boolean; describe: string } {
    const re = /^\/(.*)\/([a-z]*)$/s.exec(pattern);
    if (re) {
        const regex = new RegExp(re[1] ?? '', (re[2] ?? '').replace(/[gy]/g, ''));
        return { test: (text) => regex.test(text), describe: pattern };
    }
    return { test: (text) => text.includes(pattern), describe: JSON.stringify(pattern) };
}

/**
 * A request path pattern against a URL: an absolute URL pattern must match origin and whole path; a
 * path must match the end of the URL's path. The syntax and matching are the fixtures' (msw's: ":x"
 * one segment, "*" anything), from emulator/fakes/path-pattern.ts.
 */
export function pathMatches(pattern: string, url: string): boolean {
    return matchesPathTail(pattern, url);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function partialMismatches(
    expected: Record<string, unknown>,
    actual: Record<string, unknown>,
    prefix: string[]
): { keys: string[]; message: string; expected: unknown; actual: unknown }[] {
    const out: { keys: string[]; message: string; expected: unknown; actual: unknown }[] = [];
    for (const [key, want] of Object.entries(expected)) {
        const keys = [...prefix, key];
        if (!(key in actual)) {
            out.push({ keys, message: `expected ${show(want)}, but the key is missing (metadata: ${show(actual)})`, expected: want, actual: undefined });
            continue;
        }
        const got = actual[key];
        if (isPlainObject(want) && isPlainObject(got)) out.push(...partialMismatches(want, got, keys));
        else if (!deepEqual(want, got)) out.push({ keys, message: `expected ${show(want)}, got ${show(got)}`, expected: want, actual: got });
    }
    return out;
}

export function deepEqual(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    if (Array.isArray(a) || Array.isArray(b)) {
        return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
    }
    if (isPlainObject(a) && isPlainObject(b)) {
        const ka = Object.keys(a);
        return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
    }
    return false;
}

function show(v: unknown): string {
    return v === undefined ? 'undefined' : JSON.stringify(v);
}
