// Provider header and query templates interpolated as Nango's proxy does.
import { createHash, createHmac, randomUUID } from 'node:crypto';

// Nango's template interpolation (packages/shared/lib/utils/utils.ts: interpolateIfNeeded,
// interpolateStringFromObject, their ${base64(…)}, ${sha256Hex(…)}, ${sha256Base64(…)},
// ${hmacSha1Hex(message, key)}, ${now…}, ${random} and ${endpoint}). Not computed, left as written (as
// Nango leaves what it cannot resolve): ${awsSigV4(…)} (aws-iam, aws-inspector2, aws-multi-service) and
// ${ed25519Sign(…)} (streamline-ai).
export type Replacers = Record<string, unknown>;

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
