// Credentials never reach logs, output or results: every value we know to be secret is replaced
// wherever it appears, in whatever encoding it took on the way out (URL, form, JSON, XML, Base64),
// and well-known secret-bearing fields are masked even when we did not know them.
import type { Credentials, Fixtures } from '../fixtures/fixtures';
import { integrationSecretsOf } from '../fakes/nango-shapes';

export const REDACTED = '«redacted»';

// Field names whose values are secrets, in every credential type (credentials.ts) and integration app (nango-shapes.ts).
const SECRET_KEYS =
    /^(access_?token|refresh_?token|token|api_?key|apikey|password|secret|client_?secret|private_?key|authorization|x-api-key|cookie|set-cookie|jwt|id_token|webhook_?secret|oauth_token(_secret)?|token_(id|secret)|session_?(id|token)|dev_?key|secret_?(access_)?key|jwt_?token|client_private_key|_cookies)$/i;

/** Shorter values would shred ordinary text ("abc", "true"). */
export const MIN_SECRET_LENGTH = 4;
/** Secrets this long also match in other letter case: they cannot be ordinary words. */
const CASE_FOLD_MIN_LENGTH = 8;

/**
 * Every secret string carried by a set of credentials, raw. For Basic auth also `user:password` (whose
 * Base64 form the Redactor derives) and the Authorization header value itself, which account matching
 * looks for in requests.
 */
export function secretsOf(credentials: Credentials): string[] {
    const found: string[] = [];
    const visit = (value: unknown, key?: string): void => {
        if (typeof value === 'string') {
            if (key && SECRET_KEYS.test(key) && value.length >= MIN_SECRET_LENGTH) found.push(value);
        } else if (value && typeof value === 'object') {
            for (const [k, v] of Object.entries(value)) visit(v, k);
        }
    };
    visit(credentials);
    if (credentials.type === 'BASIC') {
        const pair = `${credentials.username}:${credentials.password}`;
        found.push(pair, Buffer.from(pair).toString('base64'));
        if (credentials.password.length >= MIN_SECRET_LENGTH) found.push(credentials.password);
    }
    return [...new Set(found)].sort((a, b) => b.length - a.length);
}

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** A hex number matched in either case, zero-padded to `width` ("2f" → "2[fF]"). */
function hexPattern(n: number, width: number): string {
    return n
        .toString(16)
        .padStart(width, '0')
        .replace(/[a-f]/g, (d) => `[${d}${d.toUpperCase()}]`);
}

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * One character of a secret in every form an encoder may give it: raw (either case when `fold`),
 * percent-encoded (once or twice; any hex case), `+` for a space (forms), JSON-escaped (once or
 * twice), `\uXXXX`, and XML entities. Matching per character also catches encoders that escape only
 * some characters (axios keeps `:` and `$`, URL parsers add `%22`).
 */
function charPattern(ch: string, fold: boolean): string {
    const alternatives = new Set<string>();
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    if (fold && lower !== upper && lower.length === ch.length && upper.length === ch.length) alternatives.add(`[${escapeRegex(lower)}${escapeRegex(upper)}]`);
    else alternatives.add(escapeRegex(ch));
    const bytes = [...Buffer.from(ch, 'utf8')];
    alternatives.add(bytes.map((b) => `%${hexPattern(b, 2)}`).join(''));
    alternatives.add(bytes.map((b) => `%25${hexPattern(b, 2)}`).join(''));
    if (ch === ' ') alternatives.add('\\+');
    const json = JSON.stringify(ch).slice(1, -1);
    if (json !== ch) {
        alternatives.add(escapeRegex(json));
        alternatives.add(escapeRegex(JSON.stringify(json).slice(1, -1)));
    }
    alternatives.add([...Array(ch.length).keys()].map((i) => `\\\\u${hexPattern(ch.charCodeAt(i), 4)}`).join(''));
    // Only an ASCII code is used below, where charCodeAt and codePointAt agree.
    const code = ch.charCodeAt(0);
    if (XML_ENTITIES[ch]) alternatives.add(escapeRegex(XML_ENTITIES[ch]));
    if (code < 0x80 && !/[A-Za-z0-9]/.test(ch)) {
        alternatives.add(`&#${code};`);
        alternatives.add(`&#[xX]${hexPattern(code, 1)};`);
    }
    return `(?:${[...alternatives].join('|')})`;
}

function stringPattern(s: string, fold: boolean): string {
    return [...s].map((ch) => charPattern(ch, fold)).join('');
}

/**
 * Base64 forms of a secret (standard and URL-safe alphabets; padding is taken with the match): the
 * whole value, or for longer secrets the part of its encoding that does not depend on what surrounds
 * it, at each of the three byte alignments. That is how `user:secret` or `secret:x` look in a Basic
 * header; the partial characters around such a part are taken when it matches (see Redactor.text).
 */
function base64Forms(secret: string): string[] {
    const bytes = Buffer.from(secret, 'utf8');
    const forms = new Set<string>();
    if (bytes.length < 9) forms.add(bytes.toString('base64').replace(/=+$/, ''));
    else {
        for (let shift = 0; shift < 3; shift++) {
            const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
            const firstGroup = shift === 0 ? 0 : 1;
            const lastGroup = Math.floor((shift + bytes.length) / 3) - 1;
            forms.add(encoded.slice(4 * firstGroup, 4 * (lastGroup + 1)));
        }
    }
    for (const form of [...forms]) forms.add(form.replace(/\+/g, '-').replace(/\//g, '_'));
    return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH);
}

/** Base64 characters next to a matched fragment still carry bits of the secret: they go too. */
const B64_CHAR = /[A-Za-z0-9+/_-]/;

/**
 * Compiled patterns by secret list: servers build a Redactor per request and per log line, and
 * compiling the alternation is what costs (tens of milliseconds for a few secrets, about 100 ms for the
 * example's nine: the first match compiles it).
 */
const compiled = new Map<string, Patterns>();
const MAX_COMPILED = 32;

interface Patterns {
    plain: RegExp | undefined;
    base64: RegExp | undefined;
}

function alternation(forms: { length: number; source: string }[]): RegExp | undefined {
    // Longest first: a secret that contains another is replaced whole, not around the shorter one.
    const sources = [...new Set(forms.sort((a, b) => b.length - a.length).map((f) => f.source))];
    return sources.length ? new RegExp(sources.join('|'), 'g') : undefined;
}

function compile(list: readonly string[]): Patterns {
    const cacheKey = list.join('\0');
    const cached = compiled.get(cacheKey);
    if (cached) return cached;
    const plain: { length: number; source: string }[] = [];
    const base64: { length: number; source: string }[] = [];
    for (const secret of list) {
        plain.push({ length: secret.length, source: stringPattern(secret, secret.length >= CASE_FOLD_MIN_LENGTH) });
        for (const b64 of base64Forms(secret)) base64.push({ length: b64.length, source: stringPattern(b64, false) });
    }
    const patterns = { plain: alternation(plain), base64: alternation(base64) };
    const oldest = compiled.keys().next();
    if (compiled.size >= MAX_COMPILED && !oldest.done) compiled.delete(oldest.value);
    compiled.set(cacheKey, patterns);
    return patterns;
}

/**
 * What starts every encoded alternative charPattern writes: %XX (and %25XX), a JSON escape or \uXXXX
 * (a backslash), an XML entity. A text without any of them can hold a secret only as written.
 */
const ENCODED_CHARACTER = /%[0-9a-fA-F]{2}|\\|&(?:#|amp;|lt;|gt;|quot;|apos;)/;

/**
 * The cheap, exact test that lets most texts skip the patterns: a text with no encoded character
 * holds a secret only as one of these literal forms (either case for long ASCII secrets, as
 * charPattern folds them). A secret with other characters, or a space (which a form encodes as "+"),
 * always goes to the patterns.
 */
interface Literals {
    exact: string[];
    folded: string[];
    /** Some secret has a character this test does not cover: every text goes to the patterns. */
    patternsOnly: boolean;
}

function literalsOf(list: readonly string[]): Literals {
    const literals: Literals = { exact: [], folded: [], patternsOnly: false };
    for (const secret of list) {
        if (!/^[\x21-\x7e]+$/.test(secret)) literals.patternsOnly = true;
        else if (secret.length >= CASE_FOLD_MIN_LENGTH) literals.folded.push(secret.toLowerCase());
        else literals.exact.push(secret);
        literals.exact.push(...base64Forms(secret));
    }
    return literals;
}

export class Redactor {
    private readonly list: readonly string[];
    private readonly literals: Literals;
    private patterns: Patterns | undefined;

    constructor(secrets: Iterable<string>) {
        this.list = [...new Set([...secrets].filter((s) => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
        this.literals = literalsOf(this.list);
    }

    /** Whether `value` may hold a secret; false is certain (see Literals). */
    private mayHoldSecret(value: string): boolean {
        const { exact, folded, patternsOnly } = this.literals;
        if (patternsOnly || ENCODED_CHARACTER.test(value)) return this.list.length > 0;
        if (exact.some((form) => value.includes(form))) return true;
        if (!folded.length) return false;
        const lower = value.toLowerCase();
        return folded.some((form) => lower.includes(form));
    }

    /** Whether the text carries a secret in any form. */
    matches(value: string): boolean {
        return this.text(value) !== value;
    }

    text(value: string): string {
        if (value.length < MIN_SECRET_LENGTH || !this.mayHoldSecret(value)) return value;
        const { plain, base64 } = (this.patterns ??= compile(this.list));
        const out = plain ? value.replace(plain, REDACTED) : value;
        if (!base64) return out;
        const re = base64;
        re.lastIndex = 0;
        let result = '';
        let done = 0;
        for (let m = re.exec(out); m; m = re.exec(out)) {
            let start = m.index;
            let end = start + m[0].length;
            for (let n = 0; n < 3 && start > done && B64_CHAR.test(out.charAt(start - 1)); n++) start--;
            for (let n = 0; n < 3 && end < out.length && B64_CHAR.test(out.charAt(end)); n++) end++;
            while (end < out.length && out[end] === '=') end++;
            result += out.slice(done, start) + REDACTED;
            done = end;
            re.lastIndex = end;
        }
        return result + out.slice(done);
    }

    /** Deep copy with secret values (and keys) replaced and secret-named fields masked. */
    value<T>(input: T): T {
        const walk = (v: unknown, key?: string): unknown => {
            if (typeof v === 'string') return key && SECRET_KEYS.test(key) ? REDACTED : this.text(v);
            if (Array.isArray(v)) return v.map((item) => walk(item));
            if (v && typeof v === 'object') {
                const out: Record<string, unknown> = {};
                for (const [k, item] of Object.entries(v)) {
                    // A secret used as a key (e.g. a map of tokens) is replaced too; distinct keys stay distinct.
                    let name = this.text(k);
                    for (let n = 2; name !== k && name in out; n++) name = `${this.text(k)}#${n}`;
                    out[name] = walk(item, k);
                }
                return out;
            }
            return v;
        };
        return walk(input) as T;
    }
}

/** Every secret fixtures.json holds: each account's credentials and each integration's own app secrets. */
export function fixtureSecrets(fixtures: Pick<Fixtures, 'integrations'>): string[] {
    return Object.values(fixtures.integrations).flatMap((i) => [
        ...Object.values(i.accounts).flatMap((a) => secretsOf(a.credentials)),
        ...integrationSecretsOf(i)
    ]);
}
