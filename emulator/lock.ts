// Cross-process locks with plain files (O_EXCL create). Runs on one connection are serialized; a lock
// left by a process that died is taken over, so a crash never wedges the emulator.
import { mkdirSync, openSync, closeSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

function holderAlive(file: string): boolean {
    try {
        const pid = Number(readFileSync(file, 'utf8').trim());
        if (!Number.isInteger(pid) || pid <= 0) return false;
        process.kill(pid, 0);
        return true;
    } catch (err) {
        // EPERM: the process exists but belongs to someone else.
        return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
}

function tryAcquire(file: string): boolean {
    try {
        const fd = openSync(file, 'wx');
        writeSync(fd, String(process.pid));
        closeSync(fd);
        return true;
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        if (!holderAlive(file)) {
            rmSync(file, { force: true });
            return tryAcquire(file);
        }
        return false;
    }
}

export class LockTimeoutError extends Error {}

export async function withFileLock<T>(file: string, waitMs: number, fn: () => Promise<T> | T): Promise<T> {
    mkdirSync(path.dirname(file), { recursive: true });
    const deadline = Date.now() + waitMs;
    let pause = 5;
    while (!tryAcquire(file)) {
        if (Date.now() >= deadline) throw new LockTimeoutError(`timed out after ${waitMs} ms waiting for ${file}`);
        await new Promise((r) => setTimeout(r, pause));
        pause = Math.min(pause * 2, 100);
    }
    try {
        return await fn();
    } finally {
        rmSync(file, { force: true });
    }
}
