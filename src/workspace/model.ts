import path from 'node:path';
import { createMemoryFileSystem } from './file-system';
import type { WorkspaceFileSystem } from './file-system';
import { analyzeHandler } from './handler-analysis';
import { parseIndex } from './index-analysis';
import type { ImportKind } from './index-analysis';
import { FUNCTION_FOLDERS, classifyFile, handlerIdentity, importSpecifierFor, isSkippedFolder, isUnder, segmentsUnder, specifierExtension } from './paths';
import type { FileRole, SpecifierExtension } from './paths';
import { ProjectProblems } from './project-problems';
import { planImportAdditions } from './project-rules';
import { ProjectState } from './project-state';
import type { HandlerEntry } from './project-state';
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

/** Bounds the walk of a root, in case of a pathological tree (symlinked folders are never followed). */
const MAX_WALK_DEPTH = 12;

/**
 * The model of one nango-integrations root: which files exist, the parsed handlers and index.ts,
 * and the problems they have.
 *
 * Kept up to date incrementally, so that the cost of an edit of a handler does not grow with the
 * size of the project, and that of an edit of index.ts only with index.ts: a mutation re-parses
 * only the file whose text changed (a rename moves the parse along) and runs the handler rules on
 * that handler only; an edit of index.ts re-resolves only the imports it touched (ProjectState and
 * IndexImports); `problems()` assembles the per-file lists (ProjectProblems), once per version.
 */
export class WorkspaceModel {
    readonly indexFile: string;
    private readonly state: ProjectState;
    private readonly problemList: ProjectProblems;
    private changeCount = 0;
    private problemMap: { readonly version: number; readonly map: ReadonlyMap<string, readonly Problem[]> } | undefined;

    private constructor(
        readonly root: string,
        private readonly fs: WorkspaceFileSystem
    ) {
        this.state = new ProjectState(root);
        this.problemList = new ProjectProblems(this.state);
        this.indexFile = this.state.indexFile;
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
        // Indexed on the first read: only `refresh` reads it, which a model built from memory may never call.
        let memory: WorkspaceFileSystem | undefined;
        const memoryFs = (): WorkspaceFileSystem => (memory ??= createMemoryFileSystem(pairs));
        const model = new WorkspaceModel(path.resolve(root), {
            readDirectory: (dir) => memoryFs().readDirectory(dir),
            readFile: (file) => memoryFs().readFile(file)
        });
        for (const [file, text] of pairs) model.update(file, text);
        return model;
    }

    /** Increases with every change that can alter what the model reports. */
    get version(): number {
        return this.changeCount;
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
        return this.state.files.has(path.resolve(file));
    }

    /**
     * Sets the text of a file (saved or not) and marks it as existing. Only index.ts and handler
     * files are parsed, and only when their text changed; returns whether anything changed.
     */
    update(file: string, text: string): boolean {
        const absolute = path.resolve(file);
        const role = classifyFile(this.root, absolute);
        if (role === 'outside') return false;
        let changed = this.state.addFile(absolute);
        if (role === 'handler' && this.state.handler(absolute)?.text !== text) {
            this.state.setHandler(absolute, text, analyzeHandler(text));
            changed = true;
        } else if (role === 'index' && this.state.imports.current?.text !== text) {
            this.state.setIndex(parseIndex(text, this.state.imports.current));
            changed = true;
        }
        if (changed) this.changeCount++;
        return changed;
    }

    /** Forgets a deleted file, or every file under a deleted folder. Returns whether anything was known. */
    remove(target: string): boolean {
        const absolute = path.resolve(target);
        const removed = this.state.files.has(absolute) ? [absolute] : this.filesUnder(absolute);
        for (const file of removed) this.state.forget(file);
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
        const moves: [string, string][] = this.state.files.has(source)
            ? [[source, target]]
            : this.filesUnder(source).map((file) => [file, path.join(target, path.relative(source, file))]);
        const unresolved: string[] = [];
        for (const [oldFile, newFile] of moves) {
            const reused = this.state.handler(oldFile);
            const text = reused?.text ?? (oldFile === this.indexFile ? this.state.imports.current?.text : undefined);
            this.state.forget(oldFile);
            this.state.renamed(oldFile, newFile);
            const role = classifyFile(this.root, newFile);
            if (role === 'outside') continue;
            this.state.addFile(newFile);
            // The same parse under the new path; the rules run again, as their problems name the file.
            if (role === 'handler' && reused) this.state.setHandler(newFile, reused.text, reused.facts);
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
        if (this.state.files.has(absolute)) stale.push(absolute);
        for (const file of stale) this.remove(file);
        const needText = [...found].filter((file) => {
            const role = classifyFile(this.root, file);
            return role === 'handler' || role === 'index';
        });
        const texts = await Promise.all(needText.map((file) => this.fs.readFile(file)));
        for (const file of found) {
            if (classifyFile(this.root, file) === 'other' && this.state.addFile(file)) this.changeCount++;
        }
        needText.forEach((file, i) => {
            const fileText = texts[i];
            if (fileText !== undefined) this.update(file, fileText);
        });
    }

    /** Integration folders: direct subfolders of the root holding on-events/, syncs/ or actions/. */
    integrations(): string[] {
        const names = new Set<string>();
        for (const file of this.state.files) {
            const [integration, folder, ...rest] = segmentsUnder(this.root, file) ?? [];
            if (integration !== undefined && folder !== undefined && rest.length > 0 && FUNCTION_FOLDERS.includes(folder)) names.add(integration);
        }
        return [...names].sort();
    }

    /** Every parsed handler, sorted by file. */
    handlers(): readonly HandlerInfo[] {
        const infos: HandlerInfo[] = [];
        for (const file of [...this.state.handlerFiles()].sort()) {
            const entry = this.state.handler(file);
            if (entry) infos.push(this.handlerInfo(file, entry));
        }
        return infos;
    }

    handler(file: string): HandlerInfo | undefined {
        const absolute = path.resolve(file);
        const entry = this.state.handler(absolute);
        return entry ? this.handlerInfo(absolute, entry) : undefined;
    }

    hasIndexFile(): boolean {
        return this.state.index !== undefined;
    }

    /** The line break index.ts uses ('\n' when there is none), for new files to match. */
    indexEol(): '\n' | '\r\n' {
        return this.state.index?.style.eol ?? '\n';
    }

    indexImports(): readonly IndexImport[] {
        return this.state.imports.list.map(({ specifier, kind, range, specifierRange, resolvedFile, expectedFile }) => ({
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
        if (this.problemMap?.version !== this.changeCount) this.problemMap = { version: this.changeCount, map: this.problemList.all() };
        return this.problemMap.map;
    }

    /**
     * The index.ts edits that keep imports pointing at `from` (a file or folder) valid after it
     * moves to `to`. Call it before the move happens (VS Code's onWillRenameFiles), then `rename`.
     */
    importEditsForRename(from: string, to: string): TextEdit[] {
        const source = path.resolve(from);
        const target = path.resolve(to);
        const edits: TextEdit[] = [];
        for (const entry of this.state.imports.list) {
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
            this.state.index,
            files.map((file) => importSpecifierFor(this.root, path.resolve(file), extension))
        );
    }

    private specifierExtension(): SpecifierExtension {
        return this.state.index?.style.extension ?? '';
    }

    private handlerInfo(file: string, entry: HandlerEntry): HandlerInfo {
        const { integration, name } = handlerIdentity(this.root, file);
        const call = entry.facts.createOnEvent;
        return {
            file,
            integration,
            name,
            event: call?.event.kind === 'literal' ? call.event.value : undefined,
            description: call?.description,
            hasMetadataSchema: call?.hasMetadataSchema ?? false,
            createOnEventRange: call?.range,
            exportsCreateOnEvent: entry.facts.defaultExport.kind === 'create-on-event',
            importSpecifier: importSpecifierFor(this.root, file, this.specifierExtension())
        };
    }

    private filesUnder(folder: string): string[] {
        return [...this.state.files].filter((file) => isUnder(folder, file));
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

/** The model whose root holds `file` (the deepest, should roots nest). */
export function modelForFile(models: Iterable<WorkspaceModel>, file: string): WorkspaceModel | undefined {
    let best: WorkspaceModel | undefined;
    for (const model of models) {
        if (model.contains(file) && (!best || model.root.length > best.root.length)) best = model;
    }
    return best;
}
