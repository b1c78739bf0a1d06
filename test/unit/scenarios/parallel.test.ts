// `nango-emulator test --jobs` and `--shard` on a generated project of many scenarios (some failing):
// a parallel run prints and reports exactly what a serial run does, and the shards of a CI matrix
// together run every scenario once. Also: a worker reused from scenario to scenario carries nothing of
// one scenario's handler run into the next.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generateScenarioProject, type ScenarioProject } from '../../../bench/scenario-project';
import { loadScenarios, runScenarios } from '../../../emulator/scenarios';
import { FIXTURES, handlerSource, makeProject, salesforceFixtures } from './helpers';

const repo = path.resolve(__dirname, '../../..');
const cli = process.env['NANGO_EMULATOR_CLI'] ?? path.join(repo, 'dist/emulator/cli.js');

function run(root: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [cli, 'test', ...args, '--root', root], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
        timeout: 240_000
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Durations differ from run to run; everything else must not. */
const steady = (text: string): string =>
    text
        .replace(/\d+ ms\b/g, 'N ms')
        .replace(/time="[\d.]+"/g, 'time="N"')
        .replace(/timestamp="[^"]+"/g, 'timestamp="T"');

/** The report's scenario and step lines (a shard repeats the file's name where it starts mid-file). */
const scenarioLines = (stdout: string): string[] =>
    steady(stdout)
        .split('\n')
        .filter((line) => line.startsWith('  '));

const testCases = (xml: string): string[] => steady(xml).match(/<testcase [\s\S]*?<\/testcase>|<testcase [^>]*\/>/g) ?? [];

describe('nango-emulator test --jobs and --shard on a generated project', function () {
    this.timeout(600_000);
    let project: ScenarioProject;
    let serial: { code: number | null; stdout: string; stderr: string; junit: string };

    before(() => {
        // 12 integrations × 4 scenarios = 48 scenarios, 132 steps; every 7th scenario fails.
        project = generateScenarioProject({ integrations: 12, scenariosPerIntegration: 4, failEvery: 7 });
        const junit = path.join(project.root, 'serial.xml');
        serial = { ...run(project.root, '--jobs', '1', '--junit', junit), junit: readFileSync(junit, 'utf8') };
    });
    after(() => project.cleanup());

    it('the serial run reports every scenario, the failures among them', () => {
        assert.equal(serial.code, 1, serial.stderr);
        assert.equal(project.scenarioCount, 48);
        assert.match(serial.stdout, /\nScenarios: 44 passed, 4 failed\n$/);
        assert.match(serial.stdout, /✖ step 1: connect as alpha \(failed, \d+ ms\)\n {10}metadata\.login: expected "nobody", got "alpha-5"/);
        assert.equal(testCases(serial.junit).length, 48);
    });

    it('--jobs 3 prints the same report and writes the same JUnit, in the same order', () => {
        const junit = path.join(project.root, 'parallel.xml');
        const parallel = run(project.root, '--jobs', '3', '--junit', junit);
        assert.equal(parallel.code, serial.code, parallel.stderr);
        assert.equal(parallel.stderr, serial.stderr);
        assert.equal(steady(parallel.stdout).replace('parallel.xml', 'serial.xml'), steady(serial.stdout));
        assert.equal(steady(readFileSync(junit, 'utf8')), steady(serial.junit));
    });

    it('--shard i/3: the three shards together run every scenario exactly once, as the serial run reports it', () => {
        const shards = [1, 2, 3].map((i) => {
            const junit = path.join(project.root, `shard-${i}.xml`);
            const r = run(project.root, '--shard', `${i}/3`, '--jobs', '2', '--junit', junit);
            return { ...r, junit: readFileSync(junit, 'utf8') };
        });
        assert.deepEqual(
            shards.map((s) => s.stdout.split('\n')[0]),
            ['shard 1/3: 16 of 48 scenarios', 'shard 2/3: 16 of 48 scenarios', 'shard 3/3: 16 of 48 scenarios']
        );
        assert.deepEqual(
            shards.flatMap((s) => scenarioLines(s.stdout)),
            scenarioLines(serial.stdout)
        );
        assert.deepEqual(
            shards.flatMap((s) => testCases(s.junit)),
            testCases(serial.junit)
        );
        // A shard fails when one of its scenarios fails, and only then.
        const failedIn = shards.map((s) => /✖/.test(s.stdout));
        assert.deepEqual(
            shards.map((s) => s.code),
            failedIn.map((failed) => (failed ? 1 : 0))
        );
    });

    it('more shards than scenarios: the extra shards run none and pass; a bad --shard or --jobs is bad input', () => {
        const one = run(project.root, 'integration-000.json#story 0', '--shard', '2/2');
        assert.equal(one.code, 0, one.stderr);
        assert.match(one.stdout, /^shard 2\/2: 0 of 1 scenarios\n[\s\S]*Scenarios: 0 passed, 0 failed\n$/);
        for (const args of [
            ['--shard', '4/3'],
            ['--shard', '0/3'],
            ['--shard', 'half'],
            ['--jobs', '0']
        ]) {
            const r = run(project.root, ...args);
            assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
            assert.match(r.stderr, new RegExp(`${args[0]} "${args[1]}": expected`));
        }
    });
});

describe('a worker reused by the next scenario', function () {
    this.timeout(120_000);

    it("starts each scenario's handler runs in a fresh context: nothing a handler left in globals reaches the next scenario", async () => {
        const project = makeProject({
            [FIXTURES]: salesforceFixtures(),
            'salesforce/on-events/plant.ts': handlerSource(
                'post-connection-creation',
                `const g = globalThis as Record<string, unknown>;
        await nango.log('planted before: ' + typeof g['planted']);
        g['planted'] = 'from the first scenario';
        await nango.log('planted now: ' + typeof g['planted']);`
            ),
            'salesforce/on-events/probe.ts': handlerSource(
                'post-connection-creation',
                `await nango.log('planted seen: ' + typeof (globalThis as Record<string, unknown>)['planted']);`
            ),
            '.nango-emulator/scenarios/leak.json': {
                scenarios: [
                    {
                        name: 'plant',
                        integration: 'salesforce',
                        connection: 'sf-1',
                        steps: [{ action: 'dryrun', function: 'plant', expect: { logs: ['planted before: undefined', 'planted now: string'] } }]
                    },
                    {
                        name: 'probe',
                        integration: 'salesforce',
                        connection: 'sf-1',
                        steps: [{ action: 'dryrun', function: 'probe', expect: { logs: ['planted seen: undefined'] } }]
                    }
                ]
            }
        });
        try {
            const { scenarios } = loadScenarios(project.root);
            // One lane: both scenarios run, one after the other, on the same worker.
            const results = await runScenarios(project.root, scenarios, { jobs: 1, timeoutMs: 15_000, typecheck: false });
            assert.deepEqual(
                results.map((r) => [r.scenario.name, r.status, r.steps[0]!.failures.map((f) => f.message)]),
                [
                    ['plant', 'passed', []],
                    ['probe', 'passed', []]
                ]
            );
        } finally {
            project.cleanup();
        }
    });
});
