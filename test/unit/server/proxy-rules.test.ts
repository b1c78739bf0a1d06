// The server's /proxy follows the same proxy rule as the SDK (emulator/fakes/proxy-url.ts, emulator/fakes/retry.ts,
// emulator/fixtures/accounts.ts), as Nango's server has it (NangoHQ/nango at 2f4c0af): the URL of
// packages/shared/lib/services/proxy/utils.ts, the retries of packages/shared/lib/services/proxy/retry.ts
// WITHOUT the runner's 401 rule (packages/server/lib/services/proxy.service.ts gives ProxyRequest no
// onError), and a network failure answered 500 as its axiosErrorResponse does.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { JournalEntry } from '../../../emulator/server/context';
import { NETWORK_ERROR_CODES } from '../../../emulator/fakes/retry';
import { copyExample, editJson, repo, SECRET_KEY, startTestServer, type TestServer } from './helpers';

const CAL_KEY = 'cal key/with+special&chars=1';
const NODE_CLIENT = path.join(repo, 'test/nango-cli/node_modules/@nangohq/node/dist/index.js');

function headers(connectionId: string, integration: string, extra: Record<string, string> = {}): Record<string, string> {
    return { 'connection-id': connectionId, 'provider-config-key': integration, 'base-url-override': '', ...extra };
}

describe("emulator server: /proxy follows Nango's proxy rule", function () {
    this.timeout(60_000);
    let s: TestServer;

    before(async () => {
        const root = copyExample('nango-emu-proxy-rules-');
        editJson<{ integrations: Record<string, unknown>; connections: unknown[] }>(path.join(root, '.nango-emulator/fixtures.json'), (f) => {
            f.integrations['gh2'] = {
                provider: 'github',
                accounts: {
                    acme: { credentials: { type: 'OAUTH2', access_token: 'tok-acme' } },
                    acme2: { credentials: { type: 'OAUTH2', access_token: 'tok-acme-2' } }
                },
                responses: [
                    { method: 'GET', path: '/user', account: 'acme', body: { login: 'acme' } },
                    { method: 'GET', path: '/user', account: 'acme2', body: { login: 'acme2' } },
                    { method: 'GET', path: '/denied', fault: { status: 401 } },
                    ...[...NETWORK_ERROR_CODES, 'ENOTFOUND'].map((code) => ({
                        method: 'GET',
                        path: `/net/${code}`,
                        body: { ok: code },
                        fault: { networkError: code, times: 1 }
                    })),
                    { method: 'GET', path: '/down', body: {}, fault: { networkError: 'ECONNREFUSED' } }
                ]
            };
            f.integrations['cal'] = {
                provider: 'cal-com-v1',
                accounts: { other: { credentials: { type: 'API_KEY', apiKey: 'cal-other-key' } }, team: { credentials: { type: 'API_KEY', apiKey: CAL_KEY } } },
                responses: [{ method: 'GET', path: '/me', account: 'team', body: { id: 7 } }]
            };
            f.connections.push(
                { id: 'gh2-1', integration: 'gh2', account: 'acme' },
                { id: 'gh2-2', integration: 'gh2', account: 'acme2' },
                { id: 'cal-1', integration: 'cal', account: 'team' }
            );
        });
        s = await startTestServer(root);
    });
    after(async () => s?.stop());
    beforeEach(async () => {
        assert.equal((await s.call('POST', '/_emulator/reset', { body: {}, auth: false })).status, 200);
    });

    const journal = async (): Promise<Extract<JournalEntry, { kind: 'proxy' }>[]> =>
        ((await s.call('GET', '/_emulator/requests', { auth: false })).json as { entries: JournalEntry[] }).entries.filter(
            (e): e is Extract<JournalEntry, { kind: 'proxy' }> => e.kind === 'proxy'
        );

    it('retries a 401 as many times as Retries says: no runner 401 rule (proxy.service.ts)', async () => {
        const r = await s.call('GET', '/proxy/denied', { headers: headers('gh2-1', 'gh2', { retries: '3' }) });
        assert.equal(r.status, 401);
        assert.deepEqual(
            (await journal()).map((e) => e.status),
            [401, 401, 401, 401]
        );
        const retried = s.logs.filter((l) => l.startsWith('proxy Retrying HTTP call (reason: provider_error_code_401)'));
        assert.equal(retried.length, 3);
        assert.match(
            retried[0]!,
            /Waiting for 100ms \[1\/3\] \(GET https:\/\/api\.github\.com\/denied: 401; Nango waits 3000ms here, the emulator shortens its backoff\)$/
        );
        assert.equal(
            s.logs.some((l) => l.includes('invalid_credentials')),
            false
        );
    });

    it('retries each of the 7 network error codes (utils/lib/retry.ts); ENOTFOUND is not retried and answers 500 as Nango does', async () => {
        for (const code of NETWORK_ERROR_CODES) {
            const r = await s.call('GET', `/proxy/net/${code}`, { headers: headers('gh2-1', 'gh2', { retries: '1' }) });
            assert.equal(r.status, 200, `${code}: ${r.text}`);
            assert.deepEqual(r.json, { ok: code });
        }
        const notFound = await s.call('GET', '/proxy/net/ENOTFOUND', { headers: headers('gh2-1', 'gh2', { retries: '2' }) });
        assert.equal(notFound.status, 500);
        assert.deepEqual(notFound.json, { message: 'getaddrinfo ENOTFOUND api.github.com', code: 'ENOTFOUND', method: 'get' });
        const entries = await journal();
        assert.deepEqual(
            entries.map((e) => `${new URL(e.url).pathname} ${e.status}`),
            [...NETWORK_ERROR_CODES.flatMap((c) => [`/net/${c} null`, `/net/${c} 200`]), '/net/ENOTFOUND null']
        );
        assert.equal(entries.at(-1)!.error, 'getaddrinfo ENOTFOUND api.github.com (ENOTFOUND, fixture fault)');
        assert.ok(
            s.logs.some((l) =>
                /^proxy Skipping retry HTTP call \(reason: not_retryable\) \[1\/2\] \(GET https:\/\/api\.github\.com\/net\/ENOTFOUND: getaddrinfo ENOTFOUND/.test(
                    l
                )
            )
        );
    });

    it("the real @nangohq/node client surfaces a network failure as an AxiosError with status 500 and Nango's body", async function () {
        if (!existsSync(NODE_CLIENT)) this.skip();
        const { Nango } = (await import(NODE_CLIENT)) as { Nango: new (c: { secretKey: string; host: string }) => { proxy(c: object): Promise<unknown> } };
        const nango = new Nango({ secretKey: SECRET_KEY, host: s.url });
        const err = await nango.proxy({ endpoint: '/down', connectionId: 'gh2-1', providerConfigKey: 'gh2', retries: 1 }).then(
            () => assert.fail('expected the call to fail'),
            (e: { name: string; response?: { status: number; data: unknown } }) => e
        );
        assert.equal(err.name, 'AxiosError');
        assert.equal(err.response?.status, 500);
        assert.deepEqual(err.response?.data, { message: `connect ECONNREFUSED api.github.com:443`, code: 'ECONNREFUSED', method: 'get' });
        assert.deepEqual(
            (await journal()).map((e) => e.status),
            [null, null]
        );
    });

    it('joins an absolute endpoint to the base URL (utils.ts buildProxyURL), strips the base URL itself, and says why nothing matched', async () => {
        const evil = await s.call('GET', '/proxy/https://evil.example/x', { headers: headers('gh2-1', 'gh2') });
        assert.equal(evil.status, 501);
        const { message } = (evil.json as { error: { message: string } }).error;
        assert.match(
            message,
            /^No fixture matches GET https:\/\/api\.github\.com\/https:\/\/evil\.example\/x\. The endpoint was an absolute URL \(https:\/\/evil\.example…\): Nango's proxy joins it to the provider's base URL/
        );
        assert.match(message, /pass baseUrlOverride \(the Base-Url-Override header of \/proxy\)/);

        const own = await s.call('GET', '/proxy/https://api.github.com/user', { headers: headers('gh2-2', 'gh2') });
        assert.equal(own.status, 200, own.text);
        assert.deepEqual(own.json, { login: 'acme2' });
        // With Base-Url-Override, only a prefix ending at a boundary is the base URL.
        const prefix = await s.call('GET', '/proxy/https://api.github.com.evil.com/user', {
            headers: headers('gh2-2', 'gh2', { 'base-url-override': 'https://api.github.com' })
        });
        assert.equal(prefix.status, 501);
        assert.equal((await journal()).map((e) => e.url)[2], 'https://api.github.com/https://api.github.com.evil.com/user');
    });

    it('attributes requests by the exact credentials placed: tok-acme-2 is not tok-acme; a URL-encoded API key is recognised', async () => {
        const two = await s.call('GET', '/proxy/user', { headers: headers('gh2-2', 'gh2') });
        assert.deepEqual(two.json, { login: 'acme2' });
        const one = await s.call('GET', '/proxy/user', { headers: headers('gh2-1', 'gh2') });
        assert.deepEqual(one.json, { login: 'acme' });
        const cal = await s.call('GET', '/proxy/me', { headers: headers('cal-1', 'cal') });
        assert.equal(cal.status, 200, cal.text);
        assert.deepEqual(cal.json, { id: 7 });
        assert.deepEqual(
            (await journal()).map((e) => e.account),
            ['acme2', 'acme', 'team']
        );
    });
});
