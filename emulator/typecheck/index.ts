// The type check `nango compile` does (nango/dist/zeroYaml/compile.js typeCheck, nango 0.71.10): ONE program whose
// root names are the entry points index.ts imports, Nango's fixed compiler options (not the project's tsconfig.json),
// `ts.getPreEmitDiagnostics`; any diagnostic refuses the project. The project's own TypeScript and nango types are
// used; an unchanged project answers from a content cache, and long-lived processes re-check from the last program.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { entryPointsOf } from '../sandbox/rules';
import { cacheFile, depsOf, hashFile, isFresh, makeBaseKey, projectTree, readCache, sha1, stripBom, writeCache, type BaseKey } from './cache';
import { NANGO_COMPILER_OPTIONS, checkProgram, loadTypeScript, type TypeDiagnostic } from './program';

export { NANGO_COMPILER_OPTIONS, dropWarmState, type TypeDiagnostic } from './program';

export type TypecheckResult =
    | { status: 'passed' | 'failed'; diagnostics: TypeDiagnostic[]; fromCache: boolean; durationMs: number }
    | { status: 'skipped'; reason: string; durationMs: number };

export interface TypecheckOptions {
    /** Where typecheck.json goes; `<root>/.nango-emulator/cache` by default. */
    cacheDir?: string;
}

interface Toolchain {
    nangoDir: string;
    /** The typescript package folder, for the cache key; the module itself is resolved only when a program is built. */
    tsDir: string;
    tsVersion: string;
    nangoVersion: string;
}

/**
 * The package.json of `name` as Node finds it from `root` (each node_modules up the tree), and its version.
 * Looked up by hand: require.resolve costs milliseconds per package (exports maps), the cached path must not.
 */
function findPackage(root: string, name: string): { dir: string; version: string } | undefined {
    for (let dir = root; ; dir = path.dirname(dir)) {
        const pkgDir = path.join(dir, 'node_modules', name);
        const version = versionOf(path.join(pkgDir, 'package.json'));
        if (version !== undefined) return { dir: pkgDir, version };
        if (path.dirname(dir) === dir) return undefined;
    }
}

function versionOf(packageJson: string): string | undefined {
    try {
        const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: unknown };
        return typeof version === 'string' ? version : undefined;
    } catch {
        return undefined;
    }
}

/**
 * The project's nango, and the TypeScript it depends on (what `nango compile` itself imports: looked up from the
 * nango package, so it is the project's, never a TypeScript further up the tree); a reason when either is missing.
 */
function findToolchain(root: string): Toolchain | { reason: string } {
    const nango = findPackage(root, 'nango');
    const typescript = nango && findPackage(nango.dir, 'typescript');
    if (!typescript || !nango) {
        return { reason: notInstalled(root, [typescript ? '' : 'typescript', nango ? '' : 'nango'].filter(Boolean).join(' and ')) };
    }
    return { nangoDir: nango.dir, tsDir: typescript.dir, tsVersion: typescript.version, nangoVersion: nango.version };
}

function notInstalled(root: string, missing: string): string {
    return (
        `${missing} not installed in ${root}: run \`npm install\` in ${root} to get the type check \`nango compile\` does ` +
        "(it uses the project's own TypeScript and nango types)."
    );
}

/** The TypeScript module `import ts from 'typescript'` in the project's nango loads. */
function resolveTypeScript(nangoDir: string): string | undefined {
    try {
        const resolved = require.resolve('typescript', { paths: [nangoDir] });
        // Node caches resolutions for the life of the process; the package may have been removed since.
        return existsSync(resolved) ? resolved : undefined;
    } catch {
        return undefined;
    }
}

/**
 * Type checks the Nango project at `root` as `nango compile` does: type errors come back as diagnostics
 * (`failed`), a project that cannot be checked (nothing installed, no index.ts) as `skipped` with the reason.
 */
export function typecheckProject(root: string, options: TypecheckOptions = {}): TypecheckResult {
    const started = performance.now();
    const elapsed = (): number => Math.round((performance.now() - started) * 100) / 100;
    const projectRoot = path.resolve(root);

    const toolchain = findToolchain(projectRoot);
    if ('reason' in toolchain) return { status: 'skipped', reason: toolchain.reason, durationMs: elapsed() };

    const indexFile = path.join(projectRoot, 'index.ts');
    let indexText: string;
    try {
        indexText = stripBom(readFileSync(indexFile, 'utf8'));
    } catch {
        const reason = `${indexFile} not found: nango compile needs an index.ts that imports every event function.`;
        return { status: 'skipped', reason, durationMs: elapsed() };
    }
    const entryPoints = entryPointsOf(indexText);
    if (entryPoints.length === 0) {
        return {
            status: 'skipped',
            reason: `index.ts imports no event function: nango compile refuses it. Add one like \`import './github/on-events/x.js';\`.`,
            durationMs: elapsed()
        };
    }
    // As compile.js typeCheck: './github/on-events/x.js' is <root>/github/on-events/x.ts.
    const rootNames = entryPoints.map((e) => path.join(projectRoot, e.replace(/\.js$/, '.ts')));

    const tree = projectTree(projectRoot);
    const base: BaseKey = makeBaseKey({
        root: projectRoot,
        typescript: { path: toolchain.tsDir, version: toolchain.tsVersion },
        nango: toolchain.nangoVersion,
        options: JSON.stringify(NANGO_COMPILER_OPTIONS),
        indexSha: sha1(indexText),
        entryPoints,
        deps: depsOf(projectRoot),
        treeSha: sha1(tree.names.join('\n'))
    });
    // Hashed before the program is built, so an edit made meanwhile makes the stored key stale, never the answer.
    const packageJsonHashes = tree.packageJsons.map((f) => [f, hashFile(f)] as const);

    const file = cacheFile(projectRoot, options.cacheDir);
    const cached = readCache(file);
    if (cached && isFresh(cached, base)) {
        return { status: cached.result.status, diagnostics: cached.result.diagnostics, fromCache: true, durationMs: elapsed() };
    }

    const tsPath = resolveTypeScript(toolchain.nangoDir);
    if (!tsPath) return { status: 'skipped', reason: notInstalled(projectRoot, 'typescript'), durationMs: elapsed() };
    const api = loadTypeScript(tsPath);
    const depsKey = JSON.stringify([tsPath, base.typescript, base.nango, base.deps]);
    const structureKey = JSON.stringify([base.treeSha, packageJsonHashes]);
    const { diagnostics, projectTexts } = checkProgram(api, { tsPath, root: projectRoot, rootNames, depsKey, structureKey });

    // The texts the checker read, not the files as they are now: the key must describe what was checked.
    const files: Record<string, string | null> = {};
    for (const name of rootNames) files[name] = null;
    for (const [name, text] of projectTexts) files[name] = sha1(stripBom(text));
    for (const [name, hash] of packageJsonHashes) files[name] = hash;
    const result = { status: diagnostics.length > 0 ? ('failed' as const) : ('passed' as const), diagnostics };
    writeCache(file, { ...base, files }, result);
    return { ...result, fromCache: false, durationMs: elapsed() };
}
