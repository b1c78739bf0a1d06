// Compiles a handler (or the user's msw handlers file) with esbuild into one CommonJS file with an
// inline source map, so stack traces point at the user's TypeScript lines. `nango`, `msw` and (when the
// project has no zod of its own) `zod` stay external: the worker provides them. Results are cached and
// reused while none of the bundle's input files changed.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type * as esbuildTypes from 'esbuild';
import { EmulatorError } from './errors';
import { FIXTURES_DIR } from './fixtures';
import { writeFileAtomic } from './state';

export interface CompiledFile {
    source: string;
    compiled: string;
    fromCache: boolean;
    durationMs: number;
}

interface CacheManifest {
    version: number;
    inputs: Record<string, { size: number; mtimeMs: number }>;
}

const CACHE_VERSION = 1;

/**
 * The esbuild to compile with, first found of: the emulator's own (the CLI installed from npm, which
 * picks the platform's binary); the project's (the `nango` package depends on esbuild, so every Nango
 * project has it once installed: this is what the platform-neutral .vsix uses); esbuild-wasm (same
 * API, portable, slower to start). NANGO_EMULATOR_ESBUILD=wasm forces the last one.
 */
function loadEsbuild(root: string): typeof esbuildTypes {
    const forceWasm = process.env['NANGO_EMULATOR_ESBUILD'] === 'wasm';
    const candidates: (() => unknown)[] = forceWasm
        ? [() => require('esbuild-wasm')]
        : [() => require('esbuild'), () => require(require.resolve('esbuild', { paths: [root] })), () => require('esbuild-wasm')];
    for (const load of candidates) {
        try {
            return load() as typeof esbuildTypes;
        } catch {
            // try the next one
        }
    }
    throw new EmulatorError(
        'handler_compile_failed',
        `${root}: no esbuild to compile event functions with. Run "npm install" in ${root} (the nango package brings esbuild), or install the emulator CLI from npm.`
    );
}

export function cacheDir(root: string): string {
    return path.join(root, FIXTURES_DIR, 'cache');
}

function cachedOutput(manifestFile: string, outFile: string): boolean {
    if (!existsSync(manifestFile) || !existsSync(outFile)) return false;
    try {
        const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as CacheManifest;
        if (manifest.version !== CACHE_VERSION) return false;
        return Object.entries(manifest.inputs).every(([file, seen]) => {
            const st = statSync(file, { throwIfNoEntry: false });
            return st !== undefined && st.size === seen.size && st.mtimeMs === seen.mtimeMs;
        });
    } catch {
        return false;
    }
}

const providedByWorker: esbuildTypes.Plugin = {
    name: 'provided-by-emulator',
    setup(build) {
        build.onResolve({ filter: /^(nango|msw)$/ }, (args) => ({ path: args.path, external: true }));
        // Prefer the project's own zod; fall back to the emulator's when the project has none installed.
        build.onResolve({ filter: /^zod(\/v4)?$/ }, async (args) => {
            if (args.pluginData === 'probe') return undefined;
            const resolved = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'probe' });
            return resolved.errors.length ? { path: args.path, external: true } : { path: resolved.path };
        });
    }
};

export async function compileFile(root: string, source: string): Promise<CompiledFile> {
    const started = performance.now();
    const abs = path.resolve(source);
    const key = createHash('sha1').update(abs).digest('hex').slice(0, 16);
    const dir = cacheDir(root);
    const outFile = path.join(dir, `${path.basename(abs).replace(/\.[^.]+$/, '')}-${key}.cjs`);
    const manifestFile = `${outFile}.json`;
    if (cachedOutput(manifestFile, outFile)) {
        return { source: abs, compiled: outFile, fromCache: true, durationMs: performance.now() - started };
    }
    mkdirSync(dir, { recursive: true });
    const esbuild = loadEsbuild(root);
    let result: esbuildTypes.BuildResult<{ metafile: true; write: false }>;
    try {
        result = await esbuild.build({
            entryPoints: [abs],
            bundle: true,
            platform: 'node',
            format: 'cjs',
            target: 'node20',
            sourcemap: 'inline',
            sourcesContent: false,
            metafile: true,
            write: false,
            outfile: outFile,
            logLevel: 'silent',
            absWorkingDir: root,
            plugins: [providedByWorker]
        });
    } catch (err) {
        const failure = err as esbuildTypes.BuildFailure;
        const messages = (failure.errors ?? []).map((e) => {
            const where = e.location ? `${path.resolve(root, e.location.file)}:${e.location.line}:${e.location.column + 1}` : abs;
            return `${where}: ${e.text}${e.location?.lineText ? `\n    ${e.location.lineText.trim()}` : ''}`;
        });
        throw new EmulatorError('handler_compile_failed', `${messages.join('\n') || `${abs}: ${(err as Error).message}`}\nFix the code above; the emulator compiles handlers with esbuild before running them.`);
    }
    const output = result.outputFiles[0];
    if (!output) throw new EmulatorError('handler_compile_failed', `${abs}: esbuild produced no output`);
    const inputs: CacheManifest['inputs'] = {};
    for (const input of Object.keys(result.metafile.inputs)) {
        const file = path.resolve(root, input);
        const st = statSync(file, { throwIfNoEntry: false });
        if (st) inputs[file] = { size: st.size, mtimeMs: st.mtimeMs };
    }
    writeFileAtomic(outFile, output.text);
    writeFileAtomic(manifestFile, JSON.stringify({ version: CACHE_VERSION, inputs } satisfies CacheManifest));
    return { source: abs, compiled: outFile, fromCache: false, durationMs: performance.now() - started };
}
