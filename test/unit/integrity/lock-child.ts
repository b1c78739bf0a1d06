// Child process for lock.test.ts (not a test file): contends for one lock through withFileLock.
//   contend <lock> <log> <ms>   take the lock repeatedly for <ms>, logging "enter|exit <pid> <time>" inside it
//   hold <lock> <log>           take it once, log "enter", print "held" and keep it until killed
//   wait <lock> <log>           print "waiting", take it once (20 s at most), log enter/exit
import { appendFileSync } from 'node:fs';
import { withFileLock } from '../../../emulator/state/lock';

const [mode, lockFile, log, ms] = process.argv.slice(2) as [string, string, string, string?];
const line = (what: string): void => appendFileSync(log, `${what} ${process.pid} ${Date.now()}\n`);
const pause = (delay: number): Promise<void> => new Promise((r) => setTimeout(r, delay));

async function main(): Promise<void> {
    if (mode === 'contend') {
        const end = Date.now() + Number(ms);
        while (Date.now() < end) {
            await withFileLock(lockFile, 30_000, async () => {
                line('enter');
                // Yield inside the critical section, so a second holder would get to write in between.
                await pause(Math.random() * 2);
                line('exit');
            });
        }
    } else if (mode === 'hold') {
        await withFileLock(lockFile, 30_000, async () => {
            line('enter');
            process.stdout.write('held\n');
            await new Promise(() => setInterval(() => undefined, 60_000));
        });
    } else {
        process.stdout.write('waiting\n');
        await withFileLock(lockFile, 20_000, async () => {
            line('enter');
            await pause(20);
            line('exit');
        });
    }
}

main().catch((err: unknown) => {
    process.stderr.write(`${String((err as Error)?.stack ?? err)}\n`);
    process.exit(1);
});
