// The credentials of a connection, for every auth mode Nango's providers catalogue uses: what the user
// writes in an account's fixture, checked against the provider's auth mode; what Nango's API returns for
// them (GET /connection/:id) and what nango.getToken() gives a handler. Pure: no I/O.
//
// Shapes follow Nango's stored credentials (NangoHQ/nango packages/types/lib/auth/api.ts,
// AllAuthCredentials / ApiPublicAllAuthCredentials: dates become ISO strings). Required is only what
// Nango's proxy needs to authenticate a request (packages/shared/lib/services/proxy/utils.ts,
// buildProxyHeaders), or for BILL and CUSTOM, where the proxy adds nothing, what the handler needs to;
// the rest (raw, expires_at, refresh tokens…) is optional. Tokens Nango obtains from the provider (a
// two-step token request, Bill's login, a signed JWT, a WSSE token) are written as the provider gave
// them: the emulator never calls the provider, so a missing one fails with where to put it.
import * as z from 'zod';

const raw = z.record(z.string(), z.unknown()).optional();
const isoDate = z.string().optional();
const text = z.string().optional();
const configOverride = z.strictObject({ client_id: text, client_secret: text }).optional();

/** A required string; when it is missing, the message says what to write. */
function need(what: string): z.ZodString {
    return z.string({ error: (issue) => (issue.input === undefined ? `missing: add ${what}` : undefined) }).min(1, 'must not be empty');
}

const OAuth2 = z.strictObject({
    type: z.literal('OAUTH2'),
    access_token: need('"access_token", the OAuth2 access token the proxy sends as "Authorization: Bearer …"'),
    refresh_token: text,
    expires_at: isoDate,
    raw,
    config_override: configOverride
});
const App = z.strictObject({
    type: z.literal('APP'),
    access_token: need('"access_token", the GitHub App installation token the proxy sends as "Authorization: Bearer …"'),
    expires_at: isoDate,
    raw,
    jwtToken: text
});

export const CredentialsSchema = z.discriminatedUnion('type', [
    OAuth2,
    z.strictObject({
        type: z.literal('OAUTH2_CC'),
        token: need('"token", the client-credentials access token the proxy sends as "Authorization: Bearer …"'),
        expires_at: isoDate,
        raw,
        client_id: text,
        client_secret: text,
        client_certificate: text,
        client_private_key: text
    }),
    z.strictObject({ type: z.literal('API_KEY'), apiKey: need('"apiKey", the key the provider\'s catalogue entry places in a header or the query') }),
    // Nango's proxy: Basic base64(username:(password ?? '')).
    z.strictObject({ type: z.literal('BASIC'), username: need('"username"'), password: z.string().default('') }),
    App,
    z.strictObject({
        type: z.literal('OAUTH1'),
        oauth_token: need('"oauth_token", the OAuth 1.0a access token the proxy signs requests with'),
        oauth_token_secret: need('"oauth_token_secret", the OAuth 1.0a token secret the proxy signs requests with'),
        raw
    }),
    z.strictObject({
        type: z.literal('TBA'),
        token_id: need('"token_id", the NetSuite token id the proxy signs requests with'),
        token_secret: need('"token_secret", the NetSuite token secret the proxy signs requests with'),
        // The consumer key/secret of the integration, per connection (else connectionConfig.oauth_client_id/_secret).
        config_override: configOverride
    }),
    // Nango signs the JWT itself from the fields the user gave (kept alongside it) and the provider's key.
    z.looseObject({
        type: z.literal('JWT'),
        token: need(
            '"token", the signed JWT the proxy sends (Nango signs it from your key at connect time; the emulator does not: paste one, any string works locally)'
        ),
        expires_at: isoDate
    }),
    z.looseObject({
        type: z.literal('TWO_STEP'),
        token: need('"token", the token the provider\'s token request returned (Nango calls it at connect time; the emulator does not call the provider)'),
        refresh_token: text,
        expires_at: isoDate,
        raw
    }),
    z.strictObject({
        type: z.literal('SIGNATURE'),
        token: need('"token", the WSSE header value Nango generates from username and password (shared/lib/auth/signature.ts); any string works locally'),
        username: text,
        password: text,
        expires_at: isoDate
    }),
    // Nango's proxy adds nothing for BILL: the handler sends sessionId and devKey itself.
    z.strictObject({
        type: z.literal('BILL'),
        session_id: need('"session_id", the session Nango gets by logging in to Bill (the emulator does not log in)'),
        dev_key: need('"dev_key", the Bill developer key'),
        username: text,
        password: text,
        organization_id: text,
        user_id: text,
        expires_at: isoDate,
        raw
    }),
    z.strictObject({
        type: z.literal('AWS_SIGV4'),
        access_key_id: need('"access_key_id", the (temporary) AWS access key the proxy signs with'),
        secret_access_key: need('"secret_access_key", the AWS secret key the proxy signs with'),
        region: need('"region", the AWS region of the signature (e.g. "us-east-1")'),
        service: need('"service", the AWS service of the signature (e.g. "s3")'),
        session_token: text,
        role_arn: text,
        external_id: text,
        expires_at: isoDate,
        raw
    }),
    // github-app-oauth once its app token is refreshed (connection.service.ts refreshGithubAppCredentials):
    // the app's installation token and the user's OAuth2 token. Nango's proxy adds no header for it.
    z.strictObject({
        type: z.literal('CUSTOM'),
        app: App.extend({ type: z.literal('APP').default('APP') }),
        user: OAuth2.extend({ type: z.literal('OAUTH2').default('OAUTH2') })
            .nullable()
            .default(null),
        raw
    }),
    // NONE providers (upsertUnauthConnection): Nango stores {} and returns it. Omitted credentials mean this.
    z.strictObject({ type: z.literal('NONE') })
]);
export type Credentials = z.infer<typeof CredentialsSchema>;
export type CredentialType = Credentials['type'];
export const CREDENTIAL_TYPES = CredentialsSchema.options.map((o) => o.shape.type.value) as CredentialType[];

/**
 * The credential types a connection of each auth mode holds, and where Nango decides it (packages/
 * server/lib/controllers/..., shared/lib/services/connection.service.ts).
 */
export const CREDENTIAL_TYPES_BY_AUTH_MODE: Record<string, { types: CredentialType[]; source: string }> = {
    OAUTH1: { types: ['OAUTH1'], source: 'oauth.controller.ts oauth1Callback: parseRawCredentials(…, "OAUTH1")' },
    OAUTH2: { types: ['OAUTH2'], source: 'oauth.controller.ts handleTokenExchangeAndConnectionCreation: parseRawCredentials(…, "OAUTH2")' },
    OAUTH2_CC: { types: ['OAUTH2_CC'], source: 'connection.service.ts getOauthClientCredentials: parseRawCredentials(…, "OAUTH2_CC")' },
    BASIC: { types: ['BASIC'], source: 'auth/postBasic.ts' },
    API_KEY: { types: ['API_KEY'], source: 'auth/postApiKey.ts' },
    APP: { types: ['APP'], source: 'appAuth.controller.ts, shared/lib/auth/githubApp.ts' },
    // The OAuth step stores OAUTH2, the app approval APP (getAppCredentialsAndFinishConnection), each refresh CUSTOM.
    CUSTOM: {
        types: ['CUSTOM', 'APP', 'OAUTH2'],
        source: 'oauth.controller.ts and connection.service.ts getAppCredentialsAndFinishConnection / refreshGithubAppCredentials'
    },
    NONE: { types: ['NONE'], source: 'auth/postUnauthenticated.ts: upsertUnauthConnection stores credentials {}' },
    TBA: { types: ['TBA'], source: 'auth/postTba.ts' },
    JWT: { types: ['JWT'], source: 'auth/postJwt.ts, shared/lib/auth/jwt.ts' },
    BILL: { types: ['BILL'], source: 'auth/postBill.ts, shared/lib/auth/bill.ts' },
    TWO_STEP: { types: ['TWO_STEP'], source: 'auth/postTwoStep.ts: parseRawCredentials(…, "TWO_STEP")' },
    SIGNATURE: { types: ['SIGNATURE'], source: 'auth/postSignature.ts, shared/lib/auth/signature.ts' },
    AWS_SIGV4: { types: ['AWS_SIGV4'], source: 'auth/postAwsSigV4.ts, shared/lib/auth/aws-sigv4.ts' },
    MCP_OAUTH2: { types: ['OAUTH2'], source: 'oauth.controller.ts: MCP_OAUTH2 takes the OAuth2 callback' },
    MCP_OAUTH2_GENERIC: { types: ['OAUTH2'], source: 'oauth.controller.ts mcpGenericCallback, clients/mcpGeneric.client.ts' },
    // InstallPluginCredentials take the provider's auth_type; crisp-plugin-install, the only one, is BASIC.
    INSTALL_PLUGIN: { types: ['BASIC'], source: 'oauth.controller.ts installPluginCallback: type = provider.auth_type' }
};

/** The smallest credentials of each type, for error messages. */
const EXAMPLES: Record<CredentialType, string> = {
    OAUTH2: '{ "type": "OAUTH2", "access_token": "…" }',
    OAUTH2_CC: '{ "type": "OAUTH2_CC", "token": "…" }',
    API_KEY: '{ "type": "API_KEY", "apiKey": "…" }',
    BASIC: '{ "type": "BASIC", "username": "…", "password": "…" }',
    APP: '{ "type": "APP", "access_token": "…" }',
    OAUTH1: '{ "type": "OAUTH1", "oauth_token": "…", "oauth_token_secret": "…" }',
    TBA: '{ "type": "TBA", "token_id": "…", "token_secret": "…" }',
    JWT: '{ "type": "JWT", "token": "…" }',
    TWO_STEP: '{ "type": "TWO_STEP", "token": "…" }',
    SIGNATURE: '{ "type": "SIGNATURE", "token": "…" }',
    BILL: '{ "type": "BILL", "session_id": "…", "dev_key": "…" }',
    AWS_SIGV4: '{ "type": "AWS_SIGV4", "access_key_id": "…", "secret_access_key": "…", "region": "…", "service": "…" }',
    CUSTOM: '{ "type": "CUSTOM", "app": { "access_token": "…" } }',
    NONE: '{ "type": "NONE" } (or no "credentials" at all)'
};

export interface CredentialIssue {
    path: (string | number)[];
    message: string;
}

interface IntegrationLike {
    provider: string;
    accounts: Record<string, { credentials: Credentials }>;
}

/**
 * Every account whose credentials `type` is not one its provider's auth mode yields. `authModeOf`
 * answers from Nango's catalogue; providers it does not know (fixtures with a baseUrl) are not checked.
 */
export function credentialTypeIssues(integrations: Record<string, IntegrationLike>, authModeOf: (provider: string) => string | undefined): CredentialIssue[] {
    const issues: CredentialIssue[] = [];
    for (const [key, integration] of Object.entries(integrations)) {
        const mode = authModeOf(integration.provider);
        if (mode === undefined) continue;
        const expected = CREDENTIAL_TYPES_BY_AUTH_MODE[mode];
        for (const [id, account] of Object.entries(integration.accounts)) {
            const type = account.credentials.type;
            if (expected === undefined || expected.types.includes(type)) continue;
            const given = type === 'NONE' ? 'no credentials (type NONE)' : `${type} credentials`;
            const wanted = expected.types.join(' or ');
            const [first] = expected.types;
            issues.push({
                path: ['integrations', key, 'accounts', id, 'credentials', 'type'],
                message: `provider "${integration.provider}" uses auth mode ${mode} in Nango's catalogue, so its connections hold ${wanted} credentials (${expected.source}), not ${given}. Write ${first === undefined ? `${wanted} credentials` : EXAMPLES[first]}, or use a provider whose auth mode gives ${type}`
            });
        }
    }
    return issues;
}

function isRefreshTokenKey(key: string): boolean {
    // Nango's withoutRefreshTokensFromCredentials (connection.service.ts): "refresh_token", "refreshToken", "refresh-token"…
    return key.replace(/[^a-z]/gi, '').toLowerCase() === 'refreshtoken';
}

function withoutRefreshTokens(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(withoutRefreshTokens);
    if (value && typeof value === 'object')
        return Object.fromEntries(
            Object.entries(value)
                .filter(([k]) => !isRefreshTokenKey(k))
                .map(([k, v]) => [k, withoutRefreshTokens(v)])
        );
    return value;
}

/** Types Nango builds from a provider's token response: their stored credentials always have `raw`. */
const WITH_RAW = new Set<CredentialType>(['OAUTH2', 'OAUTH2_CC', 'APP', 'OAUTH1', 'TWO_STEP', 'BILL', 'AWS_SIGV4', 'CUSTOM']);

/**
 * ApiPublicAllAuthCredentials, as GET /connection/:id returns them (server/lib/formatters/connection.ts
 * credentialsToPublicApi: the stored object, dates as ISO strings). Without refresh_token=true, every
 * refresh token is removed at any depth (connection.service.ts withoutRefreshTokensFromCredentials; its
 * extra TWO_STEP cut at the provider's token_response.refresh_token path needs catalogue fields the
 * emulator does not carry). NONE connections have {}.
 */
export function publicCredentials(c: Credentials, includeRefreshToken: boolean): Record<string, unknown> {
    if (c.type === 'NONE') return {};
    const out: Record<string, unknown> = structuredClone(c);
    if (WITH_RAW.has(c.type) && out['raw'] === undefined) out['raw'] = {};
    if (c.type === 'CUSTOM') {
        const app = out['app'] as Record<string, unknown>;
        if (app['raw'] === undefined) app['raw'] = {};
        const user = out['user'] as Record<string, unknown> | null;
        if (user && user['raw'] === undefined) user['raw'] = {};
    }
    return includeRefreshToken ? out : (withoutRefreshTokens(out) as Record<string, unknown>);
}

/**
 * What nango.getToken() returns (@nangohq/node 0.71.10 getToken, over GET /connection/:id without
 * refresh_token): the access token string for OAUTH2; { oAuthToken, oAuthTokenSecret } for OAUTH1;
 * for every other type the whole credentials object (so for APP and OAUTH2_CC too, not the token).
 */
export function tokenOf(c: Credentials): string | { oAuthToken: string; oAuthTokenSecret: string } | Record<string, unknown> {
    if (c.type === 'OAUTH2') return c.access_token;
    if (c.type === 'OAUTH1') return { oAuthToken: c.oauth_token, oAuthTokenSecret: c.oauth_token_secret };
    return publicCredentials(c, false);
}

/** The credentials as Nango stores them, for its proxy's `${credentials.x}` templates: NONE is {}. */
export function storedCredentials(c: Credentials): Record<string, unknown> {
    return c.type === 'NONE' ? {} : (c as Record<string, unknown>);
}
