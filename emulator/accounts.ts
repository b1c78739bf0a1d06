// The provider accounts of an integration as runs and the server's /proxy see them: the base URL of
// each (fixtures answer requests made to it) and where the proxy places its credentials (the provider's
// auth headers and query parameters, as Nango's proxy builds them: packages/shared/lib/services/proxy/
// utils.ts, buildProxyHeaders and buildProxyURL's `proxy.query`). A request is attributed to the
// account whose placed values it carries exactly (worker/provider-fakes.ts, accountOfRequest).
// Plain JSON: the accounts travel to the worker in the RunRequest.
import type { IntegrationFixture } from './fixtures';
import type { AccountInfo } from './protocol';
import { authFor, baseUrlTemplate, resolveBaseUrl, type ProviderInfo } from './providers';

/**
 * Every account of integration `key`, with its resolved base URL and its credentials' placement: the
 * auth headers and query parameters authFor gives the account, keeping only those that are the same for
 * every request (a signature, a nonce or a timestamp (OAuth 1, TBA, AWS SigV4, ${method} templates)
 * changes per request, so it cannot identify the account; accountOfRequest then looks for the
 * account's secrets in the request instead).
 */
export function accountInfos(key: string, integration: IntegrationFixture, fixturesFile: string, provider: ProviderInfo | undefined): AccountInfo[] {
    const template = baseUrlTemplate(key, integration, fixturesFile);
    const app = { clientId: integration.clientId, clientSecret: integration.clientSecret };
    return Object.entries(integration.accounts).map(([id, a]) => {
        const ctx = { connectionConfig: a.connectionConfig, credentials: a.credentials, integration: app };
        const baseUrl = resolveBaseUrl(template, ctx, `${fixturesFile}: integrations.${key}.accounts.${id}.connectionConfig`);
        // Two unlike requests: what differs between them depends on the request, not on the account.
        const one = authFor(provider, { ...ctx, request: { method: 'GET', url: `${baseUrl}/a`, endpoint: '/a', now: new Date(0) } });
        const two = authFor(provider, {
            ...ctx,
            request: {
                method: 'POST',
                url: `${baseUrl}/b/c?d=e`,
                endpoint: '/b/c?d=e',
                body: { f: 'g' },
                contentType: 'application/json',
                now: new Date(1_000_000_000_000)
            }
        });
        return {
            id,
            credentials: a.credentials,
            identity: a.identity,
            baseUrl,
            auth: { headers: same(one.headers, two.headers), query: same(one.query, two.query) }
        };
    });
}

function same(a: Record<string, string>, b: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(a).filter(([k, v]) => b[k] === v));
}
