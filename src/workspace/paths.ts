import path from 'node:path';
import { INDEX_FILE_NAME, ON_EVENTS_FOLDER } from '../../emulator/project/layout';

// What a root and a handler file are is decided once, for the emulator and the editor alike.
export {
    FUNCTION_FOLDERS,
    INDEX_FILE_NAME,
    ON_EVENTS_FOLDER,
    classifyFile,
    handlerIdentity,
    isSkippedFolder,
    isUnder,
    segmentsUnder
} from '../../emulator/project/layout';
export type { FileRole } from '../../emulator/project/layout';

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
 * bundler resolution: './a' → a.ts, a.tsx, a/index.ts; './a.js' → a.ts (ESM style), a.js. `root`
 * is absolute and normalized, as the model keeps it.
 */
export function importCandidates(root: string, specifier: string): string[] {
    const base = resolveSpecifier(root, specifier);
    const swaps: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };
    const extension = path.extname(base);
    if (['.ts', '.tsx', '.mts', '.cts'].includes(extension)) return [base];
    const swapped = swaps[extension];
    if (swapped) {
        const stem = base.slice(0, -extension.length);
        return [...swapped.map((e) => stem + e), base];
    }
    // path.join(base, INDEX_FILE_NAME), without normalizing `base` again: path.resolve just did.
    const indexFile = base.endsWith(path.sep) ? base + INDEX_FILE_NAME : base + path.sep + INDEX_FILE_NAME;
    return [`${base}.ts`, `${base}.tsx`, indexFile, `${base}.js`];
}

/** A `./a/b` specifier none of whose segments is empty, `.` or `..`: resolving it only joins it to the root. */
const PLAIN_RELATIVE = /^\.\/(?!\.\.?(?:\/|$))[^/]+(?:\/(?!\.\.?(?:\/|$))[^/]+)*$/;

/**
 * path.resolve(root, specifier), for an absolute, normalized `root` (as the model keeps it). index.ts
 * holds one import per handler, and path.resolve normalizes the whole path again for each.
 */
function resolveSpecifier(root: string, specifier: string): string {
    if (path.sep === '/' && root !== '/' && PLAIN_RELATIVE.test(specifier)) return root + specifier.slice(1);
    return path.resolve(root, specifier);
}
