// Cross-process locks on top of proper-lockfile (mkdir is the atomic step; liveness is the lock's mtime,
// which the holder refreshes every UPDATE_MS). Runs on one connection are serialized. A holder that died
// (even by SIGKILL) stops refreshing, so its lock is reclaimed once STALE_MS have passed: a crash never
// wedges the emulator, and a live holder is never overtaken while its event loop keeps turning.
import fs, { mkdirSync, rmdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { lock, unlock } from 'proper-lockfile';

/**
 * A lock whose mtime is older than this is a dead holder's. A live holder refreshes it every UPDATE_MS,
 * so it keeps the lock unless its event loop stalls for STALE_MS - UPDATE_MS (8 s) at a stretch; a
 * SIGKILLed holder's lock is free again within about STALE_MS.
 */
export const STALE_MS = 10_000;
const UPDATE_MS = 2_000;

export class LockTimeoutError extends Error {}

function errnoError(code: string, message: string): NodeJS.ErrnoException {
    return Object.assign(new Error(message), { code });
}

/**
 * proper-lockfile 4.1.2 reclaims a stale lock by stat, rmdir, mkdir: of two waiters reclaiming the same
 * dead lock, the later rmdir can remove the lock the earlier one has just made, and both then hold it
 * (moxystudio/node-proper-lockfile#121). Its `fs` option lets us route that rmdir (only reclaims use this
 * fs's rmdir; releases go through `unlock` with the default fs) through a guard folder made with mkdir
 * (atomic), re-checking staleness under it: one reclaim at a time, and never of a lock made since.
 */
function reclaimStale(dir: string, callback: (err: NodeJS.ErrnoException | null) => void): void {
    const guard = `${dir}.reclaim`;
    try {
        mkdirSync(guard);
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return callback(err as NodeJS.ErrnoException);
        // The guard is held for a few synchronous syscalls; an old one was left by a process killed in between.
        try {
            if (statSync(guard).mtimeMs < Date.now() - STALE_MS) rmdirSync(guard);
        } catch {
            // Gone already, or reclaimed by another waiter: either way, try again later.
        }
        return callback(errnoError('ELOCKED', `${dir} is being reclaimed by another process`));
    }
    try {
        let mtimeMs: number;
        try {
            mtimeMs = statSync(dir).mtimeMs;
        } catch (err) {
            // Already removed: proper-lockfile goes on to mkdir, which only one waiter wins.
            if ((err as NodeJS.ErrnoException).code === 'ENOENT') return callback(null);
            throw err;
        }
        if (mtimeMs >= Date.now() - STALE_MS) return callback(errnoError('ELOCKED', `${dir} was taken by another process`));
        rmdirSync(dir);
        callback(null);
    } catch (err) {
        callback(err as NodeJS.ErrnoException);
    } finally {
        try {
            rmdirSync(guard);
        } catch {
            // Someone judged it stale meanwhile; nothing left to release.
        }
    }
}

const reclaimingFs = Object.assign(Object.create(fs) as typeof fs, { rmdir: reclaimStale });

export async function withFileLock<T>(file: string, waitMs: number, fn: () => Promise<T> | T): Promise<T> {
    mkdirSync(path.dirname(file), { recursive: true });
    // The lock is the folder `<file>.lock`; `file` itself need not exist (realpath: false), and an O_EXCL
    // lock file left at `file` by an older emulator version does not get in the way.
    let compromised: Error | undefined;
    const options = {
        realpath: false,
        stale: STALE_MS,
        update: UPDATE_MS,
        retries: 0,
        fs: reclaimingFs,
        // Default is to throw from a timer (crashing the process); report it to the caller instead.
        onCompromised: (err: Error) => {
            compromised = err;
        }
    };
    const deadline = Date.now() + waitMs;
    let pause = 5;
    for (;;) {
        try {
            await lock(file, options);
            break;
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
            if (Date.now() >= deadline) throw new LockTimeoutError(`timed out after ${waitMs} ms waiting for ${file}`);
            // Jitter, so waiters polling the same lock do not move in step.
            await new Promise((r) => setTimeout(r, pause * (0.5 + Math.random())));
            pause = Math.min(pause * 2, 100);
        }
    }
    let result: T;
    try {
        result = await fn();
    } finally {
        // After a compromise the folder may be another holder's now: proper-lockfile has forgotten ours, so
        // unlock refuses (ENOTACQUIRED) rather than removing it.
        await unlock(file, { realpath: false }).catch((err: NodeJS.ErrnoException) => {
            if (err.code !== 'ENOTACQUIRED' || !compromised) throw err;
        });
    }
    if (compromised) {
        throw new Error(
            `lost the lock ${file} while holding it (${compromised.message}): this process stalled for over ${STALE_MS} ms and another may have taken it`
        );
    }
    return result;
}
