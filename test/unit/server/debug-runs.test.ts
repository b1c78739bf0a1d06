// POST /_emulator/run?inspect=<port>: the editor's Debug. The handlers' worker waits for a debugger on
// that loopback port; if the editor goes away first, the run ends and the server serves the next one
// at once instead of queueing it behind a worker that waits for a debugger that never comes.
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import type { RunResult } from '../../../emulator/core/result';
import { copyExample, startTestServer, type TestServer } from './helpers';

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createServer().listen(0, '127.0.0.1', () => {
            const address = server.address();
            server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
        });
    });
}

function listening(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = connect(port, '127.0.0.1');
        socket.once('connect', () => {
            socket.destroy();
            resolve(true);
        });
        socket.once('error', () => resolve(false));
    });
}

describe('debug runs on the server (?inspect=<port>)', function () {
    this.timeout(60_000);
    let s: TestServer;
    before(async () => {
        s = await startTestServer(copyExample('nango-emu-debug-'));
    });
    after(async () => s?.stop());

    it('the worker waits for a debugger on the port; a request that goes away ends the run, and the next run is served at once', async () => {
        const port = await freePort();
        const abort = new AbortController();
        const body = JSON.stringify({ operation: 'dryrun', function: 'github/seed-metadata', connectionId: 'gh-admin' });
        const debugRun = fetch(`${s.url}/_emulator/run?inspect=${port}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
            signal: abort.signal
        });
        debugRun.catch(() => undefined);
        const deadline = Date.now() + 30_000;
        while (!(await listening(port))) {
            assert.ok(Date.now() < deadline, `nothing listened on the inspector port ${port}`);
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
        abort.abort();

        const started = Date.now();
        const next = await s.call('POST', '/_emulator/run', { body: JSON.parse(body), auth: false });
        assert.equal(next.status, 200, next.text);
        assert.equal((next.json as RunResult).ok, true);
        assert.ok(Date.now() - started < 20_000, 'the next run waited behind the abandoned debug run');
        // The waiting worker is gone with its run.
        assert.equal(await listening(port), false);
    });

    it('refuses an inspector port that is not a number from 1024 to 65535', async () => {
        const r = await s.call('POST', '/_emulator/run?inspect=80', { body: { operation: 'reset' }, auth: false });
        assert.equal(r.status, 400);
        assert.match((r.json as { error: { message: string } }).error.message, /inspect: expected a port number from 1024 to 65535, got "80"/);
    });
});
