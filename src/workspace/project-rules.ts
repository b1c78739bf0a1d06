// Rules across files: index.ts against the handler files and the files that exist.
import path from 'node:path';
import { formatImportLine } from './index-analysis';
import type { ImportStyle, IndexFacts, ParsedImport } from './index-analysis';
import {
    FUNCTION_FOLDERS,
    ON_EVENTS_FOLDER,
    importCandidates,
    importSpecifierFor,
    isRelativeSpecifier,
    isUnder,
    specifierExtension
} from './paths';
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
    /** Handler files with parsed text, sorted. */
    readonly handlerFiles: readonly string[];
    /** Every file under the root, parsed or not. */
    readonly files: ReadonlySet<string>;
    /** Where a file that was renamed (possibly several times) is now, if it still exists. */
    renamedTo(file: string): string | undefined;
    /** Where a diagnostic about a whole handler goes: its createOnEvent callee, else its first line. */
    handlerRange(file: string): Range;
}

const DEFAULT_STYLE: ImportStyle = { quote: "'", semicolon: true, eol: '\n', extension: '' };

export function resolveImports(view: ProjectView): ResolvedImport[] {
    return (view.index?.imports ?? []).map((parsed) => {
        if (!isRelativeSpecifier(parsed.specifier)) return { ...parsed, resolvedFile: undefined, expectedFile: undefined };
        const candidates = importCandidates(view.root, parsed.specifier);
        return { ...parsed, resolvedFile: candidates.find((c) => view.files.has(c)), expectedFile: candidates[0] };
    });
}

/** The edits that add imports of `specifiers` to index.ts, creating index.ts when it is missing. */
export function planImportAdditions(indexFile: string, index: IndexFacts | undefined, specifiers: readonly string[]): { edits: TextEdit[]; createFiles: FileCreation[] } {
    if (!index) {
        const contents = specifiers.map((s) => `${formatImportLine(s, DEFAULT_STYLE)}\n`).join('');
        return { edits: [], createFiles: [{ file: indexFile, contents }] };
    }
    const { position, before, after } = index.insertion;
    const lines = specifiers.map((s) => formatImportLine(s, index.style)).join(index.style.eol);
    return { edits: [{ file: indexFile, range: { start: position, end: position }, newText: `${before}${lines}${after}` }], createFiles: [] };
}

export function projectProblems(view: ProjectView, imports: readonly ResolvedImport[]): Problem[] {
    return [...importProblems(view, imports), ...unimportedHandlerProblems(view, imports)];
}

function unimportedHandlerProblems(view: ProjectView, imports: readonly ResolvedImport[]): Problem[] {
    const imported = new Set(imports.filter((i) => i.kind !== 'type-only').map((i) => i.resolvedFile));
    const missing = view.handlerFiles.filter((file) => !imported.has(file));
    if (missing.length === 0) return [];
    const extension = view.index?.style.extension ?? '';
    const specifierOf = (file: string): string => importSpecifierFor(view.root, file, extension);
    const related: RelatedInformation[] = view.index
        ? [{ location: { file: view.indexFile, range: view.index.lastImportRange ?? emptyRange }, message: 'index.ts lists the functions Nango builds and deploys' }]
        : [];
    const addAll: QuickFix | undefined =
        missing.length > 1 ? { title: `Add all ${missing.length} missing imports to index.ts`, ...planImportAdditions(view.indexFile, view.index, missing.map(specifierOf)) } : undefined;

    return missing.map((file) => {
        const specifier = specifierOf(file);
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
            related,
            fixes: addAll ? [addOne, addAll] : [addOne]
        });
    });
}

function importProblems(view: ProjectView, imports: readonly ResolvedImport[]): Problem[] {
    const problems: Problem[] = [];
    const imported = new Set(imports.filter((i) => i.kind !== 'type-only').map((i) => i.resolvedFile).filter((f) => f !== undefined));
    const firstImportOf = new Map<string, ResolvedImport>();
    let filesByStem: Map<string, string[]> | undefined;

    for (const entry of imports) {
        const key = entry.resolvedFile ?? entry.expectedFile ?? `package:${entry.specifier}`;
        const first = firstImportOf.get(key);
        // Only a repeated `import './a'` is plainly redundant; removing an import with bindings could break code.
        if (first && entry.kind === 'side-effect') problems.push(duplicateImportProblem(view, entry, first));
        else if (!first && entry.kind !== 'type-only') firstImportOf.set(key, entry);

        // A missing file outside the root (`../shared/x`) is not ours to judge: we never listed it.
        if (entry.resolvedFile || !entry.expectedFile || !isUnder(view.root, entry.expectedFile)) continue;
        filesByStem ??= indexByStem(view);
        problems.push(missingImportProblem(view, entry, entry.expectedFile, pathCandidates(view, entry.expectedFile, filesByStem, imported)));
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
    const fixPaths = candidates.map(
        (candidate): QuickFix => ({
            title: `Fix path: '${importSpecifierFor(view.root, candidate, extension)}'`,
            edits: [{ file: view.indexFile, range: entry.specifierRange, newText: importSpecifierFor(view.root, candidate, extension) }],
            ...(candidates.length === 1 ? { isPreferred: true } : {})
        })
    );
    const remove: QuickFix = { title: 'Remove import', edits: [{ file: view.indexFile, range: entry.removalRange, newText: '' }] };
    const where =
        candidates.length > 0 ? ` A file of that name exists at ${candidates.map((c) => relativeName(view.root, c)).join(', ')}: fix the path to it, or remove the import.` : ' Remove the import, or fix its path.';
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
function pathCandidates(view: ProjectView, expectedFile: string, filesByStem: Map<string, string[]>, imported: ReadonlySet<string>): string[] {
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

function indexByStem(view: ProjectView): Map<string, string[]> {
    const byStem = new Map<string, string[]>();
    for (const file of view.files) {
        if (!file.endsWith('.ts') || file.endsWith('.d.ts') || file === view.indexFile) continue;
        const stem = stemOf(file);
        const list = byStem.get(stem);
        if (list) list.push(file);
        else byStem.set(stem, [file]);
    }
    for (const list of byStem.values()) list.sort();
    return byStem;
}

function stemOf(file: string): string {
    return path.basename(file, path.extname(file));
}

function relativeName(root: string, file: string): string {
    return path.relative(root, file).split(path.sep).join('/');
}
