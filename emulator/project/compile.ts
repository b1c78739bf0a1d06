// Compiles a handler (or the user's msw handlers file) with esbuild into one CommonJS file with an
// inline source map, so stack traces point at the user's TypeScript lines. Handlers are bundled the way
// `nango compile` bundles them (nango/dist/zeroYaml/compile.js, nango 0.71.10): relative imports are
// bundled, every package stays external for the runtime's `require` to allow or refuse, and an import
// `nango compile` refuses fails here too. Results are cached while none of the bundle's inputs changed.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type * as esbuildTypes from 'esbuild';
import { EmulatorError } from '../core/errors';
import { NANGO_FACTORIES, NANGO_SOURCES, importRefusedMessage, isCompileAllowedImport, moduleAdvice } from '../sandbox/rules';
import { FIXTURES_DIR } from '../fixtures/fixtures';
import { writeFileAtomic } from '../state/state';

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

const CACHE_VERSION = 2;

/** A handler runs in Nango's runtime; the user's msw handlers file is emulator configuration, run as plain Node. */
export type CompilePurpose = 'handler' | 'fixture-code';

/**
 * The esbuild to compile with, first found of: the emulator's own (the CLI installed as a package, e.g.
 * `npm install <the npm pack tarball>`, whose esbuild dependency brings the platform's binary, so a
 * project with no node_modules of its own still compiles); the project's (the `nango` package depends
 * on esbuild, so every Nango project has it once installed: this is what the platform-neutral .vsix
 * uses); esbuild-wasm (same API, portable, slower to start). NANGO_EMULATOR_ESBUILD=wasm forces the last one.
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
        `${root}: no esbuild to compile event functions with. Run "npm install" in ${root} (the nango package brings esbuild), or install the nango-emulator CLI in the project (npm install --save-dev <the tarball npm pack makes of the emulator repository>), which brings its own esbuild.`
    );
}

export function cacheDir(root: string): string {
    return path.join(root, FIXTURES_DIR, 'cache');
}

/**
 * The inputs of every bundle compiled so far (esbuild's metafile, as the cache recorded it): each entry
 * lists the files one handler (or the msw handlers file) is made of, the entry point among them. What
 * a watch uses to know which handlers a change reaches.
 */
export function compiledBundleInputs(root: string): string[][] {
    const dir = cacheDir(root);
    let names: string[];
    try {
        names = readdirSync(dir).filter((n) => n.endsWith('.cjs.json'));
    } catch {
        return [];
    }
    const out: string[][] = [];
    for (const name of names) {
        try {
            const manifest = JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as CacheManifest;
            if (manifest.version === CACHE_VERSION) out.push(Object.keys(manifest.inputs));
        } catch {
            // Being replaced right now: the next compile writes it again.
        }
    }
    return out;
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

const NANGO_NAMESPACE = 'nango-compiled-away';

/**
 * Packages as `nango compile` treats them. 'nango' resolves to a module with only the factories, because
 * nango compile rewrites `createOnEvent({…})` to the object itself: importing anything else from 'nango'
 * as a value would leave `require('nango')` in the bundle, which Nango's runner refuses.
 */
const asNangoCompiles: esbuildTypes.Plugin = {
    name: 'as-nango-compiles',
    setup(build) {
        build.onResolve({ filter: /^[^./]/ }, (args) => {
            if (path.isAbsolute(args.path)) return undefined;
            if (args.path === 'nango' || args.path === 'nango/experimental') return { path: args.path, namespace: NANGO_NAMESPACE };
            if (args.kind === 'import-statement' && !isCompileAllowedImport(args.path)) {
                return {
                    errors: [
                        {
                            text: `${importRefusedMessage(args.path)} (nango compile refuses it: ${NANGO_SOURCES.compileImports}). ${capitalize(moduleAdvice(args.path))}.`
                        }
                    ]
                };
            }
            return { path: args.path, external: true };
        });
        build.onLoad({ filter: /.*/, namespace: NANGO_NAMESPACE }, () => ({
            contents: NANGO_FACTORIES.map((name) => `export const ${name} = (params) => ({ type: ${JSON.stringify(factoryType(name))}, ...params });`).join(
                '\n'
            ),
            loader: 'js'
        }));
    }
};

function factoryType(factory: (typeof NANGO_FACTORIES)[number]): string {
    return { createOnEvent: 'onEvent', createAction: 'action', createSync: 'sync', createFunction: 'function' }[factory];
}

function capitalize(text: string): string {
    return text.charAt(0).toUpperCase() + text.slice(1);
}

/** esbuild's words for a value import from 'nango' that nango compile does not take out, in Nango's terms. */
function explainBuildError(text: string): string {
    const fromNango = new RegExp(`No matching export in "${NANGO_NAMESPACE}:(nango[^"]*)" for import "([^"]+)"`).exec(text);
    if (!fromNango) return text;
    return `'${fromNango[2]}' is imported from '${fromNango[1]}' as a value: nango compile only takes out ${NANGO_FACTORIES.join(', ')}, so the bundle would keep require('${fromNango[1]}') and Nango's runtime refuses it ("Module '${fromNango[1]}' is not allowed", ${NANGO_SOURCES.runner}). ${capitalize(moduleAdvice('nango'))}.`;
}

export async function compileFile(root: string, source: string, purpose: CompilePurpose = 'handler'): Promise<CompiledFile> {
    const started = performance.now();
    const abs = path.resolve(source);
    const key = createHash('sha1').update(`${purpose}\0${abs}`).digest('hex').slice(0, 16);
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
            plugins: [purpose === 'handler' ? asNangoCompiles : providedByWorker]
        });
    } catch (err) {
        const failure = err as esbuildTypes.BuildFailure;
        const messages = (failure.errors ?? []).map((e) => {
            const where = e.location ? `${path.resolve(root, e.location.file)}:${e.location.line}:${e.location.column + 1}` : abs;
            return `${where}: ${explainBuildError(e.text)}${e.location?.lineText ? `\n    ${e.location.lineText.trim()}` : ''}`;
        });
        // A rule of Nango's (a refused import) is not the emulator's doing: say that Nango refuses it too.
        const byNango = (failure.errors ?? []).some((e) => e.pluginName === asNangoCompiles.name || e.text.includes(NANGO_NAMESPACE));
        const why = byNango ? 'nango compile (and so nango deploy) refuses the same code' : 'the emulator compiles handlers with esbuild before running them';
        throw new EmulatorError('handler_compile_failed', `${messages.join('\n') || `${abs}: ${(err as Error).message}`}\nFix the code above; ${why}.`);
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
