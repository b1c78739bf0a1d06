// Provider APIs faked with msw inside the worker: fixture responses become msw handlers, the user's
// own msw handlers come first, and a final catch-all turns any other request into a clear error, so
// nothing a handler sends (fetch, axios, node http/https) can reach the real network.
import { http, HttpResponse, delay, type HttpHandler, type RequestHandler } from 'msw';
import { setupServer } from 'msw/node';
import type { ResponseFixture } from '../fixtures';
import type { AccountInfo, ProviderRequest } from '../protocol';
import { secretsOf } from '../redact';
import { renderTemplate } from './templates';

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

/** The account whose secret (token, API key, Basic auth) appears in the request's headers or URL. */
export function accountOfRequest(request: Request, accounts: AccountInfo[]): AccountInfo | undefined {
    const haystack = [request.url, ...[...request.headers.entries()].map(([, v]) => v)].join('\n');
    return accounts.find((a) => secretsOf(a.credentials).some((secret) => haystack.includes(secret)));
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

function fixtureUrls(fixture: ResponseFixture, accounts: AccountInfo[]): string[] {
    if (/^[a-z]+:\/\//i.test(fixture.path)) return [fixture.path];
    const path = fixture.path.startsWith('/') ? fixture.path : `/${fixture.path}`;
    const restricted = fixture.account === undefined ? undefined : [fixture.account].flat();
    const bases = new Set(accounts.filter((a) => !restricted || restricted.includes(a.id)).map((a) => a.baseUrl));
    return [...bases].map((base) => base + path);
}

function fixtureHandlers(ctx: FakeRunContext, matchedBy: Map<Request, string>): HttpHandler[] {
    const handlers: HttpHandler[] = [];
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
                    matchedBy.set(request, `${ctx.fixturesFile} integrations.${ctx.integration}.responses[${index}]`);
                    if (fixture.delayMs) await delay(fixture.delayMs);
                    const body = fixture.body === undefined ? undefined : renderTemplate(fixture.body, { account: account ? { id: account.id, identity: account.identity } : undefined, params, query, body: await readBody(request.clone()) });
                    const headers = new Headers(fixture.headers);
                    if (body === undefined || fixture.status === 204 || fixture.status === 304) return new HttpResponse(null, { status: fixture.status, headers });
                    if (typeof body === 'string' && headers.has('content-type') && !headers.get('content-type')!.includes('json')) return new HttpResponse(body, { status: fixture.status, headers });
                    return HttpResponse.json(body, { status: fixture.status, headers });
                })
            );
        }
    });
    return handlers;
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
    private readonly started = new Map<string, { at: number; method: string; url: string; body?: Promise<unknown>; account?: string; headers: Record<string, string> }>();
    private readonly pending = new Set<Promise<void>>();
    private matchedBy = new Map<Request, string>();
    private unmatched = new Set<Request>();
    readonly unmatchedErrors: string[] = [];

    constructor() {
        this.server = setupServer();
        this.server.listen({ onUnhandledRequest: 'error' });
        this.server.events.on('request:start', ({ request, requestId }) => {
            const ctx = this.ctx;
            if (!ctx) return;
            const headers = Object.fromEntries(request.headers.entries());
            const body = ctx.captureBodies ? readBody(request.clone()).catch(() => undefined) : undefined;
            this.started.set(requestId, { at: performance.now(), method: request.method, url: request.url, account: accountOfRequest(request, ctx.accounts)?.id, headers, body });
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
        const entry: ProviderRequest = {
            method: started.method,
            url: started.url,
            status: unmatched ? null : response.status,
            durationMs: Math.round((performance.now() - started.at) * 100) / 100,
            ...(started.account ? { account: started.account } : {}),
            ...(unmatched ? { unmatched: true } : { matchedBy: this.matchedBy.get(request) ?? ctx.userHandlersFile ?? 'msw handler' })
        };
        if (ctx.captureBodies) {
            entry.requestHeaders = started.headers;
            entry.requestBody = await started.body;
            if (!unmatched) entry.responseBody = await readBody(response.clone()).catch(() => undefined);
        }
        ctx.onRequest(entry);
    }

    /** Waits until every request seen so far has been reported. */
    async settle(): Promise<void> {
        await Promise.all([...this.pending]);
    }

    use(ctx: FakeRunContext): void {
        this.ctx = ctx;
        this.matchedBy = new Map();
        this.unmatched = new Set();
        this.unmatchedErrors.length = 0;
        const catchAll = http.all('*', ({ request }) => {
            this.unmatched.add(request);
            const message =
                `No fixture matches ${request.method} ${request.url}. The emulator never lets a request reach the network. ` +
                `Add a response to ${ctx.fixturesFile} under integrations.${ctx.integration}.responses, e.g. ${suggestFixture(request.method, request.url, ctx.accounts)}` +
                `, or an msw handler in .nango-emulator/handlers.ts.`;
            this.unmatchedErrors.push(message);
            return HttpResponse.json({ error: { code: 'emulator_unmatched_request', message } }, { status: 501, headers: { 'x-nango-emulator': 'unmatched' } });
        });
        this.server.resetHandlers(...ctx.userHandlers, ...fixtureHandlers(ctx, this.matchedBy), catchAll);
    }

    /** Caps response bodies so a runaway fixture cannot flood the editor. */
    checkBodySize(text: string, method: string, url: string): void {
        const max = this.ctx?.maxBodyBytes ?? Infinity;
        if (Buffer.byteLength(text) > max) {
            throw new Error(`${method} ${url}: the response body is ${Buffer.byteLength(text)} bytes, over the emulator's limit of ${max} bytes. Make the fixture smaller, or raise --max-body-bytes.`);
        }
    }

    close(): void {
        this.server.close();
    }
}
