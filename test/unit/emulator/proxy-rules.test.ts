// One proxy rule for the emulator's SDK and its server (emulator/fakes/proxy-url.ts, emulator/fakes/retry.ts,
// emulator/fixtures/accounts.ts), as Nango's source has it (NangoHQ/nango at 2f4c0af). These tests go through the
// SDK of a real emulator run; test/unit/server/proxy-rules.test.ts checks the server's /proxy.
import assert from 'node:assert/strict';
import { accountInfos } from '../../../emulator/fixtures/accounts';
import { parseFixtures } from '../../../emulator/fixtures/fixtures';
import { providerInfo } from '../../../emulator/providers';
import { buildProxyUrl, ProxyError } from '../../../emulator/fakes/proxy-url';
import { NETWORK_ERROR_CODES, proxyRetryStep } from '../../../emulator/fakes/retry';
import { accountOfRequest } from '../../../emulator/worker/provider-fakes';
import { messages, notes, runBody, salesforceFixtures } from '../scenarios/helpers';

const sf = (responses: object[]): object => salesforceFixtures({ responses });

/** Two GitHub accounts whose tokens share a prefix, and a Cal.com account whose API key needs URL encoding. */
const CAL_KEY = 'cal key/with+special&chars=1';
function twoAccounts(responses: { github?: object[]; calcom?: object[] } = {}): object {
    return {
        integrations: {
            github: {
                provider: 'github',
                accounts: {
                    acme: { credentials: { type: 'OAUTH2', access_token: 'tok-acme' } },
                    acme2: { credentials: { type: 'OAUTH2', access_token: 'tok-acme-2' } }
                },
                responses: responses.github ?? []
            },
            calcom: {
                provider: 'cal-com-v1',
                accounts: { other: { credentials: { type: 'API_KEY', apiKey: 'cal-other-key' } }, team: { credentials: { type: 'API_KEY', apiKey: CAL_KEY } } },
                responses: responses.calcom ?? []
            }
        },
        connections: [
            { id: 'gh-1', integration: 'github', account: 'acme' },
            { id: 'gh-2', integration: 'github', account: 'acme2' },
            { id: 'cal-1', integration: 'calcom', account: 'team' }
        ]
    };
}

describe('proxy URLs as Nango builds them (packages/shared/lib/services/proxy/utils.ts)', function () {
    this.timeout(30_000);
    const github = { baseUrl: 'https://api.github.com', baseUrlTemplate: 'https://api.github.com' };

    it('an absolute URL as endpoint is joined to the base URL like any endpoint (buildProxyURL)', () => {
        assert.equal(buildProxyUrl({ ...github, endpoint: 'https://evil.example/x' }), 'https://api.github.com/https://evil.example/x');
        assert.equal(buildProxyUrl({ ...github, endpoint: '/user' }), 'https://api.github.com/user');
    });

    it("an endpoint holding the base URL loses it (getProxyConfiguration), an override's only at a real boundary (buildProxyURL)", () => {
        assert.equal(buildProxyUrl({ ...github, endpoint: 'https://api.github.com/user?x=1' }), 'https://api.github.com/user?x=1');
        const override = { baseUrl: 'https://api.github.com', baseUrlTemplate: 'https://api.github.com', baseUrlOverride: 'https://api.example.com' };
        assert.equal(buildProxyUrl({ ...override, endpoint: 'https://api.example.com/v1/x' }), 'https://api.example.com/v1/x');
        assert.equal(buildProxyUrl({ ...override, endpoint: 'https://api.example.com' }), 'https://api.example.com/');
        // Not at a boundary: a host that only shares the prefix is not stripped; the call stays on the base host.
        assert.equal(
            buildProxyUrl({ ...override, endpoint: 'https://api.example.com.evil.com/x' }),
            'https://api.example.com/https://api.example.com.evil.com/x'
        );
        // Without an override, getProxyConfiguration's plain replace cuts the catalogue base out first.
        assert.equal(
            buildProxyUrl({ baseUrl: 'https://api.example.com', baseUrlTemplate: 'https://api.example.com', endpoint: 'https://api.example.com.evil.com/x' }),
            'https://api.example.com/.evil.com/x'
        );
        // A base URL with placeholders is compared as written (unresolved): nothing is stripped.
        const salesforce = { baseUrl: 'https://acme.my.salesforce.com', baseUrlTemplate: '${connectionConfig.instance_url}' };
        assert.equal(
            buildProxyUrl({ ...salesforce, endpoint: 'https://acme.my.salesforce.com/x' }),
            'https://acme.my.salesforce.com/https://acme.my.salesforce.com/x'
        );
    });

    it('params: a string with an endpoint that has a query is refused (ProxyError invalid_query_params); objects set; query auth is set last', () => {
        assert.throws(
            () => buildProxyUrl({ ...github, endpoint: '/search?q=a', params: 'page=2' }),
            (err: unknown) =>
                err instanceof ProxyError && err.code === 'invalid_query_params' && err.message === 'Can not set query params in endpoint and in params'
        );
        assert.equal(buildProxyUrl({ ...github, endpoint: '/search', params: 'q=a&page=2' }), 'https://api.github.com/search?q=a&page=2');
        assert.equal(buildProxyUrl({ ...github, endpoint: '/search', params: '?q=a' }), 'https://api.github.com/search?q=a');
        assert.equal(buildProxyUrl({ ...github, endpoint: '/search?q=a', params: { page: 2, q: 'b' } }), 'https://api.github.com/search?q=b&page=2');
        assert.equal(buildProxyUrl({ ...github, endpoint: '/x?apiKey=mine&a=1', authQuery: { apiKey: 'k 1' } }), 'https://api.github.com/x?apiKey=k+1&a=1');
    });

    it("in a run: the absolute endpoint is called on the provider's host, and the unmatched error says why and what to do", async () => {
        const r = await runBody(`await nango.get({ endpoint: 'https://hooks.example.com/x' });`, {
            fixtures: sf([{ method: 'GET', path: 'https://hooks.example.com/x', body: {} }])
        });
        assert.equal(r.ok, false);
        assert.equal(r.requests[0]!.url, 'https://acme.my.salesforce.com/https://hooks.example.com/x');
        assert.match(
            r.error!.message,
            /No fixture matches GET https:\/\/acme\.my\.salesforce\.com\/https:\/\/hooks\.example\.com\/x\. The endpoint was an absolute URL \(https:\/\/hooks\.example\.com…\): Nango's proxy joins it to the provider's base URL/
        );
        assert.match(r.error!.message, /pass baseUrlOverride \(the Base-Url-Override header of \/proxy\) with a relative endpoint/);
    });

    it("in a run: params as a string with a query in the endpoint fails the call as Nango's does", async () => {
        const r = await runBody(`try { await nango.get({ endpoint: '/x?a=1', params: 'b=2' }); } catch (e: any) { await nango.log(e.code, e.message); }`, {
            fixtures: sf([])
        });
        assert.deepEqual(messages(r), ['invalid_query_params Can not set query params in endpoint and in params']);
        assert.equal(r.requests.length, 0);
    });
});

describe("retries as Nango's runner does them (packages/shared/lib/services/proxy/retry.ts, packages/runner/lib/sdk/sdk.ts)", function () {
    this.timeout(30_000);

    it('a 401 is retried once, then the call stops with invalid_credentials (the credentials did not change)', async () => {
        const r = await runBody(
            `try { await nango.get({ endpoint: '/denied', retries: 3 }); } catch (e: any) { await nango.log('gave up', e.response.status); }`,
            {
                fixtures: sf([{ method: 'GET', path: '/denied', fault: { status: 401 } }])
            }
        );
        assert.deepEqual(messages(r), ['gave up 401']);
        assert.deepEqual(
            r.requests.map((q) => q.status),
            [401, 401]
        );
        const n = notes(r);
        assert.match(n[0]!, /^Retrying HTTP call \(reason: status_code_401\)\. Waiting for 100ms \[1\/3\]/);
        assert.match(
            n[1]!,
            /^Skipping retry HTTP call \(reason: invalid_credentials\) \[2\/3\] \(GET https:\/\/acme\.my\.salesforce\.com\/denied: 401\. .*never change during an emulated run\)$/
        );
    });

    it("GitHub's catalogue lists 401 too (provider_error_code_401): the same single retry", async () => {
        const r = await runBody(
            `try { await nango.get({ endpoint: '/user', retries: 2 }); } catch (e: any) { await nango.log('gave up', e.response.status); }`,
            {
                fixtures: twoAccounts({ github: [{ method: 'GET', path: '/user', fault: { status: 401 } }] }),
                integration: 'github',
                connection: 'gh-1'
            }
        );
        assert.deepEqual(messages(r), ['gave up 401']);
        assert.equal(r.requests.length, 2);
        assert.match(notes(r)[1]!, /reason: invalid_credentials/);
    });

    it("each of Nango's 7 network error codes is retried (packages/utils/lib/retry.ts, networkError); ENOTFOUND is not", async () => {
        const codes = [...NETWORK_ERROR_CODES, 'ENOTFOUND'];
        const r = await runBody(
            `for (const code of ${JSON.stringify(codes)}) {
                try { const res = await nango.get({ endpoint: '/net/' + code, retries: 1 }); await nango.log(code, 'ok', res.status); }
                catch (e: any) { await nango.log(code, 'failed', e.name, e.code, e.response === undefined, e.message); }
             }`,
            { fixtures: sf(codes.map((code) => ({ method: 'GET', path: `/net/${code}`, body: { ok: true }, fault: { networkError: code, times: 1 } }))) }
        );
        assert.deepEqual(messages(r), [
            ...NETWORK_ERROR_CODES.map((c) => `${c} ok 200`),
            'ENOTFOUND failed AxiosError ENOTFOUND true getaddrinfo ENOTFOUND acme.my.salesforce.com'
        ]);
        assert.deepEqual(
            r.requests.map((q) => `${new URL(q.url).pathname} ${q.status}`),
            [...NETWORK_ERROR_CODES.flatMap((c) => [`/net/${c} null`, `/net/${c} 200`]), '/net/ENOTFOUND null']
        );
        const n = notes(r);
        assert.equal(n.filter((l) => l.startsWith('Retrying HTTP call (reason: network_error)')).length, 7);
        assert.match(n.at(-1)!, /^Skipping retry HTTP call \(reason: not_retryable\) \[1\/1\] \(GET \S+\/net\/ENOTFOUND: getaddrinfo ENOTFOUND/);
    });

    it("the step rule: the runner stops a 401 after one retry, the server's /proxy does not", () => {
        const failure = { status: 401 };
        const step = (attempt: number, runnerSdk: boolean) => proxyRetryStep({ attempt, max: 5, failure, runnerSdk, context: 'GET x: 401' });
        assert.deepEqual([step(0, true).retry, step(1, true).retry, step(1, true).reason], [true, false, 'invalid_credentials']);
        assert.deepEqual(
            [1, 2, 3, 4].map((a) => step(a, false).retry),
            [true, true, true, true]
        );
        assert.equal(step(5, false).retry, false);
        assert.equal(step(5, false).message, undefined);
    });
});

describe('which account a request carries (accountOfRequest, emulator/fixtures/accounts.ts)', function () {
    this.timeout(30_000);

    it('tok-acme-2 is not tok-acme: a response restricted to one account answers only that account', async () => {
        const fixtures = twoAccounts({
            github: [
                { method: 'GET', path: '/user', account: 'acme', body: { login: 'acme' } },
                { method: 'GET', path: '/user', account: 'acme2', body: { login: 'acme2' } }
            ]
        });
        const r = await runBody(`const res = await nango.get({ endpoint: '/user' }); await nango.log(res.data.login);`, {
            fixtures,
            integration: 'github',
            connection: 'gh-2'
        });
        assert.deepEqual(messages(r), ['acme2']);
        assert.equal(r.requests[0]!.account, 'acme2');
        const one = await runBody(`const res = await nango.get({ endpoint: '/user' }); await nango.log(res.data.login);`, {
            fixtures,
            integration: 'github',
            connection: 'gh-1'
        });
        assert.deepEqual(messages(one), ['acme']);
    });

    it('an API key that the query carries URL-encoded is attributed', async () => {
        const fixtures = twoAccounts({ calcom: [{ method: 'GET', path: '/me', account: 'team', body: { id: 7 } }] });
        const r = await runBody(`const res = await nango.get({ endpoint: '/me' }); await nango.log(res.data.id);`, {
            fixtures,
            integration: 'calcom',
            connection: 'cal-1'
        });
        assert.deepEqual(messages(r), ['7']);
        assert.equal(r.requests[0]!.account, 'team');
    });

    it("accountInfos places each account's credentials; a request matches on exact values", () => {
        const fixtures = parseFixtures(JSON.stringify(twoAccounts()), '/p/fixtures.json');
        const gh = accountInfos('github', fixtures.integrations['github']!, '/p/fixtures.json', providerInfo('github'));
        assert.deepEqual(
            gh.map((a) => a.auth),
            [
                { headers: { authorization: 'Bearer tok-acme' }, query: {} },
                { headers: { authorization: 'Bearer tok-acme-2' }, query: {} }
            ]
        );
        const req = (url: string, token?: string) => new Request(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
        assert.equal(accountOfRequest(req('https://api.github.com/user', 'tok-acme-2'), gh)?.id, 'acme2');
        assert.equal(accountOfRequest(req('https://api.github.com/user', 'tok-acme'), gh)?.id, 'acme');
        assert.equal(accountOfRequest(req('https://api.github.com/user', 'tok-acme-3'), gh), undefined);
        const cal = accountInfos('calcom', fixtures.integrations['calcom']!, '/p/fixtures.json', providerInfo('cal-com-v1'));
        assert.deepEqual(cal[1]!.auth, { headers: {}, query: { apiKey: CAL_KEY } });
        assert.equal(accountOfRequest(req(`https://api.cal.com/v1/me?apiKey=${encodeURIComponent(CAL_KEY)}`), cal)?.id, 'team');
        assert.equal(accountOfRequest(req(`https://api.cal.com/v1/me?apiKey=cal-other-key-2`), cal), undefined);
    });
});
