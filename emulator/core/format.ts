// Human-readable rendering of a run result, for the terminal (coloured on a TTY) and the editor's
// output channel (plain). Results are already redacted.
import pc from 'picocolors';
import type { ConnectionRecord } from '../state/state';
import { diffMetadata, type RunResult } from './result';

export interface FormatOptions {
    color: boolean;
    /** Show request/response bodies when the run captured them. */
    bodies?: boolean;
}

type Paint = (s: string) => string;

function painter(color: boolean): { ok: Paint; bad: Paint; dim: Paint; bold: Paint; warn: Paint; cyan: Paint } {
    const c = pc.createColors(color);
    return { ok: c.green, bad: c.red, dim: c.dim, bold: c.bold, warn: c.yellow, cyan: c.cyan };
}

const OUTCOME_TEXT: Record<RunResult['outcome'], string> = {
    created: 'connection created',
    connection_validation_failed: 'first connect rejected: connection_validation_failed, the connection was deleted',
    reconnected: 'reconnect validated: connection active',
    refresh_exhausted: 'reconnect rejected: connection kept but marked refresh_exhausted; the user must reconnect',
    deleted: 'connection deleted',
    ran: 'handler ran'
};

function show(v: unknown): string {
    return v === undefined ? 'undefined' : JSON.stringify(v);
}

export function formatResult(r: RunResult, opts: FormatOptions): string {
    const p = painter(opts.color);
    const lines: string[] = [];
    const verdict = r.ok ? p.ok('✔ passed') : p.bad('✖ failed');
    const title = r.event ?? r.events.join(' → ') ?? r.operation;
    lines.push(
        `${verdict} ${p.bold(r.operation)} ${title ? p.dim(`(${title})`) : ''} ${r.integration}/${r.connectionId}${r.account ? ` as ${r.account}` : ''} ${p.dim(`${r.durationMs} ms`)}`
    );
    lines.push(`  outcome: ${OUTCOME_TEXT[r.outcome]}`);
    lines.push(`  status:  ${r.status === 'active' ? p.ok(r.status) : r.status === 'deleted' ? p.dim(r.status) : p.warn(r.status)}`);
    if (r.handlers.length === 0) lines.push(p.dim('  no event functions for this event'));
    for (const h of r.handlers) {
        if (!h.awaited && r.returnedAtMs !== undefined && h === r.handlers.find((x) => !x.awaited)) {
            lines.push(
                p.dim(
                    `  ↳ the ${r.operation} returned at +${r.returnedAtMs} ms; Nango starts what follows without waiting for it, so it may overlap later calls on this connection`
                )
            );
        }
        lines.push(
            `  ${h.ok ? p.ok('✔') : p.bad('✖')} ${h.integration}/${h.name} ${p.dim(`[${h.event ?? '?'}] ${h.durationMs} ms${h.awaited ? '' : ', not awaited by Nango'}`)}`
        );
    }
    if (r.logs.length) {
        lines.push(p.bold('Logs'));
        for (const l of r.logs) {
            const level = l.level === 'error' ? p.bad(l.level) : l.level === 'warn' ? p.warn(l.level) : p.dim(l.level);
            lines.push(
                `  ${p.dim(`+${l.at}ms`)} ${level.padEnd(5)} ${p.dim(`${l.handler}${l.source === 'nango' ? '' : ` (${l.source})`}`)} ${l.message}${l.hiddenInNango ? p.dim(` [${l.hiddenInNango}]`) : ''}`
            );
        }
    }
    if (r.requests.length) {
        lines.push(p.bold('Provider requests'));
        for (const q of r.requests) {
            const status = q.status === null ? p.bad('unmatched') : q.status < 400 ? p.ok(String(q.status)) : p.warn(String(q.status));
            lines.push(`  ${q.method.padEnd(6)} ${q.url} → ${status} ${p.dim(`${q.durationMs} ms${q.account ? ` · account ${q.account}` : ''}`)}`);
            if (opts.bodies && q.requestBody !== undefined) lines.push(p.dim(`    request:  ${show(q.requestBody)}`));
            if (opts.bodies && q.responseBody !== undefined) lines.push(p.dim(`    response: ${show(q.responseBody)}`));
        }
    }
    const changes = diffMetadata(r.metadata.before, r.metadata.after);
    lines.push(p.bold('Metadata'));
    if (r.status === 'not_created') lines.push(p.dim('  (connection not created: no metadata kept)'));
    else if (!changes.length)
        lines.push(p.dim(`  unchanged ${show(r.metadata.after)}${r.metadata.after === null ? " (Nango's null: nothing has set it)" : ''}`));
    for (const c of changes) {
        if (c.kind === 'added') lines.push(p.ok(`  + ${c.key}: ${show(c.after)}`));
        else if (c.kind === 'removed') lines.push(p.bad(`  - ${c.key}: ${show(c.before)}`));
        else lines.push(p.warn(`  ~ ${c.key}: ${show(c.before)} → ${show(c.after)}`));
    }
    if (r.error) {
        lines.push(p.bad(p.bold(`Error in ${r.error.handler}: ${r.error.type}: ${r.error.message}`)));
        const frames =
            r.error.stack
                ?.split('\n')
                .filter((l) => /^\s+at /.test(l))
                .slice(0, 6) ?? [];
        if (frames.length) lines.push(p.dim(frames.join('\n')));
        else if (r.error.location) lines.push(`    at ${r.error.location.file}:${r.error.location.line}:${r.error.location.column}`);
    }
    if (r.authError) lines.push(p.bad(`Auth error returned to the user: ${r.authError.type}: ${r.authError.message}`));
    for (const w of r.warnings ?? []) lines.push(p.warn(`Warning: ${w}`));
    return lines.join('\n');
}

export function formatConnections(connections: ConnectionRecord[], opts: FormatOptions): string {
    const p = painter(opts.color);
    if (!connections.length) return p.dim('no connections (connect one with "nango-emulator connect <integration> --connection <id> --account <account>")');
    return connections
        .map((c) => {
            const status = c.status === 'active' ? p.ok(c.status) : c.status === 'deleted' ? p.dim(c.status) : p.warn(c.status);
            return `${p.bold(c.id.padEnd(16))} ${c.integration.padEnd(14)} ${c.account.padEnd(14)} ${status.padEnd(18)} ${p.dim(JSON.stringify(c.metadata))}`;
        })
        .join('\n');
}
