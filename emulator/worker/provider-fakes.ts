// Provider APIs faked with msw inside the worker: fixture responses become msw handlers, the user's
// own msw handlers come first, and a final catch-all turns any other request into a clear error, so
// nothing a handler sends (fetch, axios, node http/https) can reach the real network.
import { http, HttpResponse, delay, type HttpHandler, type RequestHandler } from 'msw';
import { setupServer } from 'msw/node';
import { answerDelayMs, faultResponse, markedNetworkFailure, passesToNextResponse, takeFault, type FaultCounts } from '../fakes/faults';
import type { ResponseFixture } from '../fixtures/fixtures';
import type { AccountInfo, CallSite, MatchedResponse, ProviderRequest } from '../core/protocol';
import { isAbsolutePattern, patternUnder } from '../fakes/path-pattern';
import { joinedAbsoluteEndpoint } from '../fakes/proxy-url';
import { secretsOf } from '../core/redact';
import { renderTemplate } from './templates';
import { withRawStacks } from './sdk-calls';

/**
 * Ties the requests of one SDK call to where the handler made it. The SDK sets it; the fakes take it off
 * before anything else (the user's msw handlers, the recorded headers) sees the request.
 */
export const CALL_SITE_HEADER = 'x-nango-emulator-call';

export class UnmatchedRequestError extends Error {
    override readonly name = 'UnmatchedRequestError';
}

export interface FakeRunContext {
    accounts: AccountInfo[];
    responses: ResponseFixture[];
    integration: string;
    fixturesFile: string;
    userHandlers: RequestHandler[];
    userHandlersFile?: string;
    captureBodies: boolean;
    maxBodyBytes: number;
    onRequest: (entry: ProviderRequest) => void;
}

/**
 * The account whose credentials the request carries, where the proxy puts them: every auth header of
 * the account (AccountInfo.auth, from emulator/fixtures/accounts.ts) with exactly its value, and every auth query
 * parameter equal once URL-decoded. So with tokens "tok-acme" and "tok-acme-2", a request carrying
 * tok-acme-2 is the second account's, and a URL-encoded API key in the query is recognised. An account
 * with no fixed placement (only signed headers) or none given: one of its secrets, whole, in a header
 * or query value.
 */
export function accountOfRequest(request: Request, accounts: AccountInfo[]): AccountInfo | undefined {
    const query = new URL(request.url).searchParams;
    let words: Set<string> | undefined;
    return accounts.find((a) => {
        const headers = Object.entries(a.auth?.headers ?? {});
        const params = Object.entries(a.auth?.query ?? {});
        if (headers.length + params.length === 0) return secretsOf(a.credentials).some((secret) => (words ??= wordsOf(request, query)).has(secret));
        return headers.every(([name, value]) => request.headers.get(name) === value) && params.every(([name, value]) => query.get(name) === value);
    });
}

/** Every header and query value of the request, whole and cut into words ("Bearer x", oauth_token="x", Credential=x/…), URL-decoded. */
function wordsOf(request: Request, query: URLSearchParams): Set<string> {
    const words = new Set<string>();
    const add = (value: string): void => {
        for (const v of [value, ...value.split(/\s+/), ...value.split(/[\s,;="/]+/)]) {
            words.add(v);
            try {
                words.add(decodeURIComponent(v));
            } catch {
                // not URL-encoded
            }
        }
    };
    query.forEach((v) => add(v));
    request.headers.forEach((v) => add(v));
    return words;
}

async function readBody(request: Request | Response): Promise<unknown> {
    const text = await request.text();
    if (!text) return undefined;
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

/** The msw URL patterns of a fixture's path: msw matches them itself, by the rule of ../path-pattern.ts. */
function fixtureUrls(fixture: ResponseFixture, accounts: AccountInfo[]): string[] {
    if (isAbsolutePattern(fixture.path)) return [fixture.path];
    const restricted = fixture.account === undefined ? undefined : [fixture.account].flat();
    const bases = new Set(accounts.filter((a) => !restricted || restricted.includes(a.id)).map((a) => a.baseUrl));
    return [...bases].map((base) => patternUnder(base, fixture.path));
}

/**
 * The msw handlers that answer provider requests from fixture responses (account matching by
 * credentials, query filters, templates). Shared with the emulator server's /proxy (server/proxy.ts).
 * Each answered request is recorded in `matchedBy` (the text people read) and `matched` (the same as data).
 */
export function fixtureHandlers(
    ctx: Pick<FakeRunContext, 'accounts' | 'responses' | 'integration' | 'fixturesFile'> & { faultCounts?: FaultCounts },
    matchedBy: Map<Request, string>,
    matched?: Map<Request, MatchedResponse>
): HttpHandler[] {
    const handlers: HttpHandler[] = [];
    // How many requests each faulted fixture has failed so far (for `fault.times`); pass one map for
    // several handler builds to count across them.
    const faultCounts: FaultCounts = ctx.faultCounts ?? new Map();
    ctx.responses.forEach((fixture, index) => {
        const restricted = fixture.account === undefined ? undefined : [fixture.account].flat();
        for (const url of fixtureUrls(fixture, ctx.accounts)) {
            const method = fixture.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head' | 'options';
            handlers.push(
                http[method](url, async ({ request, params }) => {
                    const account = accountOfRequest(request, ctx.accounts);
                    if (restricted && (!account || !restricted.includes(account.id))) return undefined;
                    const query = Object.fromEntries(new URL(request.url).searchParams);
                    if (fixture.query && Object.entries(fixture.query).some(([k, v]) => query[k] !== v)) return undefined;
                    const fault = takeFault(fixture.fault, index, faultCounts);
                    const label = `${ctx.fixturesFile} integrations.${ctx.integration}.responses[${index}]`;
                    matchedBy.set(request, fault ? `${label} (fault ${fault.label})` : label);
                    matched?.set(request, { source: 'fixtures', index, ...(fault ? { fault: fault.label } : {}) });
                    const wait = answerDelayMs(fixture, fault);
                    if (wait) await delay(wait);
                    if (passesToNextResponse(fixture, fault)) return undefined;
                    const body =
                        fixture.body === undefined
                            ? undefined
                            : renderTemplate(fixture.body, {
                                  account: account ? { id: account.id, identity: account.identity } : undefined,
                                  params,
                                  query,
                                  body: await readBody(request.clone())
                              });
                    // A fault with only delayMs answers normally, late.
                    if (fault?.fails) return faultResponse(fault.fault, fixture, body, request.url);
                    const headers = new Headers(fixture.headers);
                    if (body === undefined || fixture.status === 204 || fixture.status === 304)
                        return new HttpResponse(null, { status: fixture.status, headers });
                    const contentType = headers.get('content-type');
                    if (typeof body === 'string' && contentType !== null && !contentType.includes('json'))
                        return new HttpResponse(body, { status: fixture.status, headers });
                    return HttpResponse.json(body, { status: fixture.status, headers });
                })
            );
        }
    });
    return handlers;
}

/** What an unmatched provider request fails with: the method, the URL and how to add a fixture. */
export function unmatchedRequestMessage(method: string, url: string, ctx: Pick<FakeRunContext, 'accounts' | 'integration' | 'fixturesFile'>): string {
    // An absolute URL passed as endpoint, joined to the base URL (emulator/fakes/proxy-url.ts): say why.
    const absolute = joinedAbsoluteEndpoint(url);
    const joined = absolute
        ? `The endpoint was an absolute URL (${absolute}…): Nango's proxy joins it to the provider's base URL like any endpoint ` +
          `(packages/shared/lib/services/proxy/utils.ts), so the call goes to ${new URL(url).origin}, not to ${absolute}. ` +
          `To reach another host, pass baseUrlOverride (the Base-Url-Override header of /proxy) with a relative endpoint. `
        : '';
    return (
        `No fixture matches ${method} ${url}. ${joined}The emulator never lets a request reach the network. ` +
        `Add a response to ${ctx.fixturesFile} under integrations.${ctx.integration}.responses, e.g. ${suggestFixture(method, url, ctx.accounts)}` +
        `, or an msw handler in .nango-emulator/handlers.ts.`
    );
}

export function suggestFixture(method: string, url: string, accounts: AccountInfo[]): string {
    const base = accounts.map((a) => a.baseUrl).find((b) => url.startsWith(b + '/') || url === b);
    const u = new URL(url);
    const path = base ? url.slice(base.length).split('?')[0] || '/' : `${u.origin}${u.pathname}`;
    return JSON.stringify({ method, path, status: 200, body: {} });
}

/** One msw server per worker; handlers are swapped for each run. */
export class ProviderFakes {
    private readonly server: ReturnType<typeof setupServer>;
    private ctx: FakeRunContext | undefined;
    private readonly started = new Map<
        string,
        { at: number; method: string; url: string; body?: Promise<unknown>; account?: string; headers: Record<string, string>; callSite?: CallSite }
    >();
    private readonly callSites = new Map<string, CallSite>();
    private lastCall = 0;
    private readonly pending = new Set<Promise<void>>();
    private matchedBy = new Map<Request, string>();
    private matched = new Map<Request, MatchedResponse>();
    private unmatched = new Set<Request>();
    readonly unmatchedErrors: string[] = [];

    constructor() {
        this.server = setupServer();
        this.server.listen({ onUnhandledRequest: 'error' });
        this.server.events.on('request:start', ({ request, requestId }) => {
            const ctx = this.ctx;
            if (!ctx) return;
            const callId = request.headers.get(CALL_SITE_HEADER);
            if (callId !== null) request.headers.delete(CALL_SITE_HEADER);
            const callSite = callId === null ? undefined : this.callSites.get(callId);
            const headers = Object.fromEntries(request.headers.entries());
            const body = ctx.captureBodies ? readBody(request.clone()).catch(() => undefined) : undefined;
            this.started.set(requestId, {
                at: performance.now(),
                method: request.method,
                url: request.url,
                account: accountOfRequest(request, ctx.accounts)?.id,
                headers,
                body,
                ...(callSite ? { callSite } : {})
            });
        });
        this.server.events.on('response:mocked', ({ request, requestId, response }) => {
            const done = this.finish(requestId, request, response).finally(() => this.pending.delete(done));
            this.pending.add(done);
        });
    }

    private async finish(requestId: string, request: Request, response: Response): Promise<void> {
        const ctx = this.ctx;
        const started = this.started.get(requestId);
        if (!ctx || !started) return;
        this.started.delete(requestId);
        const unmatched = this.unmatched.has(request);
        // A request that timed out (or whose connection failed) got no answer: no status (the 504/502 is the emulator's stand-in).
        const timedOut = markedNetworkFailure(response, request.url) !== undefined;
        const entry: ProviderRequest = {
            method: started.method,
            url: started.url,
            status: unmatched || timedOut ? null : response.status,
            durationMs: Math.round((performance.now() - started.at) * 100) / 100,
            ...(started.account ? { account: started.account } : {}),
            ...(unmatched
                ? { unmatched: true }
                : {
                      matchedBy: this.matchedBy.get(request) ?? ctx.userHandlersFile ?? 'msw handler',
                      matched: this.matched.get(request) ?? { source: 'handlers' }
                  }),
            ...(started.callSite ? { callSite: started.callSite } : {})
        };
        if (ctx.captureBodies) {
            entry.requestHeaders = started.headers;
            entry.requestBody = await started.body;
            if (!unmatched && !timedOut) entry.responseBody = await readBody(response.clone()).catch(() => undefined);
        }
        ctx.onRequest(entry);
    }

    /** Waits until every request seen so far has been reported. */
    async settle(): Promise<void> {
        await Promise.all([...this.pending]);
    }

    /** The CALL_SITE_HEADER value for the requests of an SDK call made at `site`. */
    noteCallSite(site: CallSite): string {
        const id = String(++this.lastCall);
        this.callSites.set(id, site);
        return id;
    }

    use(ctx: FakeRunContext): void {
        // msw takes a stack in every handler it makes (for its own messages): raw, it costs nothing.
        withRawStacks(() => this.install(ctx));
    }

    private install(ctx: FakeRunContext): void {
        this.ctx = ctx;
        this.callSites.clear();
        this.matchedBy = new Map();
        this.matched = new Map();
        this.unmatched = new Set();
        this.unmatchedErrors.length = 0;
        const catchAll = http.all('*', ({ request }) => {
            this.unmatched.add(request);
            const message = unmatchedRequestMessage(request.method, request.url, ctx);
            this.unmatchedErrors.push(message);
            return HttpResponse.json({ error: { code: 'emulator_unmatched_request', message } }, { status: 501, headers: { 'x-nango-emulator': 'unmatched' } });
        });
        this.server.resetHandlers(...ctx.userHandlers, ...fixtureHandlers(ctx, this.matchedBy, this.matched), catchAll);
    }

    /** Caps response bodies so a runaway fixture cannot flood the editor. */
    checkBodySize(text: string, method: string, url: string): void {
        const max = this.ctx?.maxBodyBytes ?? Infinity;
        if (Buffer.byteLength(text) > max) {
            throw new Error(
                `${method} ${url}: the response body is ${Buffer.byteLength(text)} bytes, over the emulator's limit of ${max} bytes. Make the fixture smaller, or raise --max-body-bytes.`
            );
        }
    }

    close(): void {
        this.server.close();
    }
}
