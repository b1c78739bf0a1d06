// The imports of index.ts resolved against the files that exist, and which files they load: kept
// up to date one edit at a time, so that an edit of index.ts costs what it touched and a file that
// appears or disappears re-resolves only the imports that could load it.
import type { IndexFacts, IndexParse, ParsedImport } from './index-analysis';
import { importCandidates, isRelativeSpecifier } from './paths';
import { firstExisting, resolveImport } from './project-rules';
import type { ImportedFiles, ResolvedImport } from './project-rules';

export class IndexImports implements ImportedFiles {
    private parse: IndexParse | undefined;
    private resolved: ResolvedImport[] = [];
    /** File → the imports that may load it; built on the first file change after the imports changed. */
    private byCandidate: Map<string, number[]> | undefined;
    /** File → how many imports (other than `import type`) load it. */
    private readonly loads = new Map<string, number>();

    /**
     * `onImportedChange` hears of every file that starts or stops being loaded by an import (other
     * than `import type`).
     */
    constructor(
        private readonly root: string,
        private readonly files: ReadonlySet<string>,
        private readonly onImportedChange: (file: string, imported: boolean) => void
    ) {}

    /** The parse of index.ts; undefined when it does not exist. */
    get current(): IndexParse | undefined {
        return this.parse;
    }

    get facts(): IndexFacts | undefined {
        return this.parse?.facts;
    }

    get list(): readonly ResolvedImport[] {
        return this.resolved;
    }

    /** Whether an import (other than `import type`) loads `file`. */
    has(file: string): boolean {
        return this.loads.has(file);
    }

    /**
     * A new parse of index.ts (or none). Imports the parse carried over from the previous one keep
     * their resolution, so only new and dropped imports are resolved and counted. Returns whether
     * any import was added, dropped or moved.
     */
    setParse(entry: IndexParse | undefined): boolean {
        const before = this.resolved;
        const parsedBefore = this.parse?.facts.imports ?? [];
        const origins = entry?.origins;
        const parsed = entry?.facts.imports ?? [];
        const imports: ResolvedImport[] = [];
        const carried = new Uint8Array(before.length);
        let unchanged = origins !== undefined && parsed.length === before.length;
        parsed.forEach((item, i) => {
            const origin = origins?.[i] ?? -1;
            const old = before[origin];
            if (old) {
                carried[origin] = 1;
                const kept = item === parsedBefore[origin] ? old : withResolution(item, old);
                imports.push(kept);
                if (origin !== i || kept !== old) unchanged = false;
                return;
            }
            unchanged = false;
            const resolved = resolveImport(item, this.candidatesOf(item.specifier), this.files);
            imports.push(resolved);
            if (resolved.kind !== 'type-only') this.count(resolved.resolvedFile);
        });
        // After counting the new imports, so a handler imported anew by an edited line never flips.
        before.forEach((old, i) => {
            if (!carried[i] && old.kind !== 'type-only') this.uncount(old.resolvedFile);
        });
        this.parse = entry;
        this.resolved = imports;
        if (!unchanged) this.byCandidate = undefined;
        return !unchanged;
    }

    /** `file` appeared or disappeared: re-resolves the imports that may load it. Returns whether any changed. */
    fileChanged(file: string): boolean {
        let changed = false;
        for (const i of this.importsLoading(file)) {
            const entry = this.resolved[i];
            const candidates = entry && this.candidatesOf(entry.specifier);
            if (!entry || !candidates) continue;
            const resolvedFile = firstExisting(candidates, this.files);
            if (resolvedFile === entry.resolvedFile) continue;
            this.resolved[i] = { ...entry, resolvedFile };
            if (entry.kind !== 'type-only') {
                this.uncount(entry.resolvedFile);
                this.count(resolvedFile);
            }
            changed = true;
        }
        return changed;
    }

    private importsLoading(file: string): readonly number[] {
        if (this.resolved.length === 0) return [];
        if (!this.byCandidate) {
            const byCandidate = new Map<string, number[]>();
            this.resolved.forEach((entry, i) => {
                for (const candidate of this.candidatesOf(entry.specifier) ?? []) {
                    const list = byCandidate.get(candidate);
                    if (list) list.push(i);
                    else byCandidate.set(candidate, [i]);
                }
            });
            this.byCandidate = byCandidate;
        }
        return this.byCandidate.get(file) ?? [];
    }

    /** The files a specifier of index.ts may load; undefined for a package import. */
    private candidatesOf(specifier: string): readonly string[] | undefined {
        return isRelativeSpecifier(specifier) ? importCandidates(this.root, specifier) : undefined;
    }

    private count(file: string | undefined): void {
        if (file === undefined) return;
        const count = this.loads.get(file) ?? 0;
        this.loads.set(file, count + 1);
        if (count === 0) this.onImportedChange(file, true);
    }

    private uncount(file: string | undefined): void {
        if (file === undefined) return;
        const count = this.loads.get(file) ?? 0;
        if (count > 1) {
            this.loads.set(file, count - 1);
            return;
        }
        this.loads.delete(file);
        this.onImportedChange(file, false);
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
