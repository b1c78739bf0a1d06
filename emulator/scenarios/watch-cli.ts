// `nango-emulator test --watch`, after the first run: re-runs the scenarios each change affects and
// prints only those, then a line with the re-run's tally and the whole selection's. Ctrl+C ends it
// with the exit code of the latest state of every scenario (0 all passed, 1 one failed).
import path from 'node:path';
import pc from 'picocolors';
import type { Scenario } from './format';
import type { WorkerPool } from './pool';
import type { ScenarioResult } from './run';
import { watchScenarios } from './watch';

export interface WatchTestsOptions {
    root: string;
    /** The first run's results. */
    results: ScenarioResult[];
    /** Runs scenarios and prints each result (as the first run did). */
    run: (scenarios: Scenario[]) => Promise<ScenarioResult[]>;
    /** The scenarios asked for, as the files are now. */
    load: () => Scenario[];
    out: (text: string) => void;
    color: boolean;
    pool: WorkerPool;
}

export function watchTests(o: WatchTestsOptions): void {
    const c = pc.createColors(o.color);
    const latest = new Map(o.results.map((r) => [r.scenario.id, r.status]));
    const tally = (statuses: Iterable<ScenarioResult['status']>): string => {
        const list = [...statuses];
        const passed = list.filter((s) => s === 'passed').length;
        return `${passed} passed, ${list.length - passed} failed`;
    };
    const watcher = watchScenarios({
        root: o.root,
        load: () => {
            const scenarios = o.load();
            // Scenarios removed from their files no longer count.
            const ids = new Set(scenarios.map((s) => s.id));
            for (const id of latest.keys()) if (!ids.has(id)) latest.delete(id);
            return scenarios;
        },
        run: async (scenarios, changed) => {
            const what = changed.map((f) => path.relative(o.root, f)).join(', ');
            o.out('');
            o.out(c.cyan(`${what} changed: re-running ${scenarios.length} scenario${scenarios.length === 1 ? '' : 's'}`));
            const results = await o.run(scenarios);
            for (const r of results) latest.set(r.scenario.id, r.status);
            const allPassed = [...latest.values()].every((s) => s === 'passed');
            o.out(`Scenarios: ${tally(results.map((r) => r.status))}${c.dim(` (all ${latest.size}: ${tally(latest.values())})`)}`);
            process.exitCode = allPassed ? 0 : 1;
        },
        onError: (err, changed) => {
            o.out('');
            o.out(c.red(`${changed.map((f) => path.relative(o.root, f)).join(', ')} changed: ${err instanceof Error ? err.message : String(err)}`));
        }
    });
    // Said once the folders are watched: a change saved after this line is seen.
    o.out(c.dim('\nWatching for changes to handlers, what they import, fixtures and scenario files (Ctrl+C to stop)'));
    const stop = (): void => {
        watcher.close();
        o.pool.dispose();
        process.exit(process.exitCode ?? 0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
}
