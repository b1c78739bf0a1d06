// /_emulator/*: what an editor (or a script) needs from a running emulator, so that one emulator can
// be shared by the editor and a terminal. Run bodies and answers match the CLI's --json output.
import { Emulator } from '../core/lifecycle';
import { parseOperation, performOperation, type EmulatorOperation, type OperationResult } from '../core/operation';
import type { ConnectionRecord } from '../state/state';
import type { ServerContext } from './context';

/** An integration as the editor's pickers and view show it. */
export interface IntegrationSummary {
    id: string;
    provider: string;
    accounts: { id: string; description?: string }[];
}
import { HttpError } from './http';

/**
 * POST /_emulator/run: any operation of the model (a dry run, a lifecycle event, a reset); answers the
 * result `--json` prints. A reset also forgets what the server served (journal, fault counts).
 */
export async function runOperation(ctx: ServerContext, raw: unknown, inspectPort?: number, signal?: AbortSignal): Promise<OperationResult> {
    let op: EmulatorOperation;
    try {
        op = parseOperation(raw, 'POST /_emulator/run');
    } catch (err) {
        throw new HttpError(
            400,
            'bad_usage',
            `${(err as Error).message}. Send e.g. { "operation": "dryrun", "function": "salesforce/validate-connection", "connectionId": "sf-acme" } or { "operation": "connect", "integration": "salesforce", "connectionId": "sf-new", "account": "acme" }.`
        );
    }
    if (inspectPort !== undefined) {
        // Under the debugger: a worker of its own that waits for the debugger, ended with the run, or
        // when the editor goes away (a worker waiting on a debugger that never comes would hold the queue).
        return ctx.serialize(async () => {
            const emulator = new Emulator(ctx.root, { ...ctx.runOptions(inspectPort), ...(signal ? { signal } : {}) });
            try {
                return await performOperation(emulator, op);
            } finally {
                emulator.dispose();
            }
        });
    }
    return ctx.serialize(async () => {
        const result = await performOperation(ctx.emulator(), op);
        if (result.operation === 'reset') {
            ctx.journal.clear();
            ctx.resetFaultCounts();
        }
        return result;
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

/** GET /_emulator/integrations: the fixtures' integrations with their provider and accounts (what the editor offers to pick). */
export function listIntegrations(ctx: ServerContext): { ok: true; fixturesFile: string; integrations: IntegrationSummary[] } {
    const fixtures = ctx.fixtures();
    return {
        ok: true,
        fixturesFile: ctx.fixturesFile,
        integrations: Object.entries(fixtures.integrations).map(([id, integration]) => ({
            id,
            provider: integration.provider,
            accounts: Object.entries(integration.accounts).map(([account, a]) => ({ id: account, ...(a.description ? { description: a.description } : {}) }))
        }))
    };
}

/** POST /_emulator/reset: the same as running { "operation": "reset" }. */
export function resetEmulator(ctx: ServerContext): Promise<OperationResult> {
    return runOperation(ctx, { operation: 'reset' });
}

/** GET /_emulator/requests[?since=<seq>][&connectionId=<id>]: provider calls and metadata writes served. */
export function journal(ctx: ServerContext, query: URLSearchParams): { ok: true; last: number; entries: unknown[] } {
    const since = query.get('since');
    const sinceNumber = since === null ? undefined : Number(since);
    if (sinceNumber !== undefined && !Number.isInteger(sinceNumber))
        throw new HttpError(400, 'bad_usage', `GET /_emulator/requests: since must be a whole number, got "${since}"`);
    const connectionId = query.get('connectionId') ?? undefined;
    return {
        ok: true,
        last: ctx.journal.last,
        entries: ctx.journal.list({ ...(sinceNumber !== undefined ? { since: sinceNumber } : {}), ...(connectionId ? { connectionId } : {}) })
    };
}
