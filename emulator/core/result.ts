// The result of a lifecycle run or dry run: what the CLI prints (human or --json), what the extension
// shows, and what the server returns. Secrets are redacted before a result is built.
import type { EventName } from '../fixtures/fixtures';
import type { HandlerErrorInfo, LogEntry, ProviderRequest, SdkCall } from './protocol';
import type { ConnectionStatus } from '../state/state';

export type Operation = 'connect' | 'reconnect' | 'delete' | 'dryrun';

export interface HandlerResult {
    integration: string;
    name: string;
    file: string;
    event: EventName | null;
    ok: boolean;
    /** When it started, in ms since the run started. */
    startedAtMs: number;
    durationMs: number;
    /**
     * false: Nango starts this function without waiting for it (post-connection-creation, after every
     * successful connect or reconnect), so the connect has already returned and other runs may overlap it.
     */
    awaited: boolean;
    error?: HandlerErrorInfo;
}

/** Nango's view of the outcome, e.g. the auth error a failed validation returns to the frontend. */
export type Outcome =
    | 'created' // first connect: validated (if any validator) and created
    | 'connection_validation_failed' // first connect rejected: connection hard-deleted
    | 'reconnected' // reconnect validated: active
    | 'refresh_exhausted' // reconnect rejected: kept, marked as auth error
    | 'deleted' // delete ran its pre-deletion hooks, connection deleted
    | 'ran'; // dry run of one handler against an existing connection

export interface RunResult {
    ok: boolean;
    operation: Operation;
    /** The single event of a dry run, or the events the lifecycle went through. */
    event: EventName | null;
    events: EventName[];
    integration: string;
    connectionId: string;
    account: string | null;
    outcome: Outcome;
    /** The connection's status after the run; 'not_created' when a first connect was rejected. */
    status: ConnectionStatus | 'not_created';
    handlers: HandlerResult[];
    logs: (LogEntry & { handler: string })[];
    requests: (ProviderRequest & { handler: string })[];
    /** The metadata, connection… calls that sent no provider request, keys only; absent when there were none. */
    sdkCalls?: (SdkCall & { handler: string })[];
    /** null: Nango's own null (nothing set it yet), or no connection (status 'not_created'). */
    metadata: { before: Record<string, unknown> | null; after: Record<string, unknown> | null };
    durationMs: number;
    /** Connect and reconnect: when Nango would have answered the auth call (ms since the run started), before any function it does not await. */
    returnedAtMs?: number;
    error: (HandlerErrorInfo & { handler: string }) | null;
    /** What the run could not do as Nango would (a handler file index.ts does not import, a skipped type check), with the fix. */
    warnings: string[];
    /** For a rejected validation: the auth error Nango returns, with the handler's failure details. */
    authError?: { type: 'connection_validation_failed'; message: string; payload?: unknown };
}

export interface MetadataChange {
    key: string;
    kind: 'added' | 'removed' | 'changed';
    before?: unknown;
    after?: unknown;
}

export function diffMetadata(previous: Record<string, unknown> | null, after: Record<string, unknown> | null): MetadataChange[] {
    const out: MetadataChange[] = [];
    const before = previous ?? {};
    const next = after ?? {};
    for (const key of new Set([...Object.keys(before), ...Object.keys(next)])) {
        const had = key in before;
        const has = key in next;
        if (had && !has) out.push({ key, kind: 'removed', before: before[key] });
        else if (!had && has) out.push({ key, kind: 'added', after: next[key] });
        else if (JSON.stringify(before[key]) !== JSON.stringify(next[key])) out.push({ key, kind: 'changed', before: before[key], after: next[key] });
    }
    return out;
}
