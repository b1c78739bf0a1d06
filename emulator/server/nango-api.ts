// The subset of Nango's public HTTP API that the nango CLI's dryrun and the SDK (@nangohq/node,
// @nangohq/runner-sdk 0.71.10) call, answered from the emulator's fixtures and state. Shapes follow
// Nango's server (ApiPublicConnection(Full), ApiPublicIntegration, metadata and environment routes).
import * as z from 'zod';
import { EmulatorError } from '../errors';
import type { Credentials, Fixtures } from '../fixtures';
import { providerInfo } from '../providers';
import type { ConnectionRecord } from '../state';
import type { ServerContext } from './context';
import { HttpError } from './http';

/** Nango formats the dates of GET /connection(s)/:id this way (toISOString with "+00:00"). */
function nangoDate(iso: string): string {
    return iso.replace(/Z$/, '+00:00');
}

function connectionErrors(c: ConnectionRecord): { type: string; log_id: string }[] {
    // A reconnect rejected by validate-connection leaves the connection with an auth error.
    return c.status === 'refresh_exhausted' ? [{ type: 'auth', log_id: 'nango-emulator' }] : [];
}

/** ApiPublicConnection: what GET /connections lists. */
export function publicConnection(c: ConnectionRecord): Record<string, unknown> {
    return {
        id: c.numericId,
        connection_id: c.id,
        provider_config_key: c.integration,
        provider: c.provider,
        created: c.createdAt,
        metadata: c.metadata,
        errors: connectionErrors(c),
        end_user: null,
        tags: {}
    };
}

function withoutRefreshTokens(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(withoutRefreshTokens);
    if (value && typeof value === 'object') {
        return Object.fromEntries(Object.entries(value).filter(([k]) => !/refresh_?token/i.test(k)).map(([k, v]) => [k, withoutRefreshTokens(v)]));
    }
    return value;
}

/** ApiPublicAllAuthCredentials: refresh tokens only when asked for (refresh_token=true). */
export function publicCredentials(c: Credentials, includeRefreshToken: boolean): Record<string, unknown> {
    switch (c.type) {
        case 'OAUTH2': {
            const raw = c.raw ?? {};
            return {
                type: c.type,
                access_token: c.access_token,
                ...(c.expires_at ? { expires_at: c.expires_at } : {}),
                ...(includeRefreshToken && c.refresh_token ? { refresh_token: c.refresh_token } : {}),
                raw: includeRefreshToken ? raw : withoutRefreshTokens(raw)
            };
        }
        case 'OAUTH2_CC':
            return { type: c.type, token: c.token, ...(c.expires_at ? { expires_at: c.expires_at } : {}), raw: c.raw ?? {} };
        case 'APP':
            return { type: c.type, access_token: c.access_token, ...(c.expires_at ? { expires_at: c.expires_at } : {}), raw: c.raw ?? {} };
        case 'API_KEY':
            return { type: c.type, apiKey: c.apiKey };
        case 'BASIC':
            return { type: c.type, username: c.username, password: c.password };
    }
}

/** ApiPublicConnectionFull: GET /connection/:id and /connections/:id. */
export function publicConnectionFull(c: ConnectionRecord, opts: { refreshToken: boolean }): Record<string, unknown> {
    return {
        id: c.numericId,
        connection_id: c.id,
        provider_config_key: c.integration,
        provider: c.provider,
        errors: connectionErrors(c),
        end_user: null,
        tags: {},
        metadata: c.metadata,
        connection_config: c.connectionConfig,
        webhook_url_override: null,
        created_at: nangoDate(c.createdAt),
        updated_at: nangoDate(c.updatedAt),
        last_fetched_at: nangoDate(new Date().toISOString()),
        credentials: publicCredentials(c.credentials, opts.refreshToken)
    };
}

/** ApiPublicIntegration: GET /integrations/:key (webhook_url and credentials only when included). */
export function publicIntegration(fixtures: Fixtures, key: string, since: Date, include: Set<string>): Record<string, unknown> {
    const integration = fixtures.integrations[key]!;
    const info = providerInfo(integration.provider);
    return {
        unique_key: key,
        provider: integration.provider,
        display_name: info?.display_name ?? integration.provider,
        logo: `https://app.nango.dev/images/template-logos/${integration.provider}.svg`,
        forward_webhooks: true,
        created_at: since.toISOString(),
        updated_at: since.toISOString(),
        ...(include.has('webhook') ? { webhook_url: integration.webhookUrl ?? null } : {}),
        // The emulator has no OAuth app: the integration's own credentials are reported as absent.
        ...(include.has('credentials') ? { credentials: { type: info?.auth_mode ?? null, client_id: null, client_secret: null, scopes: null, webhook_secret: null } } : {})
    };
}

function strictQuery(query: URLSearchParams, allowed: string[], route: string): void {
    const unknown = [...new Set(query.keys())].filter((k) => !allowed.includes(k));
    if (unknown.length) {
        throw new HttpError(400, 'invalid_query_params', `${route}: unknown query parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')} (allowed: ${allowed.join(', ')})`, {
            errors: unknown.map((k) => ({ code: 'unrecognized_keys', message: `Unrecognized key: "${k}"`, path: [k] }))
        });
    }
}

function stringBool(query: URLSearchParams, name: string, route: string): boolean {
    const v = query.get(name);
    if (v === null || v === '' || v === 'false' || v === '0') return false;
    if (v === 'true' || v === '1') return true;
    throw new HttpError(400, 'invalid_query_params', `${route}: ${name} must be true or false, got "${v}"`, { errors: [{ code: 'invalid_type', message: 'expected true or false', path: [name] }] });
}

/** GET /connections (and the legacy /connection): `{ connections: ApiPublicConnection[] }`. */
export function listConnections(ctx: ServerContext, query: URLSearchParams): { connections: Record<string, unknown>[] } {
    strictQuery(query, ['connectionId', 'integrationId', 'search', 'endUserId', 'endUserOrganizationId', 'limit', 'page', 'tags'], 'GET /connections');
    const connectionId = query.get('connectionId');
    const integrationId = query.get('integrationId');
    const search = query.get('search')?.toLowerCase();
    // Emulated connections have no end user: filtering by one finds nothing.
    const byEndUser = query.has('endUserId') || query.has('endUserOrganizationId');
    const limit = query.has('limit') ? Math.max(1, Number(query.get('limit')) || 100) : 100;
    const page = Math.max(0, Number(query.get('page')) || 0);
    const list = Object.values(ctx.state().connections)
        .filter((c) => c.status !== 'deleted' && !byEndUser)
        .filter((c) => (connectionId === null || c.id === connectionId) && (integrationId === null || c.integration === integrationId) && (!search || c.id.toLowerCase().includes(search)))
        .sort((a, b) => a.numericId - b.numericId);
    return { connections: list.slice(page * limit, page * limit + limit).map(publicConnection) };
}

/** GET /connection/:id and /connections/:id?provider_config_key=…[&refresh_token=true] */
export function getConnection(ctx: ServerContext, connectionId: string, query: URLSearchParams, route: string): Record<string, unknown> {
    strictQuery(query, ['provider_config_key', 'refresh_token', 'force_refresh', 'refresh_github_app_jwt_token'], route);
    const key = query.get('provider_config_key');
    if (!key) {
        throw new HttpError(400, 'invalid_query_params', `${route}: provider_config_key is required (the integration id)`, { errors: [{ code: 'invalid_type', message: 'Required', path: ['provider_config_key'] }] });
    }
    const refreshToken = stringBool(query, 'refresh_token', route);
    stringBool(query, 'force_refresh', route);
    stringBool(query, 'refresh_github_app_jwt_token', route);
    const fixtures = ctx.fixtures();
    if (!fixtures.integrations[key]) {
        throw new HttpError(404, 'unknown_provider_config', `integration "${key}" does not exist in ${ctx.fixturesFile} (defined: ${Object.keys(fixtures.integrations).join(', ') || 'none'})`);
    }
    const c = ctx.liveConnection(connectionId);
    if (!c || c.integration !== key) {
        throw new HttpError(404, 'not_found', `no connection "${connectionId}" of integration "${key}" in the emulator. List them with "nango-emulator connections"; create one with "nango-emulator connect ${key} --connection ${connectionId} --account <account>".`);
    }
    return publicConnectionFull(c, { refreshToken });
}

/** GET /integrations and /integrations/:key[?include=webhook|credentials] */
export function getIntegration(ctx: ServerContext, key: string | undefined, query: URLSearchParams): { data: unknown } {
    const route = key === undefined ? 'GET /integrations' : `GET /integrations/${key}`;
    strictQuery(query, ['include', 'include[]'], route);
    const include = new Set([...query.getAll('include'), ...query.getAll('include[]')].flatMap((v) => v.split(',')));
    const wrong = [...include].filter((v) => v !== 'webhook' && v !== 'credentials');
    if (wrong.length) {
        throw new HttpError(400, 'invalid_query_params', `${route}: include must be "webhook" or "credentials", got ${wrong.map((w) => `"${w}"`).join(', ')}`, { errors: wrong.map((w) => ({ code: 'invalid_value', message: `Invalid include "${w}"`, path: ['include'] })) });
    }
    const fixtures = ctx.fixtures();
    if (key === undefined) return { data: Object.keys(fixtures.integrations).map((k) => publicIntegration(fixtures, k, ctx.startedAt, include)) };
    if (!fixtures.integrations[key]) {
        throw new HttpError(404, 'not_found', `integration "${key}" does not exist in ${ctx.fixturesFile} (defined: ${Object.keys(fixtures.integrations).join(', ') || 'none'}). Add it under "integrations".`);
    }
    return { data: publicIntegration(fixtures, key, ctx.startedAt, include) };
}

export const MetadataBodySchema = z.strictObject({
    connection_id: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    provider_config_key: z.string().min(1),
    metadata: z.record(z.string(), z.unknown())
});
export type MetadataBody = z.infer<typeof MetadataBodySchema>;

/**
 * POST /connections/metadata replaces the metadata (setMetadata), PATCH merges into it
 * (updateMetadata, shallow). Persisted in the emulator state, atomically, under the run locks.
 */
export async function writeMetadata(ctx: ServerContext, method: 'POST' | 'PATCH', raw: unknown, route: string): Promise<MetadataBody> {
    const parsed = MetadataBodySchema.safeParse(raw);
    if (!parsed.success) {
        const details = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
        throw new HttpError(400, 'invalid_body', `${route}: ${details}. Send { "connection_id": "…", "provider_config_key": "…", "metadata": { … } }.`, { errors: parsed.error.issues });
    }
    const body = parsed.data;
    const ids = [body.connection_id].flat();
    const fixtures = ctx.fixtures();
    if (!fixtures.integrations[body.provider_config_key]) {
        throw new HttpError(404, 'unknown_provider_config', `${route}: integration "${body.provider_config_key}" does not exist in ${ctx.fixturesFile}`);
    }
    for (const id of ids) {
        const c = ctx.liveConnection(id);
        if (!c || c.integration !== body.provider_config_key) {
            throw new HttpError(404, 'unknown_connection', `${route}: no connection "${id}" of integration "${body.provider_config_key}" in the emulator`);
        }
    }
    for (const id of ids) {
        let updated: ConnectionRecord;
        try {
            updated = await ctx.updateConnection(id, (c) => ({ ...c, metadata: method === 'POST' ? structuredClone(body.metadata) : { ...c.metadata, ...structuredClone(body.metadata) }, updatedAt: new Date().toISOString() }));
        } catch (err) {
            if (err instanceof EmulatorError && err.code === 'unknown_connection') throw new HttpError(404, 'unknown_connection', `${route}: ${err.message}`);
            throw err;
        }
        ctx.journal.add({ kind: 'metadata', connectionId: id, integration: updated.integration, method, metadata: structuredClone(updated.metadata) });
        ctx.log(`metadata ${method === 'POST' ? 'set' : 'updated'} on ${updated.integration}/${id}: ${Object.keys(body.metadata).join(', ') || '(empty)'}`);
    }
    return body;
}

/** GET /environment-variables: `[{ name, value }]` from the fixtures' environment. */
export function environmentVariables(ctx: ServerContext): { name: string; value: string }[] {
    return Object.entries(ctx.fixtures().environment.variables).map(([name, value]) => ({ name, value }));
}
