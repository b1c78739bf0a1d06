import path from 'node:path';
import type { DirectoryEntry, WorkspaceFileSystem } from './file-system';
import { INDEX_FILE_NAME, ON_EVENTS_FOLDER, isSkippedFolder } from './paths';

export interface FindRootsOptions {
    /** How many folder levels below `dir` to search (default 8). */
    readonly maxDepth?: number;
}

interface Candidate {
    readonly dir: string;
    /** index.ts beside integration folders with on-events/: certainly a root. */
    readonly certain: boolean;
}

/**
 * Finds the nango-integrations folders under a workspace folder: a folder with `index.ts` and
 * integration subfolders holding `on-events/`, or with a package.json that depends on `nango`.
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
        if (hasFile(entries, INDEX_FILE_NAME) && (await anyHoldsOnEvents(subfolders, fs))) {
            candidates.push({ dir: folder, certain: true });
            return;
        }
        if (hasFile(entries, 'package.json') && dependsOnNango(await fs.readFile(path.join(folder, 'package.json')))) {
            candidates.push({ dir: folder, certain: false });
        }
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

/** True when package.json lists `nango` in dependencies or devDependencies. Unparsable → false. */
export function dependsOnNango(packageJson: string | undefined): boolean {
    if (packageJson === undefined) return false;
    try {
        const parsed: unknown = JSON.parse(packageJson);
        if (typeof parsed !== 'object' || parsed === null) return false;
        const manifest = parsed as Record<string, unknown>;
        return ['dependencies', 'devDependencies'].some((field) => {
            const deps = manifest[field];
            return typeof deps === 'object' && deps !== null && Object.hasOwn(deps, 'nango');
        });
    } catch {
        return false;
    }
}

function isStrictlyInside(ancestor: string, descendant: string): boolean {
    const relative = path.relative(ancestor, descendant);
    return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}
