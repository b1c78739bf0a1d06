// Replay recordings: `import-recording` turns the provider calls of a `nango dryrun --save-responses`
// recording (<integration>/tests/<name>.test.json) into response fixtures appended to
// .nango-emulator/fixtures.json, so a function recorded once against a real provider dry runs offline
// afterwards. Secrets are never copied: credential-like and cookie headers and query parameters are
// dropped; known credentials (in any encoding), secret-named fields and credential-shaped values (JWTs,
// `Bearer …`, `token=` in URLs) are replaced in bodies and URLs (recording-secrets.ts).
// This module writes the fixtures; the recording's format is in recording-format.ts, its conversion in
// recording-responses.ts.
import { chmodSync, statSync } from 'node:fs';
import path from 'node:path';
import { EmulatorError } from '../core/errors';
import { own } from '../core/names';
import { fixturesPath, parseFixtures, type Fixtures, type ResponseFixture } from '../fixtures/fixtures';
import { fixtureSecrets } from '../core/redact';
import { writeFileAtomic } from '../state/state';
import { MAX_FIXTURES_BYTES, MAX_RECORDING_BYTES, readTextFile } from '../fixtures/read-file';
import { parseRecording } from './format';
import { recordingToResponses, type ConvertedRecording } from './responses';

export { parseRecording, RecordedEntrySchema, RecordingSchema, type RecordedEntry, type Recording, type RecordingInput } from './format';
export { recordingToResponses, type ConvertedRecording, type ConvertOptions, type SkippedEntry } from './responses';
export { isSensitiveName, isSensitiveParam, scrubCredentials } from './secrets';

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
