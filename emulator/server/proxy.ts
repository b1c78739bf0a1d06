// /proxy/*: Nango's proxy, answered by the emulator's provider fakes. The request is rebuilt the way
// Nango's proxy (and the emulator's own SDK, worker/sdk-proxy.ts) builds it, with the same code
// (emulator/fakes/proxy-url.ts): the connection's base URL (or Base-Url-Override) joined with the endpoint,
// the provider's auth headers/query for the connection's credentials, the script's Nango-Proxy-*
// headers. Failures are retried by the same rule as the SDK's (emulator/fakes/retry.ts), without the runner's
// 401 rule, as Nango's server does (packages/server/lib/services/proxy.service.ts gives ProxyRequest no
// onError). A network failure answers 500 with axios' message, code and method, as Nango's
// axiosErrorResponse does. Then the SAME msw handlers the worker uses answer
// it: the user's .nango-emulator/handlers.ts first, run in a worker process with the runs' timeout (user
// code never runs in the server), then the fixture responses (account matching by credentials, query
// filters, templates) with msw's getResponse. Nothing reaches the network.
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as msw from 'msw';
import { compileFile } from '../project/compile';
import { EmulatorError } from '../core/errors';
import { accountInfos } from '../fixtures/accounts';
import { userMswHandlersPath } from '../fixtures/fixtures';
import type { AnsweredResponse } from '../core/protocol';
import { buildProxyUrl } from '../fakes/proxy-url';
import { authFor, baseUrlTemplate, providerInfo, resolveBaseUrl } from '../providers';
import { proxyRetryStep, type RetryInput } from '../fakes/retry';
import { DEFAULT_MAX_BODY_BYTES } from '../core/lifecycle';
import { HandlerWorker } from '../core/runner';
import type { ConnectionRecord } from '../state/state';
import { markedNetworkFailure } from '../fakes/faults';
import { accountOfRequest, fixtureHandlers, unmatchedRequestMessage } from '../worker/provider-fakes';
import type { ProxyJournalEntry, ServerContext } from './context';

type NewProxyEntry = Omit<ProxyJournalEntry, 'seq' | 'at' | 'status' | 'durationMs'>;
import { HttpError, sendJson } from './http';

/** Not forwarded from a provider answer (hop-by-hop, or recomputed by this server). */
const DROPPED_RESPONSE_HEADERS = new Set([
    'connection',
    'keep-alive',
    'transfer-encoding',
    'te',
    'trailer',
    'upgrade',
    'content-length',
    'content-encoding',
    'x-msw-intention'
]);

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
        return (this.answerWorker ??= new HandlerWorker({
            projectRoot: this.ctx.root,
            ...(this.ctx.options.memoryLimitMb ? { memoryLimitMb: this.ctx.options.memoryLimitMb } : {})
        }));
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
    private async userAnswer(
        user: UserHandlersFile,
        request: Request,
        body: Buffer | undefined,
        journal: NewProxyEntry,
        attemptStarted: number
    ): Promise<Response | undefined> {
        const redactor = this.ctx.redactor();
        const answer = await this.worker().answer(
            user.compiled,
            user.file,
            { method: request.method, url: request.url, headers: [...request.headers], ...(body ? { body: new Uint8Array(body) } : {}) },
            this.ctx.timeoutMs
        );
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
            throw new HttpError(
                404,
                'unknown_provider_config',
                `integration "${headers.providerConfigKey}" does not exist in ${this.ctx.fixturesFile} (defined: ${Object.keys(fixtures.integrations).join(', ') || 'none'}). Check the Provider-Config-Key header, or add the integration to the fixtures.`
            );
        }
        const connection = this.ctx.liveConnection(headers.connectionId);
        if (!connection || connection.integration !== headers.providerConfigKey) {
            throw new HttpError(
                404,
                'unknown_connection',
                `no connection "${headers.connectionId}" of integration "${headers.providerConfigKey}" in the emulator (live: ${liveConnections(this.ctx)}). Create it with "nango-emulator connect ${headers.providerConfigKey} --connection ${headers.connectionId} --account <account>", or add it to "connections" in ${this.ctx.fixturesFile}.`
            );
        }
        const provider = providerInfo(integration.provider);
        const accounts = accountInfos(connection.integration, integration, this.ctx.fixturesFile, provider);
        const interpolation = { connectionConfig: connection.connectionConfig, credentials: connection.credentials };
        const template = baseUrlTemplate(connection.integration, integration, this.ctx.fixturesFile);
        const base = headers.baseUrlOverride || resolveBaseUrl(template, interpolation, `connection "${connection.id}" connection_config`);
        // The endpoint holds the query string, as Nango's /proxy takes it (allProxy.ts: req.originalUrl).
        const url = buildProxyUrl({
            endpoint,
            baseUrl: base,
            baseUrlTemplate: template,
            baseUrlOverride: headers.baseUrlOverride,
            authQuery: authFor(provider, interpolation).query
        });
        const method = (req.method ?? 'GET').toUpperCase();
        const contentType = headers.forwarded['content-type'] ?? req.headers['content-type'];
        const app = { clientId: integration.clientId, clientSecret: integration.clientSecret };
        const auth = authFor(provider, {
            ...interpolation,
            integration: app,
            request: { method, url, endpoint, body: body.length ? body : undefined, ...(contentType ? { contentType } : {}) }
        });
        const outgoing: Record<string, string> = { ...auth.headers, 'user-agent': 'nango-emulator' };
        for (const [name, value] of Object.entries(headers.forwarded)) outgoing[name] = value;
        const sendsBody = body.length > 0 && method !== 'GET' && method !== 'HEAD';
        if (sendsBody && !('content-type' in outgoing) && req.headers['content-type']) outgoing['content-type'] = req.headers['content-type'];

        const userHandlers = await this.userHandlersFile();
        const fakeCtx = {
            accounts,
            responses: integration.responses,
            integration: connection.integration,
            fixturesFile: this.ctx.fixturesFile,
            faultCounts: this.ctx.faultCountsFor(connection.integration, connection.id)
        };
        const redactor = this.ctx.redactor();
        const maxBodyBytes = this.ctx.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

        for (let attempt = 0; ; attempt++) {
            const attemptStarted = performance.now();
            const request = new Request(url, { method, headers: outgoing, ...(sendsBody ? { body } : {}) });
            const account = accountOfRequest(request, accounts)?.id;
            const matchedBy = new Map<Request, string>();
            const journal: NewProxyEntry = {
                kind: 'proxy',
                connectionId: connection.id,
                integration: connection.integration,
                method,
                url: redactor.text(url),
                ...(account ? { account } : {})
            };
            // The user's handlers first (in the worker), then the fixtures: the order the worker's runs use.
            let response = userHandlers
                ? await this.userAnswer(userHandlers, request.clone(), sendsBody ? body : undefined, journal, attemptStarted)
                : undefined;
            try {
                response ??= await withTimeout(
                    msw.getResponse(fixtureHandlers(fakeCtx, matchedBy), request),
                    this.ctx.timeoutMs,
                    () => `${method} ${url}: no answer within ${this.ctx.timeoutMs} ms from the fixtures. Look for a fault that never ends.`
                );
            } catch (err) {
                const message = redactor.text(
                    `${method} ${url}: an msw handler threw: ${(err as Error).message}. Fix ${userHandlers?.file ?? this.ctx.fixturesFile}.`
                );
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
                this.ctx.journal.add({
                    ...journal,
                    status: null,
                    durationMs: ms(attemptStarted),
                    matchedBy: matchedBy.get(request) ?? userHandlers?.file ?? 'msw handler',
                    error: message
                });
                throw new HttpError(502, 'proxy_request_failed', redactor.text(message));
            }
            const bytes = Buffer.from(await response.arrayBuffer());
            if (bytes.length > maxBodyBytes) {
                throw new HttpError(
                    502,
                    'emulator_body_too_large',
                    `${method} ${redactor.text(url)}: the response body is ${bytes.length} bytes, over the emulator's limit of ${maxBodyBytes} bytes. Make the fixture smaller, or raise --max-body-bytes.`
                );
            }
            const answeredBy = matchedBy.get(request) ?? userHandlers?.file ?? 'msw handler';
            // A `timeout` or `networkError` fault: the provider never answered (the 504/502 is a stand-in).
            const network = markedNetworkFailure(response, url);
            const failedWith = network
                ? network.timeoutMs !== undefined
                    ? 'timed out (fixture fault)'
                    : `${network.message} (${network.code}, fixture fault)`
                : undefined;
            this.ctx.journal.add({
                ...journal,
                status: network ? null : response.status,
                durationMs: ms(attemptStarted),
                matchedBy: answeredBy,
                ...(failedWith ? { error: failedWith } : {})
            });
            if (network || response.status < 200 || response.status >= 300) {
                const failure: RetryInput = network
                    ? { networkCode: network.code }
                    : {
                          status: response.status,
                          headers: Object.fromEntries(response.headers),
                          body: parseJson(bytes),
                          retryOn: headers.retryOn,
                          providerRetry: provider?.proxy?.retry
                      };
                const step = proxyRetryStep({
                    attempt,
                    max: headers.retries,
                    failure,
                    runnerSdk: false,
                    provider: integration.provider,
                    context: `${method} ${url}: ${network ? `${network.message} (${network.code})` : response.status}`
                });
                if (step.message) this.ctx.log(`proxy ${step.message}`);
                if (step.retry) {
                    await new Promise((r) => setTimeout(r, step.waitMs));
                    continue;
                }
                if (network) {
                    // packages/server/lib/services/proxy.service.ts, axiosErrorResponse: no answer → 500 { message, code, method }.
                    this.ctx.log(`proxy ${method} ${url} → 500 (${failedWith}, ${Math.round(performance.now() - started)} ms)`);
                    sendJson(res, 500, { message: network.message, code: network.code, method: method.toLowerCase() });
                    return;
                }
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
    if (baseUrlOverride && !URL.canParse(baseUrlOverride))
        errors.push(`base-url-override: "${baseUrlOverride}" is not a URL (send an absolute URL, or an empty value)`);
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
        const name = req.rawHeaders[i];
        const value = req.rawHeaders[i + 1];
        if (name !== undefined && value !== undefined && /^nango-proxy-/i.test(name)) forwarded[name.slice('nango-proxy-'.length).toLowerCase()] = value;
    }
    return {
        connectionId,
        providerConfigKey,
        baseUrlOverride,
        retries: Math.min(retries, 10),
        retryOn: retryOnRaw ? retryOnRaw.split(',').map(Number) : [],
        forwarded
    };
}

function parseJson(bytes: Buffer): unknown {
    try {
        return JSON.parse(bytes.toString('utf8'));
    } catch {
        return undefined;
    }
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
