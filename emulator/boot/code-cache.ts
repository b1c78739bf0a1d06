// Loads an emulator bundle through V8's code cache. Compiling the CLI's and the worker's bundles is a
// fixed cost of every cold run (~25 ms and ~35 ms of CPU); with a cache V8 deserializes them instead.
// Node 20 has no compile cache of its own (module.enableCompileCache is 22.1+).
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import envPaths from 'env-paths';

/** `NANGO_EMULATOR_CODE_CACHE`: another folder for the caches, or `off` for none. */
export const CODE_CACHE_SETTING = 'NANGO_EMULATOR_CODE_CACHE';

/** The user's own cache folder (XDG on Linux, Library/Caches on macOS, LOCALAPPDATA on Windows), or undefined when off. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
    const setting = env[CODE_CACHE_SETTING];
    if (setting === 'off') return undefined;
    return setting ? path.resolve(setting) : path.join(envPaths('nango-emulator', { suffix: '' }).cache, 'code-cache');
}

/**
 * The cache file of this build of `bundle` under this Node. V8 checks its own version and flags, but
 * knows the source by its length only: the bundle's size and modification time name the file.
 */
export function codeCacheFile(dir: string, bundle: string): string {
    const { size, mtimeMs } = statSync(bundle);
    const key = createHash('sha256').update(`${process.version}\0${process.arch}\0${size}\0${mtimeMs}`).digest('hex').slice(0, 16);
    return path.join(dir, `${path.basename(bundle, '.js')}-${key}.bin`);
}

export interface LoadedBundle {
    exports: Record<string, unknown>;
    /** The cache to store, when there was none or V8 turned it down; absent when the cache was used. */
    freshCache?: () => Buffer;
}

/** Runs `bundle` (a CommonJS file) as `require` would, compiled from `cacheFile` when V8 takes it. */
export function loadBundle(bundle: string, cacheFile: string | undefined): LoadedBundle {
    const cachedData = cacheFile ? readIfPresent(cacheFile) : undefined;
    const script = new vm.Script(Module.wrap(readFileSync(bundle, 'utf8')), { filename: bundle, ...(cachedData ? { cachedData } : {}) });
    const mod = new Module(bundle);
    mod.filename = bundle;
    const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
    run.call(mod.exports, mod.exports, Module.createRequire(bundle), mod, bundle, path.dirname(bundle));
    mod.loaded = true;
    const used = cachedData !== undefined && !script.cachedDataRejected;
    return { exports: mod.exports as Record<string, unknown>, ...(used ? {} : { freshCache: () => script.createCachedData() }) };
}

function readIfPresent(file: string): Buffer | undefined {
    try {
        return readFileSync(file);
    } catch {
        return undefined;
    }
}

/** Caches of other builds of the same bundle are removed once this old: two checkouts in use keep theirs. */
const STALE_MS = 60 * 60 * 1000;

/**
 * Stores a cache atomically (concurrent runs each write whole files) and removes stale ones of other
 * builds. A cache is only a speed-up: a folder that cannot be written leaves every run as it was.
 */
export function storeCodeCache(cacheFile: string, data: Uint8Array): void {
    try {
        const dir = path.dirname(cacheFile);
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        const temporary = `${cacheFile}.${process.pid}.${Date.now()}.tmp`;
        writeFileSync(temporary, data, { mode: 0o600 });
        renameSync(temporary, cacheFile);
        const prefix = `${path.basename(cacheFile).replace(/-[0-9a-f]+\.bin$/, '')}-`;
        const now = Date.now();
        for (const name of readdirSync(dir)) {
            const file = path.join(dir, name);
            if (name.startsWith(prefix) && file !== cacheFile && now - statSync(file).mtimeMs > STALE_MS) rmSync(file, { force: true });
        }
    } catch {
        // Read-only home, full disk, a race with another run's clean-up: the next run compiles again.
    }
}
