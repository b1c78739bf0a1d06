// Rules across files: index.ts against the handler files and the files that exist.
import path from 'node:path';
import { formatImportLine } from './index-analysis';
import type { ImportStyle, IndexFacts, ParsedImport } from './index-analysis';
import { FUNCTION_FOLDERS, ON_EVENTS_FOLDER, importSpecifierFor, isUnder, specifierExtension } from './paths';
import { DOCS, ProblemCode, problem } from './types';
import { emptyRange } from './text';
import type { FileCreation, Problem, QuickFix, Range, RelatedInformation, TextEdit } from './types';

/** An index.ts import with what it points at. */
export interface ResolvedImport extends ParsedImport {
    /** The existing file it loads; undefined for a package import or a file that does not exist. */
    readonly resolvedFile: string | undefined;
    /** The file it is meant to load (first resolution candidate); undefined for a package import. */
    readonly expectedFile: string | undefined;
}

/** What the cross-file rules read from the model. */
export interface ProjectView {
    readonly root: string;
    readonly indexFile: string;
    /** Parsed index.ts; undefined when it does not exist. */
    readonly index: IndexFacts | undefined;
    /** Every file under the root, parsed or not. */
    readonly files: ReadonlySet<string>;
    /** Where a file that was renamed (possibly several times) is now, if it still exists. */
    renamedTo(file: string): string | undefined;
    /** Where a diagnostic about a whole handler goes: its createOnEvent callee, else its first line. */
    handlerRange(file: string): Range;
}

/** Files that at least one import of index.ts (other than `import type`) loads. */
export interface ImportedFiles {
    has(file: string): boolean;
}

const DEFAULT_STYLE: ImportStyle = { quote: "'", semicolon: true, eol: '\n', extension: '' };

/**
 * What an import resolves to, given the files a relative specifier may load (`importCandidates`,
 * undefined for a package import) and the files that exist.
 */
export function resolveImport(parsed: ParsedImport, candidates: readonly string[] | undefined, files: ReadonlySet<string>): ResolvedImport {
    const { specifier, kind, range, specifierRange, removalRange } = parsed;
    if (!candidates) return { specifier, kind, range, specifierRange, removalRange, resolvedFile: undefined, expectedFile: undefined };
    return { specifier, kind, range, specifierRange, removalRange, resolvedFile: firstExisting(candidates, files), expectedFile: candidates[0] };
}

export function firstExisting(candidates: readonly string[], files: ReadonlySet<string>): string | undefined {
    for (const candidate of candidates) if (files.has(candidate)) return candidate;
    return undefined;
}

/** Whether an import points at a file under the root that does not exist: an import-not-found problem. */
export function isMissingImport(root: string, entry: ResolvedImport): entry is ResolvedImport & { readonly expectedFile: string } {
    return !entry.resolvedFile && entry.expectedFile !== undefined && isUnder(root, entry.expectedFile);
}

/** The edits that add imports of `specifiers` to index.ts, creating index.ts when it is missing. */
export function planImportAdditions(
    indexFile: string,
    index: IndexFacts | undefined,
    specifiers: readonly string[]
): { edits: TextEdit[]; createFiles: FileCreation[] } {
    if (!index) {
        const contents = specifiers.map((s) => `${formatImportLine(s, DEFAULT_STYLE)}\n`).join('');
        return { edits: [], createFiles: [{ file: indexFile, contents }] };
    }
    const { position, before, after } = index.insertion;
    const lines = specifiers.map((s) => formatImportLine(s, index.style)).join(index.style.eol);
    return { edits: [{ file: indexFile, range: { start: position, end: position }, newText: `${before}${lines}${after}` }], createFiles: [] };
}

/** What every handler-not-imported problem shares: recomputed when the set of such handlers or index.ts changes. */
export interface UnimportedContext {
    readonly related: readonly RelatedInformation[];
    readonly addAll: QuickFix | undefined;
}

/** `missing`: the handlers index.ts does not import, sorted. */
export function unimportedContext(view: ProjectView, missing: readonly string[]): UnimportedContext {
    const extension = view.index?.style.extension ?? '';
    const related: RelatedInformation[] = view.index
        ? [
              {
                  location: { file: view.indexFile, range: view.index.lastImportRange ?? emptyRange },
                  message: 'index.ts lists the functions Nango builds and deploys'
              }
          ]
        : [];
    const addAll: QuickFix | undefined =
        missing.length > 1
            ? {
                  title: `Add all ${missing.length} missing imports to index.ts`,
                  ...planImportAdditions(
                      view.indexFile,
                      view.index,
                      missing.map((file) => importSpecifierFor(view.root, file, extension))
                  )
              }
            : undefined;
    return { related, addAll };
}

/** The problem of one handler that index.ts does not import. */
export function unimportedHandlerProblem(view: ProjectView, file: string, context: UnimportedContext): Problem {
    const specifier = importSpecifierFor(view.root, file, view.index?.style.extension ?? '');
    const importLine = formatImportLine(specifier, view.index?.style ?? DEFAULT_STYLE);
    const message = view.index
        ? `${relativeName(view.root, file)} is not imported by index.ts, so Nango does not build or deploy it. Add \`${importLine}\` to index.ts.`
        : `This project has no index.ts, so Nango does not build or deploy ${relativeName(view.root, file)}. Create index.ts with \`${importLine}\`.`;
    const addOne: QuickFix = { title: 'Add import to index.ts', isPreferred: true, ...planImportAdditions(view.indexFile, view.index, [specifier]) };
    return problem({
        code: ProblemCode.HandlerNotImported,
        severity: 'error',
        file,
        range: view.handlerRange(file),
        message,
        docsUrl: DOCS.setupFunction,
        related: context.related,
        fixes: context.addAll ? [addOne, context.addAll] : [addOne]
    });
}

/**
 * The problems of index.ts itself: duplicate imports and imports of files that do not exist.
 * `filesByStem` (every .ts file but index.ts and .d.ts files, by basename without extension, each
 * list sorted) is asked for only when an import is missing.
 */
export function importProblems(
    view: ProjectView,
    imports: readonly ResolvedImport[],
    imported: ImportedFiles,
    filesByStem: () => ReadonlyMap<string, readonly string[]>
): Problem[] {
    const problems: Problem[] = [];
    const firstImportOf = new Map<string, ResolvedImport>();

    for (const entry of imports) {
        const key = entry.resolvedFile ?? entry.expectedFile ?? `package:${entry.specifier}`;
        const first = firstImportOf.get(key);
        // Only a repeated `import './a'` is plainly redundant; removing an import with bindings could break code.
        if (first && entry.kind === 'side-effect') problems.push(duplicateImportProblem(view, entry, first));
        else if (!first && entry.kind !== 'type-only') firstImportOf.set(key, entry);

        // A missing file outside the root (`../shared/x`) is not ours to judge: we never listed it.
        if (!isMissingImport(view.root, entry)) continue;
        problems.push(missingImportProblem(view, entry, entry.expectedFile, pathCandidates(view, entry.expectedFile, filesByStem(), imported)));
    }
    return problems;
}

function duplicateImportProblem(view: ProjectView, duplicate: ResolvedImport, first: ResolvedImport): Problem {
    const line = first.range.start.line + 1;
    return problem({
        code: ProblemCode.DuplicateImport,
        severity: 'warning',
        file: view.indexFile,
        range: duplicate.range,
        message: `'${duplicate.specifier}' loads the same file as the import on line ${line}; importing it twice is redundant. Remove the duplicate import.`,
        docsUrl: DOCS.setupFunction,
        related: [{ location: { file: view.indexFile, range: first.range }, message: 'first imported here' }],
        fixes: [{ title: 'Remove duplicate import', isPreferred: true, edits: [{ file: view.indexFile, range: duplicate.removalRange, newText: '' }] }]
    });
}

function missingImportProblem(view: ProjectView, entry: ResolvedImport, expectedFile: string, candidates: readonly string[]): Problem {
    const extension = specifierExtension(entry.specifier);
    const fixPaths = candidates.map((candidate): QuickFix => ({
        title: `Fix path: '${importSpecifierFor(view.root, candidate, extension)}'`,
        edits: [{ file: view.indexFile, range: entry.specifierRange, newText: importSpecifierFor(view.root, candidate, extension) }],
        ...(candidates.length === 1 ? { isPreferred: true } : {})
    }));
    const remove: QuickFix = { title: 'Remove import', edits: [{ file: view.indexFile, range: entry.removalRange, newText: '' }] };
    const where =
        candidates.length > 0
            ? ` A file of that name exists at ${candidates.map((c) => relativeName(view.root, c)).join(', ')}: fix the path to it, or remove the import.`
            : ' Remove the import, or fix its path.';
    return problem({
        code: ProblemCode.ImportNotFound,
        severity: 'error',
        file: view.indexFile,
        range: entry.range,
        message: `index.ts imports '${entry.specifier}', but ${relativeName(view.root, expectedFile)} does not exist (renamed or deleted?), so the build fails.${where}`,
        docsUrl: DOCS.setupFunction,
        related: candidates.map((c) => ({ location: { file: c, range: emptyRange }, message: 'a file of the same name' })),
        fixes: [...fixPaths, remove]
    });
}

/**
 * Files the import probably meant: where a rename moved it, any handler of the same name, and
 * other files of the same name in a folder of the same kind (syncs/, actions/). Files already
 * imported are left out: pointing a second import at them would only make a duplicate.
 */
function pathCandidates(view: ProjectView, expectedFile: string, filesByStem: ReadonlyMap<string, readonly string[]>, imported: ImportedFiles): string[] {
    const candidates = new Set<string>();
    const renamed = view.renamedTo(expectedFile);
    if (renamed) candidates.add(renamed);
    const folder = path.basename(path.dirname(expectedFile));
    for (const file of filesByStem.get(stemOf(expectedFile)) ?? []) {
        const fileFolder = path.basename(path.dirname(file));
        if (fileFolder === ON_EVENTS_FOLDER || (fileFolder === folder && FUNCTION_FOLDERS.includes(folder))) candidates.add(file);
    }
    return [...candidates].filter((c) => !imported.has(c) && c !== expectedFile);
}

/** Whether `file` is listed by `filesByStem` (see importProblems). */
export function isStemIndexed(indexFile: string, file: string): boolean {
    return file.endsWith('.ts') && !file.endsWith('.d.ts') && file !== indexFile;
}

export function stemOf(file: string): string {
    return path.basename(file, path.extname(file));
}

function relativeName(root: string, file: string): string {
    return path.relative(root, file).split(path.sep).join('/');
}
