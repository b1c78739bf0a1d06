// Provider calls made through `nango.proxy` and `nango.paginate`: real HTTP requests built the way
// Nango's proxy builds them (emulator/fakes/proxy-url.ts), answered by msw (provider-fakes.ts), retried by
// Nango's retry rule as its runner applies it (emulator/fakes/retry.ts, proxyRetryStep with runnerSdk).
import type { CallSite, RunRequest } from '../core/protocol';
import { buildProxyUrl } from '../fakes/proxy-url';
import { authFor, interpolate, type ProviderPagination } from '../providers';
import { proxyRetryStep, type RetryInput } from '../fakes/retry';
import { markedNetworkFailure } from '../fakes/faults';
import { CALL_SITE_HEADER, UnmatchedRequestError, type ProviderFakes } from './provider-fakes';
import type { SdkHooks } from './sdk';

export interface ProxyConfiguration {
    endpoint: string;
    method?: string;
    headers?: Record<string, string | number | boolean>;
    params?: string | Record<string, string | number | boolean | undefined>;
    data?: unknown;
    retries?: number;
    retryOn?: number[] | null;
    baseUrlOverride?: string;
    decompress?: boolean;
    responseType?: 'arraybuffer' | 'blob' | 'document' | 'json' | 'text' | 'stream';
    connectionId?: string;
    providerConfigKey?: string;
    paginate?: Partial<ProviderPagination>;
}

export interface AxiosLikeResponse<T = unknown> {
    data: T;
    status: number;
    statusText: string;
    headers: Record<string, string>;
    config: ProxyConfiguration & { method: string; url: string };
}

/** Shaped like axios' AxiosError, which is what the real SDK's proxy throws on a non-2xx status. */
export class ProviderHttpError extends Error {
    override readonly name = 'AxiosError';
    readonly isAxiosError = true;
    readonly code: string;
    readonly status: number;
    constructor(
        readonly response: AxiosLikeResponse,
        readonly config: AxiosLikeResponse['config']
    ) {
        super(`Request failed with status code ${response.status}`);
        this.status = response.status;
        this.code = response.status >= 500 ? 'ERR_BAD_RESPONSE' : 'ERR_BAD_REQUEST';
    }
}

/** Shaped like the error axios throws when a request times out: code ECONNABORTED, no response. */
export class ProviderTimeoutError extends Error {
    override readonly name = 'AxiosError';
    readonly isAxiosError = true;
    readonly code = 'ECONNABORTED';
    readonly response = undefined;
    readonly status = undefined;
    constructor(
        timeoutMs: number,
        readonly config: AxiosLikeResponse['config']
    ) {
        super(`timeout of ${timeoutMs}ms exceeded`);
    }
}

/** Shaped like the error axios throws when the connection fails (ECONNRESET, ENOTFOUND…): that code, no response. */
export class ProviderNetworkError extends Error {
    override readonly name = 'AxiosError';
    readonly isAxiosError = true;
    readonly response = undefined;
    readonly status = undefined;
    constructor(
        readonly code: string,
        message: string,
        readonly config: AxiosLikeResponse['config']
    ) {
        super(message);
    }
}

/** A provider response over the emulator's --max-body-bytes limit. */
export class ResponseTooLargeError extends Error {
    override readonly name = 'ResponseTooLargeError';
}

function getPath(obj: unknown, path: string | undefined): unknown {
    if (!path) return obj;
    return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), obj);
}

/** Sends one handler's provider calls for its connection. */
export class ProviderClient {
    private readonly provider: string;

    constructor(
        private readonly req: RunRequest,
        private readonly fakes: ProviderFakes,
        private readonly hooks: SdkHooks
    ) {
        this.provider = req.connection.provider;
    }

    /**
     * The base URL as Nango's catalogue writes it (placeholders and all), when it is what the connection's
     * base URL came from; otherwise (a fixture `baseUrl` overriding it) the connection's base URL.
     */
    private baseUrlTemplate(): string {
        const template = this.req.provider?.proxy?.base_url;
        const conn = this.req.connection;
        const resolved = template
            ? interpolate(template, { connectionConfig: conn.connectionConfig, credentials: conn.credentials })?.replace(/\/+$/, '')
            : undefined;
        return template && resolved === this.req.baseUrl ? template : this.req.baseUrl;
    }

    /** `callSite`: where the handler made the call, given to every attempt's request (ProviderRequest.callSite). */
    async request<T = unknown>(config: ProxyConfiguration, callSite?: CallSite): Promise<AxiosLikeResponse<T>> {
        const method = (config.method ?? 'GET').toUpperCase();
        const conn = this.req.connection;
        // Nango's proxy: `retries` more attempts at most, only for the failures its retry rule names.
        const retries = Math.max(0, config.retries ?? 0);
        const creds = { connectionConfig: conn.connectionConfig, credentials: conn.credentials };
        let url: URL;
        try {
            // The query auth does not depend on the request; the headers may (signatures): built once the URL is.
            url = new URL(
                buildProxyUrl({
                    endpoint: config.endpoint,
                    baseUrl: this.req.baseUrl,
                    baseUrlTemplate: this.baseUrlTemplate(),
                    baseUrlOverride: config.baseUrlOverride,
                    params: config.params,
                    authQuery: authFor(this.req.provider, creds).query
                })
            );
        } catch (err) {
            // Nango builds the URL inside its retry loop: the error is not an HTTP one, so it is not retried.
            this.logStep(
                proxyRetryStep({
                    attempt: 0,
                    max: retries,
                    failure: { unknown: true },
                    runnerSdk: true,
                    provider: this.provider,
                    context: `${method} ${config.endpoint}: ${(err as Error).message}`
                })
            );
            throw err;
        }
        const contentType = Object.entries(config.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
        const app = { clientId: this.req.integration?.clientId, clientSecret: this.req.integration?.clientSecret };
        const auth = authFor(this.req.provider, {
            ...creds,
            integration: app,
            request: {
                method,
                url: url.toString(),
                endpoint: config.endpoint,
                body: config.data,
                ...(contentType !== undefined ? { contentType: String(contentType) } : {})
            }
        });
        const headers: Record<string, string> = { ...auth.headers, 'user-agent': 'nango-emulator' };
        for (const [k, v] of Object.entries(config.headers ?? {})) headers[k.toLowerCase()] = String(v);
        if (callSite) headers[CALL_SITE_HEADER] = this.fakes.noteCallSite(callSite);
        let body: string | Buffer | URLSearchParams | undefined;
        if (config.data !== undefined && method !== 'GET' && method !== 'HEAD') {
            if (typeof config.data === 'string' || Buffer.isBuffer(config.data) || config.data instanceof URLSearchParams) {
                body = config.data;
            } else {
                body = JSON.stringify(config.data);
                headers['content-type'] ??= 'application/json';
            }
        }
        const fullConfig = { ...config, method, url: url.toString() };
        for (let attempt = 0; ; attempt++) {
            const res = await fetch(url, { method, headers, body });
            if (res.headers.get('x-nango-emulator') === 'unmatched') {
                throw new UnmatchedRequestError(this.fakes.unmatchedErrors.at(-1) ?? `No fixture matches ${method} ${url}`);
            }
            let failure: Error;
            let input: RetryInput;
            let what: string;
            const network = markedNetworkFailure(res, url.toString());
            if (network) {
                // A `timeout` or `networkError` fault: no answer came; the call fails as axios does.
                await res.arrayBuffer().catch(() => undefined);
                failure =
                    network.timeoutMs !== undefined
                        ? new ProviderTimeoutError(network.timeoutMs, fullConfig)
                        : new ProviderNetworkError(network.code, network.message, fullConfig);
                input = { networkCode: network.code };
                what = `${network.message} (${network.code})`;
            } else {
                const text = await res.text();
                try {
                    this.fakes.checkBodySize(text, method, url.toString());
                } catch (err) {
                    // Give the failure a name of its own (the check throws a plain Error).
                    if (err instanceof Error && err.constructor === Error) throw new ResponseTooLargeError(err.message);
                    throw err;
                }
                let data: unknown = text;
                if (config.responseType !== 'text' && text) {
                    try {
                        data = JSON.parse(text);
                    } catch {
                        // What axios does with a body that is not JSON: keeps it as a string.
                        data = text;
                    }
                } else if (!text) {
                    data = '';
                }
                const response: AxiosLikeResponse<T> = {
                    data: data as T,
                    status: res.status,
                    statusText: res.statusText,
                    headers: Object.fromEntries(res.headers.entries()),
                    config: fullConfig
                };
                if (res.status >= 200 && res.status < 300) return response;
                failure = new ProviderHttpError(response, fullConfig);
                input = { status: res.status, headers: response.headers, body: data, retryOn: config.retryOn, providerRetry: this.req.provider?.proxy?.retry };
                what = `${res.status}`;
            }
            const step = proxyRetryStep({
                attempt,
                max: retries,
                failure: input,
                runnerSdk: true,
                provider: this.provider,
                context: `${method} ${url}: ${what}`
            });
            this.logStep(step);
            if (!step.retry) throw failure;
            await new Promise((r) => setTimeout(r, step.waitMs));
        }
    }

    private logStep(step: { message?: string }): void {
        if (step.message) this.hooks.log({ level: 'warn', message: step.message, source: 'emulator' });
    }

    async *paginate<T = unknown>(config: ProxyConfiguration, callSite?: CallSite): AsyncGenerator<T[], undefined, void> {
        const p = { ...this.req.provider?.proxy?.paginate, ...config.paginate } as Partial<ProviderPagination>;
        if (!p.type) {
            throw new Error(
                `nango.paginate: provider "${this.provider}" has no pagination settings in Nango's catalogue; pass config.paginate (type "cursor", "link" or "offset")`
            );
        }
        const method = (config.method ?? 'GET').toUpperCase();
        const inBody = ['POST', 'PUT', 'PATCH'].includes(method);
        let extra: Record<string, string | number> = {};
        if (p.limit !== undefined && p.limit_name_in_request) extra[p.limit_name_in_request] = p.limit;
        let offset = p.offset_start_value ?? 0;
        let nextUrl: string | undefined;
        for (let page = 0; page < 10_000; page++) {
            // Nango's paginate.service.ts (link): a full next link becomes baseUrlOverride (its origin) + endpoint
            // (its path and query); a relative one is the endpoint.
            const pageConfig: ProxyConfiguration = nextUrl
                ? { ...config, method, ...linkTarget(nextUrl), params: undefined }
                : inBody
                  ? { ...config, method, data: { ...(config.data as object), ...extra } }
                  : { ...config, method, params: { ...(typeof config.params === 'object' ? config.params : {}), ...extra } };
            const res = await this.request<unknown>(pageConfig, callSite);
            const items = getPath(res.data, p.response_path);
            const batch = Array.isArray(items) ? (items as T[]) : [];
            if (batch.length) yield batch;
            if (p.type === 'cursor') {
                const cursor = getPath(res.data, p.cursor_path_in_response);
                if (cursor === undefined || cursor === null || cursor === '' || !p.cursor_name_in_request) return undefined;
                extra = { ...extra, [p.cursor_name_in_request]: String(cursor) };
            } else if (p.type === 'link') {
                const link = p.link_path_in_response_body
                    ? getPath(res.data, p.link_path_in_response_body)
                    : nextLink(res.headers['link'], p.link_rel_in_response_header ?? 'next');
                if (typeof link !== 'string' || !link || link === nextUrl) return undefined;
                nextUrl = link;
            } else {
                if (!batch.length || !p.offset_name_in_request) return undefined;
                offset += p.offset_calculation_method === 'per-page' ? 1 : batch.length;
                extra = { ...extra, [p.offset_name_in_request]: offset };
            }
        }
        return undefined;
    }
}

function linkTarget(link: string): Pick<ProxyConfiguration, 'endpoint' | 'baseUrlOverride'> {
    if (!URL.canParse(link)) return { endpoint: link };
    const u = new URL(link);
    return { baseUrlOverride: u.origin, endpoint: u.pathname + u.search };
}

function nextLink(header: string | undefined, rel: string): string | undefined {
    if (!header) return undefined;
    for (const part of header.split(',')) {
        const m = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part.trim());
        if (m && m[2] === rel) return m[1];
    }
    return undefined;
}
