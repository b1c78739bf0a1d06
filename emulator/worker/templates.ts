// {{path.to.value}} templates in fixture bodies. A string that is exactly one placeholder keeps the
// value's type (a number stays a number); placeholders inside longer strings are stringified.
export type TemplateContext = Record<string, unknown>;

function resolve(ctx: TemplateContext, expr: string): unknown {
    let value: unknown = ctx;
    for (const key of expr.trim().split('.')) {
        value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    }
    return value;
}

export function renderTemplate(value: unknown, ctx: TemplateContext): unknown {
    if (typeof value === 'string') {
        const whole = /^\{\{([^}]+)\}\}$/.exec(value)?.[1];
        if (whole !== undefined) return resolve(ctx, whole) ?? null;
        return value.replace(/\{\{([^}]+)\}\}/g, (_, expr: string) => {
            const v = resolve(ctx, expr);
            return v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
        });
    }
    if (Array.isArray(value)) return value.map((v) => renderTemplate(v, ctx));
    if (value && typeof value === 'object') {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderTemplate(v, ctx)]));
    }
    return value;
}
