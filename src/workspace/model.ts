import path from 'node:path';
import { createMemoryFileSystem } from './file-system';
import type { WorkspaceFileSystem } from './file-system';
import { analyzeHandler } from './handler-analysis';
import type { HandlerFacts } from './handler-analysis';
import { handlerProblems } from './handler-rules';
import { parseIndex } from './index-analysis';
import type { ImportKind, IndexFacts, IndexParse, ParsedImport } from './index-analysis';
import {
    FUNCTION_FOLDERS,
    INDEX_FILE_NAME,
    classifyFile,
    handlerIdentity,
    importCandidates,
    importSpecifierFor,
    isRelativeSpecifier,
    isSkippedFolder,
    isUnder,
    segmentsUnder,
    specifierExtension
} from './paths';
import type { FileRole, SpecifierExtension } from './paths';
import {
    firstExisting,
    importProblems,
    isMissingImport,
    isStemIndexed,
    planImportAdditions,
    resolveImport,
    stemOf,
    unimportedContext,
    unimportedHandlerProblem
} from './project-rules';
import type { ProjectView, ResolvedImport, UnimportedContext } from './project-rules';
import { SortedSet, insertSorted, removeSorted } from './sorted';
import type { FileCreation, Problem, Range, TextEdit } from './types';

/** One event function file, as the code lens, the tree and the commands see it. */
export interface HandlerInfo {
    readonly file: string;
    readonly integration: string;
    /** The file's basename: the name `nango dryrun <name>` takes. */
    readonly name: string;
    /** The `event` string as written (possibly not a valid event); undefined when missing or computed. */
    readonly event: string | undefined;
    readonly description: string | undefined;
    readonly hasMetadataSchema: boolean;
    /** The createOnEvent(...) call (its first line carries the code lens); undefined when there is none. */
    readonly createOnEventRange: Range | undefined;
    /** True when the default export is the createOnEvent(...) call, as Nango requires. */
    readonly exportsCreateOnEvent: boolean;
    /** How index.ts imports it, e.g. './salesforce/on-events/setup'. */
    readonly importSpecifier: string;
}

/** An import of index.ts with what it resolves to. */
export interface IndexImport {
    readonly specifier: string;
    readonly kind: ImportKind;
    readonly range: Range;
    readonly specifierRange: Range;
    /** The existing file it loads; undefined for a package import or a missing file. */
    readonly resolvedFile: string | undefined;
    /** The file it is meant to load; undefined for a package import. */
    readonly expectedFile: string | undefined;
}

/**
 * One parse of a handler file. It is replaced, never mutated, when the text or the path changes,
 * so the caches it carries (its problems, its HandlerInfo) can never describe another text or path.
 */
interface HandlerEntry {
    readonly text: string;
    readonly facts: HandlerFacts;
    /** The handler rules' problems, sorted; computed on the first `problems()` after the parse. */
    own?: readonly Problem[];
    /** Its handler-not-imported problem, valid while `notImportedEpoch` is the model's epoch. */
    notImported?: Problem;
    notImportedEpoch?: number;
    /** `own` plus `mergedWith` (the not-imported problem, if any), sorted: the file's problem list. */
    merged?: readonly Problem[];
    mergedWith?: Problem;
    info?: HandlerInfo;
    infoExtension?: SpecifierExtension;
}

const NO_PROBLEMS: readonly Problem[] = [];
const START_OF_FILE: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** Bounds the walk of a root, in case of a pathological tree (symlinked folders are never followed). */
const MAX_WALK_DEPTH = 12;

/**
 * The model of one nango-integrations root: which files exist, the parsed handlers and index.ts,
 * and the problems they have.
 *
 * Everything is kept up to date incrementally, so that the cost of an edit of a handler does not
 * grow with the size of the project, and that of an edit of index.ts only with index.ts:
 *  - a mutation re-parses only the file whose text changed (a rename moves the parse along);
 *  - each handler's own problems are cached with its parse, so an edit of one handler runs the
 *    handler rules on that handler only;
 *  - an edit of index.ts re-analyses and re-resolves only the imports it touched (parseIndex
 *    carries the others over), and counts how many imports load each file, from which the set of
 *    handlers index.ts does not import follows; a file that appears or disappears re-resolves only
 *    the imports that could load it;
 *  - the handler-not-imported problems are rebuilt only when that set or the way index.ts writes
 *    imports changes (their "add all" fix lists every such handler), else one at a time;
 *  - index.ts's own problems are recomputed only after an edit that can change them.
 * `problems()` then only assembles the cached per-file lists, once per version.
 */
export class WorkspaceModel {
    readonly indexFile: string;
    /** Every file under the root, parsed or not: what import resolution checks against. */
    private readonly files = new Set<string>();
    private readonly handlerEntries = new Map<string, HandlerEntry>();
    /** The parse of index.ts; the parse of its next text starts from this one. */
    private indexEntry: IndexParse | undefined;
    /** Old path → new path of every rename, so a stale import can be offered its new path. */
    private readonly renames = new Map<string, string>();
    /** The values of `renames`: paths that, when they appear, may end a chain of renames. */
    private readonly renameTargets = new Set<string>();
    private changeCount = 0;
    private parses = 0;
    private handlerRuleRuns = 0;
    private notImportedRuns = 0;

    /** Handler files, and those among them with problems of their own or not imported by index.ts. */
    private readonly handlerFiles = new SortedSet();
    private readonly filesWithOwnProblems = new SortedSet();
    private readonly unimported = new SortedSet();
    /** Handlers parsed since their problems were last computed. */
    private readonly unchecked = new Set<string>();

    /** The imports of index.ts, resolved against `files`. */
    private imports: ResolvedImport[] = [];
    /** Specifier → the files it may load (undefined for a package import), for the current imports. */
    private candidates = new Map<string, readonly string[] | undefined>();
    /** File → the imports that may load it; built on the first file change after index.ts is parsed. */
    private importsByCandidate: Map<string, number[]> | undefined;
    /** File → how many imports (other than `import type`) load it. */
    private importedCount = new Map<string, number>();
    /** The problems of index.ts, sorted; undefined when something they depend on changed. */
    private indexProblems: readonly Problem[] | undefined = NO_PROBLEMS;
    /** Basenames (without extension) of the files that the import-not-found problems look for. */
    private missingImportStems = new Set<string>();
    /** .ts files by basename without extension, for the import-not-found fixes; built on first use. */
    private filesByStem: Map<string, string[]> | undefined;

    /**
     * Bumped whenever every handler-not-imported problem must be rebuilt: the set of such handlers
     * changed (their "add all" fix lists them all) or how index.ts writes imports changed.
     */
    private epoch = 0;
    private unimportedShared: { readonly epoch: number; readonly context: UnimportedContext } | undefined;
    /** Summary of what the handler-not-imported problems read from index.ts, to tell when it changed. */
    private indexPresentation = '';

    /** Bumped when a handler entry is replaced, added or removed: the handler list must be rebuilt. */
    private handlerStamp = 0;
    private fileSetStamp = 0;
    private handlerList: { readonly stamp: number; readonly extension: SpecifierExtension; readonly handlers: readonly HandlerInfo[] } | undefined;
    private integrationList: { readonly stamp: number; readonly names: readonly string[] } | undefined;
    private problemMap: { readonly version: number; readonly map: ReadonlyMap<string, readonly Problem[]> } | undefined;
    private readonly view: ProjectView;

    private constructor(
        readonly root: string,
        private readonly fs: WorkspaceFileSystem
    ) {
        this.indexFile = path.join(root, INDEX_FILE_NAME);
        const model = this;
        this.view = {
            root,
            indexFile: this.indexFile,
            get index() {
                return model.indexEntry?.facts;
            },
            files: this.files,
            renamedTo: (file) => this.renamedTo(file),
            handlerRange: (file) => {
                const facts = this.handlerEntries.get(file)?.facts;
                return facts?.createOnEvent?.nameRange ?? facts?.firstLineRange ?? START_OF_FILE;
            }
        };
    }

    /** Reads the whole root through `fs` (which may answer from unsaved editor buffers). */
    static async load(root: string, fs: WorkspaceFileSystem): Promise<WorkspaceModel> {
        const model = new WorkspaceModel(path.resolve(root), fs);
        await model.refresh(model.root);
        return model;
    }

    /** Builds a model from texts held in memory (absolute path → text), without any I/O; `refresh` reads these texts. */
    static fromFiles(root: string, files: Iterable<readonly [string, string]> | Readonly<Record<string, string>>): WorkspaceModel {
        const pairs = Symbol.iterator in files ? [...(files as Iterable<readonly [string, string]>)] : Object.entries(files);
        const model = new WorkspaceModel(path.resolve(root), createMemoryFileSystem(pairs));
        for (const [file, text] of pairs) model.update(file, text);
        return model;
    }

    /** Increases with every change that can alter what the model reports. */
    get version(): number {
        return this.changeCount;
    }

    /** How many times a file was parsed: a rename, or an update with the same text, costs none. */
    get parseCount(): number {
        return this.parses;
    }

    /** How many times the rules of one handler ran: once per parse (or rename) of it, when problems are next asked for. */
    get handlerCheckCount(): number {
        return this.handlerRuleRuns;
    }

    /** How many handler-not-imported problems were built: each is kept until its handler or what they all share changes. */
    get notImportedCheckCount(): number {
        return this.notImportedRuns;
    }

    /** What `file` is to this model; 'outside' for files it ignores (not under the root, node_modules …). */
    roleOf(file: string): FileRole {
        return classifyFile(this.root, path.resolve(file));
    }

    contains(file: string): boolean {
        return this.roleOf(file) !== 'outside';
    }

    /** Whether `file` exists as far as the model knows. */
    hasFile(file: string): boolean {
        return this.files.has(path.resolve(file));
    }

    /**
     * Sets the text of a file (saved or not) and marks it as existing. Only index.ts and handler
     * files are parsed, and only when their text changed; returns whether anything changed.
     */
    update(file: string, text: string): boolean {
        const absolute = path.resolve(file);
        const role = classifyFile(this.root, absolute);
        if (role === 'outside') return false;
        let changed = this.addFile(absolute);
        if (role === 'handler') {
            if (this.handlerEntries.get(absolute)?.text !== text) {
                this.setHandler(absolute, { text, facts: analyzeHandler(text) });
                this.parses++;
                changed = true;
            }
        } else if (role === 'index') {
            if (this.indexEntry?.text !== text) {
                this.setIndex(parseIndex(text, this.indexEntry));
                this.parses++;
                changed = true;
            }
        }
        if (changed) this.changeCount++;
        return changed;
    }

    /** Forgets a deleted file, or every file under a deleted folder. Returns whether anything was known. */
    remove(target: string): boolean {
        const absolute = path.resolve(target);
        const removed = this.files.has(absolute) ? [absolute] : this.filesUnder(absolute);
        for (const file of removed) this.forget(file);
        if (removed.length > 0) this.changeCount++;
        return removed.length > 0;
    }

    /**
     * Moves a file, or every file under a folder, keeping parses (a handler's facts do not depend
     * on its path). Returns the paths the model could not fill from what it knew, because their text
     * was never read (a helper moved into on-events/) or because `from` was unknown (moved in from
     * outside the root): pass each to `refresh`.
     */
    rename(from: string, to: string): string[] {
        const source = path.resolve(from);
        const target = path.resolve(to);
        const moves: [string, string][] = this.files.has(source)
            ? [[source, target]]
            : this.filesUnder(source).map((file) => [file, path.join(target, path.relative(source, file))]);
        const unresolved: string[] = [];
        for (const [oldFile, newFile] of moves) {
            const reused = this.handlerEntries.get(oldFile);
            const text = reused?.text ?? (oldFile === this.indexFile ? this.indexEntry?.text : undefined);
            this.forget(oldFile);
            this.renames.set(oldFile, newFile);
            this.renameTargets.add(newFile);
            // A rename can end a chain that an import-not-found fix follows.
            if (this.missingImportStems.size > 0) this.indexProblems = undefined;
            const role = classifyFile(this.root, newFile);
            if (role === 'outside') continue;
            this.addFile(newFile);
            // A new entry (same parse) so that problems cached with the old path are not reused.
            if (role === 'handler' && reused) this.setHandler(newFile, { text: reused.text, facts: reused.facts });
            else if (role === 'handler' || role === 'index') {
                if (text !== undefined) this.update(newFile, text);
                else unresolved.push(newFile);
            }
        }
        if (moves.length === 0 && this.contains(target)) unresolved.push(target);
        if (moves.length > 0) this.changeCount++;
        return unresolved;
    }

    /**
     * Re-reads a file or a folder through the file system: a new, changed or deleted path, or one
     * that `rename` returned. A path that is neither a file nor a folder any more is removed.
     */
    async refresh(target: string): Promise<void> {
        const absolute = path.resolve(target);
        if (!this.contains(absolute) && absolute !== this.root) return;
        const text = absolute === this.root ? undefined : await this.fs.readFile(absolute);
        if (text !== undefined) {
            this.update(absolute, text);
            return;
        }
        const found = await this.walk(absolute, segmentsUnder(this.root, absolute)?.length ?? 0);
        const stale = this.filesUnder(absolute).filter((file) => !found.has(file));
        if (this.files.has(absolute)) stale.push(absolute);
        for (const file of stale) this.remove(file);
        const needText = [...found].filter((file) => {
            const role = classifyFile(this.root, file);
            return role === 'handler' || role === 'index';
        });
        const texts = await Promise.all(needText.map((file) => this.fs.readFile(file)));
        for (const file of found) {
            if (classifyFile(this.root, file) === 'other' && this.addFile(file)) this.changeCount++;
        }
        needText.forEach((file, i) => {
            const fileText = texts[i];
            if (fileText !== undefined) this.update(file, fileText);
        });
    }

    /** Integration folders: direct subfolders of the root holding on-events/, syncs/ or actions/. */
    integrations(): string[] {
        if (this.integrationList?.stamp !== this.fileSetStamp) {
            const names = new Set<string>();
            for (const file of this.files) {
                const segments = segmentsUnder(this.root, file);
                if (segments && segments.length >= 3 && FUNCTION_FOLDERS.includes(segments[1]!)) names.add(segments[0]!);
            }
            this.integrationList = { stamp: this.fileSetStamp, names: [...names].sort() };
        }
        return [...this.integrationList.names];
    }

    /** Every parsed handler, sorted by file. */
    handlers(): readonly HandlerInfo[] {
        const extension = this.specifierExtension();
        if (this.handlerList?.stamp !== this.handlerStamp || this.handlerList.extension !== extension) {
            this.handlerList = {
                stamp: this.handlerStamp,
                extension,
                handlers: this.handlerFiles.sorted().map((file) => this.handlerInfo(file, this.handlerEntries.get(file)!))
            };
        }
        return this.handlerList.handlers;
    }

    handler(file: string): HandlerInfo | undefined {
        const absolute = path.resolve(file);
        const entry = this.handlerEntries.get(absolute);
        return entry ? this.handlerInfo(absolute, entry) : undefined;
    }

    hasIndexFile(): boolean {
        return this.indexEntry !== undefined;
    }

    /** The line break index.ts uses ('\n' when there is none), for new files to match. */
    indexEol(): '\n' | '\r\n' {
        return this.indexEntry?.facts.style.eol ?? '\n';
    }

    indexImports(): readonly IndexImport[] {
        return this.imports.map(({ specifier, kind, range, specifierRange, resolvedFile, expectedFile }) => ({
            specifier,
            kind,
            range,
            specifierRange,
            resolvedFile,
            expectedFile
        }));
    }

    /** All problems, grouped by file; files without problems are absent (replace, do not merge). */
    problems(): ReadonlyMap<string, readonly Problem[]> {
        if (this.problemMap?.version === this.changeCount) return this.problemMap.map;
        for (const file of this.unchecked) this.checkHandler(file, this.handlerEntries.get(file)!);
        this.unchecked.clear();
        this.indexProblems ??= this.computeIndexProblems();
        // The order of a from-scratch computation: handlers with problems of their own, index.ts,
        // then the other handlers that index.ts does not import; each group sorted by file.
        const map = new Map<string, readonly Problem[]>();
        for (const file of this.filesWithOwnProblems.sorted()) map.set(file, this.problemsOf(file, this.handlerEntries.get(file)!));
        if (this.indexProblems.length > 0) map.set(this.indexFile, this.indexProblems);
        for (const file of this.unimported.sorted()) {
            if (!map.has(file)) map.set(file, this.problemsOf(file, this.handlerEntries.get(file)!));
        }
        this.problemMap = { version: this.changeCount, map };
        return map;
    }

    /**
     * The index.ts edits that keep imports pointing at `from` (a file or folder) valid after it
     * moves to `to`. Call it before the move happens (VS Code's onWillRenameFiles), then `rename`.
     */
    importEditsForRename(from: string, to: string): TextEdit[] {
        const source = path.resolve(from);
        const target = path.resolve(to);
        const edits: TextEdit[] = [];
        for (const entry of this.imports) {
            const file = entry.resolvedFile;
            if (!file || (file !== source && !isUnder(source, file))) continue;
            const moved = file === source ? target : path.join(target, path.relative(source, file));
            if (!isUnder(this.root, moved)) continue;
            edits.push({
                file: this.indexFile,
                range: entry.specifierRange,
                newText: importSpecifierFor(this.root, moved, specifierExtension(entry.specifier))
            });
        }
        return edits;
    }

    /** The change that adds imports of `files` to index.ts in its style (creating it when missing). */
    planImportAdditions(files: readonly string[]): { edits: TextEdit[]; createFiles: FileCreation[] } {
        const extension = this.specifierExtension();
        return planImportAdditions(
            this.indexFile,
            this.indexEntry?.facts,
            files.map((file) => importSpecifierFor(this.root, path.resolve(file), extension))
        );
    }

    private specifierExtension(): SpecifierExtension {
        return this.indexEntry?.facts.style.extension ?? '';
    }

    private handlerInfo(file: string, entry: HandlerEntry): HandlerInfo {
        const extension = this.specifierExtension();
        if (entry.info && entry.infoExtension === extension) return entry.info;
        const { integration, name } = handlerIdentity(this.root, file);
        const call = entry.facts.createOnEvent;
        const event = call?.event.kind === 'literal' ? call.event.value : undefined;
        entry.info = {
            file,
            integration,
            name,
            event,
            description: call?.description,
            hasMetadataSchema: call?.hasMetadataSchema ?? false,
            createOnEventRange: call?.range,
            exportsCreateOnEvent: entry.facts.defaultExport.kind === 'create-on-event',
            importSpecifier: importSpecifierFor(this.root, file, extension)
        };
        entry.infoExtension = extension;
        return entry.info;
    }

    // ---- Problems -----------------------------------------------------------------------------

    /** Runs the handler rules on one (new) parse. */
    private checkHandler(file: string, entry: HandlerEntry): void {
        this.handlerRuleRuns++;
        entry.own = sortProblems(handlerProblems(file, entry.facts));
        if (entry.own.length > 0) this.filesWithOwnProblems.add(file);
        else this.filesWithOwnProblems.delete(file);
    }

    /** The problem list of a handler file: its own problems and, when index.ts does not import it, that one. */
    private problemsOf(file: string, entry: HandlerEntry): readonly Problem[] {
        const notImported = this.unimported.has(file) ? this.notImportedProblem(file, entry) : undefined;
        if (entry.merged && entry.mergedWith === notImported) return entry.merged;
        const own = entry.own ?? NO_PROBLEMS;
        entry.merged = notImported ? sortProblems([...own, notImported]) : own;
        entry.mergedWith = notImported;
        return entry.merged;
    }

    private notImportedProblem(file: string, entry: HandlerEntry): Problem {
        if (entry.notImported && entry.notImportedEpoch === this.epoch) return entry.notImported;
        if (this.unimportedShared?.epoch !== this.epoch) {
            this.unimportedShared = { epoch: this.epoch, context: unimportedContext(this.view, this.unimported.sorted()) };
        }
        this.notImportedRuns++;
        entry.notImported = unimportedHandlerProblem(this.view, file, this.unimportedShared.context);
        entry.notImportedEpoch = this.epoch;
        return entry.notImported;
    }

    private computeIndexProblems(): readonly Problem[] {
        this.missingImportStems = new Set();
        for (const entry of this.imports) {
            if (isMissingImport(this.root, entry)) this.missingImportStems.add(stemOf(entry.expectedFile));
        }
        return sortProblems(importProblems(this.view, this.imports, this.importedCount, () => this.stemIndex()));
    }

    private stemIndex(): ReadonlyMap<string, readonly string[]> {
        if (!this.filesByStem) {
            const byStem = new Map<string, string[]>();
            for (const file of this.files) {
                if (!isStemIndexed(this.indexFile, file)) continue;
                const stem = stemOf(file);
                const list = byStem.get(stem);
                if (list) list.push(file);
                else byStem.set(stem, [file]);
            }
            for (const list of byStem.values()) list.sort();
            this.filesByStem = byStem;
        }
        return this.filesByStem;
    }

    // ---- Keeping the derived state up to date --------------------------------------------------

    /** Marks `file` as existing; returns whether it is new. */
    private addFile(file: string): boolean {
        if (this.files.has(file)) return false;
        this.files.add(file);
        this.fileSetChanged(file, true);
        return true;
    }

    private forget(file: string): void {
        if (this.handlerEntries.delete(file)) {
            this.handlerFiles.delete(file);
            this.filesWithOwnProblems.delete(file);
            this.unchecked.delete(file);
            if (this.unimported.delete(file)) this.epoch++;
            this.handlerStamp++;
        }
        if (file === this.indexFile && this.indexEntry) this.setIndex(undefined);
        if (this.files.delete(file)) this.fileSetChanged(file, false);
    }

    private setHandler(file: string, entry: HandlerEntry): void {
        const isNew = !this.handlerEntries.has(file);
        this.handlerEntries.set(file, entry);
        this.unchecked.add(file);
        this.handlerStamp++;
        if (isNew) {
            this.handlerFiles.add(file);
            if (!this.importedCount.has(file) && this.unimported.add(file)) this.epoch++;
        }
    }

    /** A file appeared or disappeared: re-resolve the imports that may load it. */
    private fileSetChanged(file: string, added: boolean): void {
        this.fileSetStamp++;
        if (this.filesByStem && isStemIndexed(this.indexFile, file)) {
            const stem = stemOf(file);
            let list = this.filesByStem.get(stem);
            if (added) {
                if (!list) this.filesByStem.set(stem, (list = []));
                insertSorted(list, file);
            } else if (list) {
                removeSorted(list, file);
                if (list.length === 0) this.filesByStem.delete(stem);
            }
        }
        // The fixes of an import-not-found problem list files of the same name and renamed files.
        if (this.missingImportStems.size > 0 && (this.missingImportStems.has(stemOf(file)) || this.renameTargets.has(file))) this.indexProblems = undefined;
        if (this.imports.length === 0) return;
        for (const i of this.importsLoading(file)) {
            const entry = this.imports[i]!;
            const resolvedFile = firstExisting(this.candidates.get(entry.specifier)!, this.files);
            if (resolvedFile === entry.resolvedFile) continue;
            this.imports[i] = { ...entry, resolvedFile };
            if (entry.kind !== 'type-only') {
                this.uncount(entry.resolvedFile);
                this.count(resolvedFile);
            }
            this.indexProblems = undefined;
        }
    }

    private importsLoading(file: string): readonly number[] {
        if (!this.importsByCandidate) {
            const byCandidate = new Map<string, number[]>();
            this.imports.forEach((entry, i) => {
                for (const candidate of this.candidates.get(entry.specifier) ?? []) {
                    const list = byCandidate.get(candidate);
                    if (list) list.push(i);
                    else byCandidate.set(candidate, [i]);
                }
            });
            this.importsByCandidate = byCandidate;
        }
        return this.importsByCandidate.get(file) ?? [];
    }

    private count(file: string | undefined): void {
        if (file === undefined) return;
        const count = this.importedCount.get(file) ?? 0;
        this.importedCount.set(file, count + 1);
        if (count === 0 && this.unimported.delete(file)) this.epoch++;
    }

    private uncount(file: string | undefined): void {
        if (file === undefined) return;
        const count = this.importedCount.get(file) ?? 0;
        if (count > 1) {
            this.importedCount.set(file, count - 1);
            return;
        }
        this.importedCount.delete(file);
        if (this.handlerEntries.has(file) && this.unimported.add(file)) this.epoch++;
    }

    /**
     * A new parse of index.ts (or none): resolve its imports and see which handlers it imports.
     * Imports the parse carried over from the previous one keep their resolution, so only new and
     * dropped imports change the counts.
     */
    private setIndex(entry: IndexParse | undefined): void {
        const before = this.imports;
        const parsedBefore = this.indexEntry?.facts.imports ?? [];
        const origins = entry?.origins;
        const parsed = entry?.facts.imports ?? [];
        const imports: ResolvedImport[] = new Array(parsed.length);
        const carried = new Uint8Array(before.length);
        let unchanged = origins !== undefined && parsed.length === before.length;
        for (let i = 0; i < parsed.length; i++) {
            const item = parsed[i]!;
            const origin = origins?.[i] ?? -1;
            if (origin >= 0) {
                carried[origin] = 1;
                const old = before[origin]!;
                if (item === parsedBefore[origin]) imports[i] = old;
                else imports[i] = withResolution(item, old);
                if (origin !== i || imports[i] !== old) unchanged = false;
                continue;
            }
            unchanged = false;
            const resolved = resolveImport(item, this.candidatesOf(item.specifier), this.files);
            imports[i] = resolved;
            if (resolved.kind !== 'type-only') this.count(resolved.resolvedFile);
        }
        // After counting the new imports, so a handler imported anew by an edited line never flips.
        for (let i = 0; i < before.length; i++) {
            const old = before[i]!;
            if (!carried[i] && old.kind !== 'type-only') this.uncount(old.resolvedFile);
        }
        this.indexEntry = entry;
        this.imports = imports;
        if (!unchanged) {
            this.importsByCandidate = undefined;
            this.indexProblems = undefined;
        }
        if (this.candidates.size > 2 * imports.length + 64) {
            const kept = new Map<string, readonly string[] | undefined>();
            for (const { specifier } of imports) kept.set(specifier, this.candidates.get(specifier));
            this.candidates = kept;
        }
        const presentation = indexPresentation(entry?.facts);
        if (presentation !== this.indexPresentation) {
            this.indexPresentation = presentation;
            this.epoch++;
            this.handlerStamp++;
        }
    }

    /** The files a specifier of index.ts may load; undefined for a package import. */
    private candidatesOf(specifier: string): readonly string[] | undefined {
        let files = this.candidates.get(specifier);
        if (files === undefined && !this.candidates.has(specifier)) {
            files = isRelativeSpecifier(specifier) ? importCandidates(this.root, specifier) : undefined;
            this.candidates.set(specifier, files);
        }
        return files;
    }

    /** Follows a chain of renames to the file's current path, if it still exists. */
    private renamedTo(file: string): string | undefined {
        let current = file;
        for (let hops = 0; hops < this.renames.size; hops++) {
            const next = this.renames.get(current);
            if (next === undefined) break;
            current = next;
            if (this.files.has(current)) return current;
        }
        return undefined;
    }

    private filesUnder(folder: string): string[] {
        return [...this.files].filter((file) => isUnder(folder, file));
    }

    /** Lists the files under `folder` (skipping dependencies, build output and hidden folders). */
    private async walk(folder: string, depth: number): Promise<Set<string>> {
        const found = new Set<string>();
        const visit = async (dir: string, level: number): Promise<void> => {
            const entries = await this.fs.readDirectory(dir);
            const subfolders: string[] = [];
            for (const entry of entries) {
                const child = path.join(dir, entry.name);
                if (entry.kind === 'file') found.add(child);
                else if (!isSkippedFolder(entry.name) && level < MAX_WALK_DEPTH) subfolders.push(child);
            }
            await Promise.all(subfolders.map((sub) => visit(sub, level + 1)));
        };
        await visit(folder, depth);
        return found;
    }
}

/** `parsed` (the same import, moved) with the resolution of `old`. */
function withResolution(parsed: ParsedImport, old: ResolvedImport): ResolvedImport {
    return {
        specifier: parsed.specifier,
        kind: parsed.kind,
        range: parsed.range,
        specifierRange: parsed.specifierRange,
        removalRange: parsed.removalRange,
        resolvedFile: old.resolvedFile,
        expectedFile: old.expectedFile
    };
}

/** Sorted by start position; stable, so problems starting at the same place keep their order. */
function sortProblems(problems: Problem[]): Problem[] {
    if (problems.length > 1) problems.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
    return problems;
}

/** What the handler-not-imported problems read from index.ts (its existence, import style, where imports go). */
function indexPresentation(facts: IndexFacts | undefined): string {
    if (!facts) return '';
    const { style, insertion, lastImportRange: last } = facts;
    const range = last ? `${last.start.line}:${last.start.character}-${last.end.line}:${last.end.character}` : '';
    return [
        style.quote,
        style.semicolon,
        style.eol,
        style.extension,
        insertion.position.line,
        insertion.position.character,
        insertion.before,
        insertion.after,
        range
    ].join('|');
}

/** The model whose root holds `file` (the deepest, should roots nest). */
export function modelForFile(models: Iterable<WorkspaceModel>, file: string): WorkspaceModel | undefined {
    let best: WorkspaceModel | undefined;
    for (const model of models) {
        if (model.contains(file) && (!best || model.root.length > best.root.length)) best = model;
    }
    return best;
}
