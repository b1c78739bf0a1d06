// The problems of a whole root, assembled from what ProjectState keeps. An edit of one handler
// costs its own rules (run when it was parsed) and, when index.ts does not import it, its
// not-imported problem; the problems of index.ts and the shared part of the not-imported ones are
// rebuilt only when something they read changed.
import { isStemIndexed, importProblems, stemOf, unimportedContext, unimportedHandlerProblem } from './project-rules';
import type { ProjectView, UnimportedContext } from './project-rules';
import { sortProblems } from './project-state';
import type { HandlerEntry, ProjectState } from './project-state';
import type { Problem, Range } from './types';

const START_OF_FILE: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export class ProjectProblems {
    private index: { readonly stamp: number; readonly problems: readonly Problem[] } | undefined;
    /** What every not-imported problem shares, and each one with the handler parse it was built for. */
    private notImported:
        { readonly stamp: number; readonly context: UnimportedContext; readonly byFile: Map<string, { entry: HandlerEntry; problem: Problem }> } | undefined;

    constructor(private readonly state: ProjectState) {}

    /**
     * All problems, grouped by file; files without problems are absent. In the order of a
     * from-scratch computation: handlers with problems of their own, index.ts, then the other
     * handlers that index.ts does not import; each group sorted by file.
     */
    all(): Map<string, readonly Problem[]> {
        const { state } = this;
        const map = new Map<string, readonly Problem[]>();
        for (const file of state.withOwnProblems.sorted()) this.addHandler(map, file);
        const indexProblems = this.indexProblems();
        if (indexProblems.length > 0) map.set(state.indexFile, indexProblems);
        for (const file of state.unimported.sorted()) if (!map.has(file)) this.addHandler(map, file);
        return map;
    }

    private addHandler(map: Map<string, readonly Problem[]>, file: string): void {
        const entry = this.state.handler(file);
        if (!entry) return;
        const notImported = this.state.unimported.has(file) ? this.notImportedProblem(file, entry) : undefined;
        map.set(file, notImported ? sortProblems([...entry.problems, notImported]) : entry.problems);
    }

    private notImportedProblem(file: string, entry: HandlerEntry): Problem {
        const stamp = this.state.unimportedStamp;
        if (this.notImported?.stamp !== stamp) {
            this.notImported = { stamp, context: unimportedContext(this.view(), this.state.unimported.sorted()), byFile: new Map() };
        }
        const cached = this.notImported.byFile.get(file);
        if (cached?.entry === entry) return cached.problem;
        const problem = unimportedHandlerProblem(this.view(), file, this.notImported.context);
        this.notImported.byFile.set(file, { entry, problem });
        return problem;
    }

    private indexProblems(): readonly Problem[] {
        const stamp = this.state.indexStamp;
        if (this.index?.stamp !== stamp) {
            let byStem: ReadonlyMap<string, readonly string[]> | undefined;
            const problems = sortProblems(importProblems(this.view(), this.state.imports.list, this.state.imports, () => (byStem ??= this.filesByStem())));
            this.index = { stamp, problems };
        }
        return this.index.problems;
    }

    /** .ts files by basename without extension, for the fixes of an import-not-found problem. */
    private filesByStem(): ReadonlyMap<string, readonly string[]> {
        const byStem = new Map<string, string[]>();
        for (const file of this.state.files) {
            if (!isStemIndexed(this.state.indexFile, file)) continue;
            const stem = stemOf(file);
            const list = byStem.get(stem);
            if (list) list.push(file);
            else byStem.set(stem, [file]);
        }
        for (const list of byStem.values()) list.sort();
        return byStem;
    }

    private view(): ProjectView {
        const { state } = this;
        return {
            root: state.root,
            indexFile: state.indexFile,
            index: state.index,
            files: state.files,
            renamedTo: (file) => state.renamedTo(file),
            handlerRange: (file) => {
                const facts = state.handler(file)?.facts;
                return facts?.createOnEvent?.nameRange ?? facts?.firstLineRange ?? START_OF_FILE;
            }
        };
    }
}
