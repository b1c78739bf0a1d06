// POST /action/trigger, /sync/trigger and /sync/start: what @nangohq/node's triggerAction, triggerSync
// and startSync call (nango 0.71.10), validated the way Nango's controllers validate them
// (NangoHQ/nango at 2f4c0af: server/lib/controllers/action/postTriggerAction.ts,
// controllers/sync/postTrigger.ts, controllers/sync/postSyncStart.ts, helpers/validation.ts) and
// answered from the fixtures by integration-calls.ts, the same functions the worker's SDK uses.
import type { IncomingHttpHeaders } from 'node:http';
import * as z from 'zod';
import { own } from '../core/names';
import { answerAction, checkSyncs, syncLabel, type NangoAnswer, type SyncRef } from '../fakes/integration-calls';
import type { FlowJournalEntry, ServerContext } from './context';
import { HttpError } from './http';

// helpers/validation.ts
const providerConfigKeySchema = z
    .string()
    .regex(/^[a-zA-Z0-9~:.@ _-]+$/)
    .max(255);
const connectionIdSchema = z
    .string()
    .regex(/^[a-zA-Z0-9,.;:=+~[\]|@${}"'\\/_ -]+$/)
    .max(255);
const syncNameSchema = z
    .string()
    .regex(/^[a-zA-Z0-9_-]+$/)
    .max(255);

export const ActionHeadersSchema = z.object({
    'provider-config-key': providerConfigKeySchema,
    'connection-id': connectionIdSchema,
    'x-async': z.stringbool().optional().default(false),
    'x-max-retries': z.coerce.number().min(0).max(5).optional().default(0)
});

// Nango's `input: z.unknown()` under its zod 4.0.5 accepts a body without input (triggerAction(k, c, name)
// sends none); newer zod 4 would refuse it, hence optional().
export const ActionBodySchema = z.object({ action_name: syncNameSchema, input: z.unknown().optional() });

const syncRefSchema = z.union([z.string(), z.object({ name: z.string(), variant: z.string() })], {
    error: () => ({ message: 'Each sync must be either a string or a { name: string, variant: string } object' })
});

export const SyncTriggerBodySchema = z.strictObject({
    syncs: z.array(syncRefSchema),
    sync_mode: z.enum(['incremental', 'full_refresh', 'full_refresh_and_clear_cache']).optional(),
    full_resync: z.boolean().optional(),
    connection_id: z.string().optional(),
    provider_config_key: z.string().optional(),
    opts: z.object({ reset: z.boolean().optional(), emptyCache: z.boolean().optional() }).optional()
});

export const SyncStartBodySchema = z.strictObject({
    syncs: z.array(z.union([z.string(), z.strictObject({ name: z.string(), variant: z.string() })])).max(256),
    provider_config_key: providerConfigKeySchema,
    connection_id: connectionIdSchema.optional()
});

/** zodErrorToHTTP (packages/utils/lib/express/validate.ts). */
function httpIssues(error: z.ZodError): { code: string; message: string; path: string[] }[] {
    return error.issues.map(({ code, message, path }) => ({ code, message, path: path.map(String) }));
}

function parse<T>(schema: z.ZodType<T>, value: unknown, code: 'invalid_headers' | 'invalid_body', route: string, fix: string): T {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const details = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
    throw new HttpError(400, code, `${route}: ${details}. ${fix}`, { errors: httpIssues(parsed.error) });
}

/** requireEmptyQuery: these routes take no query parameters. */
function emptyQuery(query: URLSearchParams, route: string): void {
    const keys = [...new Set(query.keys())];
    if (keys.length) {
        const message = `Unrecognized key${keys.length > 1 ? 's' : ''}: ${keys.map((k) => `"${k}"`).join(', ')}`;
        throw new HttpError(400, 'invalid_query_params', `${route}: ${message} (this route takes no query parameters)`, {
            errors: [{ code: 'unrecognized_keys', message, path: [] }]
        });
    }
}

/** Headers as zod sees them: one string each (node joins repeated custom headers). */
function headerRecord(headers: IncomingHttpHeaders): Record<string, string> {
    return Object.fromEntries(Object.entries(headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, Array.isArray(v) ? v.join(', ') : v]])));
}

const MAX_JOURNALED_INPUT = 16 * 1024;

function journalInput(input: unknown): { input?: unknown } {
    if (input === undefined) return {};
    const text = JSON.stringify(input);
    return text !== undefined && text.length <= MAX_JOURNALED_INPUT ? { input: JSON.parse(text) as unknown } : {};
}

function record(ctx: ServerContext, entry: Omit<FlowJournalEntry, 'seq' | 'at' | 'kind' | 'status' | 'error'>, answer: NangoAnswer): NangoAnswer {
    ctx.journal.add({ kind: 'flow', ...entry, status: answer.status, ...(answer.ok ? {} : { error: answer.data.error.code }) });
    const what = entry.call === 'triggerAction' ? `action ${entry.names[0]}` : `${entry.call} ${entry.names.join(', ') || '(all syncs)'}`;
    ctx.log(
        `${what} on ${entry.integration}${entry.connectionId ? `/${entry.connectionId}` : ''}: ${answer.ok ? 'answered from the fixtures' : `${answer.status} ${answer.data.error.code}`}`
    );
    return answer;
}

function liveConnectionOf(ctx: ServerContext, connectionId: string, integration: string): boolean {
    const c = ctx.liveConnection(connectionId);
    return c !== undefined && c.integration === integration;
}

function liveConnectionsOf(ctx: ServerContext, integration: string): number {
    return Object.values(ctx.state().connections).filter((c) => c.status !== 'deleted' && c.integration === integration).length;
}

/** POST /action/trigger (`Connection-Id` and `Provider-Config-Key` headers, `{ action_name, input }`). */
export function triggerAction(ctx: ServerContext, headers: IncomingHttpHeaders, query: URLSearchParams, body: unknown): NangoAnswer {
    const route = 'POST /action/trigger';
    const h = parse(
        ActionHeadersSchema,
        headerRecord(headers),
        'invalid_headers',
        route,
        'Send the "Connection-Id" and "Provider-Config-Key" headers (nango.triggerAction does).'
    );
    emptyQuery(query, route);
    const { action_name, input } = parse(ActionBodySchema, body ?? {}, 'invalid_body', route, 'Send { "action_name": "…", "input": … }.');
    if (h['x-async']) {
        throw new HttpError(
            501,
            'not_implemented',
            `${route} with "X-Async: true" (triggerActionAsync) is not emulated: event functions call triggerAction, which waits for the answer. Drop the header.`
        );
    }
    const key = h['provider-config-key'];
    const connectionId = h['connection-id'];
    const fixtures = ctx.fixtures();
    const answer = answerAction(ctx.fixturesFile, key, own(fixtures.integrations, key), action_name, input, {
        connectionId,
        found: liveConnectionOf(ctx, connectionId, key)
    });
    return record(ctx, { call: 'triggerAction', integration: key, connectionId, names: [action_name], ...journalInput(input) }, answer);
}

/** POST /sync/trigger: `{ syncs, provider_config_key?, connection_id?, sync_mode? | full_resync? | opts? }`. */
export function triggerSync(ctx: ServerContext, headers: IncomingHttpHeaders, query: URLSearchParams, raw: unknown): NangoAnswer {
    const route = 'POST /sync/trigger';
    emptyQuery(query, route);
    const body = parse(SyncTriggerBodySchema, raw, 'invalid_body', route, 'Send { "syncs": ["…"], "provider_config_key": "…", "connection_id": "…" }.');
    // The integration and the connection may come in the body or, like triggerAction's, in headers.
    const h = headerRecord(headers);
    const key = body.provider_config_key || h['provider-config-key'];
    if (!key) throw new HttpError(400, 'missing_provider_config_key', 'Missing provider_config_key. Provide it in the body or headers.');
    const connectionId = body.connection_id || h['connection-id'];
    if (body.opts && (body.sync_mode || body.full_resync !== undefined)) {
        throw new HttpError(400, 'invalid_body', 'Cannot use opts with deprecated sync_mode/full_resync parameters');
    }
    return answerSyncs(ctx, 'triggerSync', key, connectionId, body.syncs);
}

/** POST /sync/start: `{ syncs, provider_config_key, connection_id? }` (startSync resumes their schedule). */
export function startSync(ctx: ServerContext, raw: unknown): NangoAnswer {
    const body = parse(
        SyncStartBodySchema,
        raw,
        'invalid_body',
        'POST /sync/start',
        'Send { "syncs": ["…"], "provider_config_key": "…", "connection_id": "…" }.'
    );
    return answerSyncs(ctx, 'startSync', body.provider_config_key, body.connection_id, body.syncs);
}

function answerSyncs(ctx: ServerContext, call: 'triggerSync' | 'startSync', key: string, connectionId: string | undefined, syncs: SyncRef[]): NangoAnswer {
    const fixtures = ctx.fixtures();
    const target =
        connectionId === undefined ? { liveConnections: liveConnectionsOf(ctx, key) } : { connectionId, found: liveConnectionOf(ctx, connectionId, key) };
    const answer = checkSyncs(ctx.fixturesFile, key, own(fixtures.integrations, key), syncs, target);
    return record(ctx, { call, integration: key, ...(connectionId !== undefined ? { connectionId } : {}), names: syncs.map(syncLabel) }, answer);
}
