// A recording's provider calls turned into response fixtures (pure: nothing is read or written), with
// their secrets dropped or replaced, and what was skipped and why.
import { matchRequestUrl } from 'msw';
import type * as z from 'zod';
import { ResponseSchema, type ResponseFixture } from '../fixtures/fixtures';
import type { HeaderValue, Recording } from './format';
import { isSensitiveName, isSensitiveParam, SECRET_HEADER, scrubBody, scrubCredentials, tokenHeader } from './secrets';
import { REDACTED, Redactor } from '../core/redact';

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/** Response headers that are not copied: transport details, or recomputed when the fixture answers. */
const TRANSPORT_HEADERS = new Set([
    'connection',
    'keep-alive',
    'transfer-encoding',
    'te',
    'trailer',
    'upgrade',
    'date',
    'content-length',
    'content-encoding',
    'x-nango-emulator'
]);
/** Headers whose URLs are worth keeping once the credentials in their query strings are replaced. */
const URL_HEADERS = new Set(['location', 'content-location', 'link', 'refresh']);

export interface SkippedEntry {
    /** e.g. `get //integrations/github` */
    entry: string;
    reason: string;
}

export interface ConvertedRecording {
    responses: ResponseFixture[];
    skipped: SkippedEntry[];
    warnings: string[];
}

export interface ConvertOptions {
    /** Only requests carrying this account's credentials get these answers. */
    account?: string;
    /** Where the recording came from, for each fixture's description. */
    source: string;
    /** Credentials the output must not contain (the fixtures' accounts). */
    secrets: string[];
}

/** path-to-regexp (msw) syntax characters of a recorded path are escaped so the path matches literally. */
function literalPath(recorded: string): string | undefined {
    const escaped = recorded.replace(/[:(){}+]/g, (c) => `\\${c}`);
    const origin = 'https://recorded.invalid';
    const match = matchRequestUrl(new URL(origin + recorded), origin + escaped);
    return match.matches && Object.keys(match.params ?? {}).length === 0 ? escaped : undefined;
}

function headerText(value: z.infer<typeof HeaderValue>): string | undefined {
    if (value === null) return undefined;
    return Array.isArray(value) ? value.join(', ') : String(value);
}

/** Converts a recording's provider calls into response fixtures (pure: nothing is read or written). */
export function recordingToResponses(recording: Recording, options: ConvertOptions): ConvertedRecording {
    const redactor = new Redactor(options.secrets);
    const responses: ResponseFixture[] = [];
    const skipped: SkippedEntry[] = [];
    const warnings: string[] = [];
    const seen = new Set<string>();
    let redacted = 0;
    const droppedHeaders = new Set<string>();
    const droppedParams = new Set<string>();
    const redactedHeaders = new Set<string>();
    const redactedFields = new Set<string>();

    for (const [methodKey, endpoints] of Object.entries(recording.api)) {
        const method = methodKey.toUpperCase();
        for (const [endpoint, value] of Object.entries(endpoints)) {
            // What the summary shows of the endpoint: never a credential it carries.
            const shownEndpoint = scrubCredentials(endpoint, redactor, new Set());
            const label = `${methodKey} ${shownEndpoint}`;
            if (!METHODS.has(method)) {
                skipped.push({ entry: label, reason: `method "${methodKey}" is not one fixtures can answer (${[...METHODS].join(', ')})` });
                continue;
            }
            if (endpoint.startsWith('//')) {
                skipped.push({
                    entry: label,
                    reason: "a call to Nango's own API (connections, integrations, metadata, environment variables): the emulator answers it from the fixtures and state"
                });
                continue;
            }
            if (!endpoint.startsWith('/')) {
                skipped.push({ entry: label, reason: 'not an endpoint path (it should start with "/")' });
                continue;
            }
            if (endpoint.includes('*')) {
                skipped.push({
                    entry: label,
                    reason: 'the path contains "*", which fixture paths read as a wildcard; add this answer by hand or in .nango-emulator/handlers.ts'
                });
                continue;
            }
            if (shownEndpoint !== endpoint) {
                skipped.push({ entry: label, reason: 'the path carries a credential; add this answer by hand with the credential left out' });
                continue;
            }
            const fixturePath = literalPath(endpoint);
            if (!fixturePath) {
                skipped.push({ entry: label, reason: 'the path cannot be written as a literal fixture path; add this answer in .nango-emulator/handlers.ts' });
                continue;
            }
            const entries = value;
            entries.forEach((entry, index) => {
                const entryLabel = entries.length > 1 ? `${label} [${index}]` : label;
                const query: Record<string, string> = {};
                for (const [k, v] of Object.entries(entry.request?.params ?? {})) {
                    const text = String(v);
                    const carries = (t: string): boolean => scrubCredentials(t, redactor, new Set()) !== t;
                    if (SECRET_HEADER.test(k) || isSensitiveParam(k) || carries(text) || carries(k)) {
                        droppedParams.add(k);
                        warnings.push(`${entryLabel}: query parameter "${k}" looks like a credential; it is not used to match requests`);
                        continue;
                    }
                    query[k] = text;
                }
                const identity = JSON.stringify([method, fixturePath, Object.entries(query).sort(), options.account ?? null]);
                if (seen.has(identity)) {
                    skipped.push({
                        entry: entryLabel,
                        reason: 'same method, path and query as an earlier entry: fixtures cannot tell requests apart by body or headers, so only the first would ever answer'
                    });
                    return;
                }
                seen.add(identity);

                const headers: Record<string, string> = {};
                for (const [name, raw] of Object.entries(entry.headers ?? {})) {
                    const lower = name.toLowerCase();
                    const text = headerText(raw);
                    if (text === undefined || TRANSPORT_HEADERS.has(lower)) continue;
                    if (SECRET_HEADER.test(lower) || isSensitiveName(lower) || tokenHeader(lower, text)) {
                        droppedHeaders.add(lower);
                        continue;
                    }
                    const found = new Set<string>();
                    const clean = scrubCredentials(text, redactor, found);
                    if (clean !== text) {
                        // A next-page or redirect URL keeps its use with the credential replaced; other headers go.
                        if (!URL_HEADERS.has(lower)) {
                            droppedHeaders.add(lower);
                            continue;
                        }
                        redactedHeaders.add(`${lower} (${[...found].sort().join(', ')})`);
                    }
                    headers[lower] = clean;
                }
                const fixture: ResponseFixture = {
                    method: method as ResponseFixture['method'],
                    path: fixturePath,
                    ...(options.account ? { account: options.account } : {}),
                    ...(Object.keys(query).length ? { query } : {}),
                    status: entry.status,
                    ...(Object.keys(headers).length ? { headers } : {}),
                    description: `recorded by nango dryrun --save-responses (${options.source}: api.${methodKey}["${endpoint}"]${entries.length > 1 ? `[${index}]` : ''})`
                };
                const noBody =
                    entry.response === undefined ||
                    entry.response === null ||
                    entry.response === '' ||
                    entry.status === 204 ||
                    entry.status === 304 ||
                    method === 'HEAD';
                if (!noBody) {
                    const clean = scrubBody(entry.response, redactor, redactedFields);
                    const after = JSON.stringify(clean);
                    redacted += after.split(REDACTED).length - JSON.stringify(entry.response).split(REDACTED).length;
                    if (after.includes('{{'))
                        warnings.push(`${entryLabel}: the body contains "{{", which fixtures read as a template placeholder; check the answer`);
                    fixture.body = clean;
                }
                responses.push(ResponseSchema.parse(fixture));
            });
        }
    }
    if (droppedHeaders.size) warnings.push(`dropped response headers that may carry secrets: ${[...droppedHeaders].sort().join(', ')}`);
    if (redactedHeaders.size) warnings.push(`credentials in response headers replaced with ${REDACTED}: ${[...redactedHeaders].sort().join('; ')}`);
    if (redacted > 0) {
        const what = [...redactedFields].sort().join(', ');
        warnings.push(`${redacted} credential value${redacted === 1 ? '' : 's'} in response bodies replaced with ${REDACTED} (${what})`);
    }
    if (droppedParams.size) warnings.push(`query parameters that may carry secrets, not copied: ${[...droppedParams].sort().join(', ')}`);
    return { responses, skipped, warnings };
}
