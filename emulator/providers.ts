// Provider URLs and auth the way Nango's proxy builds them: the catalogue's proxy.base_url with
// ${connectionConfig.x} interpolation, headers/query templates, and the auth mode's default header.
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { storedCredentials, type Credentials } from './credentials';
import { EmulatorError } from './errors';
import type { IntegrationFixture } from './fixtures';

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
    /** OAUTH1 only; absent from the slim catalogue today (then HMAC-SHA1, Nango's hash for every OAUTH1 provider). */
    signature_method?: string;
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
        const candidates = [
            path.join(__dirname, 'providers.json'),
            path.join(__dirname, 'emulator', 'providers.json'),
            path.join(__dirname, '..', 'dist', 'emulator', 'providers.json')
        ];
        const file = candidates.find((f) => existsSync(f));
        if (!file) throw new Error(`providers.json not found next to the emulator (looked in ${candidates.join(', ')}); run "npm run build"`);
        catalogue = JSON.parse(readFileSync(file, 'utf8')) as Record<string, ProviderInfo>;
    }
    return catalogue;
}

export function providerInfo(provider: string): ProviderInfo | undefined {
    return providersCatalogue()[provider];
}

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

// Nango's template interpolation (packages/shared/lib/utils/utils.ts: interpolateIfNeeded,
// interpolateStringFromObject, their ${base64(…)}, ${sha256Hex(…)}, ${sha256Base64(…)},
// ${hmacSha1Hex(message, key)}, ${now…}, ${random} and ${endpoint}). Not computed, left as written (as
// Nango leaves what it cannot resolve): ${awsSigV4(…)} (aws-iam, aws-inspector2, aws-multi-service) and
// ${ed25519Sign(…)} (streamline-ai).
type Replacers = Record<string, unknown>;

function resolveKey(expr: string, r: Replacers): unknown {
    let v: unknown = r;
    for (const key of expr.split('.')) v = v !== null && typeof v === 'object' && Object.hasOwn(v, key) ? (v as Replacers)[key] : undefined;
    return v ?? (Object.hasOwn(r, expr) ? r[expr] : undefined);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const UNIT_MS: Record<string, number> = { s: 1e3, second: 1e3, m: 6e4, minute: 6e4, h: 36e5, hour: 36e5, d: 864e5, day: 864e5, w: 6048e5, week: 6048e5 };

/** dayjs.utc(d).format(format) for the tokens the catalogue uses; "X"/"x": Unix seconds/ms (formatDayjs). */
function formatDate(d: Date, format: string): string {
    if (format === 'X') return String(Math.floor(d.getTime() / 1000));
    if (format === 'x') return String(d.getTime());
    const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
    const t: Record<string, string> = {
        YYYY: String(d.getUTCFullYear()),
        MMM: MONTHS[d.getUTCMonth()] ?? '',
        MM: pad(d.getUTCMonth() + 1),
        DD: pad(d.getUTCDate()),
        ddd: DAYS[d.getUTCDay()] ?? '',
        HH: pad(d.getUTCHours()),
        mm: pad(d.getUTCMinutes()),
        ss: pad(d.getUTCSeconds()),
        SSS: pad(d.getUTCMilliseconds(), 3),
        ZZ: '+0000',
        Z: '+00:00'
    };
    return format.replace(/\[([^\]]*)]|YYYY|MMM|MM|DD|ddd|HH|mm|ss|SSS|ZZ|Z/g, (m, literal: string | undefined) => literal ?? t[m] ?? m);
}

/** resolveNowExpression: ${now}, ${now:FORMAT}, ${now+N:unit:FORMAT}; null when `expr` is not one. */
function nowExpression(expr: string, r: Replacers): string | null {
    const now = typeof r['now'] === 'string' ? new Date(r['now']) : new Date();
    if (expr === 'now') return now.toISOString();
    const offset = /^now(?<amount>[+-]\d+):(?<name>[a-zA-Z]+):(?<format>.+)$/.exec(expr)?.groups;
    if (offset?.['amount'] && offset['name'] && offset['format']) {
        const unit = UNIT_MS[offset['name'].replace(/s$/, '')] ?? UNIT_MS[offset['name']];
        return unit === undefined ? null : formatDate(new Date(now.getTime() + Number(offset['amount']) * unit), offset['format']);
    }
    const format = /^now:(.+)$/.exec(expr)?.[1];
    return format ? formatDate(now, format) : null;
}

function interpolateFromObject(str: string, r: Replacers): string {
    const inner = (s: string): string => interpolateFromObject(s, r);
    str = str.replace(/\$\{hmacSha1Hex\(([\s\S]*?)\)\}/g, (m, args: string) => {
        const comma = args.lastIndexOf(',');
        return comma === -1
            ? m
            : createHmac('sha1', inner(args.slice(comma + 1).trim()))
                  .update(inner(args.slice(0, comma)), 'utf8')
                  .digest('hex');
    });
    str = str.replace(/\$\{base64\((.*?)\)\}/g, (_, a: string) => Buffer.from(inner(a)).toString('base64'));
    str = str.replace(/\$\{sha256Hex\((.*?)\)\}/g, (_, a: string) => createHash('sha256').update(inner(a), 'utf8').digest('hex'));
    str = str.replace(/\$\{sha256Base64\((.*?)\)\}/g, (_, a: string) => createHash('sha256').update(inner(a), 'utf8').digest('base64'));
    if (str.includes('||')) {
        const [left = '', right = ''] = str.split('||').map((p) => p.trim());
        const v = left ? inner(left) : '';
        return v && v !== left ? v : right ? inner(right) : '';
    }
    return str.replace(/\$\{([^{}]*)\}/g, (whole, expr: string) => {
        const now = nowExpression(expr, r);
        if (now !== null) return now;
        if (expr === 'random') return typeof r['random'] === 'string' ? r['random'] : randomUUID();
        if (expr === 'endpoint') return typeof r['endpoint'] === 'string' ? r['endpoint'] : '';
        const v = resolveKey(expr, r);
        return typeof v === 'string' || typeof v === 'number' ? String(v) : whole;
    });
}

/** Nango's interpolateIfNeeded: "a || b" takes `a` when any of its placeholders resolved, else `b`. */
export function interpolateIfNeeded(str: string, r: Replacers): string {
    if (!str.includes('${')) return str;
    if (str.includes('||')) {
        const [left = '', right = ''] = str.split('||').map((p) => p.trim());
        const v = left ? interpolateFromObject(left, r) : undefined;
        return v && v !== left ? v : right ? interpolateFromObject(right, r) : '';
    }
    return interpolateFromObject(str, r);
}

/** RFC 3986 percent-encoding (OAuth 1.0a, SigV4, Duo's canonical params). */
const enc = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);

/** Encoded [key, value] pairs sorted by key, then value (OAuth 1.0a and SigV4 parameter order), as "k=v&…". */
function sortedPairs(pairs: Iterable<[string, string]>): string {
    const encoded = [...pairs].map(([k, v]): [string, string] => [enc(k), enc(v)]);
    encoded.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    return encoded.map(([k, v]) => `${k}=${v}`).join('&');
}

function safeUrl(url: string): URL | undefined {
    try {
        return new URL(url);
    } catch {
        return undefined;
    }
}

const BODY_METHODS = ['POST', 'PUT', 'PATCH'];

/** getRawBody: the body as sent, for ${bodyCanonicalParams}. */
function rawBody(method: string, data: unknown): string {
    if (!BODY_METHODS.includes(method) || !data) return '';
    if (typeof data === 'string') return data.startsWith('?') ? data.slice(1) : data;
    if (Buffer.isBuffer(data)) return data.toString('utf8');
    if (data instanceof URLSearchParams) return data.toString();
    return typeof data === 'object' ? JSON.stringify(data) : '';
}

/** buildCanonicalParams (Duo's request signing): sorted, RFC 3986-encoded key=value pairs. */
function canonicalParams(method: string, data: unknown, query: string): string {
    const decode = (s: string): string => {
        try {
            return decodeURIComponent(s.replace(/\+/g, '%20'));
        } catch {
            return s;
        }
    };
    const fromQuery = (qs: string): string =>
        qs
            .split('&')
            .filter(Boolean)
            .map((pair) => {
                const i = pair.indexOf('=');
                return { k: decode(i === -1 ? pair : pair.slice(0, i)), v: decode(i === -1 ? '' : pair.slice(i + 1)) };
            })
            .sort((a, b) => a.k.localeCompare(b.k))
            .map(({ k, v }) => `${enc(k)}=${enc(v)}`)
            .join('&');
    if (!BODY_METHODS.includes(method)) return query ? fromQuery(query) : '';
    if (!data) return '';
    if (typeof data === 'string' || Buffer.isBuffer(data) || data instanceof URLSearchParams) return fromQuery(rawBody(method, data));
    if (typeof data !== 'object') return '';
    return Object.entries(data)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${enc(k)}=${enc(String(v))}`)
        .join('&');
}

interface RequestFacts {
    method: string;
    url: string;
    body: unknown;
    now: Date;
    /** ${random}, and the seed of OAuth nonces. */
    random: string;
    /** Nango's baseReplacers: endpoint, host, path, params, urlCanonicalParams, bodyCanonicalParams, contentType. */
    values: Replacers;
}

function requestFacts(provider: ProviderInfo | undefined, ctx: InterpolationContext): RequestFacts {
    const r = ctx.request;
    const stand = createHash('sha256').update(JSON.stringify(ctx.credentials)).digest('hex');
    const method = (r?.method ?? 'GET').toUpperCase();
    const url = r?.url ?? (provider?.proxy?.base_url ? (interpolate(provider.proxy.base_url, ctx) ?? '') : '');
    const u = safeUrl(url);
    const query = u?.search.slice(1) ?? '';
    const values: Replacers = u
        ? {
              endpoint: r?.endpoint ?? u.pathname,
              host: u.host,
              path: u.pathname,
              params: canonicalParams(method, r?.body, query),
              urlCanonicalParams: canonicalParams('GET', undefined, query),
              bodyCanonicalParams: rawBody(method, r?.body),
              contentType: r?.contentType ?? ''
          }
        : {};
    const random = r ? randomUUID() : `${stand.slice(0, 8)}-${stand.slice(8, 12)}-4${stand.slice(13, 16)}-a${stand.slice(17, 20)}-${stand.slice(20, 32)}`;
    return { method, url, body: r?.body, now: r?.now ?? (r ? new Date() : new Date(0)), random, values };
}

/**
 * An OAuth 1.0a Authorization header (RFC 5849, HMAC over the method, the URL without its query and
 * the sorted oauth_* and query parameters), built as Nango's proxy builds it with the oauth-1.0a library
 * (OAUTH1: HMAC-SHA1; TBA: HMAC-SHA256). The nonce is derived from the request, not random.
 */
function oauth1Header(o: {
    consumerKey: string;
    consumerSecret: string;
    token: string;
    tokenSecret: string;
    signatureMethod: string;
    hash: 'sha1' | 'sha256';
    req: RequestFacts;
}): string {
    const { method, url, now, random } = o.req;
    const oauth: Record<string, string> = {
        oauth_consumer_key: o.consumerKey,
        oauth_nonce: createHash('sha256').update(`${random}\n${o.token}\n${method}\n${url}\n${now.getTime()}`).digest('hex').slice(0, 32),
        oauth_signature_method: o.signatureMethod,
        oauth_timestamp: String(Math.floor(now.getTime() / 1000)),
        oauth_version: '1.0',
        oauth_token: o.token
    };
    const params = sortedPairs([...Object.entries(oauth), ...(safeUrl(url)?.searchParams ?? [])]);
    const base = `${method}&${enc(url.split('?')[0] ?? url)}&${enc(params)}`;
    oauth['oauth_signature'] = createHmac(o.hash, `${enc(o.consumerSecret)}&${enc(o.tokenSecret)}`)
        .update(base)
        .digest('base64');
    return `OAuth ${Object.entries(oauth)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => `${enc(k)}="${enc(v)}"`)
        .join(', ')}`;
}

type AwsCredentials = Extract<Credentials, { type: 'AWS_SIGV4' }>;

/**
 * AWS Signature V4 as Nango's proxy signs (shared/lib/services/proxy/aws-sigv4.ts): over the provider's
 * headers, host, x-amz-date, x-amz-security-token and x-amz-content-sha256. Headers the handler adds
 * later are not in the signature (Nango signs after merging them); the `host` header is left to fetch.
 */
function sigV4Headers(c: AwsCredentials, headers: Record<string, string>, req: RequestFacts): Record<string, string> {
    const u = safeUrl(req.url);
    const amzDate = req.now.toISOString().replace(/[:-]|\.\d{3}/g, '');
    const day = amzDate.slice(0, 8);
    const body = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(req.method) ? req.body : undefined;
    const payload =
        typeof body === 'string' || Buffer.isBuffer(body)
            ? body
            : body instanceof URLSearchParams
              ? body.toString()
              : body && typeof body === 'object'
                ? JSON.stringify(body)
                : '';
    const signed: Record<string, string> = { ...headers, host: u?.host ?? '', 'x-amz-date': amzDate };
    if (c.session_token) signed['x-amz-security-token'] = c.session_token;
    signed['x-amz-content-sha256'] = createHash('sha256').update(payload).digest('hex');
    const signedEntries = Object.entries(signed).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const names = signedEntries.map(([n]) => n);
    const path = u?.pathname || '/';
    const uri = c.service === 's3' ? path : path.split('/').map(enc).join('/') || '/';
    const query = sortedPairs(u?.searchParams ?? []);
    const canonical = [
        req.method,
        uri,
        query,
        signedEntries.map(([n, v]) => `${n}:${v.trim().replace(/\s+/g, ' ')}\n`).join(''),
        names.join(';'),
        signed['x-amz-content-sha256']
    ].join('\n');
    const scope = `${day}/${c.region}/${c.service}/aws4_request`;
    let key: Buffer | string = `AWS4${c.secret_access_key}`;
    for (const part of [day, c.region, c.service, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
    const signature = createHmac('sha256', key)
        .update(['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join('\n'))
        .digest('hex');
    const { host: _host, ...out } = signed;
    return { ...out, authorization: `AWS4-HMAC-SHA256 Credential=${c.access_key_id}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}` };
}

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
