// What Nango's proxy computes per request to sign it: the request facts its templates name
// (${host}, ${params}…), OAuth 1.0a/TBA signatures and AWS Signature V4.
import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { Credentials } from '../fixtures/credentials';
import type { ProviderInfo } from './catalogue';
import type { Replacers } from './templates';
import { interpolate, type InterpolationContext } from './urls';

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

export interface RequestFacts {
    method: string;
    url: string;
    body: unknown;
    now: Date;
    /** ${random}, and the seed of OAuth nonces. */
    random: string;
    /** Nango's baseReplacers: endpoint, host, path, params, urlCanonicalParams, bodyCanonicalParams, contentType. */
    values: Replacers;
}

export function requestFacts(provider: ProviderInfo | undefined, ctx: InterpolationContext): RequestFacts {
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
export function oauth1Header(o: {
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
export function sigV4Headers(c: AwsCredentials, headers: Record<string, string>, req: RequestFacts): Record<string, string> {
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
