// Where a provider request's credentials go, the way Nango's proxy places them: the auth mode's default
// header, the catalogue's proxy.headers and proxy.query templates, and the signatures.
import { storedCredentials } from '../fixtures/credentials';
import type { ProviderInfo } from './catalogue';
import { oauth1Header, requestFacts, sigV4Headers } from './signing';
import { interpolateIfNeeded, type Replacers } from './templates';
import type { InterpolationContext } from './urls';

/**
 * The headers and query parameters Nango's proxy adds to authenticate a provider request
 * (packages/shared/lib/services/proxy/utils.ts): buildProxyHeaders' default header per credential type,
 * then the provider's proxy.headers templates with the replacers Nango gives each credential type, then
 * AWS SigV4; buildProxyURL's proxy.query templates. A header whose template names connectionConfig is
 * set only when every placeholder resolved; any other is set as interpolated, unresolved placeholders
 * included (as Nango sends them). Providers the catalogue does not know (fixtures with a baseUrl) get
 * the default header, and an API key as "Bearer" (an emulator convention: Nango knows no such provider).
 */
export function authFor(provider: ProviderInfo | undefined, ctx: InterpolationContext): { headers: Record<string, string>; query: Record<string, string> } {
    const c = ctx.credentials;
    const creds = storedCredentials(c);
    const req = requestFacts(provider, ctx);
    const templates = Object.entries(provider?.proxy?.headers ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string');
    const headers: Record<string, string> = {};
    switch (c.type) {
        case 'BASIC':
            headers['authorization'] = `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
            break;
        case 'OAUTH2':
        case 'APP':
            headers['authorization'] = `Bearer ${c.access_token}`;
            break;
        case 'OAUTH2_CC':
        case 'SIGNATURE':
        case 'JWT':
            headers['authorization'] = `Bearer ${c.token}`;
            break;
        case 'TWO_STEP':
            // Only when no header template places the token itself (a session cookie or ${accessToken}).
            if (!templates.some(([k, t]) => (k.toLowerCase() === 'cookie' && t.includes('${credentials._cookies}')) || t.includes('${accessToken}')))
                headers['authorization'] = `Bearer ${c.token}`;
            break;
        case 'TBA': {
            // The integration's consumer key: per connection (config_override), else the one Nango copies into connection_config (postTba.ts).
            const cc = ctx.connectionConfig;
            const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
            const consumerKey = str(c.config_override?.client_id) ?? str(cc['oauth_client_id']) ?? ctx.integration?.clientId ?? '';
            const consumerSecret = str(c.config_override?.client_secret) ?? str(cc['oauth_client_secret']) ?? ctx.integration?.clientSecret ?? '';
            const header = oauth1Header({
                consumerKey,
                consumerSecret,
                token: c.token_id,
                tokenSecret: c.token_secret,
                signatureMethod: 'HMAC-SHA256',
                hash: 'sha256',
                req
            });
            const account = str(cc['accountId']);
            headers['authorization'] = account ? header.replace('OAuth ', `OAuth realm="${account.replace('-', '_').toUpperCase()}", `) : header;
            break;
        }
        case 'OAUTH1':
            // Nango refuses an integration without its consumer key and secret; the emulator signs with empty ones.
            headers['authorization'] = oauth1Header({
                consumerKey: ctx.integration?.clientId ?? '',
                consumerSecret: ctx.integration?.clientSecret ?? '',
                token: c.oauth_token,
                tokenSecret: c.oauth_token_secret,
                signatureMethod: provider?.signature_method ?? 'HMAC-SHA1',
                hash: 'sha1',
                req
            });
            break;
        // API_KEY: the provider's templates place the key. CUSTOM, BILL, NONE: nothing. AWS_SIGV4: signed last.
    }
    const common: Replacers = { method: req.method, random: req.random, now: req.now.toISOString(), ...req.values };
    const stable: Replacers = { random: req.random, now: req.now.toISOString() };
    for (const [name, template] of templates) {
        const key = name.toLowerCase();
        if (template.includes('connectionConfig')) {
            const v = interpolateIfNeeded(template, { connectionConfig: ctx.connectionConfig, credentials: creds, ...creds, ...common });
            if (v && !(template.match(/\$\{[^{}]*\}/g) ?? []).some((p) => v.includes(p))) headers[key] = v;
            continue;
        }
        let replacers: Replacers;
        if (c.type === 'OAUTH2')
            replacers = {
                accessToken: c.access_token,
                clientId: ctx.integration?.clientId ?? '',
                clientSecret: ctx.integration?.clientSecret ?? '',
                ...stable
            };
        else if (c.type === 'JWT' || c.type === 'OAUTH2_CC' || c.type === 'SIGNATURE') replacers = { accessToken: c.token, ...stable };
        else if (c.type === 'TWO_STEP') replacers = { accessToken: c.token, credentials: creds, ...common };
        else replacers = { credentials: creds, ...creds, ...common };
        headers[key] = interpolateIfNeeded(template, replacers);
    }
    if (c.type === 'AWS_SIGV4') Object.assign(headers, sigV4Headers(c, headers, req));

    const query: Record<string, string> = {};
    const accessToken = c.type === 'OAUTH2' ? c.access_token : typeof creds['token'] === 'string' ? creds['token'] : '';
    const queryReplacers: Replacers = { accessToken, connectionConfig: ctx.connectionConfig, credentials: creds, ...creds };
    for (const [name, template] of Object.entries(provider?.proxy?.query ?? {})) {
        if (typeof template !== 'string') continue;
        const v = interpolateIfNeeded(template, queryReplacers);
        if (!v.includes('${')) query[name] = v;
    }
    if (!provider && c.type === 'API_KEY' && !headers['authorization']) headers['authorization'] = `Bearer ${c.apiKey}`;
    return { headers, query };
}
