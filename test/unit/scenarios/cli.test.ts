// End-to-end: `nango-emulator test` (the built CLI, dist/emulator/cli.js) on a copy of
// examples/nango-integrations: every shipped scenario passes; failures, bad input and JUnit output.
// NANGO_EMULATOR_CLI names another build of the CLI to test instead.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ScenarioProblem, ScenarioResult } from '../../../emulator/scenarios';
import { loadScenarios } from '../../../emulator/scenarios';
import { statePath } from '../../../emulator/state/state';
import { lineOf } from './helpers';

const repo = path.resolve(__dirname, '../../..');
const cli = process.env['NANGO_EMULATOR_CLI'] ?? path.join(repo, 'dist/emulator/cli.js');
const example = path.join(repo, 'examples/nango-integrations');

function copyExample(): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nango-scenarios-cli-'));
    cpSync(example, dir, {
        recursive: true,
        filter: (src) => !/node_modules|state\.json|[\\/]cache([\\/]|$)|[\\/]locks([\\/]|$)/.test(path.relative(example, src))
    });
    return dir;
}

function run(root: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [cli, ...args, '--root', root], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('nango-emulator test on the example project', function () {
    this.timeout(180_000);
    let root: string;
    beforeEach(() => (root = copyExample()));
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it("every shipped scenario passes (exit 0), the JUnit report says so, and the user's state is untouched", () => {
        const made = run(root, 'connect', 'salesforce', '--connection', 'mine', '--account', 'globex');
        assert.equal(made.code, 0, made.stderr);
        const state = readFileSync(statePath(root), 'utf8');
        const expected = loadScenarios(root).scenarios.length;
        assert.ok(expected >= 15, `only ${expected} scenarios`);

        const junit = path.join(root, 'reports/junit.xml');
        const r = run(root, 'test', '--junit', junit);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.equal(r.stderr, '');
        assert.match(
            r.stdout,
            /^\.nango-emulator\/scenarios\/github\.json\n {2}✔ a read-only token is rejected on first connect \(github, \d+ ms\)\n {6}✔ step 1: connect as octo-readonly \(passed, \d+ ms\)/
        );
        assert.match(r.stdout, /\n\.nango-emulator\/scenarios\/salesforce\.json\n {2}✔ a reconnect must stay in the same org/);
        assert.ok(r.stdout.trimEnd().endsWith(`Scenarios: ${expected} passed, 0 failed`), r.stdout);
        assert.doesNotMatch(r.stdout, /✖/);

        const xml = readFileSync(junit, 'utf8');
        assert.match(xml, new RegExp(`<testsuites name="nango-emulator scenarios" tests="${expected}" failures="0" errors="0" skipped="0">`));
        assert.equal(xml.match(/<testsuite /g)?.length, 2);
        assert.equal(readFileSync(statePath(root), 'utf8'), state);
    });

    it("a failing expectation: exit 1, the step, the message and the expectation's place in the file", () => {
        const file = path.join(root, '.nango-emulator/scenarios/salesforce.json');
        const text = readFileSync(file, 'utf8').replace('"status": 204, "account": "acme-ops"', '"status": 404, "account": "acme-ops"');
        writeFileSync(file, text);
        const r = run(root, 'test', 'salesforce');
        assert.equal(r.code, 1, r.stdout + r.stderr);
        const line = lineOf(text, '{ "method": "DELETE", "path": "/webhooks/whk_acme_0001", "status": 404');
        assert.match(r.stdout, /✖ a reconnect must stay in the same org/);
        assert.match(
            r.stdout,
            /✖ step 4: delete \(failed, \d+ ms\)\n {10}requests\[0\]: expected 1 DELETE \/webhooks\/whk_acme_0001 \(status 404, account acme-ops\) request, found 0\. Requests made: DELETE https:\/\/acme\.my\.salesforce\.com\/webhooks\/whk_acme_0001 → 204\n/
        );
        assert.match(r.stdout, new RegExp(`at ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:${line}:\\d+\\n`));
        assert.match(r.stdout, /Scenarios: 4 passed, 1 failed\n$/);
    });

    it("--json: one object with the summary and each scenario's steps", () => {
        const r = run(root, 'test', 'dry run: seed-metadata on an existing connection', '--json');
        assert.equal(r.code, 0, r.stderr);
        const out = JSON.parse(r.stdout) as {
            ok: boolean;
            summary: { passed: number; failed: number };
            problems: ScenarioProblem[];
            results: ScenarioResult[];
        };
        assert.equal(out.ok, true);
        assert.deepEqual(out.summary, { passed: 1, failed: 0, errors: 0, cancelled: 0 });
        assert.equal(out.results[0]!.steps[0]!.result!.outcome, 'ran');
        assert.equal(out.results[0]!.scenario.id, 'github.json#dry run: seed-metadata on an existing connection');
    });

    it('a scenario file with a mistake: exit 2, file:line:column, field and fix; the JUnit report shows it', () => {
        const broken = path.join(root, '.nango-emulator/scenarios/broken.json');
        const text = JSON.stringify({ scenarios: [{ name: 'x', integration: 'github', steps: [{ action: 'connect', account: 'octo-nobody' }] }] }, null, 4);
        writeFileSync(broken, text);
        const junit = path.join(root, 'junit.xml');
        const r = run(root, 'test', 'broken', '--junit', junit);
        assert.equal(r.code, 2, r.stdout + r.stderr);
        assert.equal(
            r.stderr,
            `nango-emulator: ${broken}:${lineOf(text, '"account"')}:21: scenarios.0.steps.0.account: integration "github" has no account "octo-nobody": use one of "octo-admin", "octo-hooks", "octo-readonly"\n`
        );
        assert.match(r.stdout, /Scenarios: 0 passed, 0 failed\n$/);
        assert.match(readFileSync(junit, 'utf8'), /errors="1"/);
    });

    it('an unknown scenario name or file: exit 2, with the scenarios there are', () => {
        const r = run(root, 'test', 'no-such-scenario');
        assert.equal(r.code, 2);
        assert.match(
            r.stderr,
            /^nango-emulator: no scenario file or scenario named "no-such-scenario" in .*scenarios \(scenarios: "a read-only token is rejected on first connect" \(github\.json\), /
        );
    });

    it("bad fixtures: exit 2 with the fixtures' error", () => {
        writeFileSync(path.join(root, '.nango-emulator/fixtures.json'), '{ "integrations": {} ');
        const r = run(root, 'test');
        assert.equal(r.code, 2);
        assert.match(r.stderr, /fixtures\.json: not valid JSON/);
    });
});
