// The integration's own app (GET /integrations/:key?include=credentials) and the calls that reach other
// functions of the integration: POST /action/trigger, /sync/trigger, /sync/start, answered from the
// fixtures' `actions` and `syncs` as Nango's server answers them (NangoHQ/nango at 2f4c0af; the files
// are named in each test).
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { JournalEntry } from '../../../emulator/server/context';
import { answerAction, checkSyncs } from '../../../emulator/fakes/integration-calls';
import { loadFixtures } from '../../../emulator/fixtures/fixtures';
import { copyExample, editJson, repo, startTestServer, type TestServer } from './helpers';

const CLIENT_SECRET = 'gh-client-secret-0123456789abcdef';
const WEBHOOK_SECRET = 'gh-webhook-secret-fedcba9876543210';
const PRIVATE_KEY = '-----BEGIN RSA PRIVATE KEY-----\nMIIEfakefakefake\n-----END RSA PRIVATE KEY-----\n';

function prepare(root: string): void {
    editJson<{ integrations: Record<string, Record<string, unknown>>; connections: unknown[] }>(path.join(root, '.nango-emulator/fixtures.json'), (f) => {
        Object.assign(f.integrations['github']!, {
            clientId: 'Iv1.0123456789abcdef',
            clientSecret: CLIENT_SECRET,
            scopes: ['repo', 'admin:repo_hook'],
            webhookSecret: WEBHOOK_SECRET,
            actions: {
                'create-issue': { output: { id: 42, url: 'https://github.com/octo-org/demo/issues/42' } },
                'close-issue': { error: { payload: { message: 'issue is locked' } } },
                'list-hooks': { error: { status: 404, payload: { message: 'Not Found' } } }
            },
            syncs: ['issues', 'pull-requests::beta']
        });
        f.integrations['github-app'] = {
            provider: 'github-app',
            appId: '123456',
            privateKey: PRIVATE_KEY,
            appLink: 'https://github.com/apps/octo-app',
            accounts: { org: { credentials: { type: 'APP', access_token: 'ghs_fake_installation_token_0001' } } }
        };
        f.integrations['calcom'] = { provider: 'cal-com-v1', accounts: { team: { credentials: { type: 'API_KEY', apiKey: 'cal_live_flows_0123456789' } } } };
    });
}

const action = (s: TestServer, body: unknown, connectionId = 'gh-admin', integration = 'github') =>
    s.call('POST', '/action/trigger', { body, headers: { 'connection-id': connectionId, 'provider-config-key': integration } });

type ErrorBody = { error: { code: string; message?: string; payload?: unknown; upstream?: unknown; errors?: unknown } };

describe("emulator server: the integration's app, actions and syncs", function () {
    this.timeout(60_000);
    let s: TestServer;

    before(async () => {
        const root = copyExample('nango-emu-flows-');
        prepare(root);
        s = await startTestServer(root);
    });
    after(async () => s?.stop());
    beforeEach(async () => {
        const r = await s.call('POST', '/_emulator/reset', { body: {}, auth: false });
        assert.equal(r.status, 200, r.text);
    });

    describe('GET /integrations/:key', () => {
        it('include=credentials answers the OAuth app with the keys of integrationCredentialsToPublicApi (packages/server/lib/formatters/integration.ts, types/lib/integration/api.ts)', async () => {
            const r = await s.call('GET', '/integrations/github?include=credentials');
            assert.equal(r.status, 200, r.text);
            const { data } = r.json as { data: Record<string, unknown> };
            // integrationToPublicApi's keys, in its order: the included ones before forward_webhooks.
            assert.deepEqual(Object.keys(data), [
                'unique_key',
                'provider',
                'display_name',
                'logo',
                'credentials',
                'forward_webhooks',
                'created_at',
                'updated_at'
            ]);
            assert.deepEqual(data['credentials'], {
                type: 'OAUTH2',
                client_id: 'Iv1.0123456789abcdef',
                client_secret: CLIENT_SECRET,
                scopes: 'repo,admin:repo_hook',
                webhook_secret: WEBHOOK_SECRET
            });
        });

        it('without include there is neither credentials nor webhook_url; both includes give both', async () => {
            const plain = (await s.call('GET', '/integrations/github')).json as { data: Record<string, unknown> };
            assert.deepEqual(Object.keys(plain.data), ['unique_key', 'provider', 'display_name', 'logo', 'forward_webhooks', 'created_at', 'updated_at']);
            const both = (await s.call('GET', '/integrations/github?include=webhook&include=credentials')).json as { data: Record<string, unknown> };
            assert.deepEqual(Object.keys(both.data).slice(4, 6), ['webhook_url', 'credentials']);
            assert.equal(JSON.stringify(plain).includes(CLIENT_SECRET), false);
        });

        it('APP integrations answer app_id, private_key, app_link; API-key ones null (packages/server/lib/utils/integrations.ts getIntegrationCredentials)', async () => {
            const app = (await s.call('GET', '/integrations/github-app?include=credentials')).json as { data: { credentials: unknown } };
            assert.deepEqual(app.data.credentials, { type: 'APP', app_id: '123456', private_key: PRIVATE_KEY, app_link: 'https://github.com/apps/octo-app' });
            const apiKey = (await s.call('GET', '/integrations/calcom?include=credentials')).json as { data: { credentials: unknown } };
            assert.equal(apiKey.data.credentials, null);
            // The salesforce fixture gives no app: every field is null, as for an app Nango has no values for.
            const none = (await s.call('GET', '/integrations/salesforce?include=credentials')).json as { data: { credentials: unknown } };
            assert.deepEqual(none.data.credentials, { type: 'OAUTH2', client_id: null, client_secret: null, scopes: null, webhook_secret: null });
        });

        it('refuses what Nango refuses: "webhook,credentials" in one value, and any query on the list (getListIntegrations.ts)', async () => {
            const joined = await s.call('GET', '/integrations/github?include=webhook,credentials');
            assert.equal(joined.status, 400);
            assert.equal((joined.json as ErrorBody).error.code, 'invalid_query_params');
            const list = await s.call('GET', '/integrations?include=credentials');
            assert.equal(list.status, 400);
            const all = (await s.call('GET', '/integrations')).json as { data: Record<string, unknown>[] };
            assert.ok(all.data.every((i) => !('credentials' in i)));
        });

        it("never prints the app's secrets: the access log names only the route", async () => {
            const before = s.logs.length;
            await s.call('GET', '/integrations/github?include=credentials');
            const printed = s.logs.slice(before).join('\n');
            assert.match(printed, /GET \/integrations\/github → 200/);
            assert.equal(printed.includes(CLIENT_SECRET) || printed.includes(WEBHOOK_SECRET), false);
        });
    });

    describe('POST /action/trigger (controllers/action/postTriggerAction.ts, runAction.ts)', () => {
        it("answers the fixture's output and journals the call with its input", async () => {
            const since = ((await s.call('GET', '/_emulator/requests', { auth: false })).json as { last: number }).last;
            const r = await action(s, { action_name: 'create-issue', input: { title: 'Hello' } });
            assert.equal(r.status, 200, r.text);
            assert.deepEqual(r.json, { id: 42, url: 'https://github.com/octo-org/demo/issues/42' });
            const journal = (await s.call('GET', `/_emulator/requests?since=${since}`, { auth: false })).json as { entries: JournalEntry[] };
            const flows = journal.entries.filter((e) => e.kind === 'flow');
            assert.deepEqual(
                flows.map((e) => [e.call, e.integration, e.connectionId, e.names, e.input, e.status]),
                [['triggerAction', 'github', 'gh-admin', ['create-issue'], { title: 'Hello' }, 200]]
            );
        });

        it("an action the fixture does not define is Nango's 404 not_found, naming the fixture field to add", async () => {
            const r = await action(s, { action_name: 'delete-repo', input: {} });
            assert.equal(r.status, 404);
            const { error } = r.json as ErrorBody;
            assert.equal(error.code, 'not_found');
            assert.match(
                error.message!,
                /^Action not found\. .*fixtures\.json: integrations\.github\.actions\.delete-repo: not defined; add \{ "output": … \} to emulate the action's answer/
            );
            assert.match(error.message!, /defined: "create-issue", "close-issue", "list-hooks"/);
        });

        it('a failing action answers as errResFromNangoErr does (shared/lib/utils/error.manager.ts, runner/lib/exec.ts)', async () => {
            const thrown = await action(s, { action_name: 'close-issue', input: { id: 1 } });
            assert.equal(thrown.status, 500);
            assert.deepEqual(thrown.json, {
                error: {
                    message: 'The action script failed with a runtime error',
                    code: 'action_script_runtime_error',
                    payload: { message: 'issue is locked' }
                }
            });
            const http = await action(s, { action_name: 'list-hooks' });
            assert.equal(http.status, 424);
            assert.deepEqual(http.json, {
                error: {
                    payload: { message: 'Not Found' },
                    code: 'script_http_error',
                    upstream: { status: 404, headers: { 'content-type': 'application/json' }, body: { message: 'Not Found' } }
                }
            });
        });

        it('checks the headers, then the connection (400 unknown_connection) as executeAction does (services/action.service.ts)', async () => {
            const noHeaders = await s.call('POST', '/action/trigger', { body: { action_name: 'create-issue' } });
            assert.equal(noHeaders.status, 400);
            assert.equal((noHeaders.json as ErrorBody).error.code, 'invalid_headers');
            const badName = await action(s, { action_name: 'create issue!' });
            assert.equal((badName.json as ErrorBody).error.code, 'invalid_body');
            const unknown = await action(s, { action_name: 'create-issue' }, 'nope');
            assert.equal(unknown.status, 400);
            assert.equal((unknown.json as ErrorBody).error.code, 'unknown_connection');
            // A connection of another integration is not found either (the lookup is by both).
            assert.equal((await action(s, { action_name: 'create-issue' }, 'sf-acme')).status, 400);
        });

        it("@nangohq/node's triggerAction gets the output, and an AxiosError with response.status/data on failure", async function () {
            const client = path.join(repo, 'test/nango-cli/node_modules/@nangohq/node/dist/index.js');
            if (!existsSync(client)) this.skip(); // the nango-cli test peer installs it (npm run test:nango-cli)
            const { Nango } = (await import(pathToFileURL(client).href)) as {
                Nango: new (c: { host: string; secretKey: string }) => { triggerAction(k: string, c: string, a: string, i?: unknown): Promise<unknown> };
            };
            const nango = new Nango({ host: s.url, secretKey: 'sk-any' });
            assert.deepEqual(await nango.triggerAction('github', 'gh-admin', 'create-issue', { title: 'x' }), {
                id: 42,
                url: 'https://github.com/octo-org/demo/issues/42'
            });
            await assert.rejects(
                nango.triggerAction('github', 'gh-admin', 'nope', {}),
                (err: { isAxiosError?: boolean; response?: { status: number; data: ErrorBody } }) => {
                    assert.equal(err.isAxiosError, true);
                    assert.equal(err.response?.status, 404);
                    assert.match(err.response!.data.error.message!, /integrations\.github\.actions\.nope: not defined/);
                    return true;
                }
            );
        });
    });

    describe('POST /sync/trigger and /sync/start (controllers/sync/postTrigger.ts, postSyncStart.ts, shared/lib/services/sync/manager.service.ts)', () => {
        it('a listed sync of a live connection: 200 { success: true }, journaled', async () => {
            const since = ((await s.call('GET', '/_emulator/requests', { auth: false })).json as { last: number }).last;
            const r = await s.call('POST', '/sync/trigger', {
                body: {
                    syncs: ['issues', { name: 'pull-requests', variant: 'beta' }],
                    provider_config_key: 'github',
                    connection_id: 'gh-admin',
                    opts: { reset: true }
                }
            });
            assert.equal(r.status, 200, r.text);
            assert.deepEqual(r.json, { success: true });
            const start = await s.call('POST', '/sync/start', { body: { syncs: ['issues'], provider_config_key: 'github' } });
            assert.equal(start.status, 200, start.text);
            const journal = (await s.call('GET', `/_emulator/requests?since=${since}`, { auth: false })).json as { entries: JournalEntry[] };
            assert.deepEqual(
                journal.entries.filter((e) => e.kind === 'flow').map((e) => [e.call, e.connectionId, e.names, e.status]),
                [
                    ['triggerSync', 'gh-admin', ['issues', 'pull-requests::beta'], 200],
                    ['startSync', undefined, ['issues'], 200]
                ]
            );
        });

        it("an unknown sync is Nango's 400 no_syncs_found, with the fixture field to add", async () => {
            const r = await s.call('POST', '/sync/trigger', { body: { syncs: ['commits'], provider_config_key: 'github', connection_id: 'gh-admin' } });
            assert.equal(r.status, 400);
            const { error } = r.json as ErrorBody;
            assert.equal(error.code, 'no_syncs_found');
            assert.match(error.message!, /^No syncs found given the inputs\. .*fixtures\.json: integrations\.github\.syncs: no sync "commits"; add "commits"/);
            assert.deepEqual(error.payload, {});
            // The base variant of a sync listed only as a variant does not exist either.
            assert.equal(
                (await s.call('POST', '/sync/start', { body: { syncs: ['pull-requests'], provider_config_key: 'github', connection_id: 'gh-admin' } })).status,
                400
            );
        });

        it('validates like Nango: provider_config_key from body or headers, unknown connection 404, opts with sync_mode 400', async () => {
            const missing = await s.call('POST', '/sync/trigger', { body: { syncs: ['issues'] } });
            assert.deepEqual([missing.status, (missing.json as ErrorBody).error.code], [400, 'missing_provider_config_key']);
            const viaHeaders = await s.call('POST', '/sync/trigger', {
                body: { syncs: ['issues'] },
                headers: { 'provider-config-key': 'github', 'connection-id': 'gh-admin' }
            });
            assert.equal(viaHeaders.status, 200, viaHeaders.text);
            const unknown = await s.call('POST', '/sync/trigger', { body: { syncs: ['issues'], provider_config_key: 'github', connection_id: 'nope' } });
            assert.deepEqual([unknown.status, (unknown.json as ErrorBody).error.code], [404, 'unknown_connection']);
            const both = await s.call('POST', '/sync/trigger', {
                body: { syncs: ['issues'], provider_config_key: 'github', opts: { reset: true }, sync_mode: 'incremental' }
            });
            assert.deepEqual(both.json, { error: { code: 'invalid_body', message: 'Cannot use opts with deprecated sync_mode/full_resync parameters' } });
            const bad = await s.call('POST', '/sync/trigger', { body: { syncs: [{ invalid: 'object' }], provider_config_key: 'github' } });
            assert.equal((bad.json as ErrorBody).error.code, 'invalid_body');
            const unknownIntegration = await s.call('POST', '/sync/start', { body: { syncs: ['issues'], provider_config_key: 'gitlab' } });
            assert.deepEqual([unknownIntegration.status, (unknownIntegration.json as ErrorBody).error.code], [400, 'unknown_provider_config']);
        });
    });

    describe("integration-calls.ts (what the worker's SDK shares with the server)", () => {
        it('answers without a server: the same status and body', () => {
            const fixtures = loadFixtures(s.root);
            const github = fixtures.integrations['github'];
            const found = { connectionId: 'gh-admin', found: true };
            assert.deepEqual(answerAction('fixtures.json', 'github', github, 'create-issue', {}, found), {
                ok: true,
                status: 200,
                data: { id: 42, url: 'https://github.com/octo-org/demo/issues/42' }
            });
            assert.equal(answerAction('fixtures.json', 'github', github, 'constructor', {}, found).status, 404);
            assert.deepEqual(checkSyncs('fixtures.json', 'github', github, [], found), { ok: true, status: 200, data: { success: true } });
            assert.equal(checkSyncs('fixtures.json', 'github', github, ['issues'], { liveConnections: 0 }).status, 400);
            assert.equal(checkSyncs('fixtures.json', 'github', github, ['issues', 'commits'], { liveConnections: 1 }).status, 200);
        });

        it('refuses action fixtures without an answer, or with both', () => {
            for (const [actionFixture, message] of [
                [{}, /give the action's answer/],
                [{ output: 1, error: { payload: {} } }, /"output" or "error", not both/],
                [{ error: { type: 'action_script_runtime_error', status: 404 } }, /"status" is the provider's answer/]
            ] as const) {
                const root = copyExample('nango-emu-flows-bad-');
                editJson<{ integrations: Record<string, Record<string, unknown>> }>(path.join(root, '.nango-emulator/fixtures.json'), (f) => {
                    f.integrations['github']!['actions'] = { 'create-issue': actionFixture };
                });
                try {
                    assert.throws(
                        () => loadFixtures(root),
                        (err: Error) => {
                            assert.match(err.message, /integrations\.github\.actions\.create-issue/);
                            assert.match(err.message, message);
                            return true;
                        }
                    );
                } finally {
                    rmSync(root, { recursive: true, force: true });
                }
            }
        });
    });
});
