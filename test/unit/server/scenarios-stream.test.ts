// POST /_emulator/scenarios/run (what the editor's Testing view uses) runs the scenarios side by side:
// each event names its scenario, every scenario starts and ends once, each scenario's steps come in
// order, and the results come in the order asked, the same as `nango-emulator test` reports them.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { loadScenarios } from '../../../emulator/scenarios';
import type { ScenarioEvent } from '../../../emulator/server/scenarios-api';
import { copyExample, startTestServer, type TestServer } from './helpers';

describe('POST /_emulator/scenarios/run with many scenarios', function () {
    this.timeout(120_000);
    let root: string;
    let server: TestServer;

    before(async () => {
        root = copyExample();
        server = await startTestServer(root);
    });
    after(async () => {
        await server.stop();
        rmSync(root, { recursive: true, force: true });
    });

    it('streams every scenario of the project: events name their scenario, results come in the order asked', async () => {
        const ids = loadScenarios(root).scenarios.map((s) => s.id);
        assert.ok(ids.length >= 15, `only ${ids.length} scenarios`);
        const r = await server.call('POST', '/_emulator/scenarios/run', { body: { scenarios: ids } });
        assert.equal(r.status, 200, r.text);
        const events = r.text
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line) as ScenarioEvent);
        assert.deepEqual(events.at(-1), { type: 'end' });

        const of = <T extends ScenarioEvent['type']>(type: T): Extract<ScenarioEvent, { type: T }>[] =>
            events.filter((e): e is Extract<ScenarioEvent, { type: T }> => e.type === type);
        assert.deepEqual(
            of('scenario-start')
                .map((e) => e.id)
                .sort(),
            [...ids].sort()
        );
        assert.deepEqual(
            of('scenario').map((e) => e.id),
            ids
        );
        assert.deepEqual(
            of('scenario').map((e) => `${e.result.scenario.id} ${e.result.status}`),
            ids.map((id) => `${id} passed`)
        );
        for (const id of ids) {
            const mine = events.filter((e) => 'id' in e && e.id === id);
            assert.equal(mine[0]?.type, 'scenario-start', id);
            assert.equal(mine.at(-1)?.type, 'scenario', id);
            const steps = mine.flatMap((e) => (e.type === 'step' ? [e.step.index] : []));
            assert.deepEqual(
                steps,
                steps.map((_, i) => i),
                `${id}: steps out of order`
            );
            const result = of('scenario').find((e) => e.id === id)?.result;
            assert.equal(steps.length, result?.steps.length, id);
        }
    });
});
