// Credentials never reach logs, output or results: every value we know to be secret is replaced
// wherever it appears, and well-known secret-bearing fields are masked even when we did not know them.
import type { Credentials } from './fixtures';

export const REDACTED = '«redacted»';

const SECRET_KEYS = /^(access_?token|refresh_?token|token|api_?key|apikey|password|secret|client_?secret|private_?key|authorization|x-api-key|cookie|set-cookie|jwt|id_token)$/i;

/** Every secret string carried by a set of credentials, including derived forms (Basic auth). */
export function secretsOf(credentials: Credentials): string[] {
    const found: string[] = [];
    const visit = (value: unknown, key?: string): void => {
        if (typeof value === 'string') {
            if (key && SECRET_KEYS.test(key) && value.length >= 4) found.push(value);
        } else if (value && typeof value === 'object') {
            for (const [k, v] of Object.entries(value)) visit(v, k);
        }
    };
    visit(credentials);
    if (credentials.type === 'BASIC') {
        found.push(Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64'));
        if (credentials.password.length >= 4) found.push(credentials.password);
    }
    return [...new Set(found)].sort((a, b) => b.length - a.length);
}

export class Redactor {
    private readonly secrets: string[];
    constructor(secrets: Iterable<string>) {
        this.secrets = [...new Set([...secrets].filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
    }

    text(value: string): string {
        let out = value;
        for (const secret of this.secrets) {
            if (out.includes(secret)) out = out.split(secret).join(REDACTED);
        }
        return out;
    }

    /** Deep copy with secret values replaced and secret-named fields masked. */
    value<T>(input: T): T {
        const walk = (v: unknown, key?: string): unknown => {
            if (typeof v === 'string') return key && SECRET_KEYS.test(key) ? REDACTED : this.text(v);
            if (Array.isArray(v)) return v.map((item) => walk(item));
            if (v && typeof v === 'object') {
                const out: Record<string, unknown> = {};
                for (const [k, item] of Object.entries(v)) out[k] = walk(item, k);
                return out;
            }
            return v;
        };
        return walk(input) as T;
    }
}
