// `nango-emulator serve` in a child process, for the real CLI to talk to.
import { spawn, type ChildProcess } from 'node:child_process';
import { cli } from '../unit/server/helpers';

export interface Served {
    child: ChildProcess;
    url: string;
    output: () => string;
}

/** `nango-emulator serve --port <port> --json` (0: any free port): the first stdout line says where it listens. */
export async function serve(root: string, port = 0): Promise<Served> {
    const child = spawn(process.execPath, [cli, 'serve', '--port', String(port), '--json', '--root', root], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' }
    });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`nango-emulator serve did not start:\n${out}`)), 20_000);
        const onData = (): void => {
            const line = out.split('\n').find((l) => l.startsWith('{'));
            if (!line) return;
            clearTimeout(timer);
            child.stdout!.off('data', onData);
            resolve((JSON.parse(line) as { url: string }).url);
        };
        child.stdout!.on('data', onData);
        child.once('exit', (code) => reject(new Error(`nango-emulator serve exited (${code}):\n${out}`)));
    }).catch(async (err: unknown) => {
        child.kill('SIGTERM');
        throw err;
    });
    return { child, url, output: () => out };
}

/** Stops the server and waits for it to exit. */
export async function stopServing(served: Served | undefined): Promise<void> {
    if (!served || served.child.exitCode !== null || served.child.signalCode !== null) return;
    const exited = new Promise((r) => served.child.once('exit', r));
    served.child.kill('SIGTERM');
    await exited;
}
