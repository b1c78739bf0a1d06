// Running many scenarios: side by side in `jobs` lanes, each lane with a handler worker it reuses from
// scenario to scenario (pool.ts), each scenario still in a state folder of its own (run.ts). Results
// come back, and onScenario is called, in the order the scenarios were given, so a parallel run
// reports exactly what a serial run reports.
import os from 'node:os';
import type { Scenario } from './format';
import { WorkerPool } from './pool';
import { runScenario, type RunScenarioOptions, type ScenarioResult } from './run';

export interface RunScenariosOptions extends Omit<RunScenarioOptions, 'worker' | 'stateDir'> {
    /** How many scenarios run at once (default 1). A worker started with a debugger runs them one by one. */
    jobs?: number;
    /** Workers to borrow instead of starting (and ending) a pool for this run, e.g. kept warm by a watch. */
    pool?: WorkerPool;
    /** When a scenario starts (scenarios may start out of order when jobs > 1). */
    onScenarioStart?: (s: Scenario) => void;
    /** Each scenario's result, in the order of `scenarios`. */
    onScenario?: (r: ScenarioResult) => void;
}

/** The default number of jobs: the machine's cores. */
export function defaultJobs(): number {
    return Math.max(1, os.availableParallelism());
}

/** Runs scenarios `jobs` at a time and returns their results in the order given. */
export async function runScenarios(root: string, scenarios: Scenario[], opts: RunScenariosOptions = {}): Promise<ScenarioResult[]> {
    // One debugger port: a worker under --inspect cannot have a twin.
    const debugging = (opts.workerExecArgv ?? []).some((flag) => flag.startsWith('--inspect'));
    const jobs = debugging ? 1 : Math.max(1, Math.min(Math.floor(opts.jobs ?? 1), scenarios.length));
    const pool =
        opts.pool ??
        new WorkerPool({
            root,
            size: jobs,
            ...(opts.workerExecArgv ? { execArgv: opts.workerExecArgv } : {}),
            ...(opts.memoryLimitMb !== undefined ? { memoryLimitMb: opts.memoryLimitMb } : {})
        });
    const { onScenarioStart, onScenario } = opts;
    const results: (ScenarioResult | undefined)[] = new Array<ScenarioResult | undefined>(scenarios.length);
    let next = 0;
    let reported = 0;
    // Reports every finished result whose predecessors are all reported.
    const flush = (): void => {
        for (let r = results[reported]; r; r = results[reported]) {
            reported++;
            onScenario?.(r);
        }
    };
    const lane = async (): Promise<void> => {
        while (next < scenarios.length) {
            const index = next++;
            const scenario = scenarios[index];
            if (!scenario) return;
            const worker = await pool.acquire();
            try {
                onScenarioStart?.(scenario);
                results[index] = await runScenario(root, scenario, { ...opts, worker });
            } finally {
                pool.release(worker);
            }
            flush();
        }
    };
    try {
        await Promise.all(Array.from({ length: jobs }, lane));
    } finally {
        if (!opts.pool) pool.dispose();
    }
    return results as ScenarioResult[];
}
