// Nango's production runtime rules, written once: the emulator's sandbox enforces them, its compile
// step refuses what `nango compile` refuses, and the editor's diagnostics point at them in the source.
// Sources (NangoHQ/nango at 2f4c0af; npm nango 0.71.10):
//   packages/runner/lib/exec.ts — the vm context: its `require` switch and the globals it passes;
//   nango/dist/zeroYaml/constants.js — `allowedPackages`, the imports `nango compile` accepts;
//   nango/dist/zeroYaml/compile.js — `getEntryPoints`: only files index.ts imports are built.

/** Where each rule was read, for messages and tests. */
export const NANGO_SOURCES = {
    runner: 'packages/runner/lib/exec.ts (NangoHQ/nango)',
    compileImports: 'nango/dist/zeroYaml/constants.js allowedPackages (nango 0.71.10)',
    entryPoints: 'nango/dist/zeroYaml/compile.js getEntryPoints (nango 0.71.10)'
} as const;

/** What the runner's `require` returns a module for; anything else throws "Module '…' is not allowed". */
export const RUNTIME_MODULES = ['url', 'crypto', 'zod', 'botbuilder', 'soap', 'unzipper'] as const;

/** The packages `nango compile` lets a handler import (type-only imports of anything are fine). */
export const COMPILE_ALLOWED_PACKAGES = [
    'nango/experimental',
    'url',
    'node:url',
    'crypto',
    'node:crypto',
    'nango',
    'zod',
    'unzipper',
    'soap',
    'botbuilder'
] as const;

/**
 * The names `nango compile` strips from a handler (it rewrites `createOnEvent({…})` to the object
 * itself), so importing them from 'nango' leaves nothing to load at run time. Any other value imported
 * from 'nango' keeps `require('nango')` in the bundle, which the runner refuses.
 */
export const NANGO_FACTORIES = ['createOnEvent', 'createAction', 'createSync', 'createFunction'] as const;

/** The globals the runner's context has besides the language's own (Object, Promise, JSON, Math…). */
export const RUNTIME_GLOBALS = ['Buffer', 'setTimeout', 'Error', 'URL', 'URLSearchParams', 'console', 'require'] as const;

/** Node globals a handler might reach for that the runner's context does not have, with what to use instead. */
export const MISSING_GLOBALS: Readonly<Record<string, string>> = {
    process: 'read configuration with await nango.getEnvironmentVariables() or the connection (await nango.getConnection())',
    fetch: 'call the provider through Nango with await nango.get/post/put/patch/delete({ endpoint }) or nango.proxy(...): Nango adds the credentials',
    setInterval: 'loop with await and setTimeout, or call the provider once; event functions should finish quickly',
    clearInterval: 'setInterval is not available either: loop with await and setTimeout',
    clearTimeout: 'do not cancel timers; wait with await new Promise((r) => setTimeout(r, ms)) only when you must',
    setImmediate: 'use await Promise.resolve() or setTimeout(fn, 0)',
    clearImmediate: 'setImmediate is not available either',
    queueMicrotask: 'use Promise.resolve().then(fn)',
    structuredClone: 'copy plain data with JSON.parse(JSON.stringify(value))',
    TextEncoder: "use Buffer.from(text, 'utf8')",
    TextDecoder: "use buffer.toString('utf8')",
    atob: "use Buffer.from(text, 'base64').toString('utf8')",
    btoa: "use Buffer.from(text, 'utf8').toString('base64')",
    AbortController: 'pass retries/timeouts in the proxy config instead of aborting requests',
    AbortSignal: 'pass retries/timeouts in the proxy config instead of aborting requests',
    Headers: 'pass headers as a plain object in the proxy config: nango.get({ endpoint, headers: { … } })',
    Request: 'call the provider with nango.get/post/… or nango.proxy(...)',
    Response: 'read the response of nango.get/post/… (data, status, headers)',
    FormData: 'send the body as data in nango.post({ endpoint, data })',
    Blob: 'use Buffer',
    performance: 'use Date.now()',
    global: 'use the names Nango provides directly',
    __dirname: 'event functions have no files: keep data in metadata or environment variables',
    __filename: 'event functions have no files: keep data in metadata or environment variables',
    WebSocket: 'event functions cannot open connections of their own; call the provider with nango.get/post/…',
    EventSource: 'event functions cannot open connections of their own; call the provider with nango.get/post/…',
    crypto: "import crypto from 'crypto' (the module; there is no global crypto)"
};

/** What to use instead of a module the runner refuses. */
const MODULE_ADVICE: Readonly<Record<string, string>> = {
    'node:crypto': "import from 'crypto' instead (Nango's runner provides 'crypto', not 'node:crypto')",
    'node:url': "import from 'url' instead (Nango's runner provides 'url', not 'node:url')",
    nango: "only createOnEvent/createAction/createSync are taken out by nango compile; use what the exec's nango argument carries instead (throw new nango.ActionError(...), not an ActionError imported from 'nango')",
    'nango/experimental': "use what the exec's nango argument carries instead of values imported from 'nango/experimental'",
    fs: 'event functions have no file system: keep data in metadata (nango.updateMetadata) or environment variables',
    'node:fs': 'event functions have no file system: keep data in metadata (nango.updateMetadata) or environment variables',
    'fs/promises': 'event functions have no file system: keep data in metadata (nango.updateMetadata) or environment variables',
    'node:fs/promises': 'event functions have no file system: keep data in metadata (nango.updateMetadata) or environment variables',
    path: 'build URLs with URL (a global) instead',
    'node:path': 'build URLs with URL (a global) instead',
    http: 'call the provider with await nango.get/post/… or nango.proxy(...): Nango adds the credentials',
    https: 'call the provider with await nango.get/post/… or nango.proxy(...): Nango adds the credentials',
    axios: 'call the provider with await nango.get/post/… or nango.proxy(...): Nango adds the credentials',
    'node-fetch': 'call the provider with await nango.get/post/… or nango.proxy(...): Nango adds the credentials',
    process: 'read configuration with await nango.getEnvironmentVariables()'
};

const ANY_NETWORK = /^(node:)?(net|tls|dgram|dns|http2|child_process|worker_threads|cluster|os|vm|v8|module)$/;

/** A sentence saying what to do instead of requiring `name`. */
export function moduleAdvice(name: string): string {
    const known = MODULE_ADVICE[name];
    if (known) return known;
    if (ANY_NETWORK.test(name)) return 'event functions may only reach the provider through Nango (await nango.get/post/… or nango.proxy(...))';
    return `Nango's runner provides only ${RUNTIME_MODULES.map((m) => `'${m}'`).join(', ')}; bundle what you need from your own files or call the provider through nango.proxy(...)`;
}

export function isRuntimeModule(name: string): name is (typeof RUNTIME_MODULES)[number] {
    return (RUNTIME_MODULES as readonly string[]).includes(name);
}

export function isCompileAllowedPackage(name: string): boolean {
    return (COMPILE_ALLOWED_PACKAGES as readonly string[]).includes(name);
}

/** `nango compile`'s import rule: relative paths, and the allowed packages. */
export function isCompileAllowedImport(specifier: string): boolean {
    return specifier.startsWith('./') || specifier.startsWith('../') || isCompileAllowedPackage(specifier);
}

/** The exact text Nango's runner throws for a refused module. */
export function moduleRefusedMessage(name: string): string {
    return `Module '${name}' is not allowed`;
}

/** The exact text `nango compile` prints for a refused import. */
export function importRefusedMessage(name: string): string {
    return `Import of package '${name}' is not allowed. Allowed packages are: ${COMPILE_ALLOWED_PACKAGES.join(', ')}`;
}

/**
 * The relative files index.ts registers, as Nango finds them: `import './x'` (side-effect imports
 * starting with ./) at the start of a line. Returned as written, '.js' added when it has none.
 */
export function entryPointsOf(indexText: string): string[] {
    const importRegex = /^import ['"](?<path>\.\/[^'"]+)['"];?/gm;
    const out: string[] = [];
    for (const match of indexText.matchAll(importRegex)) {
        const fp = match.groups?.['path'];
        if (fp) out.push(fp.endsWith('.js') ? fp : `${fp}.js`);
    }
    return out;
}
