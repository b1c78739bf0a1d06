// Continuous run of the scenarios in the Testing view, in a real VS Code: a first "Run All" (VS Code's
// testing.runAll) hands over the Run profile, which then starts a continuous run through VS Code's own
// command (vscode.startContinuousTestRun, what the view's "continuous run" button does); each saved
// change re-runs the scenarios it affects and only those, and VS Code is told each result.
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { activateExtension, projectUri, until } from './util';

/** What one test run told VS Code: each scenario's id (without its folder) and result. */
interface Reported {
    continuous: boolean;
    results: string[];
    ended: boolean;
}

const HANDLER = 'github/on-events/seed-metadata.ts';
const SALESFORCE_SCENARIOS = '.nango-emulator/scenarios/salesforce.json';

describe('continuous run of scenarios', function () {
    this.timeout(180_000);
    let profile: vscode.TestRunProfile | undefined;
    const reported: Reported[] = [];
    const restore: (() => void)[] = [];
    let items: vscode.TestItem[] = [];

    before(async () => {
        const controller = (await activateExtension()).scenarioTests;
        items = await until(
            'the scenario files in the Testing view',
            () => [...controller.items].map(([, item]) => item),
            (list) => list.length >= 2
        );
        // Record what every run reports, as the Testing view receives it.
        const create = controller.createTestRun.bind(controller);
        controller.createTestRun = (request, name, persist) => {
            const run = create(request, name, persist);
            profile ??= request.profile;
            const record: Reported = { continuous: Boolean(request.continuous), results: [], ended: false };
            reported.push(record);
            const note =
                (status: string) =>
                (item: vscode.TestItem): void => {
                    if (!/\/\d+$/.test(item.id)) record.results.push(`${status} ${item.id.split('#')[1] ?? item.id}`);
                };
            const passed = run.passed.bind(run);
            const failed = run.failed.bind(run);
            run.passed = (item, duration) => (note('passed')(item), passed(item, duration));
            run.failed = (item, message, duration) => (note('failed')(item), failed(item, message, duration));
            const end = run.end.bind(run);
            run.end = () => ((record.ended = true), end());
            return run;
        };
        for (const relative of [HANDLER, SALESFORCE_SCENARIOS]) {
            const file = projectUri(relative).fsPath;
            const text = readFileSync(file, 'utf8');
            restore.push(() => writeFileSync(file, text));
        }
        // Run All, as the view's button does: every scenario of the example passes.
        await vscode.commands.executeCommand('testing.runAll');
        const all = await until(
            'the results of Run All',
            () => reported.find((r) => !r.continuous && r.ended)?.results ?? [],
            (results) => results.length > 0,
            120_000
        );
        assert.deepEqual(
            all.filter((r) => !r.startsWith('passed ')),
            []
        );
        assert.ok(all.length >= 15, all.join('\n'));
        assert.ok(profile, 'the run request named no profile');
        await vscode.commands.executeCommand('vscode.startContinuousTestRun', profile, items);
    });

    after(async () => {
        await vscode.commands.executeCommand('vscode.stopContinuousTestRun', items);
        for (const r of restore) r();
    });

    it('saving a GitHub handler re-runs the GitHub scenarios, and no Salesforce one', async () => {
        const from = reported.length;
        appendFileSync(projectUri(HANDLER).fsPath, '\n// edited while a continuous run is on\n');
        const runs = await until(
            'a continuous run with the GitHub scenarios',
            () => reported.slice(from).filter((r) => r.continuous && r.results.length),
            (list) => list.some((r) => r.ended && r.results.some((x) => x.includes('an admin connect seeds the metadata'))),
            90_000
        );
        const results = runs.flatMap((r) => r.results);
        assert.ok(results.includes('passed an admin connect seeds the metadata'), results.join('\n'));
        assert.ok(results.includes('passed dry run: seed-metadata on an existing connection'), results.join('\n'));
        assert.ok(!results.some((x) => x.includes('a reconnect must stay in the same org')), results.join('\n'));
    });

    it('saving a broken expectation in a scenario file re-runs that file and reports the failure', async () => {
        const from = reported.length;
        const file = projectUri(SALESFORCE_SCENARIOS).fsPath;
        writeFileSync(file, readFileSync(file, 'utf8').replace('"status": 204, "account": "acme-ops"', '"status": 404, "account": "acme-ops"'));
        const runs = await until(
            'a continuous run with the Salesforce scenarios',
            () => reported.slice(from).filter((r) => r.continuous && r.results.length),
            (list) => list.some((r) => r.ended && r.results.some((x) => x.includes('a reconnect must stay in the same org'))),
            60_000
        );
        const results = runs.flatMap((r) => r.results);
        assert.ok(results.includes('failed a reconnect must stay in the same org'), results.join('\n'));
        assert.ok(!results.some((x) => x.includes('an admin connect seeds the metadata')), results.join('\n'));
    });
});
