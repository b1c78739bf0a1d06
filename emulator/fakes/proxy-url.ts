// The provider URL of a proxied call, built as Nango's proxy builds it, for the emulator's SDK
// (worker/sdk-proxy.ts) and its server's /proxy (server/proxy.ts). Follows NangoHQ/nango
// packages/shared/lib/services/proxy/utils.ts:
// - getProxyConfiguration: without a baseUrlOverride, the provider's base URL (as its catalogue entry
//   writes it) is cut out of the endpoint wherever it appears in it (first occurrence);
// - buildProxyURL: the endpoint (leading slashes removed) is ALWAYS joined to the base URL (or the
//   baseUrlOverride) with a "/": an absolute URL as endpoint is not a way to another host, it becomes
//   a path (https://api.github.com + https://evil.example/x → https://api.github.com/https://evil.example/x).
//   An endpoint that starts with the base URL itself loses it only at a real boundary (end, "/", "?"
//   or "#"), so https://api.example.com.evil.com is not shortened; a base URL still holding
//   placeholders (${connectionConfig.x}) is never compared;
// - `params`: a string is appended as the query, and is refused when the endpoint already has one
//   ("Can not set query params in endpoint and in params", ProxyError invalid_query_params); an object
//   sets each key (URLSearchParams.set, so the value is converted to a string, undefined included);
// - the provider's query auth (its catalogue `proxy.query`, e.g. ?apiKey=) is set last, so it wins.
// Pure: no I/O.

/** Nango's ProxyError (packages/shared/lib/services/proxy/utils.ts): a plain Error with a code. */
export class ProxyError extends Error {
    constructor(
        readonly code: 'invalid_query_params',
        message: string
    ) {
        super(message);
    }
}

export interface ProxyUrlInput {
    endpoint: string;
    /** The connection's base URL, placeholders resolved. */
    baseUrl: string;
    /** The base URL as the provider's catalogue entry (or the fixture's `baseUrl`) writes it, placeholders and all. */
    baseUrlTemplate?: string | undefined;
    /** The request's baseUrlOverride (SDK) or Base-Url-Override header (/proxy); empty: none. */
    baseUrlOverride?: string | undefined;
    params?: string | Record<string, unknown> | undefined;
    /** The provider's auth query parameters for the connection (authFor(...).query). */
    authQuery?: Record<string, string> | undefined;
}

/** The absolute URL Nango's proxy calls for this request. Throws ProxyError (invalid_query_params) or TypeError (not a URL). */
export function buildProxyUrl(input: ProxyUrlInput): string {
    const override = input.baseUrlOverride || undefined;
    let endpoint = input.endpoint;
    // getProxyConfiguration: `endpoint.includes(base_url)` → `endpoint.replace(base_url, '')`.
    if (!override && input.baseUrlTemplate && endpoint.includes(input.baseUrlTemplate)) endpoint = endpoint.replace(input.baseUrlTemplate, '');

    // buildProxyURL compares the base before interpolation: an override, or the catalogue's template.
    const rawBase = trimSlash(override ?? input.baseUrlTemplate ?? input.baseUrl);
    const base = trimSlash(override ?? input.baseUrl);
    let path = endpoint.replace(/^\/+/, '');
    if (rawBase && !rawBase.includes('${') && path.startsWith(rawBase)) {
        const rest = path.slice(rawBase.length);
        if (rest === '' || rest[0] === '/' || rest[0] === '?' || rest[0] === '#') path = rest.replace(/^\/+/, '');
    }
    const joined = [base, path].filter(Boolean).join('/');

    let url = new URL(joined);
    const params = input.params;
    if (params) {
        if (typeof params === 'string') {
            if (joined.includes('?')) throw new ProxyError('invalid_query_params', 'Can not set query params in endpoint and in params');
            url = new URL(`${joined}${params.startsWith('?') ? params : `?${params}`}`);
        } else {
            for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
        }
    }
    for (const [k, v] of Object.entries(input.authQuery ?? {})) url.searchParams.set(k, v);
    return url.toString();
}

/** The absolute URL an endpoint was, when it ended up as a path after the base URL (see buildProxyUrl). */
export function joinedAbsoluteEndpoint(url: string): string | undefined {
    let pathname: string;
    try {
        pathname = new URL(url).pathname;
    } catch {
        return undefined;
    }
    const m = /\/([a-z][a-z0-9+.-]*:\/\/?[^/?#]*)/i.exec(pathname);
    return m ? m[1] : undefined;
}

/** Nango removes one trailing slash of the base URL. */
function trimSlash(base: string): string {
    return base.endsWith('/') ? base.slice(0, -1) : base;
}
