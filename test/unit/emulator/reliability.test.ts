import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Emulator } from '../../../emulator/core/lifecycle';
import { loadFixtures } from '../../../emulator/fixtures/fixtures';
import { readState, statePath, StateSchema } from '../../../emulator/state/state';
import { FIXTURES, makeProject, salesforceFixtures, type TestProject } from './project';

const repo = path.resolve(__dirname, '../../..');

const COUNTER = `import { createOnEvent } from 'nango';
export default createOnEvent({
    description: 'increments a counter slowly, to expose lost updates',
    event: 'post-connection-creation',
    exec: async (nango) => {
        const m = await nango.getMetadata<{ count?: number }>();
        await new Promise((r) => setTimeout(r, 150));
        await nango.updateMetadata({ count: (m?.count ?? 0) + 1 });
    }
});
`;

describe('reliability', function () {
    this.timeout(60_000);
    let project: TestProject;
    afterEach(() => project?.cleanup());

    function twoConnections(): void {
        project = makeProject({
            [FIXTURES]: salesforceFixtures({
                connections: [
                    { id: 'one', integration: 'salesforce', account: 'acme' },
                    { id: 'two', integration: 'salesforce', account: 'globex' }
                ]
            }),
            'salesforce/on-events/counter.ts': COUNTER
        });
    }

    it('runs on one connection are serialized: concurrent runs lose no update', async () => {
        twoConnections();
        const emulators = [0, 1, 2].map(() => new Emulator(project.root, { timeoutMs: 10_000 }));
        try {
            const results = await Promise.all(emulators.map((e) => e.dryrun('counter', { connectionId: 'one' })));
            assert.ok(results.every((r) => r.ok));
            assert.deepEqual(readState(project.root, loadFixtures(project.root)).connections['one']!.metadata, { count: 3 });
        } finally {
            emulators.forEach((e) => e.dispose());
        }
    });

    it('runs on different connections overlap and both are kept', async () => {
        twoConnections();
        const a = new Emulator(project.root, { timeoutMs: 10_000 });
        const b = new Emulator(project.root, { timeoutMs: 10_000 });
        try {
            const [ra, rb] = await Promise.all([a.dryrun('counter', { connectionId: 'one' }), b.dryrun('counter', { connectionId: 'two' })]);
            assert.ok(ra.ok && rb.ok);
            const state = readState(project.root, loadFixtures(project.root));
            assert.deepEqual(state.connections['one']!.metadata, { count: 1 });
            assert.deepEqual(state.connections['two']!.metadata, { count: 1 });
        } finally {
            a.dispose();
            b.dispose();
        }
    });

    it('a failed run before any write leaves the state file untouched', async () => {
        twoConnections();
        const e = new Emulator(project.root);
        e.reset();
        const before = readFileSync(statePath(project.root), 'utf8');
        try {
            await assert.rejects(e.dryrun('counter', { connectionId: 'missing' }), /does not exist/);
            await assert.rejects(e.connect('salesforce', 'x', 'initech'), /no account "initech"/);
        } finally {
            e.dispose();
        }
        assert.equal(readFileSync(statePath(project.root), 'utf8'), before);
    });

    it('SIGKILL during state writes never leaves a torn file: always the old or a new version, always valid', async () => {
        project = makeProject({ [FIXTURES]: salesforceFixtures() });
        const root = project.root;
        const writer = path.join(root, 'writer.ts');
        // Each write is a whole valid state whose metadata records its sequence number.
        writeFileSync(
            writer,
            `import { writeState, initialState } from ${JSON.stringify(path.join(repo, 'emulator/state/state'))};
import { loadFixtures } from ${JSON.stringify(path.join(repo, 'emulator/fixtures/fixtures'))};
const root = ${JSON.stringify(root)};
const state = initialState(loadFixtures(root));
const padding = 'x'.repeat(200_000);
for (let seq = 1; ; seq++) {
    state.connections['sf-1']!.metadata = { seq, padding };
    writeState(root, state);
    if (seq === 1) process.stdout.write('first\\n');
}
`
        );
        let lastSeq = 0;
        for (let round = 0; round < 25; round++) {
            const child = spawn(process.execPath, ['--import', 'tsx', writer], { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] });
            await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
            await new Promise((r) => setTimeout(r, Math.random() * 40));
            child.kill('SIGKILL');
            await new Promise((r) => child.once('exit', r));
            const text = readFileSync(statePath(root), 'utf8');
            const parsed = StateSchema.safeParse(JSON.parse(text));
            assert.ok(parsed.success, `round ${round}: the state file does not parse`);
            const seq = parsed.data.connections['sf-1']!.metadata?.['seq'] as number;
            assert.ok(Number.isInteger(seq) && seq >= 1, `round ${round}: unexpected seq ${seq}`);
            lastSeq = seq;
        }
        assert.ok(lastSeq >= 1);
    });
});
