// The nango-integrations project on disk, as the emulator needs it: where the root is, and which
// handler files each integration has. The rules themselves (what a root is, what a handler file
// is) are in project-layout.ts, shared with the editor's workspace model.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import path from 'node:path';
import { EmulatorError } from '../core/errors';
import { INDEX_FILE_NAME, ON_EVENTS_FOLDER, PACKAGE_JSON, classifyFile, dependsOnNango, handlerIdentity, isSkippedFolder, nangoRootKind } from './layout';
import { NANGO_SOURCES, entryPointsOf } from '../sandbox/rules';

export interface HandlerFile {
    integration: string;
    /** The function name `nango dryrun` uses: the file's basename. */
    name: string;
    file: string;
}

/** The facts nangoRootKind weighs, read from disk. */
function isNangoRoot(dir: string): boolean {
    const entries = safeReaddir(dir);
    return (
        nangoRootKind({
            hasIndexFile: entries.some((e) => e.isFile() && e.name === INDEX_FILE_NAME),
            hasOnEventsFolder: entries.some((e) => e.isDirectory() && !isSkippedFolder(e.name) && isDirectory(path.join(dir, e.name, ON_EVENTS_FOLDER))),
            dependsOnNango: dependsOnNango(readText(path.join(dir, PACKAGE_JSON)))
        }) !== undefined
    );
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
        `no nango-integrations folder found from ${dir} (looked for index.ts beside <integration>/on-events/ folders or a package.json depending on nango). Pass --root <path to nango-integrations>.`
    );
}

/** Every handler file of the project (classifyFile's 'handler'), sorted by path. */
export function listHandlerFiles(root: string): HandlerFile[] {
    const out: HandlerFile[] = [];
    for (const integration of safeReaddir(root)) {
        if (isSkippedFolder(integration.name)) continue;
        const onEvents = path.join(root, integration.name, ON_EVENTS_FOLDER);
        for (const entry of safeReaddir(onEvents)) {
            const file = path.join(onEvents, entry.name);
            if (classifyFile(root, file) === 'handler' && isFile(file)) out.push({ ...handlerIdentity(root, file), file });
        }
    }
    return out.sort((a, b) => a.file.localeCompare(b.file));
}

function safeReaddir(dir: string): Dirent[] {
    try {
        return readdirSync(dir, { withFileTypes: true });
    } catch {
        return [];
    }
}

/** Follows symbolic links, as the editor's file listing does for files. */
function isFile(file: string): boolean {
    return statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
}

function isDirectory(dir: string): boolean {
    return statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function readText(file: string): string | undefined {
    try {
        return readFileSync(file, 'utf8');
    } catch {
        return undefined;
    }
}

/**
 * A handler by file path, "<integration>/<name>", or bare name (which must then be unambiguous).
 * `handlers`: the project's listHandlerFiles, when the caller resolves many names at once.
 */
export function resolveHandler(root: string, ref: string, integrationHint?: string, handlers: HandlerFile[] = listHandlerFiles(root)): HandlerFile {
    const asPath = path.resolve(ref);
    const byPath = handlers.find((h) => h.file === asPath || h.file === path.resolve(root, ref));
    if (byPath) return byPath;
    if (/\.(ts|mts|cts)$/.test(ref)) {
        throw new EmulatorError('unknown_function', `${asPath}: not a handler of ${root}. Handlers live at <integration>/on-events/<name>.ts.`);
    }
    const [maybeIntegration, maybeName] = ref.includes('/') ? ref.split('/', 2) : [integrationHint, ref];
    const matches = handlers.filter((h) => h.name === maybeName && (!maybeIntegration || h.integration === maybeIntegration));
    const [only] = matches;
    if (matches.length === 1 && only) return only;
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
        text = readFileSync(path.join(root, INDEX_FILE_NAME), 'utf8');
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
