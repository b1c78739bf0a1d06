// The `nango` object given to an event function's exec: the surface of @nangohq/runner-sdk's
// NangoActionBase, answered from the emulated connection instead of Nango's API. Provider calls are
// real HTTP requests built like Nango's proxy builds them; msw (provider-fakes.ts) answers them.
import type { RunRequest, LogEntry, LogLevel } from '../protocol';
import { ActionError } from './nango-shim';
import type { ProviderFakes } from './provider-fakes';
import { ProviderClient, type AxiosLikeResponse, type ProxyConfiguration } from './sdk-proxy';

export class EventFunctionRestrictionError extends Error {
    override readonly name = 'EventFunctionRestrictionError';
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

/** What a handler may not reach through `nango`: the emulator's own state (Nango hides its runner's the same way). */
export const EMULATED_NANGO_INTERNALS = [
    'req',
    'metadataSchema',
    'fakes',
    'client',
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
    private readonly client: ProviderClient;

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
        this.client = new ProviderClient(req, fakes, hooks);
    }

    // ---- Provider calls -------------------------------------------------------------------------

    async proxy<T = unknown>(config: ProxyConfiguration): Promise<AxiosLikeResponse<T>> {
        if (!config || typeof config.endpoint !== 'string') {
            throw new TypeError('nango.proxy: config.endpoint is required, e.g. nango.get({ endpoint: "/users/me" })');
        }
        this.assertOwnConnection(config, 'proxy');
        return this.client.request<T>(config);
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
        this.assertOwnConnection(config, 'paginate');
        return yield* this.client.paginate<T>(config);
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

export function describeZod(issues: { path: PropertyKey[]; message: string }[]): string {
    return issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : '(value)'}: ${i.message}`).join('; ');
}
