// The worker's memory limit holds for dry runs and for scenarios alike (`--memory-limit`, which the
// test command now passes on too): a handler whose data grows without bound is stopped and named.
import assert from 'node:assert/strict';
import { Emulator } from '../../../emulator/core/lifecycle';
import { loadScenarios, runScenario } from '../../../emulator/scenarios';
import { FIXTURES, handlerSource, makeProject, salesforceFixtures, type TestProject } from './helpers';

const GROWS = `        const kept: string[][] = [];
        for (;;) kept.push(new Array(100_000).fill('x'.repeat(8)));`;

describe('the memory limit', function () {
    this.timeout(60_000);
    let project: TestProject;
    beforeEach(() => {
        project = makeProject({
            [FIXTURES]: salesforceFixtures(),
            'salesforce/on-events/grows.ts': handlerSource('post-connection-creation', GROWS),
            '.nango-emulator/scenarios/grows.json': {
                scenarios: [
                    {
                        name: 'grows',
                        integration: 'salesforce',
                        steps: [{ action: 'dryrun', function: 'grows', account: 'acme', expect: { error: { type: 'memory_limit', message: '(64 MB' } } }]
                    }
                ]
            }
        });
    });
    afterEach(() => project.cleanup());

    it('a dry run over the limit fails with memory_limit, naming the limit', async () => {
        const emulator = new Emulator(project.root, { memoryLimitMb: 64, timeoutMs: 30_000 });
        try {
            const r = await emulator.dryrun('grows', { connectionId: 'sf-1' });
            assert.equal(r.ok, false);
            assert.equal(r.error?.type, 'memory_limit');
            assert.match(r.error?.message ?? '', /memory limit \(64 MB/);
        } finally {
            emulator.dispose();
        }
    });

    it('a scenario runs its handlers under the same limit', async () => {
        const [scenario] = loadScenarios(project.root).scenarios;
        assert.ok(scenario);
        const r = await runScenario(project.root, scenario, { memoryLimitMb: 64, timeoutMs: 30_000 });
        assert.equal(r.status, 'passed', JSON.stringify(r.steps.map((s) => s.result?.error ?? s.error)));
    });
});
