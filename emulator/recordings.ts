// Replay recordings: `nango dryrun --save-responses` writes <integration>/tests/<name>.test.json with
// every response the function got (nango 0.71.10, ResponseCollector.saveUnifiedMock):
//   { input?, output?, nango: { getConnection, getMetadata, … },
//     api: { <method>: { "/<endpoint>": Entry | Entry[] } } }
//   Entry = { response, status, headers, hash, request: { params?, headers?, data? } }
// Proxy calls are keyed by the provider endpoint ("/user"); Nango's own API calls keep their slash
// and get a second one ("//integrations/github"). `import-recording` turns the provider calls into
// response fixtures appended to .nango-emulator/fixtures.json, so a function recorded once against a
// real provider dry runs offline afterwards. Secrets are never copied: credential-like and cookie
// headers are dropped, and known credentials and secret-named fields in bodies are redacted.
import { chmodSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { matchRequestUrl } from 'msw';
import * as z from 'zod';
import { EmulatorError } from './errors';
import { describeIssues, fixturesPath, parseFixtures, ResponseSchema, type Fixtures, type ResponseFixture } from './fixtures';
import { REDACTED, Redactor, secretsOf } from './redact';
import { writeFileAtomic } from './state';

const HeaderValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()]);

export const RecordedEntrySchema = z.object({
    response: z.unknown().optional(),
    status: z.number().int().min(100).max(599),
    headers: z.record(z.string(), HeaderValue).optional(),
    hash: z.string().optional(),
    request: z
        .object({
            params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
            headers: z.record(z.string(), z.unknown()).optional(),
            data: z.unknown().optional()
        })
        .optional()
});
export type RecordedEntry = z.infer<typeof RecordedEntrySchema>;

export const RecordingSchema = z.object({
    input: z.unknown().optional(),
    output: z.unknown().optional(),
    nango: z.record(z.string(), z.unknown()).optional(),
    // One entry per endpoint, or an array once the same endpoint was called with different requests.
    api: z.record(z.string(), z.record(z.string(), z.preprocess((v) => (Array.isArray(v) ? v : [v]), z.array(RecordedEntrySchema))))
});
export type Recording = z.infer<typeof RecordingSchema>;
export type RecordingInput = z.input<typeof RecordingSchema>;

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/** Response headers that are not copied: transport details, or recomputed when the fixture answers. */
const TRANSPORT_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'date', 'content-length', 'content-encoding', 'x-nango-emulator']);
/** Response headers that may carry secrets: never copied. */
const SECRET_HEADER = /^(set-cookie|cookie|authorization|proxy-authorization|proxy-authenticate)$|token|secret|password|passwd|api[-_]?key|session|cookie|credential|signature|^x-amz-security/i;

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

export function parseRecording(text: string, file: string): Recording {
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch (err) {
        throw new EmulatorError('bad_usage', `${file}: not valid JSON (${(err as Error).message}). Pass the file "nango dryrun --save-responses" wrote: <integration>/tests/<function>.test.json.`);
    }
    const parsed = RecordingSchema.safeParse(json);
    if (!parsed.success) {
        throw new EmulatorError('bad_usage', `${describeIssues(file, parsed.error.issues)}\n${file} is not a recording of "nango dryrun --save-responses" (expected { "api": { "<method>": { "/<endpoint>": { "response", "status", "headers", … } } } }).`);
    }
    return parsed.data;
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

    for (const [methodKey, endpoints] of Object.entries(recording.api)) {
        const method = methodKey.toUpperCase();
        for (const [endpoint, value] of Object.entries(endpoints)) {
            const label = `${methodKey} ${endpoint}`;
            if (!METHODS.has(method)) {
                skipped.push({ entry: label, reason: `method "${methodKey}" is not one fixtures can answer (${[...METHODS].join(', ')})` });
                continue;
            }
            if (endpoint.startsWith('//')) {
                skipped.push({ entry: label, reason: 'a call to Nango\'s own API (connections, integrations, metadata, environment variables): the emulator answers it from the fixtures and state' });
                continue;
            }
            if (!endpoint.startsWith('/')) {
                skipped.push({ entry: label, reason: 'not an endpoint path (it should start with "/")' });
                continue;
            }
            if (endpoint.includes('*')) {
                skipped.push({ entry: label, reason: 'the path contains "*", which fixture paths read as a wildcard; add this answer by hand or in .nango-emulator/handlers.ts' });
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
                    if (redactor.text(text) !== text || SECRET_HEADER.test(k)) {
                        warnings.push(`${entryLabel}: query parameter "${k}" looks like a credential; it is not used to match requests`);
                        continue;
                    }
                    query[k] = text;
                }
                const identity = JSON.stringify([method, fixturePath, Object.entries(query).sort(), options.account ?? null]);
                if (seen.has(identity)) {
                    skipped.push({ entry: entryLabel, reason: 'same method, path and query as an earlier entry: fixtures cannot tell requests apart by body or headers, so only the first would ever answer' });
                    return;
                }
                seen.add(identity);

                const headers: Record<string, string> = {};
                for (const [name, raw] of Object.entries(entry.headers ?? {})) {
                    const lower = name.toLowerCase();
                    const text = headerText(raw);
                    if (text === undefined || TRANSPORT_HEADERS.has(lower)) continue;
                    if (SECRET_HEADER.test(lower) || redactor.text(text) !== text) {
                        droppedHeaders.add(lower);
                        continue;
                    }
                    headers[lower] = text;
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
                const noBody = entry.response === undefined || entry.response === null || entry.response === '' || entry.status === 204 || entry.status === 304 || method === 'HEAD';
                if (!noBody) {
                    const clean = redactor.value(entry.response);
                    const after = JSON.stringify(clean);
                    redacted += after.split(REDACTED).length - JSON.stringify(entry.response).split(REDACTED).length;
                    if (after.includes('{{')) warnings.push(`${entryLabel}: the body contains "{{", which fixtures read as a template placeholder; check the answer`);
                    fixture.body = clean;
                }
                responses.push(ResponseSchema.parse(fixture));
            });
        }
    }
    if (droppedHeaders.size) warnings.push(`dropped response headers that may carry secrets: ${[...droppedHeaders].sort().join(', ')}`);
    if (redacted > 0) warnings.push(`${redacted} credential value${redacted === 1 ? '' : 's'} in response bodies replaced with ${REDACTED}`);
    return { responses, skipped, warnings };
}

export interface ImportOptions {
    /** The integration the recording belongs to; default: the folder of <integration>/tests/<name>.test.json. */
    integration?: string;
    account?: string;
}

export interface ImportResult extends ConvertedRecording {
    file: string;
    fixturesFile: string;
    integration: string;
    /** Responses already in the fixtures (same method, path, account, query, status, headers and body). */
    alreadyPresent: number;
}

/** The integration of `<root>/<integration>/tests/<name>.test.json`, the path the nango CLI writes. */
export function integrationOfRecording(file: string): string | undefined {
    const parts = path.resolve(file).split(path.sep);
    return parts.length >= 3 && parts[parts.length - 2] === 'tests' && /\.test\.json$/.test(parts[parts.length - 1]!) ? parts[parts.length - 3] : undefined;
}

/** JSON with object keys sorted, so equal fixtures compare equal whatever their key order. */
function canonical(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
    if (value && typeof value === 'object') {
        return `{${Object.keys(value)
            .sort()
            .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
            .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
            .join(',')}}`;
    }
    return JSON.stringify(value);
}

function sameFixture(a: ResponseFixture, b: ResponseFixture): boolean {
    const { description: _a, ...left } = a;
    const { description: _b, ...right } = b;
    return canonical(left) === canonical(right);
}

/** Reads a recording and appends its provider answers to the fixtures' integration (atomically, validated). */
export function importRecording(root: string, recordingFile: string, options: ImportOptions = {}): ImportResult {
    const file = path.resolve(recordingFile);
    let text: string;
    try {
        text = readFileSync(file, 'utf8');
    } catch (err) {
        throw new EmulatorError('bad_usage', `${file}: cannot read the recording (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}). "nango dryrun <function> <connection> -e <env> --save-responses" writes it to <integration>/tests/<function>.test.json.`);
    }
    const recording = parseRecording(text, file);

    const fixturesFile = fixturesPath(root);
    let fixturesText: string;
    try {
        fixturesText = readFileSync(fixturesFile, 'utf8');
    } catch {
        throw new EmulatorError('fixtures_missing', `${fixturesFile}: no fixtures file. Create it with the integration and its provider accounts first (see the README's "Fixtures" section); recordings add responses to it.`);
    }
    const fixtures: Fixtures = parseFixtures(fixturesText, fixturesFile);
    const integration = options.integration ?? integrationOfRecording(file);
    if (!integration) {
        throw new EmulatorError('bad_usage', `${file}: cannot tell which integration it belongs to (the nango CLI writes <integration>/tests/<function>.test.json). Pass --integration <id> (defined: ${Object.keys(fixtures.integrations).join(', ') || 'none'}).`);
    }
    const target = fixtures.integrations[integration];
    if (!target) {
        throw new EmulatorError('unknown_integration', `${fixturesFile}: no integration "${integration}" under "integrations" (defined: ${Object.keys(fixtures.integrations).join(', ') || 'none'}). Add it with its provider and accounts first, or pass --integration <id>.`);
    }
    if (options.account && !target.accounts[options.account]) {
        throw new EmulatorError('unknown_account', `${fixturesFile}: integration "${integration}" has no account "${options.account}" (defined: ${Object.keys(target.accounts).join(', ')}). Pass one of them with --account, or add it under integrations.${integration}.accounts.`);
    }
    const secrets = Object.values(fixtures.integrations).flatMap((i) => Object.values(i.accounts).flatMap((a) => secretsOf(a.credentials)));
    const converted = recordingToResponses(recording, { ...(options.account ? { account: options.account } : {}), source: path.relative(root, file) || file, secrets });

    const fresh = converted.responses.filter((r) => !target.responses.some((existing) => sameFixture(existing, r)));
    const result: ImportResult = { ...converted, responses: fresh, file, fixturesFile, integration, alreadyPresent: converted.responses.length - fresh.length };
    if (fresh.length === 0) return result;

    // Edit the file as the user wrote it (not the parsed one with defaults filled in), keep its indentation.
    const raw = JSON.parse(fixturesText) as { integrations: Record<string, { responses?: unknown[] }> };
    const rawIntegration = raw.integrations[integration]!;
    rawIntegration.responses = [...(rawIntegration.responses ?? []), ...fresh];
    const indent = /^[{[]\r?\n([ \t]+)/.exec(fixturesText)?.[1] ?? '    ';
    const next = JSON.stringify(raw, null, indent) + '\n';
    parseFixtures(next, fixturesFile);
    const mode = statSync(fixturesFile).mode & 0o777;
    writeFileAtomic(fixturesFile, next);
    chmodSync(fixturesFile, mode);
    return result;
}
