import path from 'node:path';
import type { DirectoryEntry, WorkspaceFileSystem } from './file-system';
import { INDEX_FILE_NAME, ON_EVENTS_FOLDER, PACKAGE_JSON, dependsOnNango, isSkippedFolder, nangoRootKind } from '../../emulator/project/layout';

export { dependsOnNango };

export interface FindRootsOptions {
    /** How many folder levels below `dir` to search (default 8). */
    readonly maxDepth?: number;
}

interface Candidate {
    readonly dir: string;
    /** index.ts beside integration folders with on-events/: certainly a root (else a package.json match). */
    readonly certain: boolean;
}

/**
 * Finds the nango-integrations folders under a workspace folder, as nangoRootKind decides: a
 * folder with `index.ts` beside integration subfolders holding `on-events/`, or with `index.ts`
 * and a package.json that depends on `nango`.
 *
 * A package.json match is weaker: a monorepo's top-level package.json may depend on `nango` while
 * its functions live in a nested nango-integrations folder. Such a match is dropped when a root is
 * found below it. Sorted, so that callers get a stable order.
 */
export async function findNangoRoots(dir: string, fs: WorkspaceFileSystem, options: FindRootsOptions = {}): Promise<string[]> {
    const maxDepth = options.maxDepth ?? 8;
    const candidates: Candidate[] = [];

    async function visit(folder: string, depth: number): Promise<void> {
        const entries = await fs.readDirectory(folder);
        const subfolders = entries.filter((e) => e.kind === 'directory' && !isSkippedFolder(e.name)).map((e) => path.join(folder, e.name));
        const kind = hasFile(entries, INDEX_FILE_NAME)
            ? nangoRootKind({
                  hasIndexFile: true,
                  hasOnEventsFolder: await anyHoldsOnEvents(subfolders, fs),
                  dependsOnNango: hasFile(entries, PACKAGE_JSON) && dependsOnNango(await fs.readFile(path.join(folder, PACKAGE_JSON)))
              })
            : undefined;
        if (kind === 'certain') {
            candidates.push({ dir: folder, certain: true });
            return;
        }
        if (kind === 'likely') candidates.push({ dir: folder, certain: false });
        if (depth >= maxDepth) return;
        await Promise.all(subfolders.map((sub) => visit(sub, depth + 1)));
    }

    await visit(path.resolve(dir), 0);
    const roots = candidates.filter((c) => c.certain || !candidates.some((other) => other !== c && isStrictlyInside(c.dir, other.dir))).map((c) => c.dir);
    return [...new Set(roots)].sort();
}

function hasFile(entries: readonly DirectoryEntry[], name: string): boolean {
    return entries.some((e) => e.kind === 'file' && e.name === name);
}

async function anyHoldsOnEvents(folders: readonly string[], fs: WorkspaceFileSystem): Promise<boolean> {
    const listings = await Promise.all(folders.map((folder) => fs.readDirectory(folder)));
    return listings.some((entries) => entries.some((e) => e.kind === 'directory' && e.name === ON_EVENTS_FOLDER));
}

function isStrictlyInside(ancestor: string, descendant: string): boolean {
    const relative = path.relative(ancestor, descendant);
    return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}
