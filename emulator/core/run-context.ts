// One lifecycle run from start to result: the connection as it evolves, what the handlers reported,
// and the RunResult built from it (redacted once, at the end).
import type { EventName } from '../fixtures/fixtures';
import type { HandlerErrorInfo } from './protocol';
import type { Redactor } from './redact';
import type { HandlerResult, Operation, Outcome, RunResult } from './result';
import type { ConnectionMetadata, ConnectionRecord } from '../state/state';

export /** The mutable part of one run: the connection as it evolves, and everything reported so far. */
interface RunContext {
    operation: Operation;
    integration: string;
    connectionId: string;
    account: string | null;
    connection: ConnectionRecord;
    metadataBefore: ConnectionMetadata;
    handlers: HandlerResult[];
    logs: RunResult['logs'];
    requests: RunResult['requests'];
    sdkCalls: NonNullable<RunResult['sdkCalls']>;
    redactor: Redactor;
    started: number;
    warnings: string[];
}

export function startRun(
    start: Pick<RunContext, 'operation' | 'integration' | 'connectionId' | 'account' | 'connection' | 'warnings'>,
    redactor: Redactor
): RunContext {
    return {
        ...start,
        metadataBefore: structuredClone(start.connection.metadata),
        handlers: [],
        logs: [],
        requests: [],
        sdkCalls: [],
        redactor,
        started: performance.now()
    };
}

export function finishRun(ctx: RunContext, outcome: Outcome, events: EventName[], event: EventName | null, status?: RunResult['status']): RunResult {
    const firstFailure = ctx.handlers.find((h) => !h.ok);
    const error: (HandlerErrorInfo & { handler: string }) | null = firstFailure?.error
        ? { ...firstFailure.error, handler: `${firstFailure.integration}/${firstFailure.name}` }
        : null;
    const notCreated = status === 'not_created';
    return ctx.redactor.value({
        ok: !firstFailure,
        operation: ctx.operation,
        event,
        events,
        integration: ctx.integration,
        connectionId: ctx.connectionId,
        account: ctx.account,
        outcome,
        status: status ?? ctx.connection.status,
        handlers: ctx.handlers,
        logs: ctx.logs,
        requests: ctx.requests,
        ...(ctx.sdkCalls.length ? { sdkCalls: ctx.sdkCalls } : {}),
        metadata: { before: ctx.metadataBefore, after: notCreated ? null : ctx.connection.metadata },
        durationMs: Math.round(performance.now() - ctx.started),
        error,
        warnings: ctx.warnings
    });
}
