// Replay recordings: `nango dryrun --save-responses` writes <integration>/tests/<name>.test.json with
// every response the function got (nango 0.71.10, ResponseCollector.saveUnifiedMock):
//   { input?, output?, nango: { getConnection, getMetadata, … },
//     api: { <method>: { "/<endpoint>": Entry | Entry[] } } }
//   Entry = { response, status, headers, hash, request: { params?, headers?, data? } }
// Proxy calls are keyed by the provider endpoint ("/user"); Nango's own API calls keep their slash
// and get a second one ("//integrations/github"). `import-recording` turns the provider calls into
// response fixtures appended to .nango-emulator/fixtures.json, so a function recorded once against a
// real provider dry runs offline afterwards. Secrets are never copied: credential-like and cookie
// headers and query parameters are dropped; known credentials (in any encoding), secret-named fields
// and credential-shaped values (JWTs, `Bearer …`, `token=` in URLs) are replaced in bodies and URLs.
import { chmodSync, statSync } from 'node:fs';
import path from 'node:path';
import { matchRequestUrl } from 'msw';
import * as z from 'zod';
import { EmulatorError } from './errors';
import { own } from './names';
import { describeIssues, fixturesPath, parseFixtures, ResponseSchema, type Fixtures, type ResponseFixture } from './fixtures';
import { REDACTED, Redactor, fixtureSecrets } from './redact';
import { writeFileAtomic } from './state';
import { MAX_FIXTURES_BYTES, MAX_RECORDING_BYTES, readTextFile } from './read-file';

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
    api: z.record(
        z.string(),
        z.record(
            z.string(),
            z.preprocess((v) => (Array.isArray(v) ? v : [v]), z.array(RecordedEntrySchema))
        )
    )
});
export type Recording = z.infer<typeof RecordingSchema>;
export type RecordingInput = z.input<typeof RecordingSchema>;

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
/** Response headers that may carry secrets: never copied. */
const SECRET_HEADER =
    /^(set-cookie|cookie|authorization|proxy-authorization|proxy-authenticate)$|token|secret|password|passwd|api[-_]?key|session|cookie|credential|signature|^x-amz-security/i;
/** Headers whose URLs are worth keeping once the credentials in their query strings are replaced. */
const URL_HEADERS = new Set(['location', 'content-location', 'link', 'refresh']);

// Names of headers, query parameters and body fields that carry credentials, once normalized
// ("X-Auth-Token", "refreshToken" → "x_auth_token", "refresh_token"): a whole word, or a telling part.
// "key" alone is one, "primary_key" and "sort_key" are not.
const SENSITIVE_WORD = new RegExp(
    '^keys?$|(^|_)(sig|signature|bearer|auth|authorization|password|passwd|pwd|passphrase|secret|secrets|token|tokens|apikey|' +
        'cookie|cookies|session|sessionid|credential|credentials|jwt|assertion|otp)(_|$)'
);
const SENSITIVE_PART = new RegExp(
    'secret|token|passw|session|cookie|credential|signature|jwt|^x_amz_security|' +
        '(api|private|access|signing|client|license|encryption|subscription|master|auth|session|consumer|app|x_api)_?key'
);
/** Descriptions of a credential rather than credentials ("token_type": "bearer", "expires_in": "3600"). */
const HARMLESS_NAME = /(^|_)(type|types|expires|expires_in|expires_at|expiry|at|in|count|url|uri|endpoint|scope|scopes|hint|name|length|format)$/;

function normalizeName(name: string): string {
    return name
        .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '_')
        .replace(/^_+|_+$/g, '');
}

function isHarmlessName(name: string): boolean {
    return HARMLESS_NAME.test(normalizeName(name));
}

/** Whether a header, query parameter or field of this name holds a credential (case-insensitive). */
export function isSensitiveName(name: string): boolean {
    const n = normalizeName(name);
    if (!n || HARMLESS_NAME.test(n)) return false;
    return SENSITIVE_WORD.test(n) || SENSITIVE_PART.test(n);
}

/** OAuth's one-time values: credentials in a URL or form, ordinary words as JSON field names ("code": "NOT_FOUND"). */
const SENSITIVE_PARAM = /^(code|state|nonce|code_verifier|ticket|session_state)$/;

/** Whether a URL or form parameter of this name holds a credential. */
export function isSensitiveParam(name: string): boolean {
    return isSensitiveName(name) || SENSITIVE_PARAM.test(normalizeName(name));
}

/** Headers whose long random values are identifiers, not credentials. */
const ID_HEADER = /(^|-)(etag|request-id|trace-id|traceparent|tracestate|correlation-id|id|version|digest|content-md5)$/i;

/** A header value that is one long random token, in a header not known to carry identifiers. */
function tokenHeader(name: string, value: string): boolean {
    return !ID_HEADER.test(name) && /^[A-Za-z0-9._~+/=-]{32,}$/.test(value) && /\d/.test(value) && /[a-z]/.test(value) && /[A-Z]/.test(value);
}

/** Looks like a generated credential rather than a word: long, and mixing digits with letters (or both cases). */
function tokenShaped(value: string): boolean {
    if (value.length < 8) return false;
    const letters = /[A-Za-z]/.test(value);
    const digits = /\d/.test(value);
    return (letters && digits) || (value.length >= 20 && /[a-z]/.test(value) && /[A-Z]/.test(value));
}

/** Credential shapes recognized wherever they appear, whatever they are called. */
const VALUE_SHAPES: { label: string; pattern: RegExp }[] = [
    { label: 'JWT', pattern: /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g },
    { label: 'private key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g },
    {
        label: 'provider token',
        pattern: new RegExp(
            '\\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|[sr]k_(live|test)_[A-Za-z0-9]{10,}|xox[abprse]-[A-Za-z0-9-]{10,}|' +
                'AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}|ya29\\.[0-9A-Za-z_-]{20,}|glpat-[A-Za-z0-9_-]{20,}|shpat_[a-fA-F0-9]{32})\\b',
            'g'
        )
    }
];
/** `Bearer <token>`, `Basic <base64>`, `token <token>`: the scheme stays, the credential goes. */
const AUTH_SCHEME = /\b(bearer|basic|token|digest|bot|oauth|sso-key|apikey)(\s+)([A-Za-z0-9._~+/=:-]{8,})/gi;
/** `name=value` in URLs, forms and cookies; `"name": "value"` in JSON kept as text. */
const NAMED_VALUE = /([A-Za-z0-9_.[\]-]+)(=)([^&#\s"'<>;,]+)|(\\?"([A-Za-z0-9_.-]+)\\?"\s*:\s*\\?")((?:[^"\\]|\\[^"])+)(\\?")/g;

/** Replaces credentials in a text by their shape and by the names they are given; `found` collects what was replaced. */
export function scrubCredentials(text: string, redactor: Redactor, found: Set<string>): string {
    let out = redactor.text(text);
    if (out !== text) found.add('known credential');
    for (const { label, pattern } of VALUE_SHAPES) {
        out = out.replace(pattern, () => {
            found.add(label);
            return REDACTED;
        });
    }
    out = out.replace(AUTH_SCHEME, (all, scheme: string, space: string, value: string) => {
        const credential = tokenShaped(value) || (/^(bearer|basic)$/i.test(scheme) && (/[+/=]/.test(value) || value.length >= 16));
        if (value.startsWith(REDACTED) || !credential) return all;
        found.add(`${scheme.toLowerCase()} credential`);
        return `${scheme}${space}${REDACTED}`;
    });
    type Group = string | undefined;
    out = out.replace(NAMED_VALUE, (all, name: Group, eq: Group, value: Group, jsonHead: Group, jsonName: Group, jsonValue: Group, jsonTail: Group) => {
        if (name !== undefined && value !== undefined && isSensitiveParam(name) && value !== REDACTED) {
            found.add(name);
            return `${name}${eq}${REDACTED}`;
        }
        if (jsonName !== undefined && jsonValue !== undefined && isSensitiveName(jsonName) && jsonValue !== REDACTED) {
            found.add(jsonName);
            return `${jsonHead}${REDACTED}${jsonTail}`;
        }
        return all;
    });
    return out;
}

/**
 * A response body with its credentials replaced: every string under a sensitive name (however deeply
 * nested), and credential-shaped or known values anywhere, object keys included.
 */
function scrubBody(body: unknown, redactor: Redactor, found: Set<string>): unknown {
    const walk = (v: unknown, sensitive: string | undefined): unknown => {
        if (typeof v === 'string') {
            if (sensitive !== undefined && v !== REDACTED && v !== '') {
                found.add(sensitive);
                return REDACTED;
            }
            return scrubCredentials(v, redactor, found);
        }
        if (Array.isArray(v)) return v.map((item) => walk(item, sensitive));
        if (v && typeof v === 'object') {
            const out: Record<string, unknown> = {};
            for (const [k, item] of Object.entries(v)) {
                let name = scrubCredentials(k, redactor, found);
                for (let n = 2; name !== k && name in out; n++) name = `${REDACTED}#${n}`;
                // Under a credential's name everything is secret, except what only describes it ("type", "expires_in").
                out[name] = walk(item, isHarmlessName(k) ? undefined : (sensitive ?? (isSensitiveName(k) ? k : undefined)));
            }
            return out;
        }
        return v;
    };
    return walk(body, undefined);
}

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
        throw new EmulatorError(
            'bad_usage',
            `${file}: not valid JSON (${(err as Error).message}). Pass the file "nango dryrun --save-responses" wrote: <integration>/tests/<function>.test.json.`
        );
    }
    const parsed = RecordingSchema.safeParse(json);
    if (!parsed.success) {
        throw new EmulatorError(
            'bad_usage',
            `${describeIssues(file, parsed.error.issues)}\n${file} is not a recording of "nango dryrun --save-responses" (expected { "api": { "<method>": { "/<endpoint>": { "response", "status", "headers", … } } } }).`
        );
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
    const [integration, folder, name] = path.resolve(file).split(path.sep).slice(-3);
    return folder === 'tests' && name !== undefined && /\.test\.json$/.test(name) ? integration : undefined;
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
    const written = '"nango dryrun <function> <connection> -e <env> --save-responses" writes it to <integration>/tests/<function>.test.json.';
    // Bounded, regular files only: a recording that is a FIFO or a link to /dev/zero must not hang or exhaust memory.
    const text = readTextFile(file, {
        maxBytes: MAX_RECORDING_BYTES,
        what: 'a recording',
        code: 'bad_usage',
        fix: `Pass the recording file itself: ${written}`
    });
    if (text === undefined) throw new EmulatorError('bad_usage', `${file}: cannot read the recording (ENOENT). ${written}`);
    const recording = parseRecording(text, file);

    const fixturesFile = fixturesPath(root);
    const fixturesText = readTextFile(fixturesFile, {
        maxBytes: MAX_FIXTURES_BYTES,
        what: 'the fixtures file',
        code: 'fixtures_invalid',
        fix: `Make ${fixturesFile} a JSON file with your integrations.`
    });
    if (fixturesText === undefined) {
        throw new EmulatorError(
            'fixtures_missing',
            `${fixturesFile}: no fixtures file. Create it with the integration and its provider accounts first (see the README's "Fixtures" section); recordings add responses to it.`
        );
    }
    const fixtures: Fixtures = parseFixtures(fixturesText, fixturesFile);
    const integration = options.integration ?? integrationOfRecording(file);
    if (!integration) {
        throw new EmulatorError(
            'bad_usage',
            `${file}: cannot tell which integration it belongs to (the nango CLI writes <integration>/tests/<function>.test.json). Pass --integration <id> (defined: ${Object.keys(fixtures.integrations).join(', ') || 'none'}).`
        );
    }
    const target = fixtures.integrations[integration];
    if (!target) {
        throw new EmulatorError(
            'unknown_integration',
            `${fixturesFile}: no integration "${integration}" under "integrations" (defined: ${Object.keys(fixtures.integrations).join(', ') || 'none'}). Add it with its provider and accounts first, or pass --integration <id>.`
        );
    }
    if (options.account && !target.accounts[options.account]) {
        throw new EmulatorError(
            'unknown_account',
            `${fixturesFile}: integration "${integration}" has no account "${options.account}" (defined: ${Object.keys(target.accounts).join(', ')}). Pass one of them with --account, or add it under integrations.${integration}.accounts.`
        );
    }
    const secrets = fixtureSecrets(fixtures);
    const converted = recordingToResponses(recording, {
        ...(options.account ? { account: options.account } : {}),
        source: path.relative(root, file) || file,
        secrets
    });

    const fresh = converted.responses.filter((r) => !target.responses.some((existing) => sameFixture(existing, r)));
    const result: ImportResult = { ...converted, responses: fresh, file, fixturesFile, integration, alreadyPresent: converted.responses.length - fresh.length };
    if (fresh.length === 0) return result;

    // Edit the file as the user wrote it (not the parsed one with defaults filled in), keep its indentation.
    const raw = JSON.parse(fixturesText) as { integrations: Record<string, { responses?: unknown[] }> };
    const rawIntegration = own(raw.integrations, integration);
    // The fixtures were just validated from this text: the integration is there.
    if (!rawIntegration) throw new Error(`${fixturesFile}: integration "${integration}" disappeared while importing`);
    rawIntegration.responses = [...(rawIntegration.responses ?? []), ...fresh];
    const indent = /^[{[]\r?\n([ \t]+)/.exec(fixturesText)?.[1] ?? '    ';
    const next = JSON.stringify(raw, null, indent) + '\n';
    parseFixtures(next, fixturesFile);
    const mode = statSync(fixturesFile).mode & 0o777;
    writeFileAtomic(fixturesFile, next);
    chmodSync(fixturesFile, mode);
    return result;
}
