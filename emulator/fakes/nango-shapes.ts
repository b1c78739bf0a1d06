// Nango's public API shapes, in one place: what GET /connections, GET /connection(s)/:id and
// GET /integrations[/:key] answer. Pure (no server, no file access) so that the emulator's server and
// the worker's SDK object return exactly the same objects. Built after Nango's formatters
// (NangoHQ/nango at 2f4c0af): packages/server/lib/formatters/connection.ts (connectionSimpleToPublicApi,
// retrievedConnectionToPublicApi), packages/server/lib/formatters/integration.ts (integrationToPublicApi,
// integrationCredentialsToPublicApi), packages/server/lib/utils/integrations.ts (getIntegrationCredentials)
// and the types in packages/types/lib/integration/api.ts. Keys are kept in Nango's order.
import type { IntegrationFixture } from '../fixtures/fixtures';
import type { ProviderInfo } from '../providers';
import type { ConnectionRecord } from '../state/state';

/** retrievedConnectionToPublicApi's timestamps: toISOString() with "Z" replaced by "+00:00". */
export function nangoDate(iso: string): string {
    return iso.replace(/Z$/, '+00:00');
}

export interface ApiActiveLog {
    type: string;
    log_id: string;
}

/** A connection's active error logs: a reconnect rejected by validate-connection leaves an auth error. */
export function connectionErrors(c: ConnectionRecord): ApiActiveLog[] {
    return c.status === 'refresh_exhausted' ? [{ type: 'auth', log_id: 'nango-emulator' }] : [];
}

/** ApiPublicConnection (connectionSimpleToPublicApi): one item of GET /connections. */
export interface ApiPublicConnection {
    id: number;
    connection_id: string;
    provider_config_key: string;
    provider: string;
    errors: ApiActiveLog[];
    end_user: null;
    tags: Record<string, string>;
    metadata: Record<string, unknown> | null;
    created: string;
}

export function publicConnection(c: ConnectionRecord): ApiPublicConnection {
    return {
        id: c.numericId,
        connection_id: c.id,
        provider_config_key: c.integration,
        provider: c.provider,
        errors: connectionErrors(c),
        end_user: null, // emulated connections have no end user
        tags: {},
        metadata: c.metadata ?? null, // `data.metadata || null`
        created: c.createdAt
    };
}

/** ApiPublicConnectionFull (retrievedConnectionToPublicApi): GET /connection/:id and /connections/:id. */
export interface ApiPublicConnectionFull extends Omit<ApiPublicConnection, 'created'> {
    connection_config: Record<string, unknown>;
    webhook_url_override: string | null;
    created_at: string;
    updated_at: string;
    last_fetched_at: string | null;
    credentials: Record<string, unknown>;
}

/**
 * `credentials` is the connection's credentials already in Nango's public form (ApiPublicAllAuthCredentials,
 * refresh tokens only when asked for): the caller formats them. `fetchedAt` is when they were read: Nango
 * stamps last_fetched_at on every credentials read.
 */
export function publicConnectionFull(c: ConnectionRecord, credentials: Record<string, unknown>, fetchedAt: Date = new Date()): ApiPublicConnectionFull {
    return {
        id: c.numericId,
        connection_id: c.id,
        provider_config_key: c.integration,
        provider: c.provider,
        errors: connectionErrors(c),
        end_user: null,
        tags: {},
        metadata: c.metadata ?? null,
        connection_config: c.connectionConfig ?? {},
        webhook_url_override: null,
        created_at: nangoDate(c.createdAt),
        updated_at: nangoDate(c.updatedAt),
        last_fetched_at: nangoDate(fetchedAt.toISOString()),
        credentials
    };
}

/** The `include` values GET /integrations/:key accepts (getIntegration.ts: z.enum(['webhook', 'credentials'])). */
export const INTEGRATION_INCLUDES = ['webhook', 'credentials'] as const;
export type IntegrationInclude = (typeof INTEGRATION_INCLUDES)[number];

/** ApiPublicIntegrationInclude['credentials']: the integration's own app (OAuth client, GitHub App…). */
export type ApiPublicIntegrationCredentials =
    | { type: 'OAUTH1' | 'OAUTH2' | 'TBA'; client_id: string | null; client_secret: string | null; scopes: string | null; webhook_secret: string | null }
    | { type: 'APP'; app_id: string | null; private_key: string | null; app_link: string | null }
    | { type: 'CUSTOM'; client_id: string | null; client_secret: string | null; app_id: string | null; app_link: string | null; private_key: string | null };

export interface ApiPublicIntegration {
    unique_key: string;
    provider: string;
    display_name: string;
    logo: string;
    webhook_url?: string | null;
    credentials?: ApiPublicIntegrationCredentials | null;
    forward_webhooks: boolean;
    created_at: string;
    updated_at: string;
}

/**
 * The auth mode Nango decides the credentials' shape by: the provider's, from the catalogue. For a
 * provider the catalogue does not know (allowed in fixtures with a baseUrl), the accounts' credential
 * type stands in for it.
 */
export function integrationAuthMode(integration: IntegrationFixture, provider: ProviderInfo | undefined): string | undefined {
    return provider?.auth_mode ?? Object.values(integration.accounts)[0]?.credentials.type;
}

/**
 * getIntegrationCredentials + integrationCredentialsToPublicApi: OAuth1/OAuth2/TBA apps give their client
 * id, secret, scopes (Nango stores them comma-separated) and webhook secret; APP its app id, private key
 * and app link; CUSTOM both; every other auth mode (API_KEY, BASIC, OAUTH2_CC…) has no app: null.
 */
export function integrationCredentials(integration: IntegrationFixture, authMode: string | undefined): ApiPublicIntegrationCredentials | null {
    const scopes = integration.scopes === undefined ? null : [integration.scopes].flat().join(',') || null;
    switch (authMode) {
        case 'OAUTH1':
        case 'OAUTH2':
        case 'TBA':
            return {
                type: authMode,
                client_id: integration.clientId ?? null,
                client_secret: integration.clientSecret ?? null,
                scopes,
                webhook_secret: integration.webhookSecret || null
            };
        case 'APP':
            return { type: 'APP', app_id: integration.appId ?? null, private_key: integration.privateKey ?? null, app_link: integration.appLink || null };
        case 'CUSTOM':
            return {
                type: 'CUSTOM',
                client_id: integration.clientId ?? null,
                client_secret: integration.clientSecret ?? null,
                app_id: integration.appId || null,
                app_link: integration.appLink || null,
                private_key: integration.privateKey ?? null
            };
        default:
            return null;
    }
}

export interface PublicIntegrationArgs {
    key: string;
    integration: IntegrationFixture;
    /** The provider's catalogue entry (providers.ts providerInfo), undefined when the catalogue lacks it. */
    provider: ProviderInfo | undefined;
    /** created_at and updated_at: the emulator has no integration rows, so the caller picks a stable time. */
    since: Date;
    /** Only what the caller may include: GET /integrations (the list) includes nothing. */
    include?: Iterable<IntegrationInclude>;
}

/** ApiPublicIntegration (integrationToPublicApi): webhook_url and credentials only when included. */
export function publicIntegration({ key, integration, provider, since, include = [] }: PublicIntegrationArgs): ApiPublicIntegration {
    const wanted = new Set(include);
    return {
        unique_key: key,
        provider: integration.provider,
        display_name: provider?.display_name ?? integration.provider,
        logo: `https://app.nango.dev/images/template-logos/${integration.provider}.svg`,
        // Nango: a URL only for providers with a webhook routing script, else null; the fixture says which.
        ...(wanted.has('webhook') ? { webhook_url: integration.webhookUrl ?? null } : {}),
        ...(wanted.has('credentials') ? { credentials: integrationCredentials(integration, integrationAuthMode(integration, provider)) } : {}),
        forward_webhooks: true,
        created_at: since.toISOString(),
        updated_at: since.toISOString()
    };
}

/**
 * The secrets of an integration's own app (client secret, webhook secret, private key): like account
 * credentials, they must never appear in logs, results or errors. Values shorter than the redactor's
 * minimum are left out by the Redactor itself.
 */
export function integrationSecretsOf(integration: IntegrationFixture): string[] {
    return [integration.clientSecret, integration.webhookSecret, integration.privateKey].filter((s): s is string => typeof s === 'string' && s.length > 0);
}
