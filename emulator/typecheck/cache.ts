// The content cache of the type check: an unchanged project answers from `<root>/.nango-emulator/cache/typecheck.json`
// without loading TypeScript. The key is everything the answer depends on: the TypeScript and nango installed,
// Nango's options, index.ts, the text of every project file the last program read, and the project's file names.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES_DIR } from '../fixtures/fixtures';
import { writeFileAtomic } from '../state/state';
import type { TypeDiagnostic } from './program';

export const CACHE_FILE = 'typecheck.json';
const CACHE_FORMAT = 1;

/** The part of the key known before a program is built. */
export interface BaseKey {
    format: number;
    root: string;
    typescript: { path: string; version: string };
    nango: string;
    options: string;
    indexSha: string;
    entryPoints: string[];
    /** Lock files and install markers (size:mtimeMs, or null when absent): npm rewrites them on every install. */
    deps: Record<string, string | null>;
    /** sha1 of the project's source and package.json names: a new or deleted file may change what resolves. */
    treeSha: string;
}

export interface CacheKey extends BaseKey {
    /** Every program file not under node_modules, and every entry point (null when missing) → sha1 of its text. */
    files: Record<string, string | null>;
}

export interface CachedResult {
    status: 'passed' | 'failed';
    diagnostics: TypeDiagnostic[];
}

interface CacheEntry {
    key: CacheKey;
    result: CachedResult;
}

export function cacheFile(root: string, cacheDir?: string): string {
    return path.join(cacheDir ?? path.join(root, FIXTURES_DIR, 'cache'), CACHE_FILE);
}

export function sha1(text: string): string {
    return createHash('sha1').update(text).digest('hex');
}

/** A file's text as TypeScript reads it (a leading BOM dropped), hashed; null when it cannot be read. */
export function hashFile(file: string): string | null {
    try {
        return sha1(stripBom(readFileSync(file, 'utf8')));
    } catch {
        return null;
    }
}

export function stripBom(text: string): string {
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function statKey(file: string): string | null {
    try {
        const s = statSync(file);
        return `${s.size}:${s.mtimeMs}`;
    } catch {
        return null;
    }
}

/** What stands for the installed dependencies. */
export function depsOf(root: string): Record<string, string | null> {
    const files = ['node_modules/.package-lock.json', 'package-lock.json', 'node_modules/.modules.yaml', 'pnpm-lock.yaml', 'yarn.lock'];
    return Object.fromEntries(files.map((f) => [f, statKey(path.join(root, f))]));
}

// Folders that never hold handler sources: dependencies, build output, and dot folders (.nango, .nango-emulator, .git).
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'build']);
const SOURCE_NAME = /\.(ts|tsx|mts|cts)$|^package\.json$/;

/** The project's TypeScript sources and package.json files (relative, sorted), and the package.json files' paths. */
export function projectTree(root: string): { names: string[]; packageJsons: string[] } {
    const names: string[] = [];
    const packageJsons: string[] = [];
    const walk = (dir: string, rel: string): void => {
        let entries;
        try {
            entries = readdirSync(dir, { withFileTypes: true });
        } catch {
            return;
        }
        for (const e of entries) {
            if (e.name.startsWith('.')) continue;
            const childRel = rel ? `${rel}/${e.name}` : e.name;
            if (e.isDirectory()) {
                if (!SKIPPED_DIRS.has(e.name)) walk(path.join(dir, e.name), childRel);
            } else if (SOURCE_NAME.test(e.name)) {
                names.push(childRel);
                // package.json "type" decides whether a .ts file is ESM or CommonJS under Node16.
                if (e.name === 'package.json') packageJsons.push(path.join(dir, e.name));
            }
        }
    };
    walk(root, '');
    names.sort();
    return { names, packageJsons };
}

/** Reads the cache; anything unreadable or of another shape counts as no cache. */
export function readCache(file: string): CacheEntry | undefined {
    let parsed: unknown;
    try {
        parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
        return undefined;
    }
    return isCacheEntry(parsed) ? parsed : undefined;
}

function isCacheEntry(value: unknown): value is CacheEntry {
    if (typeof value !== 'object' || value === null) return false;
    const { key, result } = value as Partial<CacheEntry>;
    if (typeof key !== 'object' || key === null || key.format !== CACHE_FORMAT) return false;
    if (typeof key.files !== 'object' || key.files === null) return false;
    if (typeof result !== 'object' || result === null || !Array.isArray(result.diagnostics)) return false;
    if (result.status !== 'passed' && result.status !== 'failed') return false;
    return result.diagnostics.every(
        (d) =>
            typeof d === 'object' &&
            d !== null &&
            typeof d.code === 'string' &&
            typeof d.file === 'string' &&
            typeof d.line === 'number' &&
            typeof d.column === 'number' &&
            typeof d.message === 'string'
    );
}

/** True when the cached answer still holds: same base key, and every recorded file has the same text. */
export function isFresh(entry: CacheEntry, base: BaseKey): boolean {
    const { files, ...cachedBase } = entry.key;
    if (JSON.stringify(cachedBase) !== JSON.stringify(base)) return false;
    for (const [file, hash] of Object.entries(files)) {
        if (hashFile(file) !== hash) return false;
    }
    return true;
}

export function makeBaseKey(parts: Omit<BaseKey, 'format'>): BaseKey {
    // Fixed property order, so the cached and the current key compare as JSON.
    return {
        format: CACHE_FORMAT,
        root: parts.root,
        typescript: { path: parts.typescript.path, version: parts.typescript.version },
        nango: parts.nango,
        options: parts.options,
        indexSha: parts.indexSha,
        entryPoints: parts.entryPoints,
        deps: parts.deps,
        treeSha: parts.treeSha
    };
}

/** Writes the cache atomically; a cache that cannot be written (read-only project) only costs the next call a check. */
export function writeCache(file: string, key: CacheKey, result: CachedResult): void {
    try {
        writeFileAtomic(file, JSON.stringify({ key, result }) + '\n');
    } catch {
        // The answer stands without the cache.
    }
}
