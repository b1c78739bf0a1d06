// The editor's one way to the emulator (src/runs/client.ts), against the real server of the bundled
// CLI: what a run, a reset, the view's reads and a scenario run answer, and what happens when the
// server cannot start or dies in the middle of a run (a failure with the reason, never a second run).
import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RunResult } from '../../../emulator/core/result';
import { EmulatorClient, type ScenarioEvent } from '../../../src/runs/client';
import { cli, copyExample, editJson } from '../server/helpers';

const SLOW_HANDLER = `import { createOnEvent } from 'nango';
export default createOnEvent({
    description: 'waits',
    event: 'pre-connection-deletion',
    exec: async (nango) => {
        await nango.log('waiting');
        await new Promise((resolve) => setTimeout(resolve, 60_000));
    }
});
`;

describe('the editor’s emulator client', function () {
    this.timeout(60_000);
    let root: string;
    let client: EmulatorClient;
    const logged: string[] = [];

    before(() => {
        root = copyExample('nango-emu-client-');
        writeFileSync(path.join(root, 'github/on-events/slow.ts'), SLOW_HANDLER);
        appendFileSync(path.join(root, 'index.ts'), "import './github/on-events/slow';\n");
        client = new EmulatorClient(
            cli,
            () => 30_000,
            (m) => logged.push(m)
        );
    });
    after(() => client.dispose());

    it('runs an operation on the folder’s server and answers its result', async () => {
        // Requests made at the same moment on a cold client share one server.
        await Promise.all([client.connections(root), client.integrations(root), client.health(root)]);
        const outcome = await client.run(root, { operation: 'dryrun', function: 'github/seed-metadata', connectionId: 'gh-admin' });
        assert.equal(outcome.kind, 'result', JSON.stringify(outcome));
        const result = (outcome as { result: RunResult }).result;
        assert.equal(result.ok, true);
        assert.equal(result.event, 'post-connection-creation');
        assert.ok(result.requests.length > 0);
        // One server per folder, reused by the next request.
        const first = await client.health(root);
        const second = await client.health(root);
        assert.equal(first.pid, second.pid);
        assert.equal(logged.filter((m) => m.includes('listening on')).length, 1);
    });

    it('reads the integrations and connections the view and the pickers show, and resets to the fixtures', async () => {
        const { integrations, fixturesFile } = await client.integrations(root);
        assert.equal(fixturesFile, path.join(root, '.nango-emulator', 'fixtures.json'));
        assert.deepEqual(
            integrations.map((i) => i.id),
            ['salesforce', 'github']
        );
        assert.ok(integrations.every((i) => i.accounts.length > 0));

        const connect = await client.run(root, { operation: 'connect', integration: 'github', connectionId: 'gh-client-test', account: 'octo-admin' });
        assert.equal(connect.kind, 'result');
        assert.ok((await client.connections(root)).some((c) => c.id === 'gh-client-test' && c.status === 'active'));

        const reset = await client.run(root, { operation: 'reset' });
        assert.equal(reset.kind, 'result');
        assert.equal(reset.kind === 'result' && reset.result.operation, 'reset');
        assert.ok(!(await client.connections(root)).some((c) => c.id === 'gh-client-test'));
    });

    it('streams a scenario run: each step as it ends, then the scenario', async () => {
        const events: ScenarioEvent[] = [];
        await client.runScenarios(root, ['github.json#an admin connect seeds the metadata'], { onEvent: (e) => events.push(e) });
        const types = events.map((e) => e.type).filter((t) => t !== 'log');
        assert.equal(types[0], 'scenario-start');
        assert.deepEqual(types.slice(-2), ['scenario', 'end']);
        assert.ok(types.includes('step-start') && types.includes('step'));
        const scenario = events.find((e) => e.type === 'scenario');
        assert.equal(scenario?.type === 'scenario' && scenario.result.status, 'passed');
    });

    it('a server that dies during a run fails that run with the reason, and the next request starts a new one', async () => {
        const { pid } = await client.health(root);
        const running = client.run(root, { operation: 'dryrun', function: 'github/slow', connectionId: 'gh-admin' });
        await new Promise((resolve) => setTimeout(resolve, 1500));
        process.kill(pid, 'SIGKILL');
        const outcome = await running;
        assert.equal(outcome.kind, 'failure');
        assert.equal(outcome.kind === 'failure' && outcome.error.type, 'emulator_stopped');
        assert.match(outcome.kind === 'failure' ? outcome.error.message : '', /stopped answering.*nothing was retried/);

        // (Another connection: the killed worker's lock on gh-admin goes stale only after 10 s.)
        const again = await client.run(root, { operation: 'connect', integration: 'github', connectionId: 'gh-after-crash', account: 'octo-admin' });
        assert.equal(again.kind, 'result');
        assert.notEqual((await client.health(root)).pid, pid);
    });

    it('cancelling answers "cancelled" and stops the run', async () => {
        const abort = new AbortController();
        const running = client.run(root, { operation: 'dryrun', function: 'github/slow', connectionId: 'gh-admin' }, { signal: abort.signal });
        setTimeout(() => abort.abort(), 1000);
        assert.deepEqual(await running, { kind: 'cancelled' });
    });

    it('a folder whose fixtures are broken: the failure names the file and the field, nothing runs', async () => {
        const broken = copyExample('nango-emu-client-broken-');
        editJson<{ integrations: Record<string, { provider: unknown }> }>(path.join(broken, '.nango-emulator/fixtures.json'), (f) => {
            const github = f.integrations['github'];
            if (github) github.provider = 42;
        });
        const outcome = await client.run(broken, { operation: 'dryrun', function: 'github/seed-metadata', connectionId: 'gh-admin' });
        assert.equal(outcome.kind, 'failure');
        assert.match(outcome.kind === 'failure' ? outcome.error.message : '', /fixtures\.json.*integrations\.github\.provider/s);
    });
});
