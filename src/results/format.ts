// What a run's results look like at the handler's code: the provider requests and the other SDK calls
// (metadata, connection…) grouped by the line that made them, the after-text on that line, its hover,
// and the lens line's outcome. Pure (no vscode import): the adapters in this folder render these
// strings. Bodies and headers arrive redacted from the emulator (emulator/core/redact.ts); nothing here
// adds a value the result did not carry.
import * as path from 'node:path';
import type { ProviderRequest, SdkCall } from '../../emulator/core/protocol';
import type { RunResult } from '../../emulator/core/result';
import { verdictOf } from '../runs/verdict';

export type RunRequestEntry = RunResult['requests'][number];
export type SdkCallEntry = NonNullable<RunResult['sdkCalls']>[number];

/** The requests one line of a file made (a retried call or a paginate loop makes several). */
export interface CallLine {
    /** 1-based, as the emulator reports call sites. */
    line: number;
    column: number;
    requests: RunRequestEntry[];
    /** The calls on this line that sent no provider request (getMetadata, updateMetadata…). */
    sdkCalls: SdkCallEntry[];
}

/** How a line's requests went: an unmatched or unanswered request is an error; a 4xx/5xx a warning. */
export type CallTone = 'ok' | 'warning' | 'error';

const MAX_BODY_CHARS = 1500;

function samePath(a: string, b: string): boolean {
    return path.normalize(a) === path.normalize(b);
}

/** The lines of `file` that made provider requests or other SDK calls in this run, in line order. */
export function callLinesIn(result: RunResult, file: string): CallLine[] {
    const byLine = new Map<number, CallLine>();
    const lineOf = (site: ProviderRequest['callSite']): CallLine | undefined => {
        if (!site || !samePath(site.file, file)) return undefined;
        const line = byLine.get(site.line) ?? { line: site.line, column: site.column, requests: [], sdkCalls: [] };
        byLine.set(site.line, line);
        return line;
    };
    for (const request of result.requests) lineOf(request.callSite)?.requests.push(request);
    for (const call of result.sdkCalls ?? []) lineOf(call.callSite)?.sdkCalls.push(call);
    return [...byLine.values()].sort((a, b) => a.line - b.line);
}

/** Every file the run has results for: its handlers' files and the files its requests and SDK calls came from. */
export function filesOf(result: RunResult): string[] {
    const files = new Set(result.handlers.map((h) => path.normalize(h.file)));
    for (const r of [...result.requests, ...(result.sdkCalls ?? [])]) if (r.callSite) files.add(path.normalize(r.callSite.file));
    return [...files];
}

/** "/user?x=1" for a full URL; the URL as it is when it does not parse. */
export function pathOf(url: string): string {
    try {
        const u = new URL(url);
        return `${u.pathname}${u.search}`;
    } catch {
        return url;
    }
}

function statusText(r: ProviderRequest): string {
    if (r.unmatched) return 'no fixture';
    return r.status === null ? 'no answer' : String(r.status);
}

function ms(value: number): string {
    return `${Math.round(value)} ms`;
}

/** SDK calls answer from memory: "0 ms" would read as not timed. */
export function callMs(value: number): string {
    return value < 0.5 ? '<1 ms' : ms(value);
}

export function toneOf(requests: readonly ProviderRequest[]): CallTone {
    if (requests.some((r) => r.unmatched || r.status === null)) return 'error';
    if (requests.some((r) => r.status !== null && r.status >= 400)) return 'warning';
    return 'ok';
}

/**
 * The after-text of a call line: "GET /user → 200 · 34 ms". Several requests of one call (retries,
 * pages) list their statuses: "GET /items → 200, 200 · 2 requests · 61 ms"; different URLs say how many.
 */
export function inlineText(requests: readonly ProviderRequest[]): string {
    const first = requests[0];
    if (!first) return '';
    const total = requests.reduce((sum, r) => sum + r.durationMs, 0);
    const target = `${first.method} ${pathOf(first.url)}`;
    if (requests.length === 1) return `${target} → ${statusText(first)} · ${ms(total)}`;
    const sameTarget = requests.every((r) => r.method === first.method && pathOf(r.url) === pathOf(first.url));
    const statuses = requests.map(statusText).join(', ');
    return sameTarget
        ? `${target} → ${statuses} · ${requests.length} requests · ${ms(total)}`
        : `${target} … → ${statuses} · ${requests.length} requests · ${ms(total)}`;
}

/**
 * The after-text of SDK calls that sent no provider request: "updateMetadata { webhookId } · 2 ms",
 * "getMetadata → { organizationId } · <1 ms"; a call made again on one line (a loop) says how often.
 */
export function sdkCallText(calls: readonly SdkCall[]): string {
    const first = calls[0];
    if (!first) return '';
    const total = callMs(calls.reduce((sum, c) => sum + c.durationMs, 0));
    const target = `${first.method} ${first.summary}`;
    if (calls.length === 1) return `${target} · ${total}`;
    const same = calls.every((c) => c.method === first.method && c.summary === first.summary);
    return `${target}${same ? '' : ' …'} · ${calls.length} calls · ${total}`;
}

/** The after-text of a line: its requests, then its other SDK calls. */
export function lineText(line: CallLine): string {
    return [inlineText(line.requests), sdkCallText(line.sdkCalls)].filter(Boolean).join('; ');
}

/** A line's tone: its requests', or an error when one of its SDK calls threw. */
export function lineTone(line: CallLine): CallTone {
    return line.sdkCalls.some((c) => c.failed) ? 'error' : toneOf(line.requests);
}

/** A JSON value for a hover's code block, cut at a readable size. */
export function bodyText(value: unknown): string {
    let text: string;
    try {
        text = typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? String(value));
    } catch {
        text = String(value);
    }
    return text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}\n… (${text.length - MAX_BODY_CHARS} more characters)` : text;
}

/** Markdown text is safe in a hover once its special characters are escaped. */
function md(text: string): string {
    return text.replace(/[\\`*_[\]#|<>]/g, '\\$&');
}

/** Inline code that holds any text: the fence is longer than any run of backticks in it. */
function code(text: string): string {
    const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
    const fence = '`'.repeat(longest + 1);
    return `${fence}${longest ? ' ' : ''}${text}${longest ? ' ' : ''}${fence}`;
}

function fence(value: unknown): string {
    return `\n\`\`\`json\n${bodyText(value).replace(/```/g, '`\u200b``')}\n\`\`\`\n`;
}

/** "…/proj/.nango-emulator/fixtures.json integrations.x.responses[0]" from the project's folder on: the hover is narrow. */
function shortFixturePath(matchedBy: string): string {
    return matchedBy.replace(/^\S*?[\\/](\.nango-emulator[\\/])/, '$1');
}

/** One request in a hover: what was sent, how it was answered and by which fixture. */
export function requestMarkdown(r: ProviderRequest): string {
    const lines = [`**${md(r.method)}** ${code(r.url)}`, ''];
    const facts = [`status **${md(statusText(r))}**`, md(ms(r.durationMs))];
    if (r.account) facts.push(`account ${code(r.account)}`);
    lines.push(facts.join(' · '), '');
    if (r.unmatched) lines.push('No fixture matched: the request failed (the emulator never reaches the network).', '');
    else if (r.matchedBy) lines.push(`answered by ${code(shortFixturePath(r.matchedBy))}`, '');
    if (r.requestBody !== undefined) lines.push('request body (secrets redacted):', fence(r.requestBody));
    if (r.responseBody !== undefined) lines.push('response body (secrets redacted):', fence(r.responseBody));
    return lines.join('\n');
}

/** One SDK call in a hover: the method, what it read or wrote (keys only), how long it took. */
export function sdkCallMarkdown(c: SdkCall): string {
    const facts = [`**${md(c.method)}** ${code(c.summary)}`, md(callMs(c.durationMs))];
    return [facts.join(' · '), '', c.failed ? 'The call threw.' : 'Keys and names only: the values it read or wrote are not shown.'].join('\n');
}

function counted(n: number, what: string): string {
    return n === 1 ? what : `${n} ${what}s`;
}

/** The hover of a call line: its requests in the order they were sent, then its other SDK calls. */
export function hoverMarkdown(requests: readonly ProviderRequest[], sdkCalls: readonly SdkCall[] = []): string {
    const parts = [...requests.map(requestMarkdown), ...sdkCalls.map(sdkCallMarkdown)];
    const what = [requests.length ? counted(requests.length, 'provider request') : '', sdkCalls.length ? counted(sdkCalls.length, 'SDK call') : ''];
    const head = `Nango emulator: ${what.filter(Boolean).join(' and ')} of the last run`;
    return [`*${md(head)}*`, ...parts].join('\n\n---\n\n');
}

/** The lens line's outcome: "✓ passed · 120 ms", "✗ rejected: …", "✗ failed: TypeError: …". */
export function outcomeLensTitle(result: RunResult, stale: boolean): string {
    const verdict = verdictOf(result);
    const edited = stale ? ' (file edited since)' : '';
    if (verdict.kind === 'passed') return `$(pass) passed · ${result.status} · ${ms(result.durationMs)}${edited}`;
    const reason =
        verdict.kind === 'rejected'
            ? (result.authError?.message ?? result.error?.message ?? result.status)
            : result.error
              ? `${result.error.type}: ${result.error.message}`
              : result.status;
    const line = reason.split('\n')[0] ?? reason;
    const short = line.length > 60 ? `${line.slice(0, 60)}…` : line;
    return `$(${verdict.kind === 'rejected' ? 'warning' : 'error'}) ${verdict.kind}: ${short}${edited}`;
}
