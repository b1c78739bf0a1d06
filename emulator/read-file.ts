// Bounded reads of the files users hand the emulator (fixtures, state, recordings). readFileSync on a
// symlink to /dev/zero grows memory until the process dies, on a FIFO it blocks forever, on a folder it
// fails with a bare EISDIR: each is refused here with the file, what it should be and the fix.
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { EmulatorError, type EmulatorErrorCode } from './errors';

export const MAX_FIXTURES_BYTES = 10 * 1024 * 1024;
export const MAX_STATE_BYTES = 50 * 1024 * 1024;
export const MAX_RECORDING_BYTES = 50 * 1024 * 1024;
/** Deeper JSON is refused: cloning, redacting and printing it would overflow the stack. */
export const MAX_JSON_DEPTH = 256;

export interface ReadTextOptions {
    maxBytes: number;
    /** What the file is, for messages: "the fixtures file", "the emulator state", "the recording". */
    what: string;
    /** The error code of a file that is there but cannot be used. */
    code: EmulatorErrorCode;
    /** What the user should do, appended to every message. */
    fix: string;
}

function kindOf(st: Stats): string {
    if (st.isDirectory()) return 'a folder';
    if (st.isFIFO()) return 'a named pipe (FIFO)';
    if (st.isCharacterDevice()) return 'a character device (such as /dev/zero)';
    if (st.isBlockDevice()) return 'a block device';
    if (st.isSocket()) return 'a socket';
    return 'not a regular file';
}

function megabytes(n: number): string {
    return n < 1024 * 1024 ? `${n} bytes` : `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;
}

/**
 * The text of `file`, or undefined when it does not exist. Only regular files (a symlink to one is fine)
 * of at most `maxBytes` are read; anything else throws an EmulatorError with `code`.
 */
export function readTextFile(file: string, opts: ReadTextOptions): string | undefined {
    const refuse = (why: string): never => {
        throw new EmulatorError(opts.code, `${file}: ${why}; ${opts.what} must be a regular file of at most ${megabytes(opts.maxBytes)}. ${opts.fix}`);
    };
    let st: Stats;
    try {
        // stat (not lstat): a symlink to a regular file is fine, what it points to is checked.
        st = statSync(file);
    } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
        if (code === 'ELOOP') return refuse('is a symlink loop');
        return refuse(`cannot be read (${code ?? (err as Error).message})`);
    }
    // Checked before open: opening a FIFO blocks until a writer comes.
    if (!st.isFile()) return refuse(`is ${kindOf(st)}`);
    if (st.size > opts.maxBytes) return refuse(`is ${megabytes(st.size)}`);
    let fd: number;
    try {
        // O_NONBLOCK: should the file be swapped for a FIFO after the stat, open still returns at once.
        fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return undefined;
        return refuse(`cannot be read (${code ?? (err as Error).message})`);
    }
    try {
        const now = fstatSync(fd);
        if (!now.isFile()) return refuse(`is ${kindOf(now)}`);
        // Read at most maxBytes + 1: a file that grows while it is read is still bounded.
        const buffer = Buffer.alloc(Math.min(opts.maxBytes, Math.max(now.size, 64 * 1024)) + 1);
        let length = 0;
        for (;;) {
            if (length === buffer.length) break;
            const n = readSync(fd, buffer, length, buffer.length - length, null);
            if (n === 0) break;
            length += n;
        }
        if (length > opts.maxBytes) return refuse(`is over ${megabytes(opts.maxBytes)}`);
        return buffer.subarray(0, length).toString('utf8');
    } finally {
        closeSync(fd);
    }
}

/**
 * Where a parsed JSON value nests deeper than `maxDepth` (e.g. "integrations.x.accounts"), or undefined.
 * Iterative, so it cannot overflow the stack itself.
 */
export function tooDeepAt(value: unknown, maxDepth = MAX_JSON_DEPTH): string | undefined {
    const stack: { value: unknown; depth: number; path: string[] }[] = [{ value, depth: 0, path: [] }];
    for (let item = stack.pop(); item; item = stack.pop()) {
        if (item.value === null || typeof item.value !== 'object') continue;
        if (item.depth >= maxDepth) return [...item.path, ...(item.depth > item.path.length ? ['…'] : [])].join('.') || '(top level)';
        for (const [key, child] of Object.entries(item.value)) {
            stack.push({ value: child, depth: item.depth + 1, path: item.depth < 6 ? [...item.path, key] : item.path });
        }
    }
    return undefined;
}

/** JSON.parse and what follows it (validation) overflow the stack on absurd nesting: RangeError, no file name. */
export function isStackOverflow(err: unknown): boolean {
    return err instanceof RangeError && /call stack/i.test(err.message);
}
