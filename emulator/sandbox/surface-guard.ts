// The objects every run shares with the worker (Node's built-in prototypes, Buffer, URL, the modules
// the runtime provides) can still be changed through a prototype the handler reaches, e.g.
// `Object.getPrototypeOf(await nango.getConnection()).x = 1`. A fingerprint of their own properties is
// taken before a run and compared after it: a worker whose shared objects changed is not reused.

type Descriptor = PropertyDescriptor & { value?: unknown };

interface ObjectPrint {
    target: object;
    label: string;
    proto: object | null;
    extensible: boolean;
    props: Map<string | symbol, Descriptor>;
}

function printOf(target: object, label: string): ObjectPrint {
    const props = new Map<string | symbol, Descriptor>();
    for (const key of Reflect.ownKeys(target)) {
        const d = Reflect.getOwnPropertyDescriptor(target, key);
        if (d) props.set(key, d);
    }
    return { target, label, proto: Reflect.getPrototypeOf(target), extensible: Reflect.isExtensible(target), props };
}

function sameDescriptor(a: Descriptor, b: Descriptor): boolean {
    return (
        Object.is(a.value, b.value) &&
        a.get === b.get &&
        a.set === b.set &&
        a.writable === b.writable &&
        a.enumerable === b.enumerable &&
        a.configurable === b.configurable
    );
}

/** `Error.prototype.toString`, `Promise.prototype.then (new)`: what changed, for the run's note. */
function changesOf(before: ObjectPrint): string[] {
    const after = printOf(before.target, before.label);
    const out: string[] = [];
    if (after.proto !== before.proto) out.push(`${before.label} (prototype replaced)`);
    if (after.extensible !== before.extensible) out.push(`${before.label} (frozen or sealed)`);
    for (const [key, d] of after.props) {
        const old = before.props.get(key);
        if (!old) out.push(`${before.label}.${String(key)} (added)`);
        else if (!sameDescriptor(old, d)) out.push(`${before.label}.${String(key)}`);
    }
    for (const key of before.props.keys()) if (!after.props.has(key)) out.push(`${before.label}.${String(key)} (deleted)`);
    return out;
}

/**
 * The shared objects reachable from user code: roots, their prototypes, and what those hold, three
 * steps deep. Breadth first, roots' own prototypes first, so labels are the names people write
 * (`Object.prototype`, not `Object.__proto__.__proto__`).
 */
function sharedObjects(roots: Record<string, unknown>): Map<object, string> {
    const seen = new Map<object, string>();
    const isObject = (value: unknown): value is object => (typeof value === 'object' || typeof value === 'function') && value !== null;
    let level: [object, string][] = [];
    const visit = (value: unknown, label: string): void => {
        if (!isObject(value) || seen.has(value)) return;
        seen.set(value, label);
        level.push([value, label]);
    };
    for (const [label, value] of Object.entries(roots)) visit(value, label);
    for (const [label, value] of Object.entries(roots))
        if (typeof value === 'function') visit((value as { prototype?: unknown }).prototype, `${label}.prototype`);
    for (let depth = 0; depth < 3; depth++) {
        const current = level;
        level = [];
        for (const [value, label] of current) {
            if (typeof value === 'function') visit((value as { prototype?: unknown }).prototype, `${label}.prototype`);
            visit(Reflect.getPrototypeOf(value), `${label}.__proto__`);
            for (const key of Reflect.ownKeys(value)) {
                const d = Reflect.getOwnPropertyDescriptor(value, key);
                if (d && 'value' in d) visit(d.value, `${label}.${String(key)}`);
            }
        }
    }
    return seen;
}

export class SharedSurfaceGuard {
    private readonly objects: Map<object, string>;

    constructor(roots: Record<string, unknown>) {
        this.objects = sharedObjects(roots);
    }

    /** Fingerprints now; the returned function lists what changed since (empty when nothing did). */
    snapshot(): () => string[] {
        const prints = [...this.objects].map(([target, label]) => printOf(target, label));
        return () => prints.flatMap(changesOf);
    }
}
