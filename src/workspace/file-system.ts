import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

export interface DirectoryEntry {
    readonly name: string;
    readonly kind: 'file' | 'directory';
}

/**
 * The little the model reads from disk. Injected so that tests use memory and the VS Code adapter
 * can answer from open editor buffers (unsaved text) before falling back to disk.
 */
export interface WorkspaceFileSystem {
    /** Entries of `dir`; an empty list when it does not exist. */
    readDirectory(dir: string): Promise<readonly DirectoryEntry[]>;
    /** Text of `file`; undefined when it does not exist. */
    readFile(file: string): Promise<string | undefined>;
}

function isMissing(error: unknown): boolean {
    const code = (error as { code?: unknown } | undefined)?.code;
    return code === 'ENOENT' || code === 'ENOTDIR';
}

export const nodeFileSystem: WorkspaceFileSystem = {
    async readDirectory(dir) {
        let dirents;
        try {
            dirents = await readdir(dir, { withFileTypes: true });
        } catch (error) {
            if (isMissing(error)) return [];
            throw error;
        }
        const entries: DirectoryEntry[] = [];
        for (const dirent of dirents) {
            if (dirent.isDirectory()) entries.push({ name: dirent.name, kind: 'directory' });
            else if (dirent.isFile()) entries.push({ name: dirent.name, kind: 'file' });
            else if (dirent.isSymbolicLink()) {
                // Linked files count; linked folders are not followed, so a link cycle cannot trap a walk.
                const target = await stat(path.join(dir, dirent.name)).catch(() => undefined);
                if (target?.isFile()) entries.push({ name: dirent.name, kind: 'file' });
            }
        }
        return entries;
    },
    async readFile(file) {
        try {
            return await readFile(file, 'utf8');
        } catch (error) {
            // A folder is not a file: callers probe a path with readFile before listing it.
            if (isMissing(error) || (error as { code?: unknown }).code === 'EISDIR') return undefined;
            throw error;
        }
    }
};

/** A file system held in memory: absolute path → text. Folders exist when a file is under them. */
export function createMemoryFileSystem(files: Iterable<readonly [string, string]> | Readonly<Record<string, string>>): WorkspaceFileSystem {
    const contents = new Map<string, string>();
    const pairs = Symbol.iterator in files ? (files as Iterable<readonly [string, string]>) : Object.entries(files);
    for (const [file, text] of pairs) contents.set(path.resolve(file), text);
    // The folders are listed on the first readDirectory: a model built from memory may never ask.
    let children: Map<string, Map<string, DirectoryEntry['kind']>> | undefined;
    const listFolders = (): Map<string, Map<string, DirectoryEntry['kind']>> => {
        const folders = new Map<string, Map<string, DirectoryEntry['kind']>>();
        for (const normalized of contents.keys()) {
            let child = normalized;
            let kind: DirectoryEntry['kind'] = 'file';
            for (let parent = path.dirname(child); parent !== child; child = parent, parent = path.dirname(parent)) {
                let entries = folders.get(parent);
                if (!entries) folders.set(parent, (entries = new Map()));
                entries.set(path.basename(child), kind);
                kind = 'directory';
            }
        }
        return folders;
    };
    return {
        async readDirectory(dir) {
            children ??= listFolders();
            const entries = children.get(path.resolve(dir));
            return entries ? [...entries].map(([name, kind]) => ({ name, kind })) : [];
        },
        async readFile(file) {
            return contents.get(path.resolve(file));
        }
    };
}

/**
 * Reads through `overlay` first (e.g. the text of dirty editors) and falls back to `base`.
 * Listing comes from `base`: an unsaved buffer of a file that was never saved has no path yet.
 */
export function overlayFileSystem(base: WorkspaceFileSystem, overlay: (file: string) => string | undefined): WorkspaceFileSystem {
    return {
        readDirectory: (dir) => base.readDirectory(dir),
        async readFile(file) {
            return overlay(file) ?? (await base.readFile(file));
        }
    };
}
