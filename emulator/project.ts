// The nango-integrations project on disk, as the emulator needs it: where the root is, and which
// handler files each integration has (<root>/<integration>/on-events/<name>.ts).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { EmulatorError } from './errors';
import { NANGO_SOURCES, entryPointsOf } from './sandbox/rules';

export interface HandlerFile {
    integration: string;
    /** The function name `nango dryrun` uses: the file's basename. */
    name: string;
    file: string;
}

function isNangoRoot(dir: string): boolean {
    if (existsSync(path.join(dir, 'index.ts')) && listHandlerFiles(dir).length > 0) return true;
    const pkg = path.join(dir, 'package.json');
    if (!existsSync(pkg)) return false;
    try {
        const json = JSON.parse(readFileSync(pkg, 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
        return Boolean(json.dependencies?.['nango'] ?? json.devDependencies?.['nango']) && existsSync(path.join(dir, 'index.ts'));
    } catch {
        return false;
    }
}

/** Walks up from `from` (a folder or a handler file), then looks in ./nango-integrations at each level. */
export function findRoot(from: string): string {
    let dir = path.resolve(from);
    if (existsSync(dir) && statSync(dir).isFile()) dir = path.dirname(dir);
    for (let d = dir; ; d = path.dirname(d)) {
        if (isNangoRoot(d)) return d;
        const nested = path.join(d, 'nango-integrations');
        if (existsSync(nested) && isNangoRoot(nested)) return nested;
        if (path.dirname(d) === d) break;
    }
    throw new EmulatorError(
        'bad_usage',
        `no nango-integrations folder found from ${dir} (looked for index.ts with <integration>/on-events/*.ts, or a package.json depending on nango). Pass --root <path to nango-integrations>.`
    );
}

export function listHandlerFiles(root: string): HandlerFile[] {
    const out: HandlerFile[] = [];
    for (const integration of safeReaddir(root)) {
        if (integration.startsWith('.') || integration === 'node_modules' || integration === 'dist') continue;
        const onEvents = path.join(root, integration, 'on-events');
        for (const entry of safeReaddir(onEvents)) {
            if (/\.(ts|mts|cts)$/.test(entry) && !entry.endsWith('.d.ts') && !/\.(test|spec)\.ts$/.test(entry)) {
                out.push({ integration, name: entry.replace(/\.[^.]+$/, ''), file: path.join(onEvents, entry) });
            }
        }
    }
    return out.sort((a, b) => a.file.localeCompare(b.file));
}

function safeReaddir(dir: string): string[] {
    try {
        return readdirSync(dir);
    } catch {
        return [];
    }
}

/** A handler by file path, "<integration>/<name>", or bare name (which must then be unambiguous). */
export function resolveHandler(root: string, ref: string, integrationHint?: string): HandlerFile {
    const handlers = listHandlerFiles(root);
    const asPath = path.resolve(ref);
    const byPath = handlers.find((h) => h.file === asPath || h.file === path.resolve(root, ref));
    if (byPath) return byPath;
    if (/\.(ts|mts|cts)$/.test(ref)) {
        throw new EmulatorError('unknown_function', `${asPath}: not a handler of ${root}. Handlers live at <integration>/on-events/<name>.ts.`);
    }
    const [maybeIntegration, maybeName] = ref.includes('/') ? ref.split('/', 2) : [integrationHint, ref];
    const matches = handlers.filter((h) => h.name === maybeName && (!maybeIntegration || h.integration === maybeIntegration));
    if (matches.length === 1) return matches[0]!;
    const names = handlers.map((h) => `${h.integration}/${h.name}`).join(', ') || '(none)';
    if (matches.length === 0) {
        throw new EmulatorError(
            'unknown_function',
            `no event function "${ref}" in ${root} (found: ${names}). Pass a handler file, "<integration>/<name>" or a name.`
        );
    }
    throw new EmulatorError(
        'unknown_function',
        `"${ref}" is ambiguous in ${root}: ${matches.map((h) => `${h.integration}/${h.name}`).join(', ')}. Pass "<integration>/${ref}".`
    );
}

/**
 * The handler files index.ts registers, as Nango finds them: only these are built, deployed and run
 * (entryPointsOf: `import './x'` lines). Absolute .ts paths.
 */
export function importedFiles(root: string): Set<string> {
    let text: string;
    try {
        text = readFileSync(path.join(root, 'index.ts'), 'utf8');
    } catch {
        return new Set();
    }
    return new Set(entryPointsOf(text).map((entry) => path.join(root, entry.replace(/\.js$/, '.ts'))));
}

/** The line index.ts needs for `handler` to be built and run by Nango. */
export function importLineFor(root: string, handler: HandlerFile): string {
    return `import './${path
        .relative(root, handler.file)
        .split(path.sep)
        .join('/')
        .replace(/\.(ts|mts|cts)$/, '.js')}';`;
}

/** Why a handler file does not run, and the fix: what a run's warning and a refused dry run say. */
export function notImportedMessage(root: string, handler: HandlerFile): string {
    return `${handler.file}: index.ts does not import it, so Nango never builds, deploys or runs it (${NANGO_SOURCES.entryPoints}). Add ${importLineFor(root, handler)} to ${path.join(root, 'index.ts')}.`;
}
