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
