// Provider base URLs the way Nango's proxy builds them: the catalogue's proxy.base_url (or the
// fixtures' baseUrl) with its ${connectionConfig.x} placeholders interpolated.
import type { Credentials } from '../fixtures/credentials';
import { EmulatorError } from '../core/errors';
import type { IntegrationFixture } from '../fixtures/fixtures';
import { providerInfo } from './catalogue';

/**
 * The request being authenticated, for what Nango's proxy computes per request: OAUTH1/TBA and AWS
 * SigV4 signatures, and the ${method}, ${host}, ${path}, ${endpoint}, ${params}… template values.
 */
export interface ProxyRequestInfo {
    method: string;
    /** The full provider URL, query included (Nango signs the URL buildProxyURL made). */
    url: string;
    /** The endpoint as the handler passed it. */
    endpoint?: string;
    /** The body as the handler passed it (`data`): a string, Buffer, URLSearchParams or object. */
    body?: unknown;
    contentType?: string;
    /** Time of the request (default: now). */
    now?: Date;
}

export interface InterpolationContext {
    connectionConfig: Record<string, unknown>;
    credentials: Credentials;
    /** The integration's own app (fixtures' clientId/clientSecret): OAUTH1 consumer key, OAUTH2 ${clientId}. */
    integration?: { clientId?: string | undefined; clientSecret?: string | undefined };
    /**
     * Without it (account matching, which must be deterministic) the per-request values are stand-ins:
     * method GET, the base URL, time 0 (1970-01-01), a nonce and ${random} derived from the credentials.
     */
    request?: ProxyRequestInfo;
}

function lookup(ctx: InterpolationContext, expr: string): unknown {
    const creds = ctx.credentials as Record<string, unknown>;
    const [head, ...rest] = expr.trim().split('.');
    let value: unknown;
    if (head === 'connectionConfig') value = ctx.connectionConfig;
    else if (head === 'credentials') value = creds;
    else if (head === 'accessToken') return creds['access_token'] ?? creds['token'];
    else if (head === 'apiKey' || head === 'username' || head === 'password') return creds[head];
    else return undefined;
    for (const key of rest) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    return value;
}

/**
 * Replaces ${...} placeholders. Like Nango, "a || b" picks the first alternative whose placeholders
 * all resolve. Returns undefined when none does.
 */
export function interpolate(template: string, ctx: InterpolationContext): string | undefined {
    for (const alternative of template.split(/\s*\|\|\s*/)) {
        let missing = false;
        const out = alternative.replace(/\$\{([^}]+)\}/g, (_, expr: string) => {
            const v = lookup(ctx, expr);
            if (v === undefined || v === null || v === '') {
                missing = true;
                return '';
            }
            return String(v);
        });
        if (!missing) return out;
    }
    return undefined;
}

export function baseUrlTemplate(integrationKey: string, integration: IntegrationFixture, fixturesFile: string): string {
    const template = integration.baseUrl ?? providerInfo(integration.provider)?.proxy?.base_url;
    if (!template) {
        const known = providerInfo(integration.provider) ? "has no proxy base URL in Nango's catalogue" : "is not in Nango's providers catalogue";
        throw new EmulatorError(
            'fixtures_invalid',
            `${fixturesFile}: integrations.${integrationKey}.provider: "${integration.provider}" ${known}. Set integrations.${integrationKey}.baseUrl to the provider's API base URL.`
        );
    }
    return template;
}

export function resolveBaseUrl(template: string, ctx: InterpolationContext, where: string): string {
    const url = interpolate(template, ctx);
    if (!url) {
        const names = [...template.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1]).join(', ');
        throw new EmulatorError('fixtures_invalid', `${where}: the provider base URL "${template}" needs ${names}; add it to the account's connectionConfig.`);
    }
    return url.replace(/\/+$/, '');
}
