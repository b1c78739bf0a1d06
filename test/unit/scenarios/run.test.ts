// runScenario: each scenario from the fixtures, in a state of its own; per-step results; stops at the
// first failing step; bad input is "error", not "failed"; the user's state is never touched.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Emulator } from '../../../emulator/core/lifecycle';
import { loadScenarios, runScenario, runScenarios, type Scenario, type ScenarioStep, type StepResult } from '../../../emulator/scenarios';
import { statePath } from '../../../emulator/state/state';
import { FIXTURES, lineOf, makeProject, salesforceFixtures, type TestProject } from './helpers';
import { POST_CREATE_WEBHOOK, PRE_DELETE_CLEANUP, VALIDATE_SAME_ACCOUNT } from '../emulator/project';

const SCENARIOS = '.nango-emulator/scenarios/salesforce.json';

describe('running scenarios', function () {
    this.timeout(60_000);
    let project: TestProject;

    function setUp(scenarios: object[]): Scenario[] {
        project = makeProject({
            [FIXTURES]: salesforceFixtures(),
            'salesforce/on-events/validate.ts': VALIDATE_SAME_ACCOUNT,
            'salesforce/on-events/setup.ts': POST_CREATE_WEBHOOK,
            'salesforce/on-events/cleanup.ts': PRE_DELETE_CLEANUP,
            [SCENARIOS]: { scenarios }
        });
        const loaded = loadScenarios(project.root);
        assert.deepEqual(loaded.problems, []);
        return loaded.scenarios;
    }
    afterEach(() => project?.cleanup());

    const lifecycle = {
        name: 'same org',
        integration: 'salesforce',
        connection: 'sf-new',
        steps: [
            { action: 'connect', account: 'acme', expect: { outcome: 'created', metadataEquals: { organizationId: '00DACME', webhookId: 'wh-acme' } } },
            { action: 'reconnect', account: 'globex', expect: { ok: false, status: 'refresh_exhausted', error: { message: 'org mismatch' } } },
            { action: 'reconnect', account: 'acme', expect: { status: 'active' } },
            { action: 'delete', expect: { requests: [{ method: 'DELETE', path: '/webhooks/wh-acme', status: 204, count: 1 }] } }
        ]
    };

    it("runs every step and reports each with the emulator's result; callbacks see each step", async () => {
        const [scenario] = setUp([lifecycle]);
        const started: number[] = [];
        const finished: StepResult[] = [];
        const r = await runScenario(project.root, scenario!, {
            timeoutMs: 15_000,
            onStepStart: (s: ScenarioStep) => started.push(s.index),
            onStep: (s) => finished.push(s)
        });
        assert.equal(
            r.status,
            'passed',
            JSON.stringify(
                r.steps.map((s) => [s.failures, s.error]),
                null,
                2
            )
        );
        assert.equal(r.ok, true);
        assert.deepEqual(
            r.steps.map((s) => [s.title, s.status]),
            [
                ['connect as acme', 'passed'],
                ['reconnect as globex', 'passed'],
                ['reconnect as acme', 'passed'],
                ['delete', 'passed']
            ]
        );
        assert.deepEqual(started, [0, 1, 2, 3]);
        assert.deepEqual(
            finished.map((s) => s.index),
            [0, 1, 2, 3]
        );
        assert.equal(r.steps[1]!.result!.outcome, 'refresh_exhausted');
        assert.deepEqual(r.steps[3]!.result!.metadata.before, { organizationId: '00DACME', webhookId: 'wh-acme' });
        assert.equal(r.stateDir, undefined);
    });

    it("never reads or writes the user's state: it starts from the fixtures in a throwaway folder", async () => {
        const [scenario] = setUp([
            {
                name: 'delete the fixture connection',
                integration: 'salesforce',
                connection: 'sf-1',
                steps: [{ action: 'delete', expect: { outcome: 'deleted' } }]
            }
        ]);
        // The user's state: sf-1 already deleted, and a connection of their own.
        const user = new Emulator(project.root, { timeoutMs: 15_000 });
        try {
            await user.delete('salesforce', 'sf-1');
            await user.connect('salesforce', 'mine', 'globex');
        } finally {
            user.dispose();
        }
        const before = readFileSync(statePath(project.root), 'utf8');
        const r = await runScenario(project.root, scenario!, { timeoutMs: 15_000, keepState: true });
        try {
            assert.equal(r.status, 'passed', JSON.stringify(r.steps[0]));
            assert.equal(readFileSync(statePath(project.root), 'utf8'), before);
            const kept = JSON.parse(readFileSync(path.join(r.stateDir!, 'state.json'), 'utf8')) as { connections: Record<string, { status: string }> };
            assert.deepEqual(Object.keys(kept.connections), ['sf-1']);
            assert.equal(kept.connections['sf-1']!.status, 'deleted');
        } finally {
            rmSync(r.stateDir!, { recursive: true, force: true });
        }
    });

    it('the throwaway state folder is removed afterwards', async () => {
        const [scenario] = setUp([{ name: 'x', integration: 'salesforce', steps: [{ action: 'reset' }] }]);
        const dir = path.join(project.root, 'run-state');
        const kept = await runScenario(project.root, scenario!, { stateDir: dir });
        assert.equal(kept.stateDir, dir);
        assert.ok(existsSync(path.join(dir, 'state.json')));
        // Throwaway state goes to a memory file system where there is one (Linux), else to the temp folder.
        const places = [os.tmpdir(), '/dev/shm'].filter((d) => existsSync(d));
        const temps = (): string[] => places.flatMap((d) => readdirSync(d).filter((n) => n.startsWith('nango-scenario-')));
        const before = temps();
        let during: string[] = [];
        const r = await runScenario(project.root, scenario!, { onStep: () => (during = temps()) });
        assert.equal(r.stateDir, undefined);
        assert.equal(during.length, before.length + 1);
        assert.deepEqual(temps(), before);
        assert.equal(existsSync(statePath(project.root)), false);
    });

    it('stops at the first failing step: later steps are skipped; failures point at the expectations', async () => {
        const failing = structuredClone(lifecycle);
        failing.steps[1]!.expect = { ok: true, status: 'active' } as never;
        const [scenario] = setUp([failing]);
        const r = await runScenario(project.root, scenario!, { timeoutMs: 15_000 });
        assert.equal(r.status, 'failed');
        assert.equal(r.ok, false);
        assert.deepEqual(
            r.steps.map((s) => s.status),
            ['passed', 'failed', 'skipped', 'skipped']
        );
        const text = readFileSync(path.join(project.root, SCENARIOS), 'utf8');
        const second = text.indexOf('"action": "reconnect"');
        assert.deepEqual(
            r.steps[1]!.failures.map((f) => [f.expectation, f.location.line]),
            [
                ['ok', lineOf(text, '"ok"', second)],
                ['status', lineOf(text, '"status"', second)]
            ]
        );
        assert.match(r.steps[1]!.failures[0]!.message, /^ok: expected true, got false \(salesforce\/validate: ActionError: org mismatch/);
        assert.equal(r.steps[2]!.result, undefined);
    });

    it("a step that cannot run fails with the emulator's error, at the step", async () => {
        const [scenario] = setUp([
            { name: 'x', integration: 'salesforce', connection: 'sf-1', steps: [{ action: 'connect', account: 'acme' }, { action: 'delete' }] }
        ]);
        const r = await runScenario(project.root, scenario!, { timeoutMs: 15_000 });
        assert.equal(r.status, 'failed');
        assert.deepEqual(
            r.steps.map((s) => s.status),
            ['failed', 'skipped']
        );
        assert.equal(r.steps[0]!.error!.code, 'connection_exists');
        assert.match(r.steps[0]!.error!.message, /connection "sf-1" already exists/);
    });

    it('bad fixtures are an error (bad input), not a failed test', async () => {
        const [scenario] = setUp([lifecycle]);
        writeFileSync(path.join(project.root, FIXTURES), '{ "integrations": ');
        const r = await runScenario(project.root, scenario!, { timeoutMs: 15_000 });
        assert.equal(r.status, 'error');
        assert.equal(r.error!.code, 'fixtures_invalid_json');
        assert.deepEqual(
            r.steps.map((s) => s.status),
            ['skipped', 'skipped', 'skipped', 'skipped']
        );
    });

    it('a cancelled run skips what is left and says so', async () => {
        const [scenario] = setUp([lifecycle]);
        const controller = new AbortController();
        const r = await runScenario(project.root, scenario!, { timeoutMs: 15_000, signal: controller.signal, onStep: () => controller.abort() });
        assert.equal(r.status, 'cancelled');
        assert.deepEqual(
            r.steps.map((s) => s.status),
            ['passed', 'skipped', 'skipped', 'skipped']
        );
    });

    it('a step\'s "responses" (then the scenario\'s) answer before fixtures.json, for that step only; requests name where they are written', async () => {
        const [scenario] = setUp([
            {
                name: 'outage',
                integration: 'salesforce',
                connection: 'sf-new',
                responses: [{ method: 'POST', path: '/webhooks', status: 201, body: { id: 'wh-scenario' } }],
                steps: [
                    {
                        action: 'connect',
                        account: 'acme',
                        responses: [{ method: 'GET', path: '/services/oauth2/userinfo', fault: { status: 503 } }],
                        expect: { outcome: 'connection_validation_failed', requests: [{ path: '/services/oauth2/userinfo', status: 503, count: 1 }] }
                    },
                    { action: 'connect', account: 'acme', expect: { outcome: 'created', metadata: { webhookId: 'wh-scenario' } } }
                ]
            }
        ]);
        const fixturesBefore = readFileSync(path.join(project.root, FIXTURES), 'utf8');
        const r = await runScenario(project.root, scenario!, { timeoutMs: 15_000 });
        assert.equal(
            r.status,
            'passed',
            JSON.stringify(
                r.steps.map((s) => [s.failures, s.error, s.result?.error]),
                null,
                2
            )
        );
        const file = path.join(project.root, SCENARIOS);
        const fixtures = path.join(project.root, FIXTURES);
        assert.deepEqual(
            r.steps[0]!.result!.requests.map((q) => q.matchedBy),
            [`${file} scenarios.0.steps.0.responses[0] (fault 503)`]
        );
        assert.deepEqual(
            r.steps[1]!.result!.requests.map((q) => q.matchedBy),
            [`${fixtures} integrations.salesforce.responses[0]`, `${file} scenarios.0.responses[0]`]
        );
        assert.equal(readFileSync(path.join(project.root, FIXTURES), 'utf8'), fixturesBefore);
    });

    it('runScenarios runs them one after the other, each from the fixtures', async () => {
        const scenarios = setUp([
            { name: 'one', integration: 'salesforce', connection: 'same', steps: [{ action: 'connect', account: 'acme' }] },
            { name: 'two', integration: 'salesforce', connection: 'same', steps: [{ action: 'connect', account: 'globex' }] }
        ]);
        const seen: string[] = [];
        const results = await runScenarios(project.root, scenarios, {
            timeoutMs: 15_000,
            onScenarioStart: (s) => seen.push(`start ${s.name}`),
            onScenario: (r) => seen.push(`${r.scenario.name} ${r.status}`)
        });
        assert.deepEqual(seen, ['start one', 'one passed', 'start two', 'two passed']);
        assert.deepEqual(
            results.map((r) => r.steps[0]!.result!.outcome),
            ['created', 'created']
        );
    });
});
