// Credentials kept out of imported recordings: the names that carry them (headers, query parameters,
// body fields), the shapes they take (JWTs, `Bearer …`, provider tokens), and their replacement.
import { REDACTED, type Redactor } from '../core/redact';

/** Response headers that may carry secrets: never copied. */
export const SECRET_HEADER =
    /^(set-cookie|cookie|authorization|proxy-authorization|proxy-authenticate)$|token|secret|password|passwd|api[-_]?key|session|cookie|credential|signature|^x-amz-security/i;

// Names of headers, query parameters and body fields that carry credentials, once normalized
// ("X-Auth-Token", "refreshToken" → "x_auth_token", "refresh_token"): a whole word, or a telling part.
// "key" alone is one, "primary_key" and "sort_key" are not.
const SENSITIVE_WORD = new RegExp(
    '^keys?$|(^|_)(sig|signature|bearer|auth|authorization|password|passwd|pwd|passphrase|secret|secrets|token|tokens|apikey|' +
        'cookie|cookies|session|sessionid|credential|credentials|jwt|assertion|otp)(_|$)'
);
const SENSITIVE_PART = new RegExp(
    'secret|token|passw|session|cookie|credential|signature|jwt|^x_amz_security|' +
        '(api|private|access|signing|client|license|encryption|subscription|master|auth|session|consumer|app|x_api)_?key'
);
/** Descriptions of a credential rather than credentials ("token_type": "bearer", "expires_in": "3600"). */
const HARMLESS_NAME = /(^|_)(type|types|expires|expires_in|expires_at|expiry|at|in|count|url|uri|endpoint|scope|scopes|hint|name|length|format)$/;

function normalizeName(name: string): string {
    return name
        .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '_')
        .replace(/^_+|_+$/g, '');
}

function isHarmlessName(name: string): boolean {
    return HARMLESS_NAME.test(normalizeName(name));
}

/** Whether a header, query parameter or field of this name holds a credential (case-insensitive). */
export function isSensitiveName(name: string): boolean {
    const n = normalizeName(name);
    if (!n || HARMLESS_NAME.test(n)) return false;
    return SENSITIVE_WORD.test(n) || SENSITIVE_PART.test(n);
}

/** OAuth's one-time values: credentials in a URL or form, ordinary words as JSON field names ("code": "NOT_FOUND"). */
const SENSITIVE_PARAM = /^(code|state|nonce|code_verifier|ticket|session_state)$/;

/** Whether a URL or form parameter of this name holds a credential. */
export function isSensitiveParam(name: string): boolean {
    return isSensitiveName(name) || SENSITIVE_PARAM.test(normalizeName(name));
}

/** Headers whose long random values are identifiers, not credentials. */
const ID_HEADER = /(^|-)(etag|request-id|trace-id|traceparent|tracestate|correlation-id|id|version|digest|content-md5)$/i;

/** A header value that is one long random token, in a header not known to carry identifiers. */
export function tokenHeader(name: string, value: string): boolean {
    return !ID_HEADER.test(name) && /^[A-Za-z0-9._~+/=-]{32,}$/.test(value) && /\d/.test(value) && /[a-z]/.test(value) && /[A-Z]/.test(value);
}

/** Looks like a generated credential rather than a word: long, and mixing digits with letters (or both cases). */
function tokenShaped(value: string): boolean {
    if (value.length < 8) return false;
    const letters = /[A-Za-z]/.test(value);
    const digits = /\d/.test(value);
    return (letters && digits) || (value.length >= 20 && /[a-z]/.test(value) && /[A-Z]/.test(value));
}

/** Credential shapes recognized wherever they appear, whatever they are called. */
const VALUE_SHAPES: { label: string; pattern: RegExp }[] = [
    { label: 'JWT', pattern: /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g },
    { label: 'private key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g },
    {
        label: 'provider token',
        pattern: new RegExp(
            '\\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|[sr]k_(live|test)_[A-Za-z0-9]{10,}|xox[abprse]-[A-Za-z0-9-]{10,}|' +
                'AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}|ya29\\.[0-9A-Za-z_-]{20,}|glpat-[A-Za-z0-9_-]{20,}|shpat_[a-fA-F0-9]{32})\\b',
            'g'
        )
    }
];
/** `Bearer <token>`, `Basic <base64>`, `token <token>`: the scheme stays, the credential goes. */
const AUTH_SCHEME = /\b(bearer|basic|token|digest|bot|oauth|sso-key|apikey)(\s+)([A-Za-z0-9._~+/=:-]{8,})/gi;
/** `name=value` in URLs, forms and cookies; `"name": "value"` in JSON kept as text. */
const NAMED_VALUE = /([A-Za-z0-9_.[\]-]+)(=)([^&#\s"'<>;,]+)|(\\?"([A-Za-z0-9_.-]+)\\?"\s*:\s*\\?")((?:[^"\\]|\\[^"])+)(\\?")/g;

/** Replaces credentials in a text by their shape and by the names they are given; `found` collects what was replaced. */
export function scrubCredentials(text: string, redactor: Redactor, found: Set<string>): string {
    let out = redactor.text(text);
    if (out !== text) found.add('known credential');
    for (const { label, pattern } of VALUE_SHAPES) {
        out = out.replace(pattern, () => {
            found.add(label);
            return REDACTED;
        });
    }
    out = out.replace(AUTH_SCHEME, (all, scheme: string, space: string, value: string) => {
        const credential = tokenShaped(value) || (/^(bearer|basic)$/i.test(scheme) && (/[+/=]/.test(value) || value.length >= 16));
        if (value.startsWith(REDACTED) || !credential) return all;
        found.add(`${scheme.toLowerCase()} credential`);
        return `${scheme}${space}${REDACTED}`;
    });
    type Group = string | undefined;
    out = out.replace(NAMED_VALUE, (all, name: Group, eq: Group, value: Group, jsonHead: Group, jsonName: Group, jsonValue: Group, jsonTail: Group) => {
        if (name !== undefined && value !== undefined && isSensitiveParam(name) && value !== REDACTED) {
            found.add(name);
            return `${name}${eq}${REDACTED}`;
        }
        if (jsonName !== undefined && jsonValue !== undefined && isSensitiveName(jsonName) && jsonValue !== REDACTED) {
            found.add(jsonName);
            return `${jsonHead}${REDACTED}${jsonTail}`;
        }
        return all;
    });
    return out;
}

/**
 * A response body with its credentials replaced: every string under a sensitive name (however deeply
 * nested), and credential-shaped or known values anywhere, object keys included.
 */
export function scrubBody(body: unknown, redactor: Redactor, found: Set<string>): unknown {
    const walk = (v: unknown, sensitive: string | undefined): unknown => {
        if (typeof v === 'string') {
            if (sensitive !== undefined && v !== REDACTED && v !== '') {
                found.add(sensitive);
                return REDACTED;
            }
            return scrubCredentials(v, redactor, found);
        }
        if (Array.isArray(v)) return v.map((item) => walk(item, sensitive));
        if (v && typeof v === 'object') {
            const out: Record<string, unknown> = {};
            for (const [k, item] of Object.entries(v)) {
                let name = scrubCredentials(k, redactor, found);
                for (let n = 2; name !== k && name in out; n++) name = `${REDACTED}#${n}`;
                // Under a credential's name everything is secret, except what only describes it ("type", "expires_in").
                out[name] = walk(item, isHarmlessName(k) ? undefined : (sensitive ?? (isSensitiveName(k) ? k : undefined)));
            }
            return out;
        }
        return v;
    };
    return walk(body, undefined);
}
