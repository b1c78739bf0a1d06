// The bookkeeping of one nango-integrations root: which files exist, the parse of each handler
// (with its own problems) and of index.ts, which handlers index.ts imports, and where renamed files
// went. The diagnostics (project-problems.ts) and the public model (model.ts) read it.
import path from 'node:path';
import type { HandlerFacts } from './handler-analysis';
import { handlerProblems } from './handler-rules';
import type { IndexFacts, IndexParse } from './index-analysis';
import { IndexImports } from './index-imports';
import { INDEX_FILE_NAME } from './paths';
import { SortedSet } from './sorted';
import { shareIfEmpty } from './text';
import type { Problem } from './types';

/**
 * One parse of a handler file with the handler rules' problems. Replaced, never mutated, when the
 * text or the path changes, so anything cached against an entry can never describe another text or path.
 */
export interface HandlerEntry {
    readonly text: string;
    readonly facts: HandlerFacts;
    /** The handler rules' problems, sorted. */
    readonly problems: readonly Problem[];
}

export class ProjectState {
    readonly indexFile: string;
    /** Every file under the root, parsed or not: what import resolution checks against. */
    readonly files = new Set<string>();
    readonly imports: IndexImports;
    /** Handlers with problems of their own, and handlers index.ts does not import. */
    readonly withOwnProblems = new SortedSet();
    readonly unimported = new SortedSet();
    private readonly handlerEntries = new Map<string, HandlerEntry>();
    /** Old path → new path of every rename, so a stale import can be offered its new path. */
    private readonly renames = new Map<string, string>();
    /** What the handler-not-imported problems read from index.ts (see `presentation`). */
    private indexPresentation = '';
    private unimportedChanges = 0;
    private indexChanges = 0;

    constructor(readonly root: string) {
        this.indexFile = path.join(root, INDEX_FILE_NAME);
        this.imports = new IndexImports(root, this.files, (file, imported) => {
            if (imported) this.markImported(file);
            else if (this.handlerEntries.has(file)) this.markUnimported(file);
        });
    }

    /**
     * Changes whenever every handler-not-imported problem must be rebuilt: the set of such handlers
     * changed (their "add all" fix lists them all) or how index.ts writes imports changed.
     */
    get unimportedStamp(): number {
        return this.unimportedChanges;
    }

    /** Changes whenever the problems of index.ts may have: its imports, their resolution, the files, a rename. */
    get indexStamp(): number {
        return this.indexChanges;
    }

    get index(): IndexFacts | undefined {
        return this.imports.facts;
    }

    handler(file: string): HandlerEntry | undefined {
        return this.handlerEntries.get(file);
    }

    handlerFiles(): IterableIterator<string> {
        return this.handlerEntries.keys();
    }

    /** Marks `file` as existing; returns whether it is new. */
    addFile(file: string): boolean {
        if (this.files.has(file)) return false;
        this.files.add(file);
        this.fileSetChanged(file);
        return true;
    }

    /** A new parse of a handler (or the same parse under a new path): runs the handler rules on it. */
    setHandler(file: string, text: string, facts: HandlerFacts): void {
        const isNew = !this.handlerEntries.has(file);
        const problems = shareIfEmpty(sortProblems(handlerProblems(file, facts)));
        this.handlerEntries.set(file, { text, facts, problems });
        if (problems.length > 0) this.withOwnProblems.add(file);
        else this.withOwnProblems.delete(file);
        if (isNew && !this.imports.has(file)) this.markUnimported(file);
    }

    /** A new parse of index.ts, or none. */
    setIndex(parse: IndexParse | undefined): void {
        if (this.imports.setParse(parse)) this.indexChanges++;
        const presentation = indexPresentation(parse?.facts);
        if (presentation !== this.indexPresentation) {
            this.indexPresentation = presentation;
            this.unimportedChanges++;
        }
    }

    /** Forgets a file that was deleted or moved away. */
    forget(file: string): void {
        if (this.handlerEntries.delete(file)) {
            this.withOwnProblems.delete(file);
            this.markImported(file);
        }
        if (file === this.indexFile && this.imports.current) this.setIndex(undefined);
        if (this.files.delete(file)) this.fileSetChanged(file);
    }

    /** Records a move, so an import of the old path can be offered the new one. */
    renamed(from: string, to: string): void {
        this.renames.set(from, to);
        // A rename can end a chain that an import-not-found fix follows.
        this.indexChanges++;
    }

    /** Follows a chain of renames to the file's current path, if it still exists. */
    renamedTo(file: string): string | undefined {
        let current = file;
        for (let hops = 0; hops < this.renames.size; hops++) {
            const next = this.renames.get(current);
            if (next === undefined) break;
            current = next;
            if (this.files.has(current)) return current;
        }
        return undefined;
    }

    /** A file appeared or disappeared: the imports that may load it, and the fixes listing files of its name. */
    private fileSetChanged(file: string): void {
        this.imports.fileChanged(file);
        this.indexChanges++;
    }

    private markImported(file: string): void {
        if (this.unimported.delete(file)) this.unimportedChanges++;
    }

    private markUnimported(file: string): void {
        if (this.unimported.add(file)) this.unimportedChanges++;
    }
}

/** Sorted by start position; stable, so problems starting at the same place keep their order. */
export function sortProblems(problems: Problem[]): Problem[] {
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
