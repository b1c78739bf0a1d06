// The results view's content for one run, as plain data: the outcome (the run's one verdict), the error
// with its ActionError payload, the provider requests, the other SDK calls (keys only), the logs with
// their levels, the metadata change and the emulator's warnings. Pure (no vscode import); results/view.ts
// turns nodes into tree items.
import * as path from 'node:path';
import type { CallSite, LogLevel } from '../../emulator/core/protocol';
import type { MetadataChange, RunResult } from '../../emulator/core/result';
import { shownPayload, verdictOf } from '../runs/verdict';
import { callMs, pathOf, requestMarkdown, sdkCallMarkdown, toneOf } from './format';

export type ResultIcon =
    | 'pass'
    | 'warning'
    | 'error'
    | 'info'
    | 'debug'
    | 'globe'
    | 'output'
    | 'symbol-field'
    | 'diff-added'
    | 'diff-removed'
    | 'diff-modified'
    | 'circle-slash'
    | 'json'
    | 'symbol-method';

export interface ResultNode {
    label: string;
    description?: string;
    icon: ResultIcon;
    /** Markdown. */
    tooltip?: string;
    /** Where a click goes (1-based). */
    location?: CallSite;
    children?: ResultNode[];
    /** Shown open: the error's payload and the requests are what a run is read for. */
    expanded?: boolean;
}

const WHAT: Record<RunResult['operation'], string> = { connect: 'First connect', reconnect: 'Reconnect', delete: 'Delete', dryrun: 'Dry run' };
const LEVEL_ICON: Record<LogLevel, ResultIcon> = { error: 'error', warn: 'warning', info: 'info', debug: 'debug' };

function show(value: unknown): string {
    const text = JSON.stringify(value) ?? 'undefined';
    return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

function firstLine(text: string): string {
    return text.split('\n')[0] ?? text;
}

/** The outcome row: what ran and its verdict; the status and duration once, in the description. */
function outcomeNode(r: RunResult, stale: boolean): ResultNode {
    const verdict = verdictOf(r);
    const handler = r.handlers.length === 1 && r.handlers[0] ? `${r.integration}/${r.handlers[0].name}` : r.integration;
    const what =
        verdict.kind === 'passed'
            ? 'passed'
            : verdict.kind === 'rejected'
              ? // A deliberate ActionError is the validator doing its job; a crash in it rejects the connection too, but not by intent.
                r.error && r.error.type !== 'ActionError'
                  ? `rejected: validate-connection crashed with ${r.error.type}`
                  : 'rejected as intended'
              : 'failed with an error';
    return {
        label: `${WHAT[r.operation]} ${what}`,
        description: `${handler} · ${r.status} · ${r.durationMs} ms${stale ? ' · file edited since' : ''}`,
        icon: verdict.kind === 'passed' ? 'pass' : verdict.kind === 'rejected' ? 'warning' : 'error',
        tooltip: verdict.message
    };
}

/** The error (or the rejection's ActionError) with its payload's keys, the message not repeated. */
function errorNode(r: RunResult): ResultNode | undefined {
    const error = r.error;
    if (!error) return undefined;
    const payload = shownPayload(error.payload, error.message);
    const children: ResultNode[] =
        payload === undefined
            ? []
            : payload && typeof payload === 'object' && !Array.isArray(payload)
              ? Object.entries(payload as Record<string, unknown>).map(([key, value]) => ({ label: key, description: show(value), icon: 'symbol-field' }))
              : [{ label: 'payload', description: show(payload), icon: 'json' }];
    return {
        label: `${error.type}: ${firstLine(error.message)}`,
        description: error.handler,
        icon: verdictOf(r).kind === 'rejected' ? 'warning' : 'error',
        tooltip: error.stack ? `\`\`\`\n${error.stack}\n\`\`\`` : error.message,
        ...(error.location ? { location: error.location } : {}),
        ...(children.length ? { children, expanded: true } : {})
    };
}

function requestsNode(r: RunResult): ResultNode {
    const children = r.requests.map((q): ResultNode => {
        const tone = toneOf([q]);
        const status = q.unmatched ? 'no fixture' : q.status === null ? 'no answer' : String(q.status);
        return {
            label: `${q.method} ${pathOf(q.url)}`,
            description: [status, `${Math.round(q.durationMs)} ms`, q.account, q.callSite ? `${path.basename(q.callSite.file)}:${q.callSite.line}` : undefined]
                .filter(Boolean)
                .join(' · '),
            icon: tone === 'ok' ? 'globe' : tone,
            tooltip: requestMarkdown(q),
            ...(q.callSite ? { location: q.callSite } : {})
        };
    });
    return { label: 'Provider requests', description: String(r.requests.length), icon: 'globe', children, expanded: true };
}

/** Metadata, connection… calls, at their lines; absent when the run made none. */
function sdkCallsNode(r: RunResult): ResultNode | undefined {
    const calls = r.sdkCalls ?? [];
    if (!calls.length) return undefined;
    const children = calls.map((c): ResultNode => ({
        label: `${c.method} ${c.summary}`,
        description: [callMs(c.durationMs), c.callSite ? `${path.basename(c.callSite.file)}:${c.callSite.line}` : undefined].filter(Boolean).join(' · '),
        icon: c.failed ? 'error' : 'symbol-method',
        tooltip: sdkCallMarkdown(c),
        ...(c.callSite ? { location: c.callSite } : {})
    }));
    return { label: 'SDK calls', description: String(calls.length), icon: 'symbol-method', children, expanded: true };
}

function logsNode(r: RunResult): ResultNode {
    const children = r.logs.map((l): ResultNode => ({
        label: firstLine(l.message),
        description: [l.level, `${l.at} ms`, l.source === 'nango' ? undefined : l.source, l.hiddenInNango].filter(Boolean).join(' · '),
        icon: LEVEL_ICON[l.level],
        tooltip: l.message
    }));
    return { label: 'Logs', description: String(r.logs.length), icon: 'output', children };
}

function metadataNode(r: RunResult, changes: readonly MetadataChange[]): ResultNode {
    let children: ResultNode[];
    if (r.status === 'not_created') children = [{ label: 'connection not created', description: 'no metadata kept', icon: 'circle-slash' }];
    else if (!changes.length)
        children = [{ label: 'metadata unchanged', description: r.metadata.after === null ? "null (Nango's: nothing has set it)" : '', icon: 'circle-slash' }];
    else
        children = changes.map((c): ResultNode =>
            c.kind === 'added'
                ? { label: c.key, description: `added: ${show(c.after)}`, icon: 'diff-added' }
                : c.kind === 'removed'
                  ? { label: c.key, description: `removed (was ${show(c.before)})`, icon: 'diff-removed' }
                  : { label: c.key, description: `${show(c.before)} → ${show(c.after)}`, icon: 'diff-modified' }
        );
    return { label: 'Metadata', description: changes.length ? `${changes.length} changed` : 'unchanged', icon: 'json', children };
}

/** The view's rows for a run; `changes` is the run's metadata diff (emulator/core/result.ts diffMetadata). */
export function resultNodes(r: RunResult, changes: readonly MetadataChange[], stale: boolean): ResultNode[] {
    const error = errorNode(r);
    const sdkCalls = sdkCallsNode(r);
    const warnings: ResultNode[] = r.warnings.map((w) => ({ label: firstLine(w), icon: 'warning', tooltip: w }));
    return [
        outcomeNode(r, stale),
        ...(error ? [error] : []),
        requestsNode(r),
        ...(sdkCalls ? [sdkCalls] : []),
        logsNode(r),
        metadataNode(r, changes),
        ...(warnings.length ? [{ label: 'Warnings', description: String(warnings.length), icon: 'warning' as const, children: warnings }] : [])
    ];
}
