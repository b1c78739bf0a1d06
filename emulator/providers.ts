// Provider URLs and auth the way Nango's proxy builds them: the catalogue's proxy.base_url with
// ${connectionConfig.x} interpolation, headers/query templates, and the auth mode's default header.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EmulatorError } from './errors';
import type { Credentials, IntegrationFixture } from './fixtures';

export interface ProviderPagination {
    type: 'cursor' | 'link' | 'offset';
    limit_name_in_request?: string;
    cursor_path_in_response?: string;
    cursor_name_in_request?: string;
    response_path?: string;
    link_rel_in_response_header?: string;
    link_path_in_response_body?: string;
    offset_name_in_request?: string;
    offset_start_value?: number;
    offset_calculation_method?: 'per-page' | 'by-response-size';
    limit?: number;
}

export interface ProviderInfo {
    display_name?: string;
    auth_mode?: string;
    proxy?: {
        base_url?: string;
        headers?: Record<string, string>;
        query?: Record<string, string>;
        paginate?: ProviderPagination;
        retry?: unknown;
        decompress?: boolean;
    };
    docs?: string;
}

let catalogue: Record<string, ProviderInfo> | undefined;

/** Nango's providers catalogue, extracted at build time from @nangohq/providers (see scripts/build.mjs). */
export function providersCatalogue(): Record<string, ProviderInfo> {
    if (!catalogue) {
        const candidates = [path.join(__dirname, 'providers.json'), path.join(__dirname, 'emulator', 'providers.json'), path.join(__dirname, '..', 'dist', 'emulator', 'providers.json')];
        const file = candidates.find((f) => existsSync(f));
        if (!file) throw new Error(`providers.json not found next to the emulator (looked in ${candidates.join(', ')}); run "npm run build"`);
        catalogue = JSON.parse(readFileSync(file, 'utf8')) as Record<string, ProviderInfo>;
    }
    return catalogue;
}

export function providerInfo(provider: string): ProviderInfo | undefined {
    return providersCatalogue()[provider];
}

export interface InterpolationContext {
    connectionConfig: Record<string, unknown>;
    credentials: Credentials;
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
        const known = providerInfo(integration.provider) ? 'has no proxy base URL in Nango\'s catalogue' : 'is not in Nango\'s providers catalogue';
        throw new EmulatorError('fixtures_invalid', `${fixturesFile}: integrations.${integrationKey}.provider: "${integration.provider}" ${known}. Set integrations.${integrationKey}.baseUrl to the provider's API base URL.`);
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

/** The headers and query parameters Nango's proxy adds to authenticate a provider request. */
export function authFor(provider: ProviderInfo | undefined, ctx: InterpolationContext): { headers: Record<string, string>; query: Record<string, string> } {
    const headers: Record<string, string> = {};
    const query: Record<string, string> = {};
    for (const [name, template] of Object.entries(provider?.proxy?.headers ?? {})) {
        const v = interpolate(template, ctx);
        if (v !== undefined) headers[name.toLowerCase()] = v;
    }
    for (const [name, template] of Object.entries(provider?.proxy?.query ?? {})) {
        const v = interpolate(template, ctx);
        if (v !== undefined) query[name] = v;
    }
    if (!headers['authorization']) {
        const c = ctx.credentials;
        switch (c.type) {
            case 'OAUTH2':
            case 'APP':
                headers['authorization'] = `Bearer ${c.access_token}`;
                break;
            case 'OAUTH2_CC':
                headers['authorization'] = `Bearer ${c.token}`;
                break;
            case 'BASIC':
                headers['authorization'] = `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
                break;
            case 'API_KEY':
                // Providers using API keys declare where the key goes (headers/query); fall back to Bearer.
                if (Object.keys(query).length === 0 && !Object.values(headers).some((h) => h.includes(c.apiKey))) headers['authorization'] = `Bearer ${c.apiKey}`;
                break;
        }
    }
    return { headers, query };
}
