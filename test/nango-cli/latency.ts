// npm run bench:server: should the editor run dry runs through a running `nango-emulator serve`
// (POST /_emulator/run) or spawn the CLI (`nango-emulator dryrun … --json`) each time? Figures, not
// pass/fail: the median (min–max) of warm dry runs of the same handler both ways, the server's start,
// its first (cold) run, a proxied provider call, and, when test/nango-cli has nango installed
// (npm run test:nango-cli installs it), the real `nango dryrun` against the server.
//   node --import tsx test/nango-cli/latency.ts [--repeat N]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cli, copyExample, SECRET_KEY } from '../unit/server/helpers';
import { applyOnEventDryrunWorkaround, nangoBin, nangoEnv, OFFLINE_FLAGS, peerDir, runNango } from './nango';

const repeatArg = process.argv.indexOf('--repeat');
const REPEAT = repeatArg > 0 ? Number(process.argv[repeatArg + 1]) : 9;
const HANDLER = { ref: 'github/validate-scopes', name: 'validate-scopes', connection: 'gh-admin' };

function stat(samples: number[]): string {
    const s = [...samples].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
    return `${Math.round(median)} ms (${Math.round(s[0]!)}–${Math.round(s[s.length - 1]!)}, n=${s.length})`;
}

async function time<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
    const started = performance.now();
    const value = await fn();
    return [performance.now() - started, value];
}

async function main(): Promise<void> {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run "npm run build" first`);
    const root = copyExample('nango-emu-latency-');
    const rows: [string, string][] = [];
    try {
        // 1. Spawning the CLI for each dry run (its compile cache on disk is warm after the first).
        const cliRun = (): void => {
            const r = spawnSync(process.execPath, [cli, 'dryrun', HANDLER.ref, '--connection', HANDLER.connection, '--root', root, '--json'], {
                encoding: 'utf8'
            });
            if (r.status !== 0) throw new Error(`CLI dry run failed: ${r.stdout}${r.stderr}`);
        };
        const [cliCold] = await time(cliRun);
        const cliWarm: number[] = [];
        for (let i = 0; i < REPEAT; i++) cliWarm.push((await time(cliRun))[0]);
        rows.push(['CLI: first dry run (compiles the handler)', `${Math.round(cliCold)} ms`]);
        rows.push(['CLI: warm dry run (spawn node + worker, compile cache hit)', stat(cliWarm)]);

        // 2. A running server: one process, its worker stays up between runs.
        const [startMs, server] = await time(
            () =>
                new Promise<{ url: string; stop: () => void }>((resolve, reject) => {
                    const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--json', '--quiet', '--root', root], {
                        stdio: ['ignore', 'pipe', 'inherit']
                    });
                    let out = '';
                    child.stdout.on('data', (c: Buffer) => {
                        out += c.toString();
                        const line = out.split('\n').find((l) => l.startsWith('{'));
                        if (line) resolve({ url: (JSON.parse(line) as { url: string }).url, stop: () => child.kill('SIGTERM') });
                    });
                    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
                })
        );
        try {
            const run = async (): Promise<void> => {
                const res = await fetch(`${server.url}/_emulator/run`, {
                    method: 'POST',
                    headers: { 'content-type': 'application/json' },
                    body: JSON.stringify({ operation: 'dryrun', function: HANDLER.ref, connectionId: HANDLER.connection })
                });
                const result = (await res.json()) as { ok: boolean };
                if (!result.ok) throw new Error(`server dry run failed: ${JSON.stringify(result)}`);
            };
            const [serverCold] = await time(run);
            const serverWarm: number[] = [];
            for (let i = 0; i < REPEAT; i++) serverWarm.push((await time(run))[0]);
            const proxy: number[] = [];
            for (let i = 0; i < REPEAT; i++) {
                proxy.push(
                    (
                        await time(async () => {
                            const res = await fetch(`${server.url}/proxy/user`, {
                                headers: { authorization: `Bearer ${SECRET_KEY}`, 'connection-id': 'gh-admin', 'provider-config-key': 'github' }
                            });
                            await res.arrayBuffer();
                        })
                    )[0]
                );
            }
            rows.push(['server: start (spawn serve until it listens)', `${Math.round(startMs)} ms`]);
            rows.push(['server: first dry run (starts the worker)', `${Math.round(serverCold)} ms`]);
            rows.push(['server: warm dry run (POST /_emulator/run)', stat(serverWarm)]);
            rows.push(['server: GET /proxy/user (fixture answer)', stat(proxy)]);

            // 3. The real nango CLI against the server, when installed.
            if (existsSync(nangoBin)) {
                symlinkSync(path.join(peerDir, 'node_modules'), path.join(root, 'node_modules'), 'dir');
                const env = nangoEnv(server.url, SECRET_KEY, path.join(root, '.home'));
                const compile = await runNango(root, env, ['compile', ...OFFLINE_FLAGS]);
                if (compile.status !== 0) throw new Error(`nango compile failed: ${compile.stdout}${compile.stderr}`);
                applyOnEventDryrunWorkaround(root);
                const nango: number[] = [];
                for (let i = 0; i < Math.min(REPEAT, 3); i++) {
                    const r = await runNango(root, env, ['dryrun', HANDLER.name, HANDLER.connection, '-e', 'dev', ...OFFLINE_FLAGS]);
                    if (r.status !== 0) throw new Error(`nango dryrun failed: ${r.stdout}${r.stderr}`);
                    nango.push(r.durationMs);
                }
                rows.push(['real nango dryrun against the server (typechecks + builds every time)', stat(nango)]);
            } else {
                rows.push(['real nango dryrun', 'skipped: nango is not installed in test/nango-cli (npm run test:nango-cli installs it)']);
            }
        } finally {
            server.stop();
        }
    } finally {
        rmSync(root, { recursive: true, force: true });
    }
    console.log(
        `\nwarm dry run of ${HANDLER.ref} on ${HANDLER.connection}; ${os.cpus().length} CPUs, load average ${os
            .loadavg()
            .map((l) => l.toFixed(1))
            .join(' ')}, node ${process.version}`
    );
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
}

main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
});
