// import-recording keeps no credential: a recording with planted secrets of every kind (headers,
// redirect and pagination URLs, query parameters, body fields, JWTs, nested arrays, upper case, and
// the fixtures' own credentials in several encodings) is imported, and none of them reaches fixtures.json.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importRecording, isSensitiveName, scrubCredentials } from '../../../emulator/recordings';
import { REDACTED, Redactor } from '../../../emulator/core/redact';

const corpus = path.resolve(__dirname, '../../fixtures/recordings-secrets');

interface Planted {
    known: Record<string, string>;
    unknown: Record<string, string>;
}

/** The forms a secret could be copied in: raw, URL, form and JSON encoded, Base64, other case. */
function encodings(secret: string): string[] {
    const forms = [
        secret,
        encodeURIComponent(secret),
        new URLSearchParams({ x: secret }).toString().slice(2),
        JSON.stringify(secret).slice(1, -1),
        JSON.stringify(JSON.stringify(secret).slice(1, -1)).slice(1, -1),
        Buffer.from(secret).toString('base64').replace(/=+$/, ''),
        Buffer.from(secret).toString('base64url'),
        secret.toUpperCase(),
        secret.toLowerCase()
    ];
    return [...new Set(forms)];
}

describe('import-recording keeps no credential (planted-secrets corpus)', function () {
    this.timeout(60_000);
    const planted = JSON.parse(readFileSync(path.join(corpus, 'planted.json'), 'utf8')) as Planted;
    let root: string;
    let written: string;
    let responsesText: string;
    let summary: string;

    before(() => {
        root = mkdtempSync(path.join(os.tmpdir(), 'nango-emu-recording-secrets-'));
        mkdirSync(path.join(root, '.nango-emulator'), { recursive: true });
        mkdirSync(path.join(root, 'acme/tests'), { recursive: true });
        cpSync(path.join(corpus, 'fixtures.json'), path.join(root, '.nango-emulator/fixtures.json'));
        cpSync(path.join(corpus, 'acme.test.json'), path.join(root, 'acme/tests/everything.test.json'));
        const result = importRecording(root, path.join(root, 'acme/tests/everything.test.json'));
        summary = JSON.stringify([result.warnings, result.skipped]);
        written = readFileSync(path.join(root, '.nango-emulator/fixtures.json'), 'utf8');
        const fixtures = JSON.parse(written) as { integrations: { acme: { responses: unknown[] } } };
        responsesText = JSON.stringify(fixtures.integrations.acme.responses, null, 4);
    });

    after(() => rmSync(root, { recursive: true, force: true }));

    it(`plants at least 20 kinds of secrets`, () => {
        assert.ok(Object.keys(planted.unknown).length + Object.keys(planted.known).length >= 20);
    });

    it('copies none of the planted secrets, in any encoding, into fixtures.json or the summary', () => {
        const all = { ...planted.unknown, ...planted.known };
        const copied: string[] = [];
        for (const [kind, secret] of Object.entries(all)) {
            // The fixtures' own credentials stay where the user wrote them (accounts): look only at what the import added.
            const haystack = kind in planted.known ? responsesText : written;
            for (const form of encodings(secret)) {
                if (haystack.includes(form) || summary.includes(form)) copied.push(`${kind}: ${form}`);
            }
        }
        assert.deepEqual(copied, [], `${copied.length} of ${Object.keys(all).length} planted secrets copied:\n${copied.join('\n')}`);
    });

    it('keeps what is not a credential, with the credentials in URLs replaced', () => {
        const fixtures = JSON.parse(written) as {
            integrations: { acme: { responses: { path: string; query?: Record<string, string>; headers?: Record<string, string>; body?: unknown }[] } };
        };
        const me = fixtures.integrations.acme.responses.find((r) => r.path === '/v1/me')!;
        assert.deepEqual(me.query, { page: '1' });
        assert.equal(me.headers!['location'], `https://api.acme.test/v1/me/next?page=2&access_token=${REDACTED}`);
        assert.match(me.headers!['link']!, /<https:\/\/api\.acme\.test\/v1\/me\?page=3&token=«redacted»&sig=«redacted»>; rel="next"/);
        assert.equal(me.headers!['x-request-id'], 'req-1234');
        const body = me.body as Record<string, unknown>;
        assert.equal(body['token_type'], 'bearer');
        assert.equal(body['expires_in'], 3600);
        assert.equal(body['primary_key'], 'id');
        assert.equal(body['name'], 'Ada');
        assert.deepEqual(body['matrix'], [[['keep me', `Bearer ${REDACTED}`]], [[REDACTED]]]);
        assert.deepEqual(body['tokens'], [[REDACTED, REDACTED], [{ value: REDACTED, type: 'refresh' }]]);
        const form = fixtures.integrations.acme.responses.find((r) => r.path === '/oauth/token')!;
        assert.equal(form.body, `access_token=${REDACTED}&refresh_token=${REDACTED}&token_type=bearer&scope=repo`);
        assert.equal(
            fixtures.integrations.acme.responses.some((r) => r.path.startsWith('/verify/')),
            false
        );
    });

    it('says what it dropped and replaced', () => {
        assert.match(summary, /dropped response headers that may carry secrets: [^"]*authorization[^"]*x-api-key/);
        assert.match(summary, /x-auth-token/);
        assert.match(summary, /credentials in response headers replaced with «redacted»: [^"]*link[^"]*location/);
        assert.match(summary, /credential values in response bodies replaced with «redacted» \([^)]*password[^)]*\)/);
        assert.match(summary, /query parameters that may carry secrets, not copied: [^"]*access_token[^"]*client_secret/);
        assert.match(summary, /the path carries a credential/);
    });
});

describe('credential names and shapes', () => {
    it('recognizes sensitive names in any case and style, and leaves descriptions of credentials alone', () => {
        for (const name of [
            'Authorization',
            'X-API-KEY',
            'x-auth',
            'X-Auth-Token',
            'api-key',
            'apikey',
            'key',
            'sig',
            'signature',
            'bearer',
            'refreshToken',
            'CLIENT_SECRET',
            'private_key',
            'Set-Cookie',
            'password'
        ]) {
            assert.equal(isSensitiveName(name), true, name);
        }
        for (const name of ['token_type', 'expires_in', 'primary_key', 'x-oauth-scopes', 'page', 'name', 'x-request-id', 'login'])
            assert.equal(isSensitiveName(name), false, name);
    });

    it('replaces JWTs, auth schemes and named URL parameters in text', () => {
        const found = new Set<string>();
        const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';
        const out = scrubCredentials(
            `see ${jwt}; Bearer abc123def456; https://x.test/?page=2&api_key=k1k2k3k4; Basic information follows`,
            new Redactor([]),
            found
        );
        assert.equal(out, `see ${REDACTED}; Bearer ${REDACTED}; https://x.test/?page=2&api_key=${REDACTED}; Basic information follows`);
        assert.deepEqual([...found].sort(), ['JWT', 'api_key', 'bearer credential']);
    });
});
