// What user code holds of the worker's own objects. Nango hands functions a Proxy of its runner that
// hides the runner's internals (createFunctionFacade in packages/runner/lib/sdk/sdk.ts, NangoHQ/nango
// at 2f4c0af); the emulator does the same, so a handler cannot reach the emulator's state, the other
// accounts' credentials or the msw server through `nango`.

/** Thrown like Nango's facade throws: `Access to "x" is not allowed.` */
function blockedAccess(prop: string | symbol): never {
    throw new Error(`Access to "${typeof prop === 'symbol' ? prop.toString() : prop}" is not allowed.`);
}

/**
 * A Proxy of `target` that behaves like it (functions come bound, so `this` is the real object) except
 * that `internal` names, `constructor` and `__proto__` can be neither read nor written, and its
 * prototype is hidden: the rules of Nango's facade.
 */
export function sdkFacade<T extends object>(target: T, internal: readonly string[]): T {
    const blocked = new Set<string | symbol>([...internal, 'constructor', '__proto__']);
    const bound = new Map<string | symbol, unknown>();
    const guard = (prop: string | symbol): void => {
        if (blocked.has(prop)) blockedAccess(prop);
    };
    return new Proxy(target, {
        get(t, prop) {
            guard(prop);
            const value = Reflect.get(t, prop, t) as unknown;
            // Classes (nango.ActionError) stay themselves: binding would break `new` and `instanceof`.
            if (typeof value !== 'function' || /^class[\s{]/.test(Function.prototype.toString.call(value))) return value;
            let fn = bound.get(prop);
            if (!fn) {
                fn = (value as (...args: unknown[]) => unknown).bind(t);
                bound.set(prop, fn);
            }
            return fn;
        },
        set(t, prop, value) {
            guard(prop);
            bound.delete(prop);
            return Reflect.set(t, prop, value, t);
        },
        defineProperty(t, prop, descriptor) {
            guard(prop);
            bound.delete(prop);
            return Reflect.defineProperty(t, prop, descriptor);
        },
        deleteProperty(t, prop) {
            guard(prop);
            bound.delete(prop);
            return Reflect.deleteProperty(t, prop);
        },
        has: (t, prop) => !blocked.has(prop) && Reflect.has(t, prop),
        getOwnPropertyDescriptor: (t, prop) => (blocked.has(prop) ? undefined : Reflect.getOwnPropertyDescriptor(t, prop)),
        ownKeys: (t) => Reflect.ownKeys(t).filter((key) => !blocked.has(key)),
        getPrototypeOf: () => null,
        setPrototypeOf: () => blockedAccess('prototype')
    });
}

/**
 * A constructor or namespace shared with every run (Buffer, URL, Error, the crypto module), behind a
 * Proxy that refuses writes: a handler cannot replace `Buffer.from` or set `Error.prepareStackTrace`
 * for the runs after it. Reads, calls, `new` and `instanceof` behave as on the original.
 */
export function readOnlyShared<T extends object>(target: T, name: string): T {
    const refuse = (prop: string | symbol): never => {
        throw new TypeError(
            `Cannot change ${name}.${String(prop)}: the emulator shares ${name} between runs and keeps it read-only (Nango's runner shares it between functions too).`
        );
    };
    return new Proxy(target, {
        set: (_t, prop) => refuse(prop),
        defineProperty: (_t, prop) => refuse(prop),
        deleteProperty: (_t, prop) => refuse(prop),
        setPrototypeOf: () => refuse('__proto__'),
        preventExtensions: () => refuse('(extensions)')
    });
}
