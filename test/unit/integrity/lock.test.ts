// withFileLock across real processes: no two holders ever overlap, and a holder killed with SIGKILL
// inside its critical section does not wedge the lock (it is reclaimed once stale, by one waiter at a time).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LockTimeoutError, STALE_MS, withFileLock } from '../../../emulator/state/lock';

const repo = path.resolve(__dirname, '../../..');
const child = path.join(__dirname, 'lock-child.ts');

interface Entry {
    what: 'enter' | 'exit';
    pid: number;
    time: number;
}

function start(...args: string[]): ChildProcess {
    return spawn(process.execPath, ['--import', 'tsx', child, ...args], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
}

function exited(p: ChildProcess): Promise<{ code: number | null; stderr: string }> {
    let stderr = '';
    p.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    return new Promise((resolve) => p.on('exit', (code) => resolve({ code, stderr })));
}

function printed(p: ChildProcess, text: string): Promise<void> {
    return new Promise((resolve, reject) => {
        let out = '';
        p.stdout!.on('data', (d: Buffer) => {
            out += d.toString();
            if (out.includes(text)) resolve();
        });
        p.on('exit', (code) => reject(new Error(`child exited (${code}) before printing "${text}"`)));
    });
}

function readLog(file: string): Entry[] {
    return readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => {
            const [what, pid, time] = l.split(' ');
            return { what: what as Entry['what'], pid: Number(pid), time: Number(time) };
        });
}

/** Holders in log order: an enter while someone holds, or an exit by someone else, is an overlap. */
function overlaps(entries: Entry[]): { acquisitions: number; overlaps: number } {
    let holder: number | null = null;
    let acquisitions = 0;
    let bad = 0;
    for (const e of entries) {
        if (e.what === 'enter') {
            acquisitions++;
            if (holder !== null) bad++;
            holder = e.pid;
        } else {
            if (holder !== e.pid) bad++;
            holder = null;
        }
    }
    if (holder !== null) bad++;
    return { acquisitions, overlaps: bad };
}

describe('withFileLock across processes', function () {
    this.timeout(60_000);
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'nango-lock-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('6 processes contending for 4 s never hold it together', async function () {
        const lock = path.join(dir, 'locks', 'state.lock');
        const log = path.join(dir, 'log');
        writeFileSync(log, '');
        const children = Array.from({ length: 6 }, () => start('contend', lock, log, '4000'));
        const results = await Promise.all(children.map(exited));
        for (const r of results) assert.equal(r.code, 0, r.stderr);
        const entries = readLog(log);
        const figures = overlaps(entries);
        const pids = new Set(entries.map((e) => e.pid));
        this.test!.title += ` (${figures.acquisitions} acquisitions, ${figures.overlaps} overlaps)`;
        assert.equal(figures.overlaps, 0, `${figures.overlaps} overlaps in ${figures.acquisitions} acquisitions`);
        assert.equal(pids.size, 6, 'every process got the lock');
        assert.ok(figures.acquisitions >= 60, `only ${figures.acquisitions} acquisitions`);
        assert.deepEqual(readdirSync(path.dirname(lock)), [], 'nothing is left in the locks folder');
    });

    it('a holder killed with SIGKILL inside the lock: one waiter at a time gets it within a few seconds', async function () {
        const lock = path.join(dir, 'locks', 'c1.lock');
        const log = path.join(dir, 'log');
        writeFileSync(log, '');
        const holder = start('hold', lock, log);
        const holderExit = exited(holder);
        await printed(holder, 'held');
        // Several waiters, so stale reclaims race each other.
        const waiters = Array.from({ length: 4 }, () => start('wait', lock, log));
        const waiterExits = waiters.map(exited);
        await Promise.all(waiters.map((w) => printed(w, 'waiting')));
        // Killed while the waiters poll: a live holder kept it through their attempts so far.
        await new Promise((r) => setTimeout(r, 1_500));
        assert.equal(readLog(log).length, 1, 'nobody took the lock from its live holder');
        const killedAt = Date.now();
        holder.kill('SIGKILL');
        await holderExit;
        const results = await Promise.all(waiterExits);
        for (const r of results) assert.equal(r.code, 0, r.stderr);
        const entries = readLog(log).filter((e) => e.pid !== holder.pid);
        const figures = overlaps(entries);
        const recoveryMs = entries[0]!.time - killedAt;
        this.test!.title += ` (recovered ${recoveryMs} ms after the kill; stale after ${STALE_MS} ms)`;
        assert.equal(figures.overlaps, 0, `${figures.overlaps} overlaps among the waiters`);
        assert.equal(figures.acquisitions, 4);
        assert.ok(recoveryMs >= 0 && recoveryMs < STALE_MS + 3_000, `recovered ${recoveryMs} ms after the kill`);
        assert.equal(existsSync(`${lock}.lock`), false, 'the lock folder is gone');
        assert.deepEqual(readdirSync(path.dirname(lock)), [], 'no reclaim guard is left behind');
        assert.equal(await withFileLock(lock, 500, () => 'free'), 'free');
    });

    it('waits out a live holder in this process, and times out with LockTimeoutError', async () => {
        const lock = path.join(dir, 'locks', 'x.lock');
        const order: string[] = [];
        let release!: () => void;
        const first = withFileLock(lock, 1_000, async () => {
            order.push('first in');
            await new Promise<void>((r) => (release = r));
            order.push('first out');
        });
        await new Promise((r) => setTimeout(r, 50));
        await assert.rejects(
            withFileLock(lock, 200, () => undefined),
            (err) => err instanceof LockTimeoutError && /timed out after 200 ms/.test(err.message)
        );
        const second = withFileLock(lock, 5_000, () => order.push('second'));
        setTimeout(() => release(), 100);
        await Promise.all([first, second]);
        assert.deepEqual(order, ['first in', 'first out', 'second']);
    });
});
