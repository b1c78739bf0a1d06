// Credentials of every auth mode: accepted in fixtures, checked against the provider's auth mode, placed
// on provider requests as Nango's proxy places them (NangoHQ/nango packages/shared/lib/services/proxy/
// utils.ts buildProxyHeaders / buildProxyURL, shared/lib/utils/utils.ts interpolateIfNeeded), returned by
// getToken (@nangohq/node getToken) and the lifecycle rules that depend on the auth mode.
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { metadataOnUpsert, runsValidateConnection } from '../../../emulator/core/auth-modes';
import {
    CREDENTIAL_TYPES,
    CREDENTIAL_TYPES_BY_AUTH_MODE,
    CredentialsSchema,
    publicCredentials,
    tokenOf,
    type Credentials
} from '../../../emulator/fixtures/credentials';
import { EmulatorError } from '../../../emulator/core/errors';
import { parseFixtures } from '../../../emulator/fixtures/fixtures';
import { authFor, providerInfo, providersCatalogue, type InterpolationContext, type ProviderInfo } from '../../../emulator/providers';

const FILE = '/p/.nango-emulator/fixtures.json';

/** One fixture account per auth mode, on a real catalogue provider of that mode. */
const ACCOUNTS: Record<string, { provider: string; credentials?: object; connectionConfig?: Record<string, unknown> }> = {
    OAUTH2: {
        provider: 'github',
        credentials: { type: 'OAUTH2', access_token: 'gho_oauth2-token', refresh_token: 'r-1', raw: { refresh_token: 'r-1', scope: 'repo' } }
    },
    OAUTH2_CC: { provider: 'shopify-cc', credentials: { type: 'OAUTH2_CC', token: 'shpat-cc-token' }, connectionConfig: { subdomain: 'acme' } },
    API_KEY: { provider: 'sendgrid', credentials: { type: 'API_KEY', apiKey: 'SG.key-123' } },
    BASIC: { provider: 'twilio', credentials: { type: 'BASIC', username: 'AC123', password: 'twilio-pass' } },
    APP: { provider: 'github-app', credentials: { type: 'APP', access_token: 'ghs_app-token' } },
    CUSTOM: {
        provider: 'github-app-oauth',
        credentials: { type: 'CUSTOM', app: { access_token: 'ghs_custom-app' }, user: { access_token: 'gho_custom-user', refresh_token: 'r-2' } }
    },
    OAUTH1: { provider: 'trello', credentials: { type: 'OAUTH1', oauth_token: 'trello-token', oauth_token_secret: 'trello-token-secret' } },
    TBA: {
        provider: 'netsuite-tba',
        credentials: { type: 'TBA', token_id: 'tba-token-id', token_secret: 'tba-token-secret' },
        connectionConfig: { accountId: 'tstdrv-231585', oauth_client_id: 'ns-consumer', oauth_client_secret: 'ns-consumer-secret' }
    },
    JWT: { provider: 'heymarket', credentials: { type: 'JWT', token: 'eyJ.jwt.sig', privateKey: 'k' } },
    TWO_STEP: { provider: '3cx', credentials: { type: 'TWO_STEP', token: 'two-step-token' }, connectionConfig: { domain: 'pbx.example.com' } },
    SIGNATURE: { provider: 'emarsys', credentials: { type: 'SIGNATURE', token: 'UsernameToken Username="u"', username: 'u', password: 'p' } },
    BILL: { provider: 'bill', credentials: { type: 'BILL', session_id: 'bill-session', dev_key: 'bill-dev-key' } },
    AWS_SIGV4: {
        provider: 'aws-sigv4',
        credentials: {
            type: 'AWS_SIGV4',
            access_key_id: 'ASIAEXAMPLE',
            secret_access_key: 'aws-secret',
            session_token: 'aws-session',
            region: 'us-east-1',
            service: 's3'
        },
        connectionConfig: { region: 'us-east-1', service: 's3' }
    },
    NONE: { provider: 'youcanbook-me-public' },
    MCP_OAUTH2: { provider: 'airtable-mcp', credentials: { type: 'OAUTH2', access_token: 'mcp-token' } },
    INSTALL_PLUGIN: { provider: 'crisp-plugin-install', credentials: { type: 'BASIC', username: 'crisp-id', password: 'crisp-key' } }
};

function fixturesOf(accounts: typeof ACCOUNTS): object {
    const integrations: Record<string, object> = {};
    for (const [mode, a] of Object.entries(accounts)) {
        integrations[mode.toLowerCase().replace(/_/g, '-')] = {
            provider: a.provider,
            accounts: { main: { ...(a.credentials ? { credentials: a.credentials } : {}), connectionConfig: a.connectionConfig ?? {} } }
        };
    }
    return { integrations };
}

function credentials(value: object): Credentials {
    return CredentialsSchema.parse(value);
}

function auth(mode: string, extra: Partial<InterpolationContext> = {}): { headers: Record<string, string>; query: Record<string, string> } {
    const a = ACCOUNTS[mode]!;
    return authFor(providerInfo(a.provider), {
        connectionConfig: a.connectionConfig ?? {},
        credentials: credentials(a.credentials ?? { type: 'NONE' }),
        ...extra
    });
}

function rejects(value: unknown, pattern: RegExp): void {
    assert.throws(
        () => parseFixtures(JSON.stringify(value), FILE),
        (err: unknown) => {
            assert.ok(err instanceof EmulatorError);
            assert.equal(err.code, 'fixtures_invalid');
            assert.match(err.message, pattern);
            return true;
        }
    );
}

describe('credentials of every auth mode', () => {
    it('the accounts cover every auth mode of the catalogue, and each mode maps to known credential types', () => {
        const modes = new Set(
            Object.values(providersCatalogue())
                .map((p) => p.auth_mode)
                .filter((m): m is string => !!m)
        );
        for (const mode of modes) {
            assert.ok(CREDENTIAL_TYPES_BY_AUTH_MODE[mode], `auth mode ${mode} has no credential types`);
            for (const t of CREDENTIAL_TYPES_BY_AUTH_MODE[mode]!.types) assert.ok(CREDENTIAL_TYPES.includes(t));
        }
        for (const mode of modes) if (mode !== 'MCP_OAUTH2_GENERIC') assert.ok(ACCOUNTS[mode], `no test account for ${mode}`);
        for (const [mode, a] of Object.entries(ACCOUNTS)) assert.equal(providerInfo(a.provider)?.auth_mode, mode, a.provider);
    });

    it('a fixture account of each auth mode is accepted on a provider of that mode', () => {
        const f = parseFixtures(JSON.stringify(fixturesOf(ACCOUNTS)), FILE);
        assert.equal(f.integrations['none']!.accounts['main']!.credentials.type, 'NONE', 'omitted credentials are none');
        assert.equal(f.integrations['basic']!.accounts['main']!.credentials.type, 'BASIC');
        const custom = f.integrations['custom']!.accounts['main']!.credentials;
        assert.ok(custom.type === 'CUSTOM' && custom.app.type === 'APP' && custom.user?.type === 'OAUTH2');
    });

    it('OAUTH2 credentials on a BASIC provider (twilio) fail with the file, the field, what the provider expects and the fix', () => {
        rejects(
            fixturesOf({ BASIC: { provider: 'twilio', credentials: { type: 'OAUTH2', access_token: 't' } } }),
            /^\/p\/\.nango-emulator\/fixtures\.json: integrations\.basic\.accounts\.main\.credentials\.type: provider "twilio" uses auth mode BASIC in Nango's catalogue, so its connections hold BASIC credentials \(auth\/postBasic\.ts\), not OAUTH2 credentials\. Write \{ "type": "BASIC", "username": "…", "password": "…" \}/
        );
        rejects(
            fixturesOf({ BASIC: { provider: 'twilio', credentials: { type: 'OAUTH2', access_token: 't' } } }),
            /\nFix these fields in \/p\/\.nango-emulator\/fixtures\.json/
        );
    });

    it('omitted credentials on an authenticated provider, and APP credentials on an OAUTH2 provider, are refused', () => {
        rejects(
            fixturesOf({ OAUTH2: { provider: 'github' } }),
            /integrations\.oauth2\.accounts\.main\.credentials\.type: provider "github" uses auth mode OAUTH2 .* not no credentials \(type NONE\)/
        );
        rejects(
            fixturesOf({ OAUTH2: { provider: 'github', credentials: { type: 'APP', access_token: 'x' } } }),
            /credentials\.type: .*hold OAUTH2 credentials/
        );
    });

    it('a provider the catalogue does not know (with a baseUrl) is not checked', () => {
        const f = parseFixtures(
            JSON.stringify({
                integrations: {
                    acme: { provider: 'acme-internal', baseUrl: 'https://api.acme.test', accounts: { a: { credentials: { type: 'JWT', token: 'j' } } } }
                }
            }),
            FILE
        );
        assert.equal(f.integrations['acme']!.accounts['a']!.credentials.type, 'JWT');
    });

    it('tokens Nango gets from the provider fail with where to put them, not silently', () => {
        rejects(
            fixturesOf({ TWO_STEP: { provider: '3cx', credentials: { type: 'TWO_STEP', username: 'u', password: 'p' } } }),
            /credentials\.token: missing: add "token", the token the provider's token request returned \(Nango calls it at connect time; the emulator does not call the provider\)/
        );
        rejects(
            fixturesOf({ JWT: { provider: 'heymarket', credentials: { type: 'JWT', privateKey: 'k' } } }),
            /credentials\.token: missing: add "token", the signed JWT/
        );
        rejects(
            fixturesOf({ BILL: { provider: 'bill', credentials: { type: 'BILL', username: 'u', password: 'p', dev_key: 'd' } } }),
            /credentials\.session_id: missing: add "session_id", the session Nango gets by logging in to Bill/
        );
        rejects(
            fixturesOf({ OAUTH1: { provider: 'trello', credentials: { type: 'OAUTH1', oauth_token: 't', oauth_secret: 's' } } }),
            /credentials: Unrecognized key: "oauth_secret"/
        );
    });
});

describe("auth placed on provider requests, as Nango's proxy places it (proxy/utils.ts buildProxyHeaders)", () => {
    const basic = (s: string): string => `Basic ${Buffer.from(s).toString('base64')}`;

    it('Bearer for OAUTH2, APP, OAUTH2_CC (default), JWT and SIGNATURE; provider templates add or replace headers', () => {
        assert.equal(auth('OAUTH2').headers['authorization'], 'Bearer gho_oauth2-token');
        assert.equal(auth('MCP_OAUTH2').headers['authorization'], 'Bearer mcp-token');
        assert.equal(auth('APP').headers['authorization'], 'Bearer ghs_app-token');
        assert.deepEqual(auth('OAUTH2_CC').headers, { authorization: 'Bearer shpat-cc-token', 'x-shopify-access-token': 'shpat-cc-token' });
        assert.deepEqual(auth('JWT').headers, { authorization: 'Bearer eyJ.jwt.sig', accept: 'application/json' });
        assert.deepEqual(auth('SIGNATURE').headers, {
            authorization: 'Bearer UsernameToken Username="u"',
            'content-type': 'application/json',
            'x-wsse': 'UsernameToken Username="u"'
        });
    });

    it('BASIC: Basic base64(username:password); ${base64(…)} templates; credentials in the query (konnektive)', () => {
        assert.equal(auth('BASIC').headers['authorization'], basic('AC123:twilio-pass'));
        assert.equal(auth('INSTALL_PLUGIN').headers['authorization'], basic('crisp-id:crisp-key'));
        const creds = credentials({ type: 'BASIC', username: 'me@acme.test', password: 'zd-token' });
        assert.equal(
            authFor(providerInfo('zendesk-api-key'), { connectionConfig: { subdomain: 'acme' }, credentials: creds }).headers['authorization'],
            basic('me@acme.test/token:zd-token')
        );
        assert.deepEqual(authFor(providerInfo('konnektive'), { connectionConfig: {}, credentials: creds }).query, {
            loginId: 'me@acme.test',
            password: 'zd-token'
        });
        assert.equal(
            authFor(providerInfo('twilio'), { connectionConfig: {}, credentials: credentials({ type: 'BASIC', username: 'only' }) }).headers['authorization'],
            basic('only:')
        );
    });

    it('API_KEY: only where the catalogue places it (no default header); ${apiKey} and ${base64(${apiKey}:)}', () => {
        assert.deepEqual(auth('API_KEY').headers, { authorization: 'Bearer SG.key-123' });
        const key = credentials({ type: 'API_KEY', apiKey: 'pleo-key' });
        assert.equal(
            authFor(providerInfo('pleo-api-key'), { connectionConfig: { apiSubdomain: 'external' }, credentials: key }).headers['authorization'],
            basic('pleo-key:')
        );
        const noHeader: ProviderInfo = { auth_mode: 'API_KEY', proxy: { base_url: 'https://x.test' } };
        assert.deepEqual(authFor(noHeader, { connectionConfig: {}, credentials: key }).headers, {});
    });

    it("CUSTOM, BILL and NONE: Nango's proxy adds no auth", () => {
        assert.deepEqual(auth('CUSTOM'), { headers: {}, query: {} });
        assert.deepEqual(auth('BILL'), { headers: {}, query: {} });
        assert.deepEqual(auth('NONE'), { headers: {}, query: {} });
    });

    it('TWO_STEP: Bearer unless a template places ${accessToken} or the session cookie; ${credentials.x}', () => {
        assert.deepEqual(auth('TWO_STEP').headers, { authorization: 'Bearer two-step-token' });
        const cookie = credentials({ type: 'TWO_STEP', token: 't', _cookies: 'B1SESSION=abc' });
        assert.deepEqual(authFor(providerInfo('sap-business-one'), { connectionConfig: { domain: 'sap.acme.test' }, credentials: cookie }).headers, {
            cookie: 'B1SESSION=abc'
        });
        const redtail = credentials({ type: 'TWO_STEP', token: 'user-key', apiKey: 'rt-api-key' });
        assert.deepEqual(authFor(providerInfo('redtail-crm-sandbox'), { connectionConfig: {}, credentials: redtail }).headers, {
            authorization: `Userkeyauth ${Buffer.from('rt-api-key:user-key').toString('base64')}`
        });
    });

    it("OAUTH2 templates get accessToken and the integration's clientId/clientSecret (etsy); a connectionConfig template is dropped until it resolves", () => {
        const token = credentials({ type: 'OAUTH2', access_token: 'etsy-token' });
        const etsy = authFor(providerInfo('etsy'), {
            connectionConfig: {},
            credentials: token,
            integration: { clientId: 'etsy-app', clientSecret: 'etsy-secret' }
        });
        assert.deepEqual(etsy.headers, { authorization: 'Bearer etsy-token', 'x-api-key': 'etsy-app:etsy-secret' });
        const vincere = providerInfo('vincere');
        assert.deepEqual(authFor(vincere, { connectionConfig: { subdomain: 's' }, credentials: token }).headers, { authorization: 'Bearer etsy-token' });
        const raw = credentials({ type: 'OAUTH2', access_token: 'v', raw: { id_token: 'id-from-raw' } });
        assert.equal(authFor(vincere, { connectionConfig: { apiKey: 'vk' }, credentials: raw }).headers['id-token'], 'id-from-raw');
        assert.equal(authFor(vincere, { connectionConfig: { id_token: 'id-from-config' }, credentials: token }).headers['id-token'], 'id-from-config');
        // `${connectionConfig.version} || 2025-05-05`: the default when the connection has none.
        assert.equal(authFor(providerInfo('azure-blob-storage'), { connectionConfig: {}, credentials: token }).headers['x-ms-version'], '2025-05-05');
    });

    it("${hmacSha1Hex(…)} with ${now:…}, ${method}, ${host}, ${path}, ${params} from the request (cisco-duo-admin, as in Nango's proxy/utils.unit.test.ts)", () => {
        const now = new Date('2026-04-21T12:34:56Z');
        const creds = credentials({ type: 'BASIC', username: 'DIABCDEFGHIJKLMNOPQR', password: 'secret' });
        const url = 'https://api-child.duosecurity.com/admin/v1/users?account_id=DA123';
        const a = authFor(providerInfo('cisco-duo-admin'), {
            connectionConfig: { hostname: 'api-child.duosecurity.com' },
            credentials: creds,
            request: { method: 'GET', url, now }
        });
        const date = 'Tue, 21 Apr 2026 12:34:56 +0000';
        const signature = createHmac('sha1', 'secret').update(`${date}\nGET\napi-child.duosecurity.com\n/admin/v1/users\naccount_id=DA123`).digest('hex');
        assert.deepEqual(a.headers, { date, authorization: basic(`DIABCDEFGHIJKLMNOPQR:${signature}`) });
    });

    it("OAUTH1 (trello): an RFC 5849 HMAC-SHA1 signature with the integration's consumer key, over the request", () => {
        const url = 'https://api.trello.com/1/members/me?fields=id&b=2';
        const now = new Date('2026-01-02T03:04:05Z');
        const h = auth('OAUTH1', { integration: { clientId: 'trello-key', clientSecret: 'trello-secret' }, request: { method: 'GET', url, now } }).headers[
            'authorization'
        ]!;
        const params = Object.fromEntries([...h.slice('OAuth '.length).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, decodeURIComponent(m[2]!)]));
        assert.deepEqual(Object.keys(params), [
            'oauth_consumer_key',
            'oauth_nonce',
            'oauth_signature',
            'oauth_signature_method',
            'oauth_timestamp',
            'oauth_token',
            'oauth_version'
        ]);
        assert.equal(params['oauth_consumer_key'], 'trello-key');
        assert.equal(params['oauth_token'], 'trello-token');
        assert.equal(params['oauth_signature_method'], 'HMAC-SHA1');
        assert.equal(params['oauth_timestamp'], String(now.getTime() / 1000));
        // Independently: the signature base string of RFC 5849 section 3.4.1.
        const e = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
        const all: [string, string][] = [...Object.entries(params).filter(([k]) => k !== 'oauth_signature'), ['fields', 'id'], ['b', '2']];
        const paramString = all
            .map(([k, v]) => `${e(k)}=${e(v)}`)
            .sort()
            .join('&');
        const base = `GET&${e('https://api.trello.com/1/members/me')}&${e(paramString)}`;
        assert.equal(params['oauth_signature'], createHmac('sha1', 'trello-secret&trello-token-secret').update(base).digest('base64'));
    });

    it('TBA (netsuite-tba): HMAC-SHA256 OAuth 1.0a with the consumer key from connection_config and the account as realm', () => {
        const h = auth('TBA', {
            request: { method: 'GET', url: 'https://tstdrv-231585.suitetalk.api.netsuite.com/services/rest/record/v1/customer', now: new Date(0) }
        }).headers['authorization']!;
        assert.match(
            h,
            /^OAuth realm="TSTDRV_231585", oauth_consumer_key="ns-consumer", oauth_nonce="[0-9a-f]{32}", oauth_signature="[^"]+", oauth_signature_method="HMAC-SHA256", oauth_timestamp="0", oauth_token="tba-token-id", oauth_version="1\.0"$/
        );
        const override = credentials({ type: 'TBA', token_id: 'i', token_secret: 's', config_override: { client_id: 'per-connection' } });
        assert.match(
            authFor(providerInfo('netsuite-tba'), { connectionConfig: { accountId: '123' }, credentials: override }).headers['authorization']!,
            /oauth_consumer_key="per-connection"/
        );
    });

    it("AWS_SIGV4: the signature of Nango's aws-sigv4.unit.test.ts for the same request", () => {
        const creds = credentials({
            type: 'AWS_SIGV4',
            region: 'us-east-1',
            service: 'execute-api',
            access_key_id: 'AKIDEXAMPLE',
            secret_access_key: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
            session_token: 'session-token'
        });
        const provider: ProviderInfo = { auth_mode: 'AWS_SIGV4', proxy: { headers: { 'content-type': 'application/json' } } };
        const a = authFor(provider, {
            connectionConfig: {},
            credentials: creds,
            request: { method: 'GET', url: 'https://example.amazonaws.com/test/resource?baz=qux&foo=bar&baz=aaa', now: new Date('2025-01-02T03:04:05.000Z') }
        });
        assert.equal(
            a.headers['authorization'],
            'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250102/us-east-1/execute-api/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=3b3a97589b9cd7d1b94293d46a558de6801f06a65442669291c0b6e2126c2550'
        );
        assert.equal(a.headers['x-amz-date'], '20250102T030405Z');
        assert.equal(a.headers['x-amz-security-token'], 'session-token');
        assert.equal(a.headers['x-amz-content-sha256'], createHash('sha256').update('').digest('hex'));
        assert.equal(a.headers['host'], undefined, 'host is left to fetch');
    });

    it('without the request (account matching), auth is deterministic: signatures, ${random} and ${now} are stand-ins', () => {
        for (const mode of ['OAUTH1', 'TBA', 'AWS_SIGV4']) assert.deepEqual(auth(mode), auth(mode), mode);
        assert.match(auth('AWS_SIGV4').headers['authorization']!, /^AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE\/19700101\/us-east-1\/s3\/aws4_request, /);
        const walmart = () =>
            authFor(providerInfo('walmart'), { connectionConfig: {}, credentials: credentials({ type: 'OAUTH2', access_token: 'w' }) }).headers;
        assert.deepEqual(walmart(), walmart());
        assert.match(walmart()['wm_qos.correlation_id']!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    });
});

describe('getToken and the public credentials (@nangohq/node getToken, GET /connection/:id)', () => {
    const all = (): Credentials[] => Object.values(ACCOUNTS).map((a) => credentials(a.credentials ?? { type: 'NONE' }));

    it('OAUTH2: the access token; OAUTH1: { oAuthToken, oAuthTokenSecret }; every other type: the credentials object', () => {
        assert.equal(tokenOf(credentials(ACCOUNTS['OAUTH2']!.credentials!)), 'gho_oauth2-token');
        assert.deepEqual(tokenOf(credentials(ACCOUNTS['OAUTH1']!.credentials!)), { oAuthToken: 'trello-token', oAuthTokenSecret: 'trello-token-secret' });
        assert.deepEqual(tokenOf(credentials(ACCOUNTS['APP']!.credentials!)), { type: 'APP', access_token: 'ghs_app-token', raw: {} });
        assert.deepEqual(tokenOf(credentials(ACCOUNTS['OAUTH2_CC']!.credentials!)), { type: 'OAUTH2_CC', token: 'shpat-cc-token', raw: {} });
        assert.deepEqual(tokenOf(credentials(ACCOUNTS['API_KEY']!.credentials!)), { type: 'API_KEY', apiKey: 'SG.key-123' });
        assert.deepEqual(tokenOf(credentials(ACCOUNTS['TBA']!.credentials!)), { type: 'TBA', token_id: 'tba-token-id', token_secret: 'tba-token-secret' });
        assert.deepEqual(tokenOf(credentials(ACCOUNTS['JWT']!.credentials!)), { type: 'JWT', token: 'eyJ.jwt.sig', privateKey: 'k' });
        assert.deepEqual(tokenOf(credentials(ACCOUNTS['BILL']!.credentials!)), { type: 'BILL', session_id: 'bill-session', dev_key: 'bill-dev-key', raw: {} });
        assert.deepEqual(tokenOf(credentials({ type: 'NONE' })), {});
        for (const c of all()) if (c.type !== 'OAUTH2' && c.type !== 'OAUTH1') assert.equal(typeof tokenOf(c), 'object', c.type);
    });

    it('refresh tokens only with refresh_token=true, at any depth, whatever their spelling (connection.service.ts withoutRefreshTokensFromCredentials)', () => {
        const oauth2 = credentials({
            type: 'OAUTH2',
            access_token: 'a',
            refresh_token: 'r',
            raw: { refresh_token: 'r', refreshToken: 'r', refresh_token_expires_in: 3600 }
        });
        assert.deepEqual(publicCredentials(oauth2, false), { type: 'OAUTH2', access_token: 'a', raw: { refresh_token_expires_in: 3600 } });
        assert.deepEqual(publicCredentials(oauth2, true), {
            type: 'OAUTH2',
            access_token: 'a',
            refresh_token: 'r',
            raw: { refresh_token: 'r', refreshToken: 'r', refresh_token_expires_in: 3600 }
        });
        const custom = publicCredentials(credentials(ACCOUNTS['CUSTOM']!.credentials!), false);
        assert.deepEqual(custom, {
            type: 'CUSTOM',
            app: { type: 'APP', access_token: 'ghs_custom-app', raw: {} },
            user: { type: 'OAUTH2', access_token: 'gho_custom-user', raw: {} },
            raw: {}
        });
        for (const c of all()) assert.doesNotMatch(JSON.stringify(publicCredentials(c, false)), /refresh/i, c.type);
    });
});

describe('lifecycle rules by auth mode', () => {
    it('metadataOnUpsert: OAuth-style connections start null and keep metadata (connection.service.ts upsertConnection; oauth.controller.ts, appAuth.controller.ts)', () => {
        for (const t of ['OAUTH2', 'OAUTH2_CC', 'OAUTH1', 'APP', 'CUSTOM'] as const) {
            assert.equal(metadataOnUpsert(t, true).value, null, t);
            assert.equal(metadataOnUpsert(t, false).value, 'keep', t);
        }
        assert.match(metadataOnUpsert('APP', true).reason, /appAuth\.controller\.ts/);
        assert.match(metadataOnUpsert('OAUTH2', false).reason, /oauth\.controller\.ts.*keeps the stored metadata/);
    });

    it('metadataOnUpsert: upsertAuthConnection writes {} on create and on reconnect (postApiKey.ts, postBasic.ts, postJwt.ts, postTba.ts, postTwoStep.ts, postSignature.ts, postBill.ts, postAwsSigV4.ts)', () => {
        const files: Record<string, string> = {
            API_KEY: 'postApiKey',
            BASIC: 'postBasic',
            JWT: 'postJwt',
            TBA: 'postTba',
            TWO_STEP: 'postTwoStep',
            SIGNATURE: 'postSignature',
            BILL: 'postBill',
            AWS_SIGV4: 'postAwsSigV4'
        };
        for (const [t, file] of Object.entries(files)) {
            for (const isNew of [true, false]) {
                const rule = metadataOnUpsert(t as Credentials['type'], isNew);
                assert.deepEqual(rule.value, {}, `${t} ${isNew}`);
                assert.match(rule.reason, new RegExp(`auth/${file}\\.ts writes|auth/${file}\\.ts upserts`));
            }
        }
        // crisp-plugin-install's BASIC connection comes from oauth.controller.ts installPluginCallback.
        assert.equal(metadataOnUpsert('BASIC', true, 'INSTALL_PLUGIN').value, null);
    });

    it('metadataOnUpsert: NONE gets {} on create and keeps it on reconnect (postUnauthenticated.ts, upsertUnauthConnection)', () => {
        assert.deepEqual(metadataOnUpsert('NONE', true).value, {});
        assert.equal(metadataOnUpsert('NONE', false).value, 'keep');
        assert.match(metadataOnUpsert('NONE', false).reason, /postUnauthenticated\.ts/);
    });

    it('runsValidateConnection: never for APP (appAuth.controller.ts) nor MCP_OAUTH2_GENERIC (oauth.controller.ts mcpGenericCallback); every other connect controller validates', () => {
        assert.equal(runsValidateConnection('APP').value, false);
        assert.match(runsValidateConnection('APP').reason, /appAuth\.controller\.ts/);
        assert.equal(runsValidateConnection('OAUTH2', 'MCP_OAUTH2_GENERIC').value, false);
        for (const t of CREDENTIAL_TYPES.filter((x) => x !== 'APP')) {
            const rule = runsValidateConnection(t);
            assert.equal(rule.value, true, t);
            assert.match(rule.reason, /Nango's \S+\.ts/, t);
        }
        assert.match(runsValidateConnection('API_KEY').reason, /auth\/postApiKey\.ts calls validateConnection/);
        assert.equal(runsValidateConnection('APP', 'CUSTOM').value, true, 'github-app-oauth validates after its OAuth step');
    });
});
