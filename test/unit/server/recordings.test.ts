// import-recording: `nango dryrun --save-responses` files become response fixtures (no secrets kept).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { getResponse } from 'msw';
import { Emulator } from '../../../emulator/core/lifecycle';
import { importRecording, integrationOfRecording, RecordingSchema, recordingToResponses, type RecordingInput } from '../../../emulator/recordings';
import { fixtureHandlers } from '../../../emulator/worker/provider-fakes';
import { cli, copyExample, editJson, readJson } from './helpers';

const TOKEN = 'gho_fake0octo0admin0token000000000000';

/** The shape nango 0.71.10's ResponseCollector writes (see emulator/recordings/index.ts). */
function sampleRecording(): RecordingInput {
    return {
        nango: { getConnection: {}, getMetadata: { login: 'octo-admin' } },
        api: {
            get: {
                '/user': {
                    response: { login: 'octo-admin', id: 91000001 },
                    status: 200,
                    headers: {
                        'content-type': 'application/json; charset=utf-8',
                        'x-oauth-scopes': 'repo, read:org',
                        'set-cookie': ['_gh_sess=abc123; HttpOnly'],
                        date: 'Mon, 23 Nov 2026 08:00:00 GMT',
                        connection: 'keep-alive',
                        'x-github-session-token': 'sess-zzz',
                        'x-echo-auth': `Bearer ${TOKEN}`
                    },
                    hash: 'h1',
                    request: {}
                },
                '//integrations/github': { response: { data: { provider: 'github' } }, status: 200, headers: {}, hash: 'h2', request: {} },
                '/search/issues': [
                    { response: { total_count: 1 }, status: 200, headers: {}, hash: 'h3', request: { params: { q: 'a' } } },
                    { response: { total_count: 2 }, status: 200, headers: {}, hash: 'h4', request: { params: { q: 'b', page: 2 } } }
                ],
                '/v1/users/me:batchGet': { response: { ok: true }, status: 200, headers: {}, hash: 'h5', request: {} },
                '/files/*': { response: {}, status: 200, headers: {}, hash: 'h6', request: {} },
                '/installation/token': {
                    response: { token: 'ghs_installation_token_value', note: `made with ${TOKEN}`, expires_at: '2030-01-01' },
                    status: 201,
                    headers: {},
                    hash: 'h7',
                    request: {}
                },
                '/readme': {
                    response: 'plain text',
                    status: 200,
                    headers: { 'content-type': 'text/plain' },
                    hash: 'h8',
                    request: { params: { api_key: 'xyz' } }
                }
            },
            post: {
                '/webhooks': [
                    { response: { id: 1 }, status: 201, headers: {}, hash: 'h9', request: { data: { a: 1 } } },
                    { response: { id: 2 }, status: 201, headers: {}, hash: 'h10', request: { data: { a: 2 } } }
                ]
            },
            delete: { '/webhooks/1': { response: '', status: 204, headers: {}, hash: 'h11', request: {} } }
        }
    };
}

describe('import-recording', function () {
    this.timeout(60_000);

    describe('recordingToResponses', () => {
        const converted = recordingToResponses(RecordingSchema.parse(sampleRecording()), { source: 'github/tests/x.test.json', secrets: [TOKEN] });
        const byPath = (p: string): unknown[] => converted.responses.filter((r) => r.path === p);

        it('turns proxy calls into fixtures: method, path, query, status, headers, body', () => {
            assert.deepEqual(
                converted.responses.map((r) => `${r.method} ${r.path}${r.query ? ' ' + JSON.stringify(r.query) : ''} ${r.status}`),
                [
                    'GET /user 200',
                    'GET /search/issues {"q":"a"} 200',
                    'GET /search/issues {"q":"b","page":"2"} 200',
                    'GET /v1/users/me\\:batchGet 200',
                    'GET /installation/token 201',
                    'GET /readme 200',
                    'POST /webhooks 201',
                    'DELETE /webhooks/1 204'
                ]
            );
            const [user] = byPath('/user') as { headers: Record<string, string>; body: unknown; description: string }[];
            assert.deepEqual(user!.headers, { 'content-type': 'application/json; charset=utf-8', 'x-oauth-scopes': 'repo, read:org' });
            assert.deepEqual(user!.body, { login: 'octo-admin', id: 91000001 });
            assert.match(user!.description, /recorded by nango dryrun --save-responses \(github\/tests\/x\.test\.json: api\.get\["\/user"\]\)/);
            const [readme] = byPath('/readme') as { body: unknown; headers: Record<string, string> }[];
            assert.equal(readme!.body, 'plain text');
            assert.equal('body' in (byPath('/webhooks/1')[0] as object), false);
        });

        it('drops cookies and credential-like headers, redacts known credentials and secret fields in bodies', () => {
            const all = JSON.stringify(converted.responses);
            for (const secret of [TOKEN, '_gh_sess', 'sess-zzz', 'ghs_installation_token_value']) assert.equal(all.includes(secret), false, secret);
            const [token] = byPath('/installation/token') as { body: Record<string, unknown> }[];
            assert.deepEqual(token!.body, { token: '«redacted»', note: 'made with «redacted»', expires_at: '2030-01-01' });
            assert.ok(
                converted.warnings.some((w) => /dropped response headers that may carry secrets: set-cookie, x-echo-auth, x-github-session-token/.test(w)),
                converted.warnings.join('\n')
            );
            assert.ok(
                converted.warnings.some((w) => /2 credential values in response bodies replaced/.test(w)),
                converted.warnings.join('\n')
            );
            assert.ok(converted.warnings.some((w) => /get \/readme: query parameter "api_key" looks like a credential/.test(w)));
        });

        it("skips Nango's own API calls, wildcard paths and requests fixtures cannot tell apart, saying why", () => {
            assert.deepEqual(
                converted.skipped.map((s) => s.entry),
                ['get //integrations/github', 'get /files/*', 'post /webhooks [1]']
            );
            assert.match(converted.skipped[0]!.reason, /Nango's own API/);
            assert.match(converted.skipped[1]!.reason, /wildcard/);
            assert.match(converted.skipped[2]!.reason, /cannot tell requests apart by body or headers/);
        });

        it('escaped paths match literally through the same msw handlers runs use', async () => {
            const accounts = [
                {
                    id: 'octo-admin',
                    credentials: { type: 'OAUTH2' as const, access_token: TOKEN },
                    identity: {},
                    baseUrl: 'https://api.github.com',
                    auth: { headers: { authorization: `Bearer ${TOKEN}` }, query: {} }
                }
            ];
            const handlers = fixtureHandlers({ accounts, responses: converted.responses, integration: 'github', fixturesFile: 'fixtures.json' }, new Map());
            const hit = await getResponse(handlers, new Request('https://api.github.com/v1/users/me:batchGet'));
            assert.deepEqual(await hit?.json(), { ok: true });
            assert.equal(await getResponse(handlers, new Request('https://api.github.com/v1/users/other:batchGet')), undefined);
            const page2 = await getResponse(handlers, new Request('https://api.github.com/search/issues?q=b&page=2'));
            assert.deepEqual(await page2?.json(), { total_count: 2 });
            const text = await getResponse(handlers, new Request('https://api.github.com/readme'));
            assert.equal(await text?.text(), 'plain text');
        });
    });

    describe('importRecording', () => {
        let root: string;
        let fixtures: string;
        let recording: string;
        beforeEach(() => {
            root = copyExample('nango-emu-rec-');
            fixtures = path.join(root, '.nango-emulator/fixtures.json');
            // As if only recordings answered GitHub: no hand-written responses.
            editJson<{ integrations: Record<string, { responses: unknown[] }> }>(fixtures, (f) => (f.integrations['github']!.responses = []));
            recording = path.join(root, 'github/tests/seed-metadata.test.json');
            mkdirSync(path.dirname(recording), { recursive: true });
            writeFileSync(
                recording,
                JSON.stringify({
                    nango: { getConnection: {} },
                    api: {
                        get: {
                            '/user': {
                                response: { login: 'octo-admin', id: 91000001 },
                                status: 200,
                                headers: { 'content-type': 'application/json', 'set-cookie': 'a=b' },
                                hash: 'x',
                                request: {}
                            },
                            '/user/orgs': {
                                response: [{ login: 'octo-org', id: 92000001 }],
                                status: 200,
                                headers: { 'content-type': 'application/json' },
                                hash: 'y',
                                request: {}
                            }
                        },
                        patch: { '//connections/metadata': { response: {}, status: 200, headers: {}, hash: 'z', request: { data: { metadata: {} } } } }
                    }
                })
            );
        });
        afterEach(() => rmSync(root, { recursive: true, force: true }));

        it('finds the integration from <integration>/tests/<name>.test.json', () => {
            assert.equal(integrationOfRecording('/p/nango-integrations/github/tests/seed-metadata.test.json'), 'github');
            assert.equal(integrationOfRecording('/tmp/recording.json'), undefined);
        });

        it("appends to the integration's responses, atomically, keeping the file's layout; a second import adds nothing", () => {
            const mode = statSync(fixtures).mode & 0o777;
            const result = importRecording(root, recording, { account: 'octo-admin' });
            assert.equal(result.integration, 'github');
            assert.equal(result.responses.length, 2);
            assert.deepEqual(
                result.skipped.map((s) => s.entry),
                ['patch //connections/metadata']
            );
            const text = readFileSync(fixtures, 'utf8');
            assert.match(text, /^\{\n {4}"environment"/);
            assert.equal(text.includes('set-cookie'), false);
            const written = readJson<{ integrations: Record<string, { responses: { path: string; account: string }[] }>; connections: unknown[] }>(fixtures);
            assert.deepEqual(
                written.integrations['github']!.responses.map((r) => [r.path, r.account]),
                [
                    ['/user', 'octo-admin'],
                    ['/user/orgs', 'octo-admin']
                ]
            );
            assert.equal(written.connections.length, 4);
            assert.equal(statSync(fixtures).mode & 0o777, mode);

            const again = importRecording(root, recording, { account: 'octo-admin' });
            assert.equal(again.responses.length, 0);
            assert.equal(again.alreadyPresent, 2);
            assert.equal(readFileSync(fixtures, 'utf8'), text);
        });

        it('the imported answers replay in the emulator: the function dry runs offline', async () => {
            const emulator = new Emulator(root);
            try {
                const before = await emulator.dryrun('github/seed-metadata', { connectionId: 'gh-admin' });
                assert.equal(before.ok, false);
                assert.equal(before.error?.type, 'UnmatchedRequestError');
                emulator.reset();
                importRecording(root, recording, { account: 'octo-admin' });
                const replay = new Emulator(root);
                try {
                    const after = await replay.dryrun('github/seed-metadata', { connectionId: 'gh-admin' });
                    assert.equal(after.ok, true, JSON.stringify(after.error));
                    assert.deepEqual(
                        after.requests.map((r) => `${r.method} ${r.url} ${r.status}`),
                        ['GET https://api.github.com/user 200', 'GET https://api.github.com/user/orgs 200']
                    );
                    assert.deepEqual(after.metadata.after, { login: 'octo-admin', accountId: 91000001, defaultOrg: 'octo-org' });
                } finally {
                    replay.dispose();
                }
            } finally {
                emulator.dispose();
            }
        });

        it('errors name the file, the field and the fix', () => {
            assert.throws(
                () => importRecording(root, recording, { account: 'nobody' }),
                /fixtures\.json: integration "github" has no account "nobody" \(defined: octo-admin, octo-hooks, octo-readonly\)\. Pass one of them with --account/
            );
            assert.throws(() => importRecording(root, recording, { integration: 'gitlab' }), /fixtures\.json: no integration "gitlab" under "integrations"/);
            const elsewhere = path.join(root, 'recording.json');
            writeFileSync(elsewhere, readFileSync(recording));
            assert.throws(() => importRecording(root, elsewhere), /recording\.json: cannot tell which integration it belongs to .*Pass --integration <id>/);
            writeFileSync(elsewhere, '{"api": {"get": {"/x": {"status": "ok"}}}}');
            assert.throws(
                () => importRecording(root, elsewhere, { integration: 'github' }),
                /recording\.json: api\.get\.\/x\.0\.status: .*is not a recording of "nango dryrun --save-responses"/s
            );
            writeFileSync(elsewhere, '{oops');
            assert.throws(() => importRecording(root, elsewhere, { integration: 'github' }), /recording\.json: not valid JSON/);
            assert.throws(
                () => importRecording(root, path.join(root, 'missing.test.json'), { integration: 'github' }),
                /missing\.test\.json: cannot read the recording \(ENOENT\)/
            );
        });

        it('nango-emulator import-recording prints what it added (and --json)', () => {
            const run = spawnSync(process.execPath, [cli, 'import-recording', recording, '--root', root, '--account', 'octo-admin'], { encoding: 'utf8' });
            assert.equal(run.status, 0, run.stderr);
            assert.match(run.stdout, /added 2 responses to .*fixtures\.json \(integrations\.github\.responses\)/);
            assert.match(run.stdout, /\+ GET \/user → 200 \(account octo-admin\)/);
            assert.match(run.stdout, /- skipped patch \/\/connections\/metadata: a call to Nango's own API/);
            assert.match(run.stdout, /! dropped response headers that may carry secrets: set-cookie/);
            const json = spawnSync(process.execPath, [cli, 'import-recording', recording, '--root', root, '--json'], { encoding: 'utf8' });
            assert.equal(json.status, 0, json.stderr);
            const parsed = JSON.parse(json.stdout) as { ok: boolean; added: number; integration: string };
            assert.equal(parsed.ok, true);
            assert.equal(parsed.integration, 'github');
            assert.equal(parsed.added, 2, 'without --account the answers differ from the account-bound ones');
            const bad = spawnSync(process.execPath, [cli, 'import-recording', recording, '--root', root, '--account', 'nobody', '--json'], {
                encoding: 'utf8'
            });
            assert.equal(bad.status, 2);
            assert.equal((JSON.parse(bad.stdout) as { error: { type: string } }).error.type, 'unknown_account');
        });
    });
});
