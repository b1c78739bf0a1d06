// Scenario throughput on a project the size of a real integrations repository (issue #18): 500
// scenarios across 50 integrations (bench/scenario-project.ts), run by the built CLI with --jobs 1
// and --jobs 2, and the time from saving a scenario file to its result in `test --watch`. Prints the
// figures beside the goals: ≥ 40 steps/s with --jobs 2, a warm single-scenario re-run ≤ 200 ms.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateScenarioProject } from './scenario-project';

const STEPS_PER_SECOND_GOAL = 40;
const WATCH_RERUN_GOAL_MS = 200;

function median(samples: number[]): number {
    const s = [...samples].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** One `nango-emulator test` of the whole project: wall time and its summary line. */
function timedRun(cli: string, root: string, jobs: number): { seconds: number; summary: string } {
    const started = performance.now();
    const r = spawnSync(process.execPath, [cli, 'test', '--jobs', String(jobs), '--root', root], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const seconds = (performance.now() - started) / 1000;
    const summary = /Scenarios: .*/.exec(r.stdout)?.[0] ?? `exit ${r.status}: ${r.stderr.slice(0, 500)}`;
    if (r.status !== 0) throw new Error(`nango-emulator test --jobs ${jobs}: ${summary}`);
    return { seconds, summary };
}

/** Saves the single scenario's file `times` times in a running watch; ms from each save to its result line. */
async function watchLatency(cli: string, root: string, file: string, times: number): Promise<number[]> {
    const child = spawn(process.execPath, [cli, 'test', '--watch', '--jobs', '2', '--root', root], { env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    let wake: (() => void) | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        wake?.();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const until = async (pattern: RegExp, from: number): Promise<void> => {
        const deadline = Date.now() + 180_000;
        while (!pattern.test(output.slice(from))) {
            if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the watch did not report ${pattern}: ${output.slice(-2000)}`);
            await new Promise<void>((resolve) => {
                wake = resolve;
                setTimeout(resolve, 1000);
            });
        }
    };
    try {
        await until(/Watching for changes/, 0);
        const samples: number[] = [];
        const text = readFileSync(file, 'utf8');
        for (let i = 0; i < times; i++) {
            const from = output.length;
            const started = performance.now();
            writeFileSync(file, text.replace('"description": "edited"', `"description": "edited ${i}"`));
            await until(/re-running 1 scenario\n[\s\S]*\nScenarios: 1 passed/, from);
            samples.push(performance.now() - started);
            // Let the watch settle before the next save.
            await new Promise((resolve) => setTimeout(resolve, 300));
        }
        return samples;
    } finally {
        child.kill('SIGINT');
    }
}

export async function scenarioBench(
    cli: string,
    table: (title: string, rows: Record<string, string>[]) => void,
    quick: boolean,
    size = { integrations: 50, scenariosPerIntegration: 10 }
): Promise<Record<string, unknown>> {
    const project = generateScenarioProject(size);
    try {
        const cold = timedRun(cli, project.root, 2);
        const serial = timedRun(cli, project.root, 1);
        const parallel = timedRun(cli, project.root, 2);
        const rate = (seconds: number): number => Math.round((project.stepCount / seconds) * 10) / 10;

        // One more scenario file with a single scenario: what a developer edits while watching.
        const single = path.join(project.root, '.nango-emulator/scenarios/zz-single.json');
        writeFileSync(
            single,
            JSON.stringify(
                {
                    scenarios: [
                        {
                            name: 'the one being edited',
                            description: 'edited',
                            integration: 'integration-000',
                            connection: 'single',
                            steps: [{ action: 'connect', account: 'alpha', expect: { metadata: { login: 'alpha-0' } } }, { action: 'delete' }]
                        }
                    ]
                },
                null,
                4
            )
        );
        const latency = await watchLatency(cli, project.root, single, quick ? 3 : 7);

        const results = {
            project: { integrations: project.integrations.length, scenarios: project.scenarioCount, steps: project.stepCount, cpus: os.availableParallelism() },
            jobs1: { seconds: Math.round(serial.seconds * 10) / 10, stepsPerSecond: rate(serial.seconds) },
            jobs2: { seconds: Math.round(parallel.seconds * 10) / 10, stepsPerSecond: rate(parallel.seconds) },
            jobs2Cold: { seconds: Math.round(cold.seconds * 10) / 10, stepsPerSecond: rate(cold.seconds) },
            watchRerunMs: {
                median: Math.round(median(latency)),
                min: Math.round(Math.min(...latency)),
                max: Math.round(Math.max(...latency)),
                n: latency.length
            }
        };
        const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');
        table(
            `Scenarios: ${project.scenarioCount} scenarios, ${project.stepCount} steps, ${project.integrations.length} integrations (${os.availableParallelism()} cores)`,
            [
                { run: 'test --jobs 1', time: `${results.jobs1.seconds} s`, figure: `${results.jobs1.stepsPerSecond} steps/s`, goal: '', verdict: '' },
                {
                    run: 'test --jobs 2',
                    time: `${results.jobs2.seconds} s`,
                    figure: `${results.jobs2.stepsPerSecond} steps/s`,
                    goal: `≥ ${STEPS_PER_SECOND_GOAL} steps/s`,
                    verdict: verdict(results.jobs2.stepsPerSecond >= STEPS_PER_SECOND_GOAL)
                },
                {
                    run: 'test --jobs 2, compile cache cold',
                    time: `${results.jobs2Cold.seconds} s`,
                    figure: `${results.jobs2Cold.stepsPerSecond} steps/s`,
                    goal: '',
                    verdict: ''
                },
                {
                    run: 'test --watch: save a scenario file → its result',
                    time: '',
                    figure: `${results.watchRerunMs.median} ms (${results.watchRerunMs.min}–${results.watchRerunMs.max}, n=${results.watchRerunMs.n})`,
                    goal: `≤ ${WATCH_RERUN_GOAL_MS} ms`,
                    verdict: verdict(results.watchRerunMs.median <= WATCH_RERUN_GOAL_MS)
                }
            ]
        );
        return results;
    } finally {
        project.cleanup();
    }
}
