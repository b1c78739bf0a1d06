import path from 'node:path';

/** Folders that never hold a user's functions: dependencies, build output, VCS and tool state. */
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', 'build']);

/** Hidden folders (.git, .nango, .vscode, .nango-emulator …) are skipped too. */
export function isSkippedFolder(name: string): boolean {
    return SKIPPED_FOLDERS.has(name) || name.startsWith('.');
}

export const INDEX_FILE_NAME = 'index.ts';
export const ON_EVENTS_FOLDER = 'on-events';
/** The folders of a Nango integration that hold functions; their presence marks an integration. */
export const FUNCTION_FOLDERS: readonly string[] = ['on-events', 'syncs', 'actions'];

/** What a file is to the model of the root it is under. */
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

export function classifyFile(root: string, file: string): FileRole {
    const segments = segmentsUnder(root, file);
    if (!segments) return 'outside';
    if (segments.slice(0, -1).some(isSkippedFolder)) return 'outside';
    if (segments.length === 1 && segments[0] === INDEX_FILE_NAME) return 'index';
    const [, folder, fileName] = segments;
    if (segments.length === 3 && folder === ON_EVENTS_FOLDER && isHandlerFileName(fileName!)) return 'handler';
    return 'other';
}

function isHandlerFileName(fileName: string): boolean {
    return fileName.endsWith('.ts') && !fileName.endsWith('.d.ts') && fileName.length > '.ts'.length;
}

/** `<root>/<integration>/on-events/<name>.ts` → { integration, name }. */
export function handlerIdentity(root: string, file: string): { integration: string; name: string } {
    const segments = segmentsUnder(root, file) ?? [];
    return { integration: segments[0] ?? '', name: path.basename(file, '.ts') };
}

export function handlerFilePath(root: string, integration: string, name: string): string {
    return path.join(root, integration, ON_EVENTS_FOLDER, `${name}.ts`);
}

/** How index.ts spells the extension of its relative imports. */
export type SpecifierExtension = '' | '.js' | '.ts';

/** './salesforce/on-events/setup' for `<root>/salesforce/on-events/setup.ts`. */
export function importSpecifierFor(root: string, file: string, extension: SpecifierExtension): string {
    const relative = path.relative(root, file).split(path.sep).join('/');
    const withoutExtension = relative.endsWith('.ts') ? relative.slice(0, -'.ts'.length) : relative;
    return `./${withoutExtension}${extension}`;
}

export function specifierExtension(specifier: string): SpecifierExtension {
    if (specifier.endsWith('.js')) return '.js';
    if (specifier.endsWith('.ts')) return '.ts';
    return '';
}

export function isRelativeSpecifier(specifier: string): boolean {
    return specifier.startsWith('./') || specifier.startsWith('../');
}

/**
 * The files a relative specifier of index.ts may load, most likely first, following TypeScript's
 * bundler resolution: './a' → a.ts, a.tsx, a/index.ts; './a.js' → a.ts (ESM style), a.js.
 */
export function importCandidates(root: string, specifier: string): string[] {
    const base = path.resolve(root, specifier);
    const swaps: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };
    const extension = path.extname(base);
    if (['.ts', '.tsx', '.mts', '.cts'].includes(extension)) return [base];
    const swapped = swaps[extension];
    if (swapped) {
        const stem = base.slice(0, -extension.length);
        return [...swapped.map((e) => stem + e), base];
    }
    return [`${base}.ts`, `${base}.tsx`, path.join(base, INDEX_FILE_NAME), `${base}.js`];
}
