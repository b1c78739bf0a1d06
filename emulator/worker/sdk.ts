// The `nango` object given to an event function's exec: the surface of @nangohq/runner-sdk's
// NangoActionBase, answered from the emulated connection instead of Nango's API. Provider calls are
// real HTTP requests built like Nango's proxy builds them; msw (provider-fakes.ts) answers them.
import { publicCredentials, tokenOf } from '../fixtures/credentials';
import { answerAction, checkSyncs, type NangoAnswer, type SyncRef } from '../fakes/integration-calls';
import { publicConnectionFull, publicIntegration, type IntegrationInclude } from '../fakes/nango-shapes';
import type { CallSite, RunRequest, LogEntry, SdkCall } from '../core/protocol';
import type { ConnectionRecord } from '../state/state';
import { ActionError, EventFunctionRestrictionError, MetadataValidationError } from './sdk-errors';
import { UnavailableInEventFunctions } from './sdk-unavailable';
import { CONSOLE_DROPPED, formatLogArgs, NangoLogger } from './sdk-logger';
import { CALL_SITE_HEADER, type ProviderFakes } from './provider-fakes';
import { callSiteOfCaller, recordSdkCall, returnedShape, shapeOf } from './sdk-calls';
import { ProviderClient, ProviderHttpError, type AxiosLikeResponse, type ProxyConfiguration } from './sdk-proxy';

interface ZodLike {
    safeParse(value: unknown): { success: true; data: unknown } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
}

export interface SdkHooks {
    log(entry: Omit<LogEntry, 'at'>): void;
    metadataChanged(metadata: Record<string, unknown>): void;
    /** Where in the user's TypeScript a stack taken inside the SDK was called from (the sandbox's source map). */
    callSiteOf?(stack: string): CallSite | undefined;
    /** A metadata, connection, token… call (no provider request), keys only (sdk-calls.ts). */
    sdkCall?(call: SdkCall): void;
}

/** What a handler may not reach through `nango`: the emulator's own state (Nango hides its runner's the same way). */
export const EMULATED_NANGO_INTERNALS = [
    'req',
    'metadataSchema',
    'fakes',
    'client',
    'hooks',
    'metadata',
    'logger',
    'locks',
    'checkpoint',
    'validateMetadata',
    'writeMetadata',
    'metadataResponse',
    'assertOwnConnection',
    'noteCall',
    'answered',
    'answeredResponse',
    'callSiteHere',
    'recorded',
    'readMetadata',
    'integrationView'
] as const;

export class EmulatedNango extends UnavailableInEventFunctions {
    readonly ActionError = ActionError;
    readonly connectionId: string;
    readonly providerConfigKey: string;
    readonly provider: string;
    readonly isCLI = true;
    readonly scriptType = 'on-event';
    private metadata: Record<string, unknown> | null;
    private readonly logger: NangoLogger;
    private readonly locks = new Map<string, number>();
    private checkpoint: unknown = null;
    private readonly client: ProviderClient;

    constructor(
        private readonly req: RunRequest,
        private readonly metadataSchema: ZodLike | undefined,
        private readonly fakes: ProviderFakes,
        private readonly hooks: SdkHooks
    ) {
        super();
        this.connectionId = req.connection.id;
        this.providerConfigKey = req.connection.integration;
        this.provider = req.connection.provider;
        this.metadata = structuredClone(req.connection.metadata);
        this.client = new ProviderClient(req, fakes, hooks);
        this.logger = new NangoLogger(req.environment.variables);
    }

    // ---- Provider calls -------------------------------------------------------------------------

    async proxy<T = unknown>(config: ProxyConfiguration): Promise<AxiosLikeResponse<T>> {
        if (!config || typeof config.endpoint !== 'string') {
            throw new TypeError('nango.proxy: config.endpoint is required, e.g. nango.get({ endpoint: "/users/me" })');
        }
        this.assertOwnConnection(config, 'proxy');
        return this.client.request<T>(config, this.callSiteHere());
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

    paginate<T = unknown>(config: ProxyConfiguration): AsyncGenerator<T[], undefined, void> {
        // Taken at the call: the generator's body runs later, when the handler's loop asks for a page.
        const callSite = this.callSiteHere();
        const pages = async function* (self: EmulatedNango): AsyncGenerator<T[], undefined, void> {
            self.assertOwnConnection(config, 'paginate');
            return yield* self.client.paginate<T>(config, callSite);
        };
        return pages(this);
    }

    async uncontrolledFetch(options: { url: URL | string; method?: string; headers?: Record<string, string>; body?: string | null }): Promise<Response> {
        const callSite = this.callSiteHere();
        const headers = new Headers(options.headers);
        if (callSite) headers.set(CALL_SITE_HEADER, this.fakes.noteCallSite(callSite));
        return fetch(options.url, { method: options.method ?? 'GET', headers, body: options.body ?? undefined });
    }

    /** Where the user's code called the SDK method running now (undefined when no frame maps to TypeScript). */
    private callSiteHere(): CallSite | undefined {
        return callSiteOfCaller(this.hooks.callSiteOf);
    }

    /** Runs a call that sends no provider request and reports it at the user's line (sdk-calls.ts). */
    private recorded<T>(method: string, run: () => Promise<T>, summary: string | ((value: T) => string)): Promise<T> {
        return recordSdkCall((call) => this.hooks.sdkCall?.(call), method, this.callSiteHere(), run, summary);
    }

    // ---- Connection, integration, environment ----------------------------------------------------

    /** What GET /connection/:id answers (nango-shapes.ts), as runner-sdk's getConnection returns it. */
    getConnection(providerConfigKeyOverride?: string, connectionIdOverride?: string): Promise<Record<string, unknown>> {
        return this.recorded(
            'getConnection',
            async () => {
                this.assertOwnConnection({ providerConfigKey: providerConfigKeyOverride, connectionId: connectionIdOverride }, 'getConnection');
                const c = this.req.connection;
                const record = { ...c, account: '', metadata: this.metadata } as ConnectionRecord;
                return structuredClone(publicConnectionFull(record, publicCredentials(c.credentials, false))) as unknown as Record<string, unknown>;
            },
            `→ ${this.connectionId}`
        );
    }

    /** @nangohq/node getToken: the access token for OAuth 2, the OAuth 1 pair, else the whole credentials. */
    getToken(): Promise<unknown> {
        return this.recorded('getToken', async () => structuredClone(tokenOf(this.req.connection.credentials)), returnedShape);
    }

    /**
     * What GET /integrations/:key answers (runner-sdk/lib/action.ts getIntegration). Only the LAST `include`
     * value counts: @nangohq/node's addQueryParams (dist/utils.js) `set`s the parameter once per value, so
     * `include: ['webhook', 'credentials']` reaches Nango as `include=credentials` alone.
     */
    getIntegration(queries?: { include?: IntegrationInclude[] }): Promise<Record<string, unknown>> {
        return this.recorded('getIntegration', async () => this.integrationView(queries), `→ ${this.providerConfigKey}`);
    }

    private integrationView(queries?: { include?: IntegrationInclude[] }): Record<string, unknown> {
        const include = queries?.include?.length ? queries.include.slice(-1) : [];
        const view = publicIntegration({
            key: this.providerConfigKey,
            integration: this.req.integration,
            provider: this.req.provider,
            since: new Date(this.req.integrationSince),
            include
        });
        return structuredClone(view) as unknown as Record<string, unknown>;
    }

    /** runner-sdk: the integration's webhook_url, read with include: ['webhook']. */
    getWebhookURL(): Promise<string | null | undefined> {
        return this.recorded(
            'getWebhookURL',
            async () => this.integrationView({ include: ['webhook'] })['webhook_url'] as string | null | undefined,
            returnedShape
        );
    }

    getEnvironmentVariables(): Promise<{ name: string; value: string }[] | null> {
        return this.recorded(
            'getEnvironmentVariables',
            async () => Object.entries(this.req.environment.variables).map(([name, value]) => ({ name, value })),
            returnedShape
        );
    }

    getVariant(): string {
        return 'base';
    }

    // ---- Metadata --------------------------------------------------------------------------------

    /** The connection's metadata, null until something sets it (Nango creates OAuth connections so). */
    getMetadata<T = Record<string, unknown>>(): Promise<T> {
        return this.recorded('getMetadata', async () => this.readMetadata() as T, returnedShape);
    }

    private readMetadata(): Record<string, unknown> | null {
        if (this.metadataSchema && this.metadata !== null) {
            const parsed = this.metadataSchema.safeParse(this.metadata);
            if (!parsed.success) {
                this.hooks.log({
                    level: 'warn',
                    message: `getMetadata: the stored metadata does not match this handler's metadata schema (${describeZod(parsed.error.issues)})`,
                    source: 'emulator'
                });
            }
        }
        return structuredClone(this.metadata);
    }

    setMetadata(metadata: Record<string, unknown>): Promise<AxiosLikeResponse<Record<string, unknown>>> {
        return this.recorded(
            'setMetadata',
            async () => {
                this.writeMetadata(this.validateMetadata(metadata, 'setMetadata'));
                return this.metadataResponse();
            },
            shapeOf(metadata)
        );
    }

    updateMetadata(metadata: Record<string, unknown>): Promise<AxiosLikeResponse<Record<string, unknown>>> {
        return this.recorded(
            'updateMetadata',
            async () => {
                requireObject(metadata, 'updateMetadata');
                this.writeMetadata(this.validateMetadata({ ...this.metadata, ...metadata }, 'updateMetadata'));
                return this.metadataResponse();
            },
            shapeOf(metadata)
        );
    }

    /** Deprecated in Nango: setMetadata under another name (runner-sdk/lib/action.ts setFieldMapping). */
    async setFieldMapping(fieldMapping: Record<string, string>): Promise<AxiosLikeResponse<Record<string, unknown>>> {
        this.hooks.log({
            level: 'warn',
            message: 'setFieldMapping is deprecated. Please use setMetadata instead.',
            source: 'console',
            hiddenInNango: CONSOLE_DROPPED
        });
        return this.setMetadata(fieldMapping);
    }

    /**
     * Deprecated in Nango: `metadata.fieldMapping || {}` (runner-sdk/lib/action.ts getFieldMapping). On a
     * connection whose metadata is null it throws there as here: it reads a property of null.
     */
    async getFieldMapping(): Promise<Record<string, string>> {
        this.hooks.log({
            level: 'warn',
            message: 'getFieldMapping is deprecated. Please use getMetadata instead.',
            source: 'console',
            hiddenInNango: CONSOLE_DROPPED
        });
        const metadata = this.readMetadata() as Record<string, unknown>;
        return (metadata['fieldMapping'] as Record<string, string> | undefined) || {};
    }

    private validateMetadata(value: unknown, method: string): Record<string, unknown> {
        requireObject(value, method);
        // Nango's metadata routes take any object: a value off the handler's schema is stored all the same.
        if (this.metadataSchema) {
            const parsed = this.metadataSchema.safeParse(value);
            if (!parsed.success) {
                this.hooks.log({
                    level: 'warn',
                    message: `nango.${method}: the metadata does not match the "metadata" schema of ${this.req.handlerFile} (${describeZod(parsed.error.issues)}). Nango stores it anyway; functions that parse it with that schema will fail.`,
                    source: 'emulator'
                });
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
        return {
            data,
            status: 200,
            statusText: 'OK',
            headers: {},
            config: { endpoint: '/connection/metadata', method: 'POST', url: 'nango://connection/metadata' }
        };
    }

    // ---- Logging ---------------------------------------------------------------------------------

    /** Like Nango's runner: a last argument `{ level }` sets the level; lines below the logger's level are marked. */
    async log(...args: unknown[]): Promise<void> {
        if (args.length === 0) return;
        const last = args[args.length - 1];
        let level = NangoLogger.levelOf(undefined);
        if (last && typeof last === 'object' && 'level' in last) {
            args.pop();
            level = NangoLogger.levelOf((last as { level?: unknown }).level);
        }
        const hidden = this.logger.dropReason(level);
        this.hooks.log({ level, message: formatLogArgs(args), source: 'nango', ...(hidden ? { hiddenInNango: hidden } : {}) });
    }

    /** Sets the level below which Nango drops nango.log lines, for this run (runner-sdk/lib/action.ts setLogger). */
    setLogger(logger: { level: string }): void {
        this.logger.set(logger);
    }

    // ---- Validation helper -----------------------------------------------------------------------

    async zodValidateInput<T = unknown>({ zodSchema, input }: { zodSchema: ZodLike; input: T }): Promise<{ success: true; data: unknown }> {
        // As runner-sdk/lib/action.ts zodValidateInput: one error log line per issue, then ActionError "Invalid input provided".
        const parsed = zodSchema.safeParse(input);
        if (!parsed.success) {
            for (const issue of parsed.error.issues)
                await this.log(`Invalid input provided: ${issue.message} at path ${issue.path.map(String).join('.')}`, { level: 'error' });
            throw new this.ActionError({ message: 'Invalid input provided' });
        }
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

    // ---- Actions and syncs (answered from fixtures; batchSave & co.: sdk-unavailable.ts) ------------

    /**
     * Actions do not run in the emulator: the answer is the fixture's `actions.<name>` (integration-calls.ts),
     * the same answer the emulator server gives `POST /action/trigger`; a failure is thrown as
     * @nangohq/node throws Nango's error answer (an axios error with the response).
     */
    async triggerAction<I = unknown, O = unknown>(providerConfigKey: string, connectionId: string, actionName: string, input?: I): Promise<O> {
        this.assertOwnConnection({ providerConfigKey, connectionId }, 'triggerAction');
        const answer = answerAction(this.req.fixturesFile, this.providerConfigKey, this.req.integration, actionName, input, { connectionId, found: true });
        this.noteCall(`triggerAction("${actionName}")`, answer, `integrations.${this.providerConfigKey}.actions.${actionName}`);
        return this.answered(answer, 'POST', '/action/trigger') as O;
    }

    /** Syncs do not run in the emulator: the call succeeds when fixtures.json lists the syncs (`syncs`), as Nango's answer does when they are deployed. */
    async triggerSync(providerConfigKey: string, connectionId: string, sync: SyncRef, _opts?: unknown): Promise<unknown> {
        this.assertOwnConnection({ providerConfigKey, connectionId }, 'triggerSync');
        const answer = checkSyncs(this.req.fixturesFile, this.providerConfigKey, this.req.integration, [sync], { connectionId, found: true });
        this.noteCall(`triggerSync(${JSON.stringify(sync)})`, answer, `integrations.${this.providerConfigKey}.syncs`);
        // runner/lib/sdk/sdk.ts returns the node client's response.
        return this.answeredResponse(answer, 'POST', '/sync/trigger');
    }

    async startSync(providerConfigKey: string, syncs: SyncRef[], connectionId?: string): Promise<void> {
        this.assertOwnConnection({ providerConfigKey, connectionId }, 'startSync');
        const answer = checkSyncs(this.req.fixturesFile, this.providerConfigKey, this.req.integration, syncs, {
            connectionId: connectionId ?? this.connectionId,
            found: true
        });
        this.noteCall(`startSync(${JSON.stringify(syncs)})`, answer, `integrations.${this.providerConfigKey}.syncs`);
        this.answered(answer, 'POST', '/sync/start');
    }

    /** Says in the run's logs that a call was answered from fixtures, not run. */
    private noteCall(call: string, answer: NangoAnswer, field: string): void {
        const what = answer.ok ? `answered ${answer.status}` : `failed ${answer.status} ${answer.data.error.code}`;
        this.hooks.log({
            level: answer.ok ? 'info' : 'warn',
            message: `nango.${call}: ${what} from ${this.req.fixturesFile} ${field} (the emulator does not run actions or syncs)`,
            source: 'emulator'
        });
    }

    private answered(answer: NangoAnswer, method: string, endpoint: string): unknown {
        return this.answeredResponse(answer, method, endpoint).data;
    }

    private answeredResponse(answer: NangoAnswer, method: string, endpoint: string): AxiosLikeResponse {
        const config = { endpoint, method, url: `nango://${endpoint.replace(/^\//, '')}` };
        const response: AxiosLikeResponse = {
            data: structuredClone(answer.data),
            status: answer.status,
            statusText: answer.ok ? 'OK' : 'Error',
            headers: { 'content-type': 'application/json' },
            config
        };
        if (!answer.ok) throw new ProviderHttpError(response, config);
        return response;
    }

    private assertOwnConnection(config: { connectionId?: string | undefined; providerConfigKey?: string | undefined }, method: string): void {
        if (
            (config.connectionId && config.connectionId !== this.connectionId) ||
            (config.providerConfigKey && config.providerConfigKey !== this.providerConfigKey)
        ) {
            throw new EventFunctionRestrictionError(
                `nango.${method}: the emulator runs a handler against its own connection (${this.providerConfigKey}/${this.connectionId}); other connections (${config.providerConfigKey ?? this.providerConfigKey}/${config.connectionId ?? this.connectionId}) are not reachable here.`
            );
        }
    }
}

/** Nango's metadata routes refuse anything but an object (a 400 from the API, an error in the function). */
function requireObject(value: unknown, method: string): asserts value is Record<string, unknown> {
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
        throw new MetadataValidationError(
            `nango.${method}: metadata must be an object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`
        );
    }
}

export function describeZod(issues: { path: PropertyKey[]; message: string }[]): string {
    return issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : '(value)'}: ${i.message}`).join('; ');
}
