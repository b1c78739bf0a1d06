// The `nango` object given to an event function's exec: the surface of @nangohq/runner-sdk's
// NangoActionBase, answered from the emulated connection instead of Nango's API. Provider calls are
// real HTTP requests built like Nango's proxy builds them; msw (provider-fakes.ts) answers them.
import type { RunRequest, LogEntry, LogLevel } from '../protocol';
import { authFor, type ProviderPagination } from '../providers';
import { emulatorBackoffMs, nangoBackoffMs, nangoRetryDecision, providerReadsRetryHeader, type RetryDecision } from '../retry';
import { ActionError } from './nango-shim';
import { TIMEOUT_MARKER, UnmatchedRequestError, type ProviderFakes } from './provider-fakes';

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

export class EventFunctionRestrictionError extends Error {
    override readonly name = 'EventFunctionRestrictionError';
}

/** A provider response over the emulator's --max-body-bytes limit. */
export class ResponseTooLargeError extends Error {
    override readonly name = 'ResponseTooLargeError';
}

export class MetadataValidationError extends Error {
    override readonly name = 'MetadataValidationError';
}

interface ZodLike {
    safeParse(value: unknown): { success: true; data: unknown } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
}

export interface SdkHooks {
    log(entry: Omit<LogEntry, 'at'>): void;
    metadataChanged(metadata: Record<string, unknown>): void;
}

function formatLogArgs(args: unknown[]): string {
    return args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? (a.stack ?? a.message) : safeJson(a))).join(' ');
}

function safeJson(v: unknown): string {
    try {
        return JSON.stringify(v) ?? String(v);
    } catch {
        return String(v);
    }
}

function joinUrl(base: string, endpoint: string): string {
    if (/^[a-z]+:\/\//i.test(endpoint)) return endpoint;
    return `${base.replace(/\/+$/, '')}/${endpoint.replace(/^\/+/, '')}`;
}

function getPath(obj: unknown, path: string | undefined): unknown {
    if (!path) return obj;
    return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), obj);
}

/** What a handler may not reach through `nango`: the emulator's own state (Nango hides its runner's the same way). */
export const EMULATED_NANGO_INTERNALS = [
    'req',
    'metadataSchema',
    'fakes',
    'hooks',
    'metadata',
    'locks',
    'checkpoint',
    'validateMetadata',
    'writeMetadata',
    'metadataResponse',
    'cannotSaveRecords',
    'assertOwnConnection'
] as const;

export class EmulatedNango {
    readonly ActionError = ActionError;
    readonly connectionId: string;
    readonly providerConfigKey: string;
    readonly provider: string;
    readonly isCLI = true;
    readonly scriptType = 'on-event';
    private metadata: Record<string, unknown>;
    private readonly locks = new Map<string, number>();
    private checkpoint: unknown = null;

    constructor(
        private readonly req: RunRequest,
        private readonly metadataSchema: ZodLike | undefined,
        private readonly fakes: ProviderFakes,
        private readonly hooks: SdkHooks
    ) {
        this.connectionId = req.connection.id;
        this.providerConfigKey = req.connection.integration;
        this.provider = req.connection.provider;
        this.metadata = structuredClone(req.connection.metadata);
    }

    // ---- Provider calls -------------------------------------------------------------------------

    async proxy<T = unknown>(config: ProxyConfiguration): Promise<AxiosLikeResponse<T>> {
        if (!config || typeof config.endpoint !== 'string') {
            throw new TypeError('nango.proxy: config.endpoint is required, e.g. nango.get({ endpoint: "/users/me" })');
        }
        this.assertOwnConnection(config, 'proxy');
        const method = (config.method ?? 'GET').toUpperCase();
        const conn = this.req.connection;
        const auth = authFor(this.req.provider, { connectionConfig: conn.connectionConfig, credentials: conn.credentials });
        const url = new URL(joinUrl(config.baseUrlOverride ?? this.req.baseUrl, config.endpoint));
        for (const [k, v] of Object.entries(auth.query)) url.searchParams.set(k, v);
        if (typeof config.params === 'string') {
            for (const [k, v] of new URLSearchParams(config.params)) url.searchParams.append(k, v);
        } else if (config.params) {
            for (const [k, v] of Object.entries(config.params)) if (v !== undefined) url.searchParams.set(k, String(v));
        }
        const headers: Record<string, string> = { ...auth.headers, 'user-agent': 'nango-emulator' };
        for (const [k, v] of Object.entries(config.headers ?? {})) headers[k.toLowerCase()] = String(v);
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
        // Nango's proxy: `retries` more attempts at most, only for the failures its retry rule names (retry.ts).
        const retries = Math.max(0, config.retries ?? 0);
        for (let attempt = 0; ; attempt++) {
            const res = await fetch(url, { method, headers, body });
            if (res.headers.get('x-nango-emulator') === 'unmatched') {
                throw new UnmatchedRequestError(this.fakes.unmatchedErrors.at(-1) ?? `No fixture matches ${method} ${url}`);
            }
            let failure: Error;
            let decision: RetryDecision;
            let what: string;
            if (res.headers.get('x-nango-emulator') === TIMEOUT_MARKER) {
                // A `timeout` fault: no answer came; the call fails as axios does when its timeout expires.
                await res.body?.cancel();
                failure = new ProviderTimeoutError(Number(res.headers.get('x-nango-emulator-timeout-ms')), fullConfig);
                decision = nangoRetryDecision({ networkCode: 'ECONNABORTED' });
                what = failure.message;
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
                const response: AxiosLikeResponse<T> = { data: data as T, status: res.status, statusText: res.statusText, headers: Object.fromEntries(res.headers.entries()), config: fullConfig };
                if (res.status >= 200 && res.status < 300) return response;
                failure = new ProviderHttpError(response, fullConfig);
                decision = nangoRetryDecision({ status: res.status, headers: response.headers, body: data, retryOn: config.retryOn, providerRetry: this.req.provider?.proxy?.retry });
                what = `${res.status}`;
            }
            if (attempt >= retries) throw failure;
            const at = `[${attempt + 1}/${retries}]`;
            if (!decision.retry) {
                this.hooks.log({ level: 'warn', message: `${method} ${url}: ${what}, not retried (reason: ${decision.reason}) ${at}`, source: 'emulator' });
                throw failure;
            }
            const waitMs = decision.waitMs ?? emulatorBackoffMs(attempt);
            let note = '';
            if (decision.waitMs === undefined) {
                note = ` (Nango waits ${nangoBackoffMs(attempt)} ms here; the emulator shortens its backoff${res.headers.has('retry-after') && !providerReadsRetryHeader(this.req.provider?.proxy?.retry, 'retry-after') ? `. Retry-After is not read: Nango reads it only for providers whose catalogue entry names it, and "${this.provider}"'s does not` : ''})`;
            }
            this.hooks.log({ level: 'warn', message: `${method} ${url}: ${what}, retrying (reason: ${decision.reason}). Waiting for ${waitMs} ms ${at}${note}`, source: 'emulator' });
            await new Promise((r) => setTimeout(r, waitMs));
        }
    }

    get<T = unknown>(config: Omit<ProxyConfiguration, 'method'>): Promise<AxiosLikeResponse<T>> {
        return this.proxy<T>({ ...config, method: 'GET' });
    }
    post<T = unknown>(config: Omit<ProxyConfiguration, 'method'>): Promise<AxiosLikeResponse<T>> {
        return this.proxy<T>({ ...config, method: 'POST' });
    }
    put<T = unknown>(config: Omit<ProxyConfiguration, 'method'>): Promise<AxiosLikeResponse<T>> {
        return this.proxy<T>({ ...config, method: 'PUT' });
    }
    patch<T = unknown>(config: Omit<ProxyConfiguration, 'method'>): Promise<AxiosLikeResponse<T>> {
        return this.proxy<T>({ ...config, method: 'PATCH' });
    }
    delete<T = unknown>(config: Omit<ProxyConfiguration, 'method'>): Promise<AxiosLikeResponse<T>> {
        return this.proxy<T>({ ...config, method: 'DELETE' });
    }

    async *paginate<T = unknown>(config: ProxyConfiguration): AsyncGenerator<T[], undefined, void> {
        const p = { ...this.req.provider?.proxy?.paginate, ...config.paginate } as Partial<ProviderPagination>;
        if (!p.type) {
            throw new Error(`nango.paginate: provider "${this.provider}" has no pagination settings in Nango's catalogue; pass config.paginate (type "cursor", "link" or "offset")`);
        }
        const method = (config.method ?? 'GET').toUpperCase();
        const inBody = ['POST', 'PUT', 'PATCH'].includes(method);
        let extra: Record<string, string | number> = {};
        if (p.limit !== undefined && p.limit_name_in_request) extra[p.limit_name_in_request] = p.limit;
        let offset = p.offset_start_value ?? 0;
        let nextUrl: string | undefined;
        for (let page = 0; page < 10_000; page++) {
            const pageConfig: ProxyConfiguration = nextUrl
                ? { ...config, method, endpoint: nextUrl, params: undefined }
                : inBody
                  ? { ...config, method, data: { ...(config.data as object), ...extra } }
                  : { ...config, method, params: { ...(typeof config.params === 'object' ? config.params : {}), ...extra } };
            const res = await this.proxy<unknown>(pageConfig);
            const items = getPath(res.data, p.response_path);
            const batch = Array.isArray(items) ? (items as T[]) : [];
            if (batch.length) yield batch;
            if (p.type === 'cursor') {
                const cursor = getPath(res.data, p.cursor_path_in_response);
                if (cursor === undefined || cursor === null || cursor === '' || !p.cursor_name_in_request) return undefined;
                extra = { ...extra, [p.cursor_name_in_request]: String(cursor) };
            } else if (p.type === 'link') {
                const link = p.link_path_in_response_body ? getPath(res.data, p.link_path_in_response_body) : nextLink(res.headers['link'], p.link_rel_in_response_header ?? 'next');
                if (typeof link !== 'string' || !link) return undefined;
                nextUrl = link;
            } else {
                if (!batch.length || !p.offset_name_in_request) return undefined;
                offset += p.offset_calculation_method === 'per-page' ? 1 : batch.length;
                extra = { ...extra, [p.offset_name_in_request]: offset };
            }
        }
        return undefined;
    }

    async uncontrolledFetch(options: { url: URL | string; method?: string; headers?: Record<string, string>; body?: string | null }): Promise<Response> {
        return fetch(options.url, { method: options.method ?? 'GET', headers: options.headers, body: options.body ?? undefined });
    }

    // ---- Connection, integration, environment ----------------------------------------------------

    async getConnection(providerConfigKeyOverride?: string, connectionIdOverride?: string): Promise<Record<string, unknown>> {
        this.assertOwnConnection({ providerConfigKey: providerConfigKeyOverride, connectionId: connectionIdOverride }, 'getConnection');
        const c = this.req.connection;
        return {
            id: c.numericId,
            connection_id: c.id,
            provider_config_key: c.integration,
            provider: c.provider,
            errors: [],
            end_user: null,
            metadata: structuredClone(this.metadata),
            connection_config: structuredClone(c.connectionConfig),
            created_at: c.createdAt,
            updated_at: c.updatedAt,
            last_fetched_at: new Date().toISOString(),
            credentials: structuredClone(c.credentials)
        };
    }

    async getToken(): Promise<unknown> {
        const c = this.req.connection.credentials;
        if (c.type === 'OAUTH2' || c.type === 'APP') return c.access_token;
        if (c.type === 'OAUTH2_CC') return c.token;
        return structuredClone(c);
    }

    async getIntegration(): Promise<Record<string, unknown>> {
        const c = this.req.connection;
        return {
            unique_key: c.integration,
            provider: c.provider,
            display_name: this.req.provider?.display_name ?? c.provider,
            logo: `https://app.nango.dev/images/template-logos/${c.provider}.svg`,
            webhook_url: this.req.webhookUrl,
            created_at: c.createdAt,
            updated_at: c.updatedAt
        };
    }

    async getWebhookURL(): Promise<string | null | undefined> {
        return this.req.webhookUrl;
    }

    async getEnvironmentVariables(): Promise<{ name: string; value: string }[] | null> {
        return Object.entries(this.req.environment.variables).map(([name, value]) => ({ name, value }));
    }

    getVariant(): string {
        return 'base';
    }

    getFlowAttributes<A = object>(): A | null {
        return null;
    }

    // ---- Metadata --------------------------------------------------------------------------------

    async getMetadata<T = Record<string, unknown>>(): Promise<T> {
        if (this.metadataSchema && Object.keys(this.metadata).length > 0) {
            const parsed = this.metadataSchema.safeParse(this.metadata);
            if (!parsed.success) {
                this.hooks.log({ level: 'warn', message: `getMetadata: the stored metadata does not match this handler's metadata schema (${describeZod(parsed.error.issues)})`, source: 'emulator' });
            }
        }
        return structuredClone(this.metadata) as T;
    }

    async setMetadata(metadata: Record<string, unknown>): Promise<AxiosLikeResponse<Record<string, unknown>>> {
        this.writeMetadata(this.validateMetadata(metadata, 'setMetadata'));
        return this.metadataResponse();
    }

    async updateMetadata(metadata: Record<string, unknown>): Promise<AxiosLikeResponse<Record<string, unknown>>> {
        this.writeMetadata(this.validateMetadata({ ...this.metadata, ...metadata }, 'updateMetadata'));
        return this.metadataResponse();
    }

    async setFieldMapping(fieldMapping: Record<string, string>): Promise<AxiosLikeResponse<Record<string, unknown>>> {
        return this.setMetadata(fieldMapping);
    }

    async getFieldMapping(): Promise<Record<string, string>> {
        return (await this.getMetadata()) as Record<string, string>;
    }

    private validateMetadata(value: unknown, method: string): Record<string, unknown> {
        if (!value || typeof value !== 'object' || Array.isArray(value)) {
            throw new MetadataValidationError(`nango.${method}: metadata must be an object, got ${Array.isArray(value) ? 'an array' : typeof value}`);
        }
        if (this.metadataSchema) {
            const parsed = this.metadataSchema.safeParse(value);
            if (!parsed.success) {
                throw new MetadataValidationError(`nango.${method}: the value does not match this handler's metadata schema: ${describeZod(parsed.error.issues)}. Fix the value, or the "metadata" schema in ${this.req.handlerFile}.`);
            }
        }
        return structuredClone(value as Record<string, unknown>);
    }

    private writeMetadata(metadata: Record<string, unknown>): void {
        this.metadata = metadata;
        this.hooks.metadataChanged(structuredClone(metadata));
    }

    private metadataResponse(): AxiosLikeResponse<Record<string, unknown>> {
        const data = { connection_id: this.connectionId, provider_config_key: this.providerConfigKey, metadata: structuredClone(this.metadata) };
        return { data, status: 200, statusText: 'OK', headers: {}, config: { endpoint: '/connection/metadata', method: 'POST', url: 'nango://connection/metadata' } };
    }

    // ---- Logging ---------------------------------------------------------------------------------

    log(...args: unknown[]): void {
        if (args.length === 0) return;
        const last = args[args.length - 1];
        let level: LogLevel = 'info';
        if (args.length > 1 && last && typeof last === 'object' && 'level' in last) {
            args.pop();
            const l = (last as { level?: string }).level;
            if (l === 'debug' || l === 'info' || l === 'warn' || l === 'error') level = l;
        }
        this.hooks.log({ level, message: formatLogArgs(args), source: 'nango' });
    }

    // ---- Validation helper -----------------------------------------------------------------------

    async zodValidateInput<T = unknown>({ zodSchema, input }: { zodSchema: ZodLike; input: T }): Promise<{ success: true; data: unknown }> {
        const parsed = zodSchema.safeParse(input);
        if (!parsed.success) throw new Error(`Invalid input: ${describeZod(parsed.error.issues)}`);
        return parsed;
    }

    // ---- Locks and checkpoints (kept for the duration of the run) --------------------------------

    async tryAcquireLock({ key, ttlMs }: { key: string; ttlMs: number }): Promise<boolean> {
        const until = this.locks.get(key);
        if (until !== undefined && until > Date.now()) return false;
        this.locks.set(key, Date.now() + ttlMs);
        return true;
    }
    async releaseLock({ key }: { key: string }): Promise<boolean> {
        return this.locks.delete(key);
    }
    async releaseAllLocks(): Promise<void> {
        this.locks.clear();
    }
    async getCheckpoint<T = unknown>(): Promise<T | null> {
        return this.checkpoint as T | null;
    }
    async saveCheckpoint(checkpoint: unknown): Promise<void> {
        this.checkpoint = structuredClone(checkpoint);
    }
    async clearCheckpoint(): Promise<void> {
        this.checkpoint = null;
    }

    // ---- What event functions cannot do ----------------------------------------------------------

    batchSave(): never {
        throw this.cannotSaveRecords('batchSave');
    }
    batchUpdate(): never {
        throw this.cannotSaveRecords('batchUpdate');
    }
    batchDelete(): never {
        throw this.cannotSaveRecords('batchDelete');
    }

    async triggerAction(): Promise<never> {
        throw new EventFunctionRestrictionError('nango.triggerAction: the emulator runs event functions only, not actions. Dry run the action with "nango dryrun" against a real connection.');
    }
    async triggerSync(): Promise<never> {
        throw new EventFunctionRestrictionError('nango.triggerSync: the emulator does not run syncs. The call is valid in Nango; test it against a real environment.');
    }
    async startSync(): Promise<never> {
        throw new EventFunctionRestrictionError('nango.startSync: the emulator does not run syncs. The call is valid in Nango; test it against a real environment.');
    }

    private cannotSaveRecords(method: string): EventFunctionRestrictionError {
        return new EventFunctionRestrictionError(`nango.${method} is not available in event functions: event functions cannot save, update or delete records (only syncs can). Store per-connection state with nango.setMetadata, or move the record writes to a sync.`);
    }

    private assertOwnConnection(config: { connectionId?: string | undefined; providerConfigKey?: string | undefined }, method: string): void {
        if ((config.connectionId && config.connectionId !== this.connectionId) || (config.providerConfigKey && config.providerConfigKey !== this.providerConfigKey)) {
            throw new EventFunctionRestrictionError(`nango.${method}: the emulator runs a handler against its own connection (${this.providerConfigKey}/${this.connectionId}); other connections (${config.providerConfigKey ?? this.providerConfigKey}/${config.connectionId ?? this.connectionId}) are not reachable here.`);
        }
    }
}

function nextLink(header: string | undefined, rel: string): string | undefined {
    if (!header) return undefined;
    for (const part of header.split(',')) {
        const m = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part.trim());
        if (m && m[2] === rel) return m[1];
    }
    return undefined;
}

export function describeZod(issues: { path: PropertyKey[]; message: string }[]): string {
    return issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : '(value)'}: ${i.message}`).join('; ');
}
