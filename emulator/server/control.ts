// /_emulator/*: what an editor (or a script) needs from a running emulator, so that one emulator can
// be shared by the editor and a terminal. Run bodies and answers match the CLI's --json output.
import * as z from 'zod';
import { ConnectionIdSchema } from '../names';
import type { RunResult } from '../result';
import type { ConnectionRecord } from '../state';
import type { ServerContext } from './context';
import { HttpError } from './http';

const id = z.string().min(1).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" or "-"');

export const RunBodySchema = z.discriminatedUnion('operation', [
    z.strictObject({
        operation: z.literal('dryrun'),
        /** handler file, "<integration>/<name>" or name, as for `nango-emulator dryrun` */
        function: z.string().min(1),
        connectionId: ConnectionIdSchema,
        account: id.optional(),
        reconnect: z.boolean().optional(),
        integration: id.optional()
    }),
    z.strictObject({ operation: z.literal('connect'), integration: id, connectionId: ConnectionIdSchema, account: id }),
    z.strictObject({ operation: z.literal('reconnect'), integration: id, connectionId: ConnectionIdSchema, account: id }),
    z.strictObject({ operation: z.literal('delete'), integration: id, connectionId: ConnectionIdSchema })
]);
export type RunBody = z.infer<typeof RunBodySchema>;

/** POST /_emulator/run: a lifecycle event or a dry run; answers the RunResult `--json` prints. */
export async function runOperation(ctx: ServerContext, raw: unknown): Promise<RunResult> {
    const parsed = RunBodySchema.safeParse(raw);
    if (!parsed.success) {
        const details = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
        throw new HttpError(400, 'bad_usage', `POST /_emulator/run: ${details}. Send e.g. { "operation": "dryrun", "function": "salesforce/validate-connection", "connectionId": "sf-acme" } or { "operation": "connect", "integration": "salesforce", "connectionId": "sf-new", "account": "acme" }.`);
    }
    const body = parsed.data;
    return ctx.serialize(async () => {
        const emulator = ctx.emulator();
        switch (body.operation) {
            case 'dryrun':
                return emulator.dryrun(body.function, {
                    connectionId: body.connectionId,
                    ...(body.account ? { account: body.account } : {}),
                    ...(body.reconnect ? { reconnect: true } : {}),
                    ...(body.integration ? { integration: body.integration } : {})
                });
            case 'connect':
                return emulator.connect(body.integration, body.connectionId, body.account);
            case 'reconnect':
                return emulator.reconnect(body.integration, body.connectionId, body.account);
            case 'delete':
                return emulator.delete(body.integration, body.connectionId);
        }
    });
}

/**
 * GET /_emulator/connections: the same list `nango-emulator connections --json` prints (credentials
 * redacted). Read from the state directly: it must not wait for (or restart the worker of) a run.
 */
export function listEmulatedConnections(ctx: ServerContext): { ok: true; connections: ConnectionRecord[] } {
    const redactor = ctx.redactor();
    return { ok: true, connections: Object.values(ctx.state().connections).map((c) => redactor.value(c)) };
}

/** GET /_emulator/connections/:id: one connection's account, status and metadata (no credentials). */
export function emulatedConnection(ctx: ServerContext, connectionId: string): { ok: true; connection: unknown } {
    const found = listEmulatedConnections(ctx).connections.find((c) => c.id === connectionId);
    if (!found) {
        throw new HttpError(404, 'unknown_connection', `no connection "${connectionId}" in the emulator state. See GET /_emulator/connections.`);
    }
    const { credentials: _credentials, ...rest } = found;
    return { ok: true, connection: rest };
}

/** POST /_emulator/reset: back to the fixtures' connections (and an empty journal). */
export async function resetEmulator(ctx: ServerContext): Promise<{ ok: true; connections: number }> {
    return ctx.serialize(() => {
        const state = ctx.emulator().reset();
        ctx.journal.clear();
        ctx.resetFaultCounts();
        return { ok: true as const, connections: Object.keys(state.connections).length };
    });
}

/** GET /_emulator/requests[?since=<seq>][&connectionId=<id>]: provider calls and metadata writes served. */
export function journal(ctx: ServerContext, query: URLSearchParams): { ok: true; last: number; entries: unknown[] } {
    const since = query.get('since');
    const sinceNumber = since === null ? undefined : Number(since);
    if (sinceNumber !== undefined && !Number.isInteger(sinceNumber)) throw new HttpError(400, 'bad_usage', `GET /_emulator/requests: since must be a whole number, got "${since}"`);
    const connectionId = query.get('connectionId') ?? undefined;
    return { ok: true, last: ctx.journal.last, entries: ctx.journal.list({ ...(sinceNumber !== undefined ? { since: sinceNumber } : {}), ...(connectionId ? { connectionId } : {}) }) };
}
