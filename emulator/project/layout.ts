// The layout of a nango-integrations project, as Nango's CLI sees it: where the root is, which
// files are event functions. Pure (paths and texts in, answers out, no I/O), so that the emulator
// (emulator/project/project.ts, which reads the disk) and the editor's workspace model (src/workspace, which
// reads through editor buffers) apply the same rule.
import path from 'node:path';

export const INDEX_FILE_NAME = 'index.ts';
export const PACKAGE_JSON = 'package.json';
export const ON_EVENTS_FOLDER = 'on-events';
/** The folders of a Nango integration that hold functions; their presence marks an integration. */
export const FUNCTION_FOLDERS: readonly string[] = ['on-events', 'syncs', 'actions'];

/** Folders that never hold a user's functions: dependencies, build output (`nango compile` writes build/). */
const SKIPPED_FOLDERS: ReadonlySet<string> = new Set(['node_modules', 'dist', 'build']);

/** Skipped folders, and hidden ones (.git, .nango, .vscode, .nango-emulator …). */
export function isSkippedFolder(name: string): boolean {
    return SKIPPED_FOLDERS.has(name) || name.startsWith('.');
}

/**
 * Whether a file of `<integration>/on-events/` is an event function: `nango compile` turns each
 * `import './x'` of index.ts into `x.ts`, so only `.ts` files can be one (not .mts/.cts, which it
 * cannot load, nor declaration files). A `.test.ts` there is still a `.ts` file Nango would build.
 */
export function isHandlerFileName(fileName: string): boolean {
    return fileName.endsWith('.ts') && !fileName.endsWith('.d.ts') && fileName.length > '.ts'.length;
}

/** What a file is to the project of `root`. */
export type FileRole = 'index' | 'handler' | 'other' | 'outside';

/** Path segments of `file` relative to `root`, or undefined when `file` is not under `root`. */
export function segmentsUnder(root: string, file: string): string[] | undefined {
    const relative = path.relative(root, file);
    if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return undefined;
    return relative.split(path.sep);
}

export function isUnder(root: string, file: string): boolean {
    return segmentsUnder(root, file) !== undefined;
}

/** index.ts, a handler (`<root>/<integration>/on-events/<name>.ts`), another file, or outside (not under root, or under a skipped folder). */
export function classifyFile(root: string, file: string): FileRole {
    const segments = segmentsUnder(root, file);
    if (!segments) return 'outside';
    if (segments.slice(0, -1).some(isSkippedFolder)) return 'outside';
    if (segments.length === 1 && segments[0] === INDEX_FILE_NAME) return 'index';
    const [, folder, fileName] = segments;
    if (segments.length === 3 && folder === ON_EVENTS_FOLDER && fileName !== undefined && isHandlerFileName(fileName)) return 'handler';
    return 'other';
}

/** `<root>/<integration>/on-events/<name>.ts` → { integration, name }; `name` is what `nango dryrun` takes. */
export function handlerIdentity(root: string, file: string): { integration: string; name: string } {
    const segments = segmentsUnder(root, file) ?? [];
    return { integration: segments[0] ?? '', name: path.basename(file, '.ts') };
}

/** True when package.json lists `nango` in dependencies or devDependencies. Unparsable → false. */
export function dependsOnNango(packageJson: string | undefined): boolean {
    if (packageJson === undefined) return false;
    try {
        const parsed: unknown = JSON.parse(packageJson);
        if (typeof parsed !== 'object' || parsed === null) return false;
        const manifest = parsed as Record<string, unknown>;
        return ['dependencies', 'devDependencies'].some((field) => {
            const deps = manifest[field];
            return typeof deps === 'object' && deps !== null && Object.hasOwn(deps, 'nango');
        });
    } catch {
        return false;
    }
}

/** What is known of a folder when deciding whether it is a nango-integrations root. */
export interface RootEvidence {
    /** index.ts is a file of the folder. */
    readonly hasIndexFile: boolean;
    /** A subfolder (not skipped) holds an on-events/ folder. */
    readonly hasOnEventsFolder: boolean;
    /** The folder's package.json depends on nango (see dependsOnNango). */
    readonly dependsOnNango: boolean;
}

/**
 * Whether a folder is a nango-integrations root. Nango's CLI runs in a folder with index.ts (its
 * "zero YAML" project check), so index.ts is required; beside it, integration folders with
 * on-events/ make it certain, and a package.json depending on nango makes it likely (a monorepo's
 * top-level package.json may depend on nango while its functions live in a nested folder: a
 * finder prefers a certain root below a likely one).
 */
export function nangoRootKind(evidence: RootEvidence): 'certain' | 'likely' | undefined {
    if (!evidence.hasIndexFile) return undefined;
    if (evidence.hasOnEventsFolder) return 'certain';
    return evidence.dependsOnNango ? 'likely' : undefined;
}
