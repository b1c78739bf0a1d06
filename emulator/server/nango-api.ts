// The subset of Nango's public HTTP API that the nango CLI's dryrun and the SDK (@nangohq/node,
// @nangohq/runner-sdk 0.71.10) call, answered from the emulator's fixtures and state. Shapes follow
// Nango's server (ApiPublicConnection(Full), ApiPublicIntegration, metadata and environment routes);
// the shapes themselves live in ../nango-shapes.ts, which the worker's SDK uses too.
import * as z from 'zod';
import { EmulatorError } from '../core/errors';
// publicCredentials (ApiPublicAllAuthCredentials of every auth mode) lives with the credential shapes.
import { publicCredentials } from '../fixtures/credentials';
import {
    INTEGRATION_INCLUDES,
    publicConnection,
    publicConnectionFull,
    publicIntegration,
    type ApiPublicConnection,
    type ApiPublicConnectionFull,
    type ApiPublicIntegration,
    type IntegrationInclude
} from '../fakes/nango-shapes';
import type { IntegrationFixture } from '../fixtures/fixtures';
import { own } from '../core/names';
import { providerInfo } from '../providers';
import type { ConnectionRecord } from '../state/state';
import type { ServerContext } from './context';
import { HttpError } from './http';

function strictQuery(query: URLSearchParams, allowed: string[], route: string): void {
    const unknown = [...new Set(query.keys())].filter((k) => !allowed.includes(k));
    if (unknown.length) {
        throw new HttpError(
            400,
            'invalid_query_params',
            `${route}: unknown query parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')} (${allowed.length ? `allowed: ${allowed.join(', ')}` : 'this route takes none'})`,
            {
                errors: unknown.map((k) => ({ code: 'unrecognized_keys', message: `Unrecognized key: "${k}"`, path: [k] }))
            }
        );
    }
}

function stringBool(query: URLSearchParams, name: string, route: string): boolean {
    const v = query.get(name);
    if (v === null || v === '' || v === 'false' || v === '0') return false;
    if (v === 'true' || v === '1') return true;
    throw new HttpError(400, 'invalid_query_params', `${route}: ${name} must be true or false, got "${v}"`, {
        errors: [{ code: 'invalid_type', message: 'expected true or false', path: [name] }]
    });
}

function numberParam(query: URLSearchParams, name: string, min: number, max: number, route: string): number | undefined {
    const v = query.get(name);
    if (v === null) return undefined;
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
        throw new HttpError(400, 'invalid_query_params', `${route}: ${name} must be a number from ${min} to ${max}, got "${v}"`, {
            errors: [{ code: 'invalid_value', message: `expected a number from ${min} to ${max}`, path: [name] }]
        });
    }
    return n;
}

/**
 * GET /connections (and the legacy /connection): `{ connections: ApiPublicConnection[] }`. As Nango's
 * controllers/connection/getConnections.ts: `integrationId` may list several ids ("a,b"), `limit` is 1-2000
 * and defaults to 10 000.
 */
export function listConnections(ctx: ServerContext, query: URLSearchParams): { connections: ApiPublicConnection[] } {
    const route = 'GET /connections';
    strictQuery(query, ['connectionId', 'integrationId', 'search', 'endUserId', 'endUserOrganizationId', 'limit', 'page', 'tags'], route);
    const connectionId = query.get('connectionId');
    const integrationIds = query
        .get('integrationId')
        ?.split(',')
        .map((id) => id.trim());
    const search = query.get('search')?.toLowerCase();
    // Emulated connections have no end user: filtering by one finds nothing.
    const byEndUser = query.has('endUserId') || query.has('endUserOrganizationId');
    const limit = numberParam(query, 'limit', 1, 2000, route) ?? 10_000;
    const page = Math.floor(numberParam(query, 'page', 0, Number.MAX_SAFE_INTEGER, route) ?? 0);
    const list = Object.values(ctx.state().connections)
        .filter((c) => c.status !== 'deleted' && !byEndUser)
        .filter(
            (c) =>
                (connectionId === null || c.id === connectionId) &&
                (!integrationIds || integrationIds.includes(c.integration)) &&
                (!search || c.id.toLowerCase().includes(search))
        )
        .sort((a, b) => a.numericId - b.numericId);
    return { connections: list.slice(page * limit, page * limit + limit).map(publicConnection) };
}

/** GET /connection/:id and /connections/:id?provider_config_key=…[&refresh_token=true] */
export function getConnection(ctx: ServerContext, connectionId: string, query: URLSearchParams, route: string): ApiPublicConnectionFull {
    strictQuery(query, ['provider_config_key', 'refresh_token', 'force_refresh', 'refresh_github_app_jwt_token'], route);
    const key = query.get('provider_config_key');
    if (!key) {
        throw new HttpError(400, 'invalid_query_params', `${route}: provider_config_key is required (the integration id)`, {
            errors: [{ code: 'invalid_type', message: 'Required', path: ['provider_config_key'] }]
        });
    }
    const refreshToken = stringBool(query, 'refresh_token', route);
    stringBool(query, 'force_refresh', route);
    stringBool(query, 'refresh_github_app_jwt_token', route);
    const fixtures = ctx.fixtures();
    if (!fixtures.integrations[key]) {
        throw new HttpError(
            404,
            'unknown_provider_config',
            `integration "${key}" does not exist in ${ctx.fixturesFile} (defined: ${Object.keys(fixtures.integrations).join(', ') || 'none'})`
        );
    }
    const c = ctx.liveConnection(connectionId);
    if (!c || c.integration !== key) {
        throw new HttpError(
            404,
            'not_found',
            `no connection "${connectionId}" of integration "${key}" in the emulator. List them with "nango-emulator connections"; create one with "nango-emulator connect ${key} --connection ${connectionId} --account <account>".`
        );
    }
    return publicConnectionFull(c, publicCredentials(c.credentials, refreshToken));
}

/**
 * GET /integrations (no query: getListIntegrations.ts requireEmptyQuery) and
 * GET /integrations/:key[?include=webhook&include=credentials] (uniqueKey/getIntegration.ts: each include
 * is one of the two values; "webhook,credentials" in one parameter is refused, as Nango refuses it).
 */
export function getIntegration(ctx: ServerContext, key: string | undefined, query: URLSearchParams): { data: ApiPublicIntegration | ApiPublicIntegration[] } {
    const route = key === undefined ? 'GET /integrations' : `GET /integrations/${key}`;
    const fixtures = ctx.fixtures();
    const shape = (k: string, integration: IntegrationFixture, include: IntegrationInclude[]): ApiPublicIntegration =>
        publicIntegration({
            key: k,
            integration,
            provider: providerInfo(integration.provider),
            since: ctx.startedAt,
            include
        });
    if (key === undefined) {
        strictQuery(query, [], route);
        return { data: Object.entries(fixtures.integrations).map(([k, integration]) => shape(k, integration, [])) };
    }
    strictQuery(query, ['include', 'include[]'], route);
    const include = [...query.getAll('include'), ...query.getAll('include[]')];
    const wrong = include.filter((v) => !(INTEGRATION_INCLUDES as readonly string[]).includes(v));
    if (wrong.length) {
        throw new HttpError(
            400,
            'invalid_query_params',
            `${route}: include must be "webhook" or "credentials" (repeat the parameter for both), got ${wrong.map((w) => `"${w}"`).join(', ')}`,
            {
                errors: wrong.map((w) => ({ code: 'invalid_union', message: `Invalid include "${w}"`, path: ['include'] }))
            }
        );
    }
    const integration = own(fixtures.integrations, key);
    if (!integration) {
        throw new HttpError(
            404,
            'not_found',
            `Integration "${key}" does not exist in ${ctx.fixturesFile} (defined: ${Object.keys(fixtures.integrations).join(', ') || 'none'}). Add it under "integrations".`
        );
    }
    return { data: shape(key, integration, include as IntegrationInclude[]) };
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
        throw new HttpError(400, 'invalid_body', `${route}: ${details}. Send { "connection_id": "…", "provider_config_key": "…", "metadata": { … } }.`, {
            errors: parsed.error.issues
        });
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
            updated = await ctx.updateConnection(id, (c) => ({
                ...c,
                metadata: method === 'POST' ? structuredClone(body.metadata) : { ...c.metadata, ...structuredClone(body.metadata) },
                updatedAt: new Date().toISOString()
            }));
        } catch (err) {
            if (err instanceof EmulatorError && err.code === 'unknown_connection') throw new HttpError(404, 'unknown_connection', `${route}: ${err.message}`);
            throw err;
        }
        ctx.journal.add({ kind: 'metadata', connectionId: id, integration: updated.integration, method, metadata: structuredClone(updated.metadata ?? {}) });
        ctx.log(`metadata ${method === 'POST' ? 'set' : 'updated'} on ${updated.integration}/${id}: ${Object.keys(body.metadata).join(', ') || '(empty)'}`);
    }
    return body;
}

/** GET /environment-variables: `[{ name, value }]` from the fixtures' environment. */
export function environmentVariables(ctx: ServerContext): { name: string; value: string }[] {
    return Object.entries(ctx.fixtures().environment.variables).map(([name, value]) => ({ name, value }));
}
