// The emulator server (nango-emulator serve): Nango's API routes the nango CLI and SDK call, /proxy/*
// answered by the same fixture logic as runs, /_emulator/* for the editor, and its safety rules.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServer } from '../../../emulator/server';
import type { JournalEntry } from '../../../emulator/server/context';
import type { RunResult } from '../../../emulator/core/result';
import { cli, copyExample, editJson, exampleSecrets, readJson, SECRET_KEY, startTestServer, type TestServer } from './helpers';

const CALCOM_KEY = 'cal_live_0123456789abcdef-secret';

/** User msw handlers (tried before the fixtures): an echo, and an endpoint that fails twice then answers. */
const USER_HANDLERS = `
import { http, HttpResponse } from 'msw';
let flaky = 0;
const echo = async ({ request }: { request: Request }) => {
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((v, k) => { if (k !== 'authorization') headers[k] = v; });
    return HttpResponse.json({ method: request.method, url: url.origin + url.pathname, query: Object.fromEntries(url.searchParams), headers, body: request.method === 'GET' ? null : await request.text() }, { headers: { 'x-echo': 'yes' } });
};
export default [
    http.all('https://api.github.com/echo', echo),
    http.all('https://override.example/v2/echo', echo),
    http.get('https://api.github.com/flaky', () => (++flaky % 3 === 0 ? HttpResponse.json({ attempt: flaky }) : HttpResponse.json({ error: 'busy' }, { status: 503 }))),
    http.get('https://api.github.com/passthrough', () => undefined)
];
`;

function prepare(root: string): void {
    writeFileSync(path.join(root, '.nango-emulator/handlers.ts'), USER_HANDLERS);
    editJson<{ integrations: Record<string, unknown>; connections: unknown[] }>(path.join(root, '.nango-emulator/fixtures.json'), (f) => {
        // A provider whose API key travels in the query string (Nango's catalogue: cal-com-v1).
        f.integrations['calcom'] = {
            provider: 'cal-com-v1',
            accounts: { team: { credentials: { type: 'API_KEY', apiKey: CALCOM_KEY } } },
            responses: [
                { method: 'GET', path: '/me', account: 'team', body: { user: { id: 7 } } },
                // Fixture faults (the same ones runs use): fails once per run, then answers; never answers.
                { method: 'GET', path: '/event-types', body: { event_types: [] }, fault: { status: 503, times: 1 } },
                { method: 'GET', path: '/slow', body: {}, fault: { timeout: 50 } }
            ]
        };
        f.connections.push({ id: 'cal-1', integration: 'calcom', account: 'team' });
    });
}

function proxyHeaders(connectionId: string, integration: string, extra: Record<string, string> = {}): Record<string, string> {
    return { 'connection-id': connectionId, 'provider-config-key': integration, 'base-url-override': '', 'nango-activity-log-id': '', ...extra };
}

describe('emulator server', function () {
    this.timeout(60_000);
    let s: TestServer;

    before(async () => {
        const root = copyExample();
        prepare(root);
        s = await startTestServer(root);
    });
    after(async () => s?.stop());
    beforeEach(async () => {
        const r = await s.call('POST', '/_emulator/reset', { body: {}, auth: false });
        assert.equal(r.status, 200, r.text);
    });

    describe('listening', () => {
        it('refuses a non-loopback host unless it was chosen explicitly', async () => {
            await assert.rejects(
                startServer({ root: s.root, host: '0.0.0.0', port: 0 }),
                /refusing to serve on "0\.0\.0\.0": it is not a loopback address.*--host 0\.0\.0\.0/s
            );
            const exposed = await startServer({ root: s.root, host: '0.0.0.0', port: 0, allowNonLoopback: true });
            try {
                assert.match(exposed.url, /^http:\/\/0\.0\.0\.0:\d+$/);
            } finally {
                await exposed.close();
            }
        });

        it('reports a port in use with the fix', async () => {
            await assert.rejects(startServer({ root: s.root, port: s.port }), /port \d+ on 127\.0\.0\.1 is already in use.*--port 0/);
        });

        it('refuses requests addressed to a name that is not loopback (DNS rebinding)', async () => {
            const status = await new Promise<number>((resolve, reject) => {
                const req = httpRequest({ host: '127.0.0.1', port: s.port, path: '/_emulator/health', headers: { host: 'evil.example' } }, (res) => {
                    res.resume();
                    resolve(res.statusCode ?? 0);
                });
                req.on('error', reject);
                req.end();
            });
            assert.equal(status, 403);
            assert.equal((await s.call('GET', '/_emulator/health', { auth: false })).status, 200);
        });
    });

    describe('nango-emulator serve', () => {
        /** Starts the built CLI's serve; resolves with its first JSON line, its output so far and a stop(). */
        const serveCli = (
            ...args: string[]
        ): Promise<{ ready: { url: string; port: number; root: string }; output: () => string; stop: () => Promise<number | null> }> =>
            new Promise((resolve, reject) => {
                const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--json', '--root', s.root, ...args], {
                    stdio: ['ignore', 'pipe', 'pipe']
                });
                let out = '';
                let err = '';
                child.stderr.on('data', (c: Buffer) => (err += c.toString()));
                child.stdout.on('data', (c: Buffer) => {
                    out += c.toString();
                    const line = out.split('\n').find((l) => l.startsWith('{'));
                    if (line) {
                        const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
                        resolve({
                            ready: JSON.parse(line) as { url: string; port: number; root: string },
                            output: () => out + err,
                            stop: () => (child.kill('SIGINT'), exited)
                        });
                    }
                });
                child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out}${err}`)));
            });

        it('prints where it listens (--json), serves, and stops cleanly on Ctrl+C', async () => {
            const served = await serveCli();
            assert.match(served.ready.url, /^http:\/\/127\.0\.0\.1:\d+$/);
            assert.equal(served.ready.root, s.root);
            const res = await fetch(`${served.ready.url}/connection/gh-admin?provider_config_key=github`, {
                headers: { authorization: `Bearer ${SECRET_KEY}` }
            });
            assert.equal(res.status, 200);
            assert.equal(await served.stop(), 0);
            assert.match(served.output(), /GET \/connection\/gh-admin → 200/);
            assert.equal(served.output().includes(SECRET_KEY), false);
        });

        it('--host with a non-loopback address is used, with a warning', async () => {
            const served = await serveCli('--host', '0.0.0.0', '--quiet');
            try {
                assert.match(served.ready.url, /^http:\/\/0\.0\.0\.0:\d+$/);
                // stderr and stdout are separate pipes: the warning may arrive just after the JSON line.
                for (let i = 0; i < 50 && !served.output().includes('WARNING'); i++) await new Promise((r) => setTimeout(r, 20));
                assert.match(served.output(), /WARNING: serving on 0\.0\.0\.0, not a loopback address/);
            } finally {
                await served.stop();
            }
        });
    });

    describe("Nango's API", () => {
        it('accepts any bearer key and refuses requests without one', async () => {
            const none = await s.call('GET', '/environment-variables', { auth: false });
            assert.equal(none.status, 401);
            assert.equal((none.json as { error: { code: string } }).error.code, 'missing_auth_header');
            const basic = await s.call('GET', '/environment-variables', { auth: false, headers: { authorization: 'Basic eDp5' } });
            assert.equal(basic.status, 401);
            const any = await s.call('GET', '/environment-variables', { auth: false, headers: { authorization: 'Bearer whatever' } });
            assert.equal(any.status, 200);
        });

        it('GET /connections?connectionId= lists ApiPublicConnection objects (what dryrun infers the integration from)', async () => {
            const r = await s.call('GET', '/connections?connectionId=sf-acme');
            assert.equal(r.status, 200);
            const { connections } = r.json as { connections: Record<string, unknown>[] };
            assert.equal(connections.length, 1);
            assert.deepEqual(Object.keys(connections[0]!).sort(), [
                'connection_id',
                'created',
                'end_user',
                'errors',
                'id',
                'metadata',
                'provider',
                'provider_config_key',
                'tags'
            ]);
            assert.equal(connections[0]!['provider_config_key'], 'salesforce');
            assert.deepEqual((await s.call('GET', '/connections?connectionId=nope')).json, { connections: [] });
            const gh = (await s.call('GET', '/connections?integrationId=github')).json as { connections: { connection_id: string }[] };
            assert.deepEqual(
                gh.connections.map((c) => c.connection_id),
                ['gh-admin']
            );
            assert.equal((await s.call('GET', '/connections?bogus=1')).status, 400);
        });

        it('GET /connection/:id and /connections/:id answer ApiPublicConnectionFull; refresh tokens only when asked for', async () => {
            for (const route of [
                '/connection/sf-acme?provider_config_key=salesforce',
                '/connections/sf-acme?provider_config_key=salesforce&force_refresh=false&refresh_token=false&refresh_github_app_jwt_token=false'
            ]) {
                const r = await s.call('GET', route);
                assert.equal(r.status, 200, r.text);
                const c = r.json as Record<string, unknown> & { credentials: Record<string, unknown> };
                assert.equal(c['connection_id'], 'sf-acme');
                assert.equal(c['provider_config_key'], 'salesforce');
                assert.equal(typeof c['id'], 'number');
                assert.deepEqual(c['connection_config'], { instance_url: 'https://acme.my.salesforce.com' });
                assert.deepEqual(c['metadata'], { organizationId: '00D5g00000AcmeXEAR', webhookId: 'whk_acme_0001' });
                assert.match(String(c['created_at']), /\+00:00$/);
                assert.equal(c.credentials['type'], 'OAUTH2');
                assert.equal(c.credentials['access_token'], '00D5g00000AcmeX!AQ4AQ.fake-access-token-acme-admin');
                assert.equal('refresh_token' in c.credentials, false);
            }
            const withRefresh = (await s.call('GET', '/connections/sf-acme?provider_config_key=salesforce&refresh_token=true')).json as {
                credentials: Record<string, unknown>;
            };
            assert.equal(withRefresh.credentials['refresh_token'], '5Aep861.fake-refresh-token-acme-admin');

            const noKey = await s.call('GET', '/connection/sf-acme');
            assert.equal(noKey.status, 400);
            assert.match((noKey.json as { error: { message: string } }).error.message, /provider_config_key is required/);
            assert.equal((await s.call('GET', '/connection/sf-acme?provider_config_key=salesforce&x=1')).status, 400);
            const wrongIntegration = await s.call('GET', '/connection/sf-acme?provider_config_key=github');
            assert.equal(wrongIntegration.status, 404);
            assert.equal((wrongIntegration.json as { error: { code: string } }).error.code, 'not_found');
            assert.equal((await s.call('GET', '/connection/nope?provider_config_key=salesforce')).status, 404);
            assert.equal((await s.call('GET', '/connection/sf-acme?provider_config_key=nope')).status, 404);
        });

        it('a reconnect rejected by validate-connection shows as an auth error on the connection', async () => {
            const run = await s.call('POST', '/_emulator/run', {
                body: { operation: 'reconnect', integration: 'salesforce', connectionId: 'sf-acme', account: 'globex' },
                auth: false
            });
            assert.equal((run.json as RunResult).outcome, 'refresh_exhausted');
            const c = (await s.call('GET', '/connection/sf-acme?provider_config_key=salesforce')).json as {
                errors: { type: string }[];
                connection_config: unknown;
            };
            assert.deepEqual(
                c.errors.map((e) => e.type),
                ['auth']
            );
            // Nango upserted the new account's connection_config before validation: it stays.
            assert.deepEqual(c.connection_config, { instance_url: 'https://globex.my.salesforce.com' });
        });

        it('GET /integrations/:key answers { data: ApiPublicIntegration }, webhook_url only when included', async () => {
            const plain = (await s.call('GET', '/integrations/github')).json as { data: Record<string, unknown> };
            assert.equal(plain.data['unique_key'], 'github');
            assert.equal(plain.data['provider'], 'github');
            assert.equal(plain.data['display_name'], 'GitHub (User OAuth)'); // Nango's catalogue name
            assert.equal('webhook_url' in plain.data, false);
            const withWebhook = (await s.call('GET', '/integrations/github?include=webhook')).json as { data: Record<string, unknown> };
            assert.equal(withWebhook.data['webhook_url'], null);
            assert.equal((await s.call('GET', '/integrations/nope')).status, 404);
            assert.equal((await s.call('GET', '/integrations/github?include=secrets')).status, 400);
            const all = (await s.call('GET', '/integrations')).json as { data: { unique_key: string }[] };
            assert.deepEqual(all.data.map((i) => i.unique_key).sort(), ['calcom', 'github', 'salesforce']);
        });

        it("GET /environment-variables answers the fixtures' variables, and sees fixture edits without a restart", async () => {
            assert.deepEqual((await s.call('GET', '/environment-variables')).json, [
                { name: 'SALESFORCE_WEBHOOK_URL', value: 'https://api.myapp.example/webhooks/salesforce' }
            ]);
            const file = path.join(s.root, '.nango-emulator/fixtures.json');
            const before = readFileSync(file, 'utf8');
            try {
                editJson<{ environment: { variables: Record<string, string> } }>(file, (f) => (f.environment.variables['EXTRA'] = 'yes'));
                const vars = (await s.call('GET', '/environment-variables')).json as { name: string }[];
                assert.deepEqual(
                    vars.map((v) => v.name),
                    ['SALESFORCE_WEBHOOK_URL', 'EXTRA']
                );
            } finally {
                writeFileSync(file, before);
            }
        });

        it('POST /connections/metadata replaces (201), PATCH merges (200); both persist in the state, atomically', async () => {
            const since = (await s.call('GET', '/_emulator/requests', { auth: false })).json as { last: number };
            const set = await s.call('POST', '/connections/metadata', {
                body: { connection_id: 'gh-admin', provider_config_key: 'github', metadata: { login: 'x' } }
            });
            assert.equal(set.status, 201);
            assert.deepEqual(set.json, { connection_id: 'gh-admin', provider_config_key: 'github', metadata: { login: 'x' } });
            let state = readJson<{ connections: Record<string, { metadata: unknown }> }>(path.join(s.root, '.nango-emulator/state.json'));
            assert.deepEqual(state.connections['gh-admin']!.metadata, { login: 'x' });

            const update = await s.call('PATCH', '/connections/metadata', {
                body: { connection_id: ['gh-admin'], provider_config_key: 'github', metadata: { accountId: 1 } }
            });
            assert.equal(update.status, 200);
            state = readJson(path.join(s.root, '.nango-emulator/state.json'));
            assert.deepEqual(state.connections['gh-admin']!.metadata, { login: 'x', accountId: 1 });
            // What the SDK reads back
            const c = (await s.call('GET', '/connections/gh-admin?provider_config_key=github')).json as { metadata: unknown };
            assert.deepEqual(c.metadata, { login: 'x', accountId: 1 });
            assert.deepEqual(
                readdirSync(path.join(s.root, '.nango-emulator')).filter((f) => f.endsWith('.tmp')),
                []
            );

            const journal = (await s.call('GET', `/_emulator/requests?since=${since.last}`, { auth: false })).json as { entries: JournalEntry[] };
            assert.deepEqual(
                journal.entries.map((e) => (e.kind === 'metadata' ? [e.method, e.connectionId, e.metadata] : [])),
                [
                    ['POST', 'gh-admin', { login: 'x' }],
                    ['PATCH', 'gh-admin', { login: 'x', accountId: 1 }]
                ]
            );
        });

        it('metadata writes to unknown connections are 404, bad bodies 400 naming the field', async () => {
            const unknown = await s.call('POST', '/connections/metadata', { body: { connection_id: 'nope', provider_config_key: 'github', metadata: {} } });
            assert.equal(unknown.status, 404);
            assert.equal((unknown.json as { error: { code: string } }).error.code, 'unknown_connection');
            const bad = await s.call('PATCH', '/connections/metadata', { body: { connection_id: 'gh-admin', provider_config_key: 'github', metadata: 'x' } });
            assert.equal(bad.status, 400);
            assert.match((bad.json as { error: { message: string } }).error.message, /metadata: .*expected record/i);
            const notJson = await s.call('POST', '/connections/metadata', { body: '{oops' });
            assert.equal(notJson.status, 400);
            assert.match((notJson.json as { error: { message: string } }).error.message, /not valid JSON/);
        });

        it('POST /cli/telemetry is accepted and dropped', async () => {
            const r = await s.call('POST', '/cli/telemetry', {
                body: { deviceId: '00000000-0000-4000-8000-000000000000', event: 'cli:dryrun', ephemeral: false },
                auth: false
            });
            assert.equal(r.status, 204);
        });

        it('unsupported routes answer 501 naming the route', async () => {
            for (const [method, route, hint] of [
                ['GET', '/action/abc', /POST \/action\/trigger/],
                ['GET', '/records?model=X', /records belong to syncs/],
                ['DELETE', '/connection/sf-acme', /./],
                ['GET', '/api/v1/environments', /pass -e/]
            ] as const) {
                const r = await s.call(method, route);
                assert.equal(r.status, 501, route);
                const { error } = r.json as { error: { code: string; message: string } };
                assert.equal(error.code, 'not_implemented');
                assert.ok(error.message.includes(`does not implement ${method} ${route.split('?')[0]}`), error.message);
                assert.match(error.message, hint);
            }
            const control = await s.call('GET', '/_emulator/nope', { auth: false });
            assert.equal(control.status, 501);
            assert.match((control.json as { error: { message: string } }).error.message, /GET \/_emulator\/nope/);
        });
    });

    describe('/proxy/*', () => {
        it("answers with the fixtures, matching the account by the connection's credentials, with templates, statuses and headers", async () => {
            const acme = await s.call('GET', '/proxy/services/oauth2/userinfo', { headers: proxyHeaders('sf-acme', 'salesforce') });
            assert.equal(acme.status, 200);
            assert.equal((acme.json as { organization_id: string }).organization_id, '00D5g00000AcmeXEAR');
            const globex = await s.call('GET', '/proxy/services/oauth2/userinfo', { headers: proxyHeaders('sf-globex-stale', 'salesforce') });
            assert.equal((globex.json as { organization_id: string }).organization_id, '00D8c00000GlbxYEAQ');

            const user = await s.call('GET', '/proxy/user', { headers: proxyHeaders('gh-admin', 'github') });
            assert.equal(user.headers.get('x-oauth-scopes'), 'repo, read:org');

            const created = await s.call('POST', '/proxy/webhooks', { headers: proxyHeaders('sf-acme', 'salesforce'), body: { url: 'https://hooks.test/x' } });
            assert.equal(created.status, 201);
            assert.deepEqual(created.json, { id: 'whk_acme_0001', url: 'https://hooks.test/x' });

            const gone = await s.call('DELETE', '/proxy/webhooks/whk_globex_0042', { headers: proxyHeaders('sf-globex-stale', 'salesforce') });
            assert.equal(gone.status, 404);
            assert.deepEqual(gone.json, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist: webhook whk_globex_0042' }]);

            const journal = (await s.call('GET', '/_emulator/requests', { auth: false })).json as { entries: JournalEntry[] };
            const proxied = journal.entries.filter((e) => e.kind === 'proxy');
            assert.deepEqual(
                proxied.map((e) => (e.kind === 'proxy' ? [e.method, e.url, e.status, e.account, e.matchedBy?.replace(/^.*fixtures\.json /, '')] : [])),
                [
                    ['GET', 'https://acme.my.salesforce.com/services/oauth2/userinfo', 200, 'acme', 'integrations.salesforce.responses[0]'],
                    ['GET', 'https://globex.my.salesforce.com/services/oauth2/userinfo', 200, 'globex', 'integrations.salesforce.responses[0]'],
                    ['GET', 'https://api.github.com/user', 200, 'octo-admin', 'integrations.github.responses[0]'],
                    ['POST', 'https://acme.my.salesforce.com/webhooks', 201, 'acme', 'integrations.salesforce.responses[1]'],
                    ['DELETE', 'https://globex.my.salesforce.com/webhooks/whk_globex_0042', 404, 'globex', 'integrations.salesforce.responses[5]']
                ]
            );
        });

        it('puts API keys where the provider wants them and never shows them', async () => {
            const me = await s.call('GET', '/proxy/me?expand=teams', { headers: proxyHeaders('cal-1', 'calcom') });
            assert.equal(me.status, 200, me.text);
            assert.deepEqual(me.json, { user: { id: 7 } });
            const unmatched = await s.call('GET', '/proxy/bookings', { headers: proxyHeaders('cal-1', 'calcom') });
            assert.equal(unmatched.status, 501);
            assert.match(unmatched.text, /No fixture matches GET https:\/\/api\.cal\.com\/v1\/bookings\?apiKey=«redacted»/);
            const journal = (await s.call('GET', '/_emulator/requests?connectionId=cal-1', { auth: false })).json as { entries: JournalEntry[] };
            // Nango sets the provider's query auth after the endpoint's own query (buildProxyURL, shared/lib/services/proxy/utils.ts).
            assert.deepEqual(
                journal.entries.map((e) => (e.kind === 'proxy' ? e.url : '')),
                ['https://api.cal.com/v1/me?expand=teams&apiKey=«redacted»', 'https://api.cal.com/v1/bookings?apiKey=«redacted»']
            );
            assert.equal(JSON.stringify(journal).includes(CALCOM_KEY), false);
        });

        it('applies fixture faults like a run: `times` counts per nango dry run (which starts with GET /connection/:id), a timeout gets no status', async () => {
            const get = async (): Promise<number> => (await s.call('GET', '/proxy/event-types', { headers: proxyHeaders('cal-1', 'calcom') })).status;
            assert.deepEqual([await get(), await get()], [503, 200]);
            // What `nango dryrun` sends first: a new run, so the fault fires again.
            assert.equal((await s.call('GET', '/connection/cal-1?provider_config_key=calcom', { headers: { 'nango-is-dry-run': 'true' } })).status, 200);
            assert.deepEqual([await get(), await get()], [503, 200]);
            const since = ((await s.call('GET', '/_emulator/requests', { auth: false })).json as { last: number }).last;
            const slow = await s.call('GET', '/proxy/slow', { headers: proxyHeaders('cal-1', 'calcom') });
            // No answer: Nango's /proxy answers 500 with axios' message and code (axiosErrorResponse, server/lib/services/proxy.service.ts).
            assert.equal(slow.status, 500);
            assert.deepEqual(slow.json, { message: 'timeout of 50ms exceeded', code: 'ECONNABORTED', method: 'get' });
            const journal = (await s.call('GET', `/_emulator/requests?since=${since}`, { auth: false })).json as { entries: JournalEntry[] };
            assert.deepEqual(
                journal.entries.map((e) => (e.kind === 'proxy' ? [e.status, e.error] : [])),
                [[null, 'timed out (fixture fault)']]
            );
        });

        it('forwards Nango-Proxy-* headers (lowercased), the query and the body; honours Base-Url-Override; user msw handlers answer first', async () => {
            const r = await s.call('POST', '/proxy/echo?a=1&b=two%20words', {
                headers: proxyHeaders('gh-admin', 'github', {
                    'Nango-Proxy-X-Custom': 'yes',
                    'Nango-Proxy-Accept': 'application/vnd.github+json',
                    'content-type': 'application/json'
                }),
                body: { hello: 'world' }
            });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.headers.get('x-echo'), 'yes');
            const echo = r.json as { method: string; url: string; query: Record<string, string>; headers: Record<string, string>; body: string };
            assert.equal(echo.method, 'POST');
            assert.equal(echo.url, 'https://api.github.com/echo');
            assert.deepEqual(echo.query, { a: '1', b: 'two words' });
            assert.equal(echo.headers['x-custom'], 'yes');
            assert.equal(echo.headers['accept'], 'application/vnd.github+json');
            assert.equal(echo.headers['content-type'], 'application/json');
            assert.equal(echo.headers['connection-id'], undefined);
            assert.deepEqual(JSON.parse(echo.body), { hello: 'world' });

            const overridden = await s.call('GET', '/proxy/echo', {
                headers: proxyHeaders('gh-admin', 'github', { 'base-url-override': 'https://override.example/v2' })
            });
            assert.equal((overridden.json as { url: string }).url, 'https://override.example/v2/echo');

            const journal = (await s.call('GET', '/_emulator/requests?connectionId=gh-admin', { auth: false })).json as { entries: JournalEntry[] };
            assert.ok(journal.entries.every((e) => e.kind === 'proxy' && e.matchedBy?.endsWith('handlers.ts')));
        });

        it('retries retryable statuses as many times as the Retries header allows', async () => {
            const once = await s.call('GET', '/proxy/flaky', { headers: proxyHeaders('gh-admin', 'github') });
            assert.equal(once.status, 503);
            const retried = await s.call('GET', '/proxy/flaky', { headers: proxyHeaders('gh-admin', 'github', { retries: '2' }) });
            assert.equal(retried.status, 200);
            assert.deepEqual(retried.json, { attempt: 3 });
        });

        it('an unmatched request (or an msw passthrough) is a 501 naming the method, the URL and the fixture to add', async () => {
            for (const endpoint of ['/repos/octo/x/hooks', '/passthrough']) {
                const r = await s.call('GET', `/proxy${endpoint}`, { headers: proxyHeaders('gh-admin', 'github') });
                assert.equal(r.status, 501);
                assert.equal(r.headers.get('x-nango-emulator'), 'unmatched');
                const { error } = r.json as { error: { code: string; message: string } };
                assert.equal(error.code, 'emulator_unmatched_request');
                assert.ok(error.message.startsWith(`No fixture matches GET https://api.github.com${endpoint}.`), error.message);
                assert.match(error.message, /fixtures\.json under integrations\.github\.responses, e\.g\. \{"method":"GET","path":"\/[a-z/]+"/);
            }
        });

        it('rejects bad proxy headers, unknown integrations and unknown connections with what to fix', async () => {
            const noHeaders = await s.call('GET', '/proxy/user');
            assert.equal(noHeaders.status, 400);
            assert.match(
                (noHeaders.json as { error: { code: string; message: string } }).error.message,
                /connection-id: required.*provider-config-key: required/
            );
            const badOverride = await s.call('GET', '/proxy/user', { headers: proxyHeaders('gh-admin', 'github', { 'base-url-override': 'not a url' }) });
            assert.equal(badOverride.status, 400);
            const unknownIntegration = await s.call('GET', '/proxy/user', { headers: proxyHeaders('gh-admin', 'gitlab') });
            assert.equal(unknownIntegration.status, 404);
            assert.equal((unknownIntegration.json as { error: { code: string } }).error.code, 'unknown_provider_config');
            const unknownConnection = await s.call('GET', '/proxy/user', { headers: proxyHeaders('gh-nope', 'github') });
            assert.equal(unknownConnection.status, 404);
            assert.match(
                (unknownConnection.json as { error: { message: string } }).error.message,
                /no connection "gh-nope".*nango-emulator connect github --connection gh-nope/
            );
        });
    });

    describe('/_emulator/*', () => {
        it("runs a dry run and answers the RunResult of the CLI's --json", async () => {
            const r = await s.call('POST', '/_emulator/run', {
                body: { operation: 'dryrun', function: 'github/seed-metadata', connectionId: 'gh-admin' },
                auth: false
            });
            assert.equal(r.status, 200, r.text);
            const result = r.json as RunResult;
            assert.equal(result.ok, true);
            assert.equal(result.operation, 'dryrun');
            assert.equal(result.event, 'post-connection-creation');
            assert.deepEqual(
                result.requests.map((q) => `${q.method} ${q.url} ${q.status}`),
                ['GET https://api.github.com/user 200', 'GET https://api.github.com/user/orgs 200']
            );
            assert.deepEqual(result.metadata.after, { login: 'octo-admin', accountId: 91000001, defaultOrg: 'octo-org' });
        });

        it('connect, reconnect and delete run the lifecycle; connections and one connection are readable; reset restores', async () => {
            const connect = (
                await s.call('POST', '/_emulator/run', {
                    body: { operation: 'connect', integration: 'github', connectionId: 'gh-ro', account: 'octo-readonly' },
                    auth: false
                })
            ).json as RunResult;
            assert.equal(connect.outcome, 'connection_validation_failed');
            const hooks = (
                await s.call('POST', '/_emulator/run', {
                    body: { operation: 'connect', integration: 'github', connectionId: 'gh-hooks', account: 'octo-hooks' },
                    auth: false
                })
            ).json as RunResult;
            assert.equal(hooks.outcome, 'created');
            const one = await s.call('GET', '/_emulator/connections/gh-hooks', { auth: false });
            assert.equal(one.status, 200);
            const { connection } = one.json as { connection: Record<string, unknown> };
            assert.equal(connection['status'], 'active');
            assert.equal(connection['account'], 'octo-hooks');
            assert.deepEqual(connection['metadata'], { login: 'octo-hooks', accountId: 91000002, defaultOrg: 'octo-labs' });
            assert.equal('credentials' in connection, false);
            // The Nango API sees the connection the lifecycle created.
            assert.equal((await s.call('GET', '/connection/gh-hooks?provider_config_key=github')).status, 200);

            const reconnect = (
                await s.call('POST', '/_emulator/run', {
                    body: { operation: 'reconnect', integration: 'github', connectionId: 'gh-hooks', account: 'octo-readonly' },
                    auth: false
                })
            ).json as RunResult;
            assert.equal(reconnect.status, 'refresh_exhausted');
            const del = (
                await s.call('POST', '/_emulator/run', { body: { operation: 'delete', integration: 'github', connectionId: 'gh-hooks' }, auth: false })
            ).json as RunResult;
            assert.equal(del.outcome, 'deleted');
            const list = (await s.call('GET', '/_emulator/connections', { auth: false })).json as {
                ok: boolean;
                connections: { id: string; status: string; credentials: Record<string, string> }[];
            };
            assert.equal(list.connections.find((c) => c.id === 'gh-hooks')?.status, 'deleted');
            assert.ok(list.connections.every((c) => c.credentials['access_token'] === undefined || c.credentials['access_token'] === '«redacted»'));

            const reset = await s.call('POST', '/_emulator/reset', { body: {}, auth: false });
            assert.deepEqual(reset.json, { ok: true, operation: 'reset', connections: 5, fixturesFile: path.join(s.root, '.nango-emulator', 'fixtures.json') });
            assert.equal((await s.call('GET', '/_emulator/connections/gh-hooks', { auth: false })).status, 404);
        });

        it("errors are { ok: false, error: { type, message } } with the fix, like the CLI's --json", async () => {
            const bad = await s.call('POST', '/_emulator/run', { body: { operation: 'dryrun', connectionId: 'gh-admin' }, auth: false });
            assert.equal(bad.status, 400);
            assert.deepEqual(Object.keys(bad.json as object), ['ok', 'error']);
            assert.match((bad.json as { error: { message: string } }).error.message, /function: .*Send e\.g\./);
            const unknown = await s.call('POST', '/_emulator/run', { body: { operation: 'dryrun', function: 'nope', connectionId: 'gh-admin' }, auth: false });
            assert.equal(unknown.status, 404);
            assert.equal((unknown.json as { error: { type: string } }).error.type, 'unknown_function');
            const exists = await s.call('POST', '/_emulator/run', {
                body: { operation: 'connect', integration: 'github', connectionId: 'gh-admin', account: 'octo-admin' },
                auth: false
            });
            assert.equal(exists.status, 409);
            const form = await s.call('POST', '/_emulator/reset', {
                body: 'x=1',
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
                auth: false
            });
            assert.equal(form.status, 415);
        });

        it('refuses a request by its route, auth, content type or declared size before reading its body', async () => {
            // Headers only: a body of 20 MB is announced and never sent, so an answer proves nothing was waited for.
            const answer = (route: string, headers: Record<string, string>): Promise<number> =>
                new Promise((resolve, reject) => {
                    const req = httpRequest(
                        `${s.url}${route}`,
                        { method: 'POST', headers: { 'content-length': String(20 * 1024 * 1024), ...headers } },
                        (res) => {
                            res.resume();
                            resolve(res.statusCode ?? 0);
                            req.destroy();
                        }
                    );
                    req.on('error', (err) => (/socket hang up|ECONNRESET/.test(err.message) ? undefined : reject(err)));
                    req.setTimeout(5_000, () => reject(new Error(`${route}: no answer within 5 s; the server waited for the body`)));
                    req.flushHeaders();
                });
            assert.equal(await answer('/_emulator/run', { 'content-type': 'application/json' }), 413);
            assert.equal(await answer('/_emulator/run', { 'content-type': 'text/plain' }), 415);
            assert.equal(await answer('/proxy/user', { 'content-type': 'application/json' }), 401);
            assert.equal(await answer('/no/such/route', { 'content-type': 'application/json' }), 501);
            assert.equal((await s.call('GET', '/_emulator/health', { auth: false })).status, 200);
        });

        it("runs handlers in Nango's runtime: an import nango compile refuses is 422 with the file:line and the rule", async () => {
            const file = path.join(s.context.root, 'github/on-events/seed-metadata.ts');
            const original = readFileSync(file, 'utf8');
            writeFileSync(
                file,
                `import { readFileSync } from 'node:fs';\n${original.replace('await nango.log', "await nango.log(readFileSync('/etc/hostname', 'utf8'));\n        await nango.log")}`
            );
            try {
                const r = await s.call('POST', '/_emulator/run', {
                    body: { operation: 'dryrun', function: 'github/seed-metadata', connectionId: 'gh-admin' },
                    auth: false
                });
                assert.equal(r.status, 422, r.text);
                const { error } = r.json as { error: { type: string; message: string } };
                assert.equal(error.type, 'handler_compile_failed');
                assert.match(error.message, /seed-metadata\.ts:1:\d+: Import of package 'node:fs' is not allowed\..*nango compile refuses it/);
            } finally {
                writeFileSync(file, original);
            }
        });
    });

    describe('a misbehaving .nango-emulator/handlers.ts', () => {
        let bad: TestServer;
        const handlersFile = (): string => path.join(bad.root, '.nango-emulator/handlers.ts');
        before(async () => {
            bad = await startTestServer(copyExample(), { timeoutMs: 500 });
        });
        after(async () => bad?.stop());

        it('a syntax error, a throw or a hang answers 500 naming the file, and the server keeps serving', async () => {
            writeFileSync(handlersFile(), "import { http } from 'msw';\nexport default [http.get('https://api.github.com/user', () => {\n");
            const syntax = await bad.call('GET', '/proxy/user', { headers: proxyHeaders('gh-admin', 'github') });
            assert.equal(syntax.status, 500);
            const syntaxError = (syntax.json as { error: { code: string; message: string } }).error;
            assert.equal(syntaxError.code, 'user_handlers_invalid');
            assert.ok(syntaxError.message.includes(handlersFile()), syntaxError.message);

            writeFileSync(
                handlersFile(),
                "import { http } from 'msw';\nexport default [http.get('https://api.github.com/user', () => { throw new Error('boom'); })];\n"
            );
            const thrown = await bad.call('GET', '/proxy/user', { headers: proxyHeaders('gh-admin', 'github') });
            assert.equal(thrown.status, 500);
            assert.match(
                (thrown.json as { error: { message: string } }).error.message,
                /GET https:\/\/api\.github\.com\/user: an msw handler threw: boom\. Fix .*handlers\.ts/
            );

            writeFileSync(
                handlersFile(),
                "import { http } from 'msw';\nexport default [http.get('https://api.github.com/user', () => new Promise(() => undefined))];\n"
            );
            // The handlers run in a worker process, not in the server: every other route answers meanwhile.
            const hanging = bad.call('GET', '/proxy/user', { headers: proxyHeaders('gh-admin', 'github') });
            await new Promise((r) => setTimeout(r, 100));
            const health = await bad.call('GET', '/_emulator/health', { auth: false });
            assert.equal(health.status, 200);
            const hung = await hanging;
            assert.equal(hung.status, 500);
            assert.match((hung.json as { error: { message: string } }).error.message, /the handler did not finish within 500 ms/);

            writeFileSync(handlersFile(), 'export default 42;\n');
            const notHandlers = await bad.call('GET', '/proxy/user', { headers: proxyHeaders('gh-admin', 'github') });
            assert.match(
                (notHandlers.json as { error: { message: string } }).error.message,
                /the default export is a number \(42\), not an array of msw handlers/
            );

            rmSync(handlersFile());
            const fixed = await bad.call('GET', '/proxy/user', { headers: proxyHeaders('gh-admin', 'github') });
            assert.equal(fixed.status, 200);
        });
    });

    // Last (mocha runs a suite's own tests before its nested suites): the log then holds every request above.
    describe('secrets', () => {
        it('never prints a credential or the secret key', async () => {
            // Requests that carry or return secrets: connection reads, an authenticated proxy call, a query API key.
            await s.call('GET', '/connection/sf-acme?provider_config_key=salesforce&refresh_token=true');
            await s.call('GET', '/proxy/me', { headers: proxyHeaders('cal-1', 'calcom') });
            await s.call('GET', '/proxy/nothing-here', { headers: proxyHeaders('cal-1', 'calcom') });
            await s.call('POST', '/_emulator/run', {
                body: { operation: 'dryrun', function: 'salesforce/validate-connection', connectionId: 'sf-acme', account: 'globex', reconnect: true },
                auth: false
            });
            const printed = s.logs.join('\n');
            assert.ok(s.logs.length > 20, `the server logged its requests: ${s.logs.length}`);
            assert.match(printed, /apiKey=«redacted»/);
            for (const secret of [SECRET_KEY, CALCOM_KEY, ...exampleSecrets(s.root)]) {
                assert.equal(printed.includes(secret), false, `the log shows ${secret}`);
            }
        });
    });
});
