// /proxy/*: Nango's proxy, answered by the emulator's provider fakes. The request is rebuilt the way
// Nango's proxy (and the emulator's own SDK, worker/sdk.ts) builds it: the connection's base URL (or
// Base-Url-Override) + the endpoint, the provider's auth headers/query for the connection's
// credentials, the script's Nango-Proxy-* headers. Then the SAME msw handlers the worker uses answer
// it: the user's .nango-emulator/handlers.ts first, run in a worker process with the runs' timeout (user
// code never runs in the server), then the fixture responses (account matching by credentials, query
// filters, templates) with msw's getResponse. Nothing reaches the network.
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as msw from 'msw';
import { compileFile } from '../compile';
import { EmulatorError } from '../errors';
import { userMswHandlersPath, type IntegrationFixture } from '../fixtures';
import type { AccountInfo, AnsweredResponse } from '../protocol';
import { authFor, baseUrlTemplate, providerInfo, resolveBaseUrl } from '../providers';
import { DEFAULT_MAX_BODY_BYTES } from '../lifecycle';
import { HandlerWorker } from '../runner';
import type { ConnectionRecord } from '../state';
import { accountOfRequest, fixtureHandlers, TIMEOUT_MARKER, unmatchedRequestMessage } from '../worker/provider-fakes';
import type { ProxyJournalEntry, ServerContext } from './context';

type NewProxyEntry = Omit<ProxyJournalEntry, 'seq' | 'at' | 'status' | 'durationMs'>;
import { HttpError, sendJson } from './http';

/** Same retry rule as the emulator's SDK: these statuses (and Retry-On ones) are retried `Retries` times. */
const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
/** Not forwarded from a provider answer (hop-by-hop, or recomputed by this server). */
const DROPPED_RESPONSE_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'content-length', 'content-encoding', 'x-msw-intention']);

/** The user's handlers.ts and its compiled copy, which a worker process loads: never this server. */
interface UserHandlersFile {
    file: string;
    compiled: string;
}

/** What a user msw handler answered in the worker, as a fetch Response. */
function toResponse(answer: AnsweredResponse): Response {
    if (answer.networkError) return Response.error();
    const nullBody = [101, 204, 205, 304].includes(answer.status);
    return new Response(nullBody ? null : answer.body, { status: answer.status, statusText: answer.statusText, headers: answer.headers });
}

export class ProxyService {
    private answerWorker: HandlerWorker | undefined;

    constructor(private readonly ctx: ServerContext) {}

    /** The process the user's msw handlers run in (started on first use, with the runs' timeout and memory limit). */
    private worker(): HandlerWorker {
        return (this.answerWorker ??= new HandlerWorker({ projectRoot: this.ctx.root, ...(this.ctx.options.memoryLimitMb ? { memoryLimitMb: this.ctx.options.memoryLimitMb } : {}) }));
    }

    dispose(): void {
        this.answerWorker?.dispose();
        this.answerWorker = undefined;
    }

    /** The user's msw handlers file, recompiled when it (or what it imports) changed. */
    private async userHandlersFile(): Promise<UserHandlersFile | undefined> {
        const file = userMswHandlersPath(this.ctx.root);
        if (!file) return undefined;
        try {
            return { file, compiled: (await compileFile(this.ctx.root, file, 'fixture-code')).compiled };
        } catch (err) {
            // Its syntax errors are mistakes in the user's handlers file, like its other mistakes.
            if (err instanceof EmulatorError && err.code === 'handler_compile_failed') throw new EmulatorError('user_handlers_invalid', err.message);
            throw err;
        }
    }

    /** The user's handlers' answer to `request` (undefined: none matched), from the worker. */
    private async userAnswer(user: UserHandlersFile, request: Request, body: Buffer | undefined, journal: NewProxyEntry, attemptStarted: number): Promise<Response | undefined> {
        const redactor = this.ctx.redactor();
        const answer = await this.worker().answer(user.compiled, user.file, { method: request.method, url: request.url, headers: [...request.headers], ...(body ? { body: new Uint8Array(body) } : {}) }, this.ctx.timeoutMs);
        if (answer.response) return toResponse(answer.response);
        if (!answer.error) return undefined;
        if (answer.error.type === 'UserHandlersError') throw new EmulatorError('user_handlers_invalid', `${user.file}: ${redactor.text(answer.error.message)}`);
        const message = redactor.text(
            answer.error.type === 'timeout' || answer.error.type === 'worker_exit' || answer.error.type === 'memory_limit'
                ? `${request.method} ${request.url}: no answer from the msw handlers in ${user.file} (${answer.error.message}). Look for a handler that never resolves.`
                : `${request.method} ${request.url}: an msw handler threw: ${answer.error.message}. Fix ${user.file}.`
        );
        this.ctx.journal.add({ ...journal, status: null, durationMs: ms(attemptStarted), error: message });
        this.ctx.log(`proxy ${request.method} ${request.url} → failed: ${message}`);
        throw new HttpError(500, 'emulator_handler_error', message);
    }

    async handle(req: IncomingMessage, res: ServerResponse, body: Buffer, endpoint: string): Promise<void> {
        const started = performance.now();
        const headers = proxyHeaders(req);
        const fixtures = this.ctx.fixtures();
        const integration = fixtures.integrations[headers.providerConfigKey];
        if (!integration) {
            throw new HttpError(404, 'unknown_provider_config', `integration "${headers.providerConfigKey}" does not exist in ${this.ctx.fixturesFile} (defined: ${Object.keys(fixtures.integrations).join(', ') || 'none'}). Check the Provider-Config-Key header, or add the integration to the fixtures.`);
        }
        const connection = this.ctx.liveConnection(headers.connectionId);
        if (!connection || connection.integration !== headers.providerConfigKey) {
            throw new HttpError(404, 'unknown_connection', `no connection "${headers.connectionId}" of integration "${headers.providerConfigKey}" in the emulator (live: ${liveConnections(this.ctx)}). Create it with "nango-emulator connect ${headers.providerConfigKey} --connection ${headers.connectionId} --account <account>", or add it to "connections" in ${this.ctx.fixturesFile}.`);
        }
        const accounts = accountInfos(connection.integration, integration, this.ctx.fixturesFile);
        const interpolation = { connectionConfig: connection.connectionConfig, credentials: connection.credentials };
        const base = headers.baseUrlOverride || resolveBaseUrl(baseUrlTemplate(connection.integration, integration, this.ctx.fixturesFile), interpolation, `connection "${connection.id}" connection_config`);
        const auth = authFor(providerInfo(integration.provider), interpolation);
        const url = providerUrl(base, endpoint, auth.query);
        const outgoing: Record<string, string> = { ...auth.headers, 'user-agent': 'nango-emulator' };
        for (const [name, value] of Object.entries(headers.forwarded)) outgoing[name] = value;
        const method = (req.method ?? 'GET').toUpperCase();
        const sendsBody = body.length > 0 && method !== 'GET' && method !== 'HEAD';
        if (sendsBody && !('content-type' in outgoing) && req.headers['content-type']) outgoing['content-type'] = req.headers['content-type'];

        const userHandlers = await this.userHandlersFile();
        const fakeCtx = { accounts, responses: integration.responses, integration: connection.integration, fixturesFile: this.ctx.fixturesFile, faultCounts: this.ctx.faultCountsFor(connection.integration, connection.id) };
        const redactor = this.ctx.redactor();
        const maxBodyBytes = this.ctx.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

        for (let attempt = 0; ; attempt++) {
            const attemptStarted = performance.now();
            const request = new Request(url, { method, headers: outgoing, ...(sendsBody ? { body } : {}) });
            const account = accountOfRequest(request, accounts)?.id;
            const matchedBy = new Map<Request, string>();
            const journal: NewProxyEntry = { kind: 'proxy', connectionId: connection.id, integration: connection.integration, method, url: redactor.text(url), ...(account ? { account } : {}) };
            // The user's handlers first (in the worker), then the fixtures: the order the worker's runs use.
            let response = userHandlers ? await this.userAnswer(userHandlers, request.clone(), sendsBody ? body : undefined, journal, attemptStarted) : undefined;
            try {
                response ??= await withTimeout(msw.getResponse(fixtureHandlers(fakeCtx, matchedBy), request), this.ctx.timeoutMs, () => `${method} ${url}: no answer within ${this.ctx.timeoutMs} ms from the fixtures. Look for a fault that never ends.`);
            } catch (err) {
                const message = redactor.text(`${method} ${url}: an msw handler threw: ${(err as Error).message}. Fix ${userHandlers?.file ?? this.ctx.fixturesFile}.`);
                this.ctx.journal.add({ ...journal, status: null, durationMs: ms(attemptStarted), error: message });
                this.ctx.log(`proxy ${method} ${url} → failed: ${message}`);
                throw new HttpError(500, 'emulator_handler_error', message);
            }
            if (!response || response.headers.get('x-msw-intention') === 'passthrough') {
                // Unmatched (or a passthrough, which would reach the network): a clear error, never the network.
                const message = redactor.text(unmatchedRequestMessage(method, url, fakeCtx));
                this.ctx.journal.add({ ...journal, status: null, durationMs: ms(attemptStarted), unmatched: true, error: message });
                this.ctx.log(`proxy ${method} ${url} → no fixture: ${message}`);
                sendJson(res, 501, { error: { code: 'emulator_unmatched_request', message } }, { 'x-nango-emulator': 'unmatched' });
                return;
            }
            if (response.type === 'error') {
                const message = `${method} ${url}: the msw handler answered with a network error (HttpResponse.error())`;
                this.ctx.journal.add({ ...journal, status: null, durationMs: ms(attemptStarted), matchedBy: matchedBy.get(request) ?? userHandlers?.file ?? 'msw handler', error: message });
                throw new HttpError(502, 'proxy_request_failed', redactor.text(message));
            }
            const bytes = Buffer.from(await response.arrayBuffer());
            if (bytes.length > maxBodyBytes) {
                throw new HttpError(502, 'emulator_body_too_large', `${method} ${redactor.text(url)}: the response body is ${bytes.length} bytes, over the emulator's limit of ${maxBodyBytes} bytes. Make the fixture smaller, or raise --max-body-bytes.`);
            }
            const answeredBy = matchedBy.get(request) ?? userHandlers?.file ?? 'msw handler';
            // A `timeout` fault: the provider never answered; the client gets the emulator's 504 stand-in.
            const timedOut = response.headers.get('x-nango-emulator') === TIMEOUT_MARKER;
            this.ctx.journal.add({ ...journal, status: timedOut ? null : response.status, durationMs: ms(attemptStarted), matchedBy: answeredBy, ...(timedOut ? { error: 'timed out (fixture fault)' } : {}) });
            const retryable = RETRY_STATUSES.has(response.status) || headers.retryOn.includes(response.status);
            if (response.status >= 400 && retryable && attempt < headers.retries) {
                const retryAfter = Number(response.headers.get('retry-after'));
                const waitMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : Math.min(100 * 2 ** attempt, 3000);
                this.ctx.log(`proxy ${method} ${url} → ${response.status}, retrying in ${waitMs} ms (attempt ${attempt + 1} of ${headers.retries})`);
                await new Promise((r) => setTimeout(r, waitMs));
                continue;
            }
            this.ctx.log(`proxy ${method} ${url} → ${response.status} (${answeredBy}, ${Math.round(performance.now() - started)} ms)`);
            const out: Record<string, string | string[]> = {};
            response.headers.forEach((value, name) => {
                if (!DROPPED_RESPONSE_HEADERS.has(name) && !name.startsWith('proxy-') && name !== 'set-cookie') out[name] = value;
            });
            const cookies = response.headers.getSetCookie();
            if (cookies.length) out['set-cookie'] = cookies;
            out['content-length'] = String(bytes.length);
            res.writeHead(response.status, out);
            res.end(method === 'HEAD' ? undefined : bytes);
            return;
        }
    }
}

interface ProxyHeaders {
    connectionId: string;
    providerConfigKey: string;
    baseUrlOverride: string;
    retries: number;
    retryOn: number[];
    /** Nango-Proxy-* headers, prefix stripped and lowercased, as Nango's proxy forwards them. */
    forwarded: Record<string, string>;
}

function proxyHeaders(req: IncomingMessage): ProxyHeaders {
    const errors: string[] = [];
    const one = (name: string): string | undefined => {
        const v = req.headers[name];
        return Array.isArray(v) ? v[0] : v;
    };
    const connectionId = one('connection-id') ?? '';
    const providerConfigKey = one('provider-config-key') ?? '';
    if (!connectionId) errors.push('connection-id: required (the connection to call the provider as)');
    if (!providerConfigKey) errors.push('provider-config-key: required (the integration id)');
    const baseUrlOverride = one('base-url-override') ?? '';
    if (baseUrlOverride && !URL.canParse(baseUrlOverride)) errors.push(`base-url-override: "${baseUrlOverride}" is not a URL (send an absolute URL, or an empty value)`);
    const retriesRaw = one('retries');
    const retries = retriesRaw === undefined || retriesRaw === '' ? 0 : Number(retriesRaw);
    if (!Number.isInteger(retries) || retries < 0) errors.push(`retries: "${retriesRaw}" is not a whole number`);
    const retryOnRaw = one('retry-on');
    if (retryOnRaw && !/^\d+(,\d+)*$/.test(retryOnRaw)) errors.push(`retry-on: "${retryOnRaw}" must be a comma-separated list of status codes, e.g. 429,500`);
    if (errors.length) {
        throw new HttpError(400, 'invalid_headers', `invalid proxy headers: ${errors.join('; ')}`, { errors: errors.map((message) => ({ message })) });
    }
    const forwarded: Record<string, string> = {};
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i]!;
        if (/^nango-proxy-/i.test(name)) forwarded[name.slice('nango-proxy-'.length).toLowerCase()] = req.rawHeaders[i + 1]!;
    }
    return { connectionId, providerConfigKey, baseUrlOverride, retries: Math.min(retries, 10), retryOn: retryOnRaw ? retryOnRaw.split(',').map(Number) : [], forwarded };
}

/**
 * base + endpoint, like the emulator's SDK: the provider's auth query parameters first, then the
 * script's own (a script parameter of the same name wins). An absolute URL endpoint is used as is.
 */
export function providerUrl(base: string, endpoint: string, authQuery: Record<string, string>): string {
    const q = endpoint.indexOf('?');
    const pathPart = q === -1 ? endpoint : endpoint.slice(0, q);
    const query = new URLSearchParams(q === -1 ? '' : endpoint.slice(q + 1));
    const stripped = pathPart.replace(/^\/+/, '');
    const url = new URL(/^[a-z]+:\/\//i.test(stripped) ? stripped : `${base.replace(/\/+$/, '')}/${stripped}`);
    for (const [k, v] of Object.entries(authQuery)) url.searchParams.set(k, v);
    const seen = new Set<string>();
    for (const [k, v] of query) {
        if (seen.has(k)) url.searchParams.append(k, v);
        else url.searchParams.set(k, v);
        seen.add(k);
    }
    return url.toString();
}

/** Every account of the integration with its resolved base URL: fixtures match requests by them. */
export function accountInfos(key: string, integration: IntegrationFixture, fixturesFile: string): AccountInfo[] {
    const template = baseUrlTemplate(key, integration, fixturesFile);
    return Object.entries(integration.accounts).map(([id, a]) => ({
        id,
        credentials: a.credentials,
        identity: a.identity,
        baseUrl: resolveBaseUrl(template, { connectionConfig: a.connectionConfig, credentials: a.credentials }, `${fixturesFile}: integrations.${key}.accounts.${id}.connectionConfig`)
    }));
}

function liveConnections(ctx: ServerContext): string {
    const live = Object.values(ctx.state().connections).filter((c: ConnectionRecord) => c.status !== 'deleted');
    return live.map((c) => `${c.id} (${c.integration})`).join(', ') || 'none';
}

function ms(since: number): number {
    return Math.round((performance.now() - since) * 100) / 100;
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, message: () => string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
        return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message())), timeoutMs)))]);
    } finally {
        clearTimeout(timer);
    }
}
