// `nango-emulator test [scenario-file-or-name...] [--junit <file>]`: runs scenarios headless, prints
// like a test runner, and exits 0 (all passed), 1 (a scenario failed) or 2 (bad input: scenario files,
// fixtures, unknown names). Registered on the CLI's program by registerTestCommand; the scenario runner
// and the JUnit writer load only when the command runs, so other commands start as fast as before.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { runLimitsOf, type GlobalOptions } from '../cli-options';
import pc from 'picocolors';
import { EmulatorError } from '../core/errors';
import { findRoot } from '../project/project';
import type { Scenario, ScenarioFileInfo, ScenarioProblem, ScenarioResult } from './index';
import type { ScenarioParseCache } from './load';

interface TestOptions {
    junit?: string;
    keepState?: boolean;
    jobs?: number;
    shard?: string;
    watch?: boolean;
}

function positiveInteger(text: string): number {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new EmulatorError('bad_usage', `--jobs "${text}": expected a whole number of at least 1.`);
    return n;
}

export interface TestSummary {
    passed: number;
    failed: number;
    errors: number;
    cancelled: number;
}

export function summarize(results: ScenarioResult[]): TestSummary {
    const count = (s: ScenarioResult['status']): number => results.filter((r) => r.status === s).length;
    return { passed: count('passed'), failed: count('failed'), errors: count('error'), cancelled: count('cancelled') };
}

/** Exit code of a test run: 2 bad input, 1 a failure, 0 all passed. */
export function exitCodeOf(results: ScenarioResult[], problems: ScenarioProblem[]): number {
    if (problems.length || results.some((r) => r.status === 'error')) return 2;
    return results.every((r) => r.status === 'passed') ? 0 : 1;
}

/** The human report of one scenario, as a test runner prints it; a failed step shows its logs and requests. */
export function formatScenarioResult(r: ScenarioResult, describeStep: (s: ScenarioResult['steps'][number]) => string[], opts: { color: boolean }): string {
    const c = pc.createColors(opts.color);
    const mark = r.status === 'passed' ? c.green('✔') : r.status === 'cancelled' ? c.yellow('○') : c.red('✖');
    const lines = [`  ${mark} ${r.scenario.name} ${c.dim(`(${r.scenario.integration}, ${r.durationMs} ms)`)}`];
    if (r.status === 'error' && r.error) lines.push(c.red(`      ${r.error.code}: ${r.error.message}`));
    for (const step of r.steps) {
        const [head, ...rest] = describeStep(step);
        const paint = step.status === 'passed' ? c.green : step.status === 'failed' ? c.red : c.dim;
        lines.push(`      ${paint(head ?? '')}`);
        for (const line of rest) lines.push(line.trimStart().startsWith('at ') ? c.dim(`      ${line}`) : c.red(`      ${line}`));
        if (step.status === 'failed' && step.result) {
            const logs = step.result.logs.slice(-8);
            if (logs.length) lines.push(c.dim(`          logs${step.result.logs.length > logs.length ? ` (last ${logs.length})` : ''}:`));
            for (const l of logs) lines.push(c.dim(`            [${l.level}] ${l.handler}: ${l.message}`));
            if (step.result.requests.length) lines.push(c.dim('          provider requests:'));
            for (const q of step.result.requests)
                lines.push(c.dim(`            ${q.method} ${q.url} → ${q.status ?? (q.unmatched ? 'unmatched' : 'no answer')}`));
        }
    }
    return lines.join('\n');
}

function rootFor(opts: GlobalOptions, targets: string[]): string {
    if (opts.root) return findRoot(opts.root);
    try {
        return findRoot(process.cwd());
    } catch (err) {
        const file = targets.map((t) => path.resolve(t)).find((t) => existsSync(t));
        if (file) return findRoot(file);
        throw err;
    }
}

export function registerTestCommand(program: Command): Command {
    return program
        .command('test')
        .description(
            'run lifecycle scenarios (.nango-emulator/scenarios/*.json), each from the fixtures in a state of its own; exit 0 all passed, 1 a failure, 2 bad input'
        )
        .argument('[scenarios...]', 'scenario files, file names without .json, scenario names, or "<file>#<name>" (default: all)')
        .option('--junit <file>', 'also write a JUnit XML report to this file (for CI)')
        .option('--keep-state', "keep each scenario's state folder and print where it is")
        .option('--jobs <n>', 'how many scenarios run at once, each in a worker and a state of its own (default: the number of cores)', positiveInteger)
        .option('--shard <index/total>', 'run only this slice of the scenarios, e.g. 2/4, so a CI matrix of <total> jobs runs each once')
        .option('--watch', 'keep running: after each change, re-run the scenarios it affects and print them')
        .action(async (targets: string[], o: TestOptions, cmd: Command) => {
            const opts = cmd.optsWithGlobals<GlobalOptions>();
            const color = !opts.json && Boolean(process.stdout.isTTY) && !process.env['NO_COLOR'];
            const c = pc.createColors(color);
            const out = (text: string): void => void process.stdout.write(text + '\n');
            const root = rootFor(opts, targets);
            const {
                defaultJobs,
                describeProblem,
                describeStep,
                loadScenarios,
                parseScenarioText,
                parseShard,
                runScenarios,
                scenariosDir,
                selectScenarios,
                shardOf,
                WorkerPool
            } = await import('./index');
            const shard = o.shard === undefined ? undefined : parseShard(o.shard);
            if (o.watch && opts.json)
                throw new EmulatorError(
                    'bad_usage',
                    '--watch prints its re-runs for people to read; leave out --json (or run the command again for a JSON report).'
                );
            const jobs = o.jobs ?? defaultJobs();
            const { loadFixtures, fixturesPath } = await import('../fixtures/fixtures');
            const { writeFileAtomic } = await import('../state/state');
            const writeJunit = async (results: ScenarioResult[], problems: ScenarioProblem[]): Promise<void> => {
                if (!o.junit) return;
                const { scenariosJunitXml } = await import('./junit');
                const file = path.resolve(o.junit);
                writeFileAtomic(file, scenariosJunitXml(results, problems, { root }));
                if (!opts.json) out(c.dim(`JUnit report: ${file}`));
            };

            let fixtures: ReturnType<typeof loadFixtures>;
            try {
                fixtures = loadFixtures(root);
            } catch (err) {
                // No scenario can run on bad fixtures. CI still gets a report that names the problem.
                if (err instanceof EmulatorError) {
                    const file = fixturesPath(root);
                    await writeJunit(
                        [],
                        [{ file, field: '(fixtures)', message: err.message, location: { file, line: 1, column: 1, endLine: 1, endColumn: 1 } }]
                    );
                }
                throw err;
            }
            /** The scenarios asked for (after the shard) and the problems of their files, as the files are now. */
            const parseCache: ScenarioParseCache = new Map();
            const select = (fixtures: ReturnType<typeof loadFixtures>): { scenarios: Scenario[]; selected: number; problems: ScenarioProblem[] } => {
                const loaded = loadScenarios(root, { fixtures, cache: parseCache });
                // A scenario file outside .nango-emulator/scenarios/ can be named by its path.
                for (const t of targets) {
                    const file = path.resolve(t);
                    if (t.endsWith('.json') && existsSync(file) && !loaded.files.some((f) => f.file === file)) {
                        const info: ScenarioFileInfo = parseScenarioText(root, file, readFileSync(file, 'utf8'), { fixtures });
                        loaded.files.push(info);
                        loaded.scenarios.push(...info.scenarios);
                        loaded.problems.push(...info.problems);
                    }
                }
                if (!loaded.files.length) {
                    throw new EmulatorError(
                        'bad_usage',
                        `no scenario files in ${scenariosDir(root)}. Add one (e.g. ${path.join(scenariosDir(root), '<integration>.json')}); the README's "Scenarios" section shows the format.`
                    );
                }
                const { scenarios, unknown } = selectScenarios(loaded, targets);
                if (unknown.length) {
                    const names = loaded.scenarios.map((s) => `"${s.name}" (${path.basename(s.file)})`).join(', ') || 'none';
                    throw new EmulatorError(
                        'bad_usage',
                        `no scenario file or scenario named ${unknown.map((u) => `"${u}"`).join(', ')} in ${loaded.dir} (scenarios: ${names}). Pass a scenario file, its name without .json, a scenario name, or nothing to run them all.`
                    );
                }
                // The problems of the files asked for (every file when none was named).
                const named = (file: string): boolean => targets.some((t) => path.resolve(t) === file || path.basename(file, '.json') === t);
                const problems = targets.length ? loaded.problems.filter((p) => named(p.file)) : loaded.problems;
                return { scenarios: shard ? shardOf(scenarios, shard) : scenarios, selected: scenarios.length, problems };
            };
            const { scenarios, selected, problems } = select(fixtures);
            if (!opts.json) for (const p of problems) process.stderr.write(c.red(`nango-emulator: ${describeProblem(p)}`) + '\n');
            if (shard && !opts.json) out(c.dim(`shard ${shard.current}/${shard.total}: ${scenarios.length} of ${selected} scenarios`));

            // A watch keeps its workers warm between runs.
            const pool = o.watch ? new WorkerPool({ root, size: jobs, ...(opts.memoryLimit ? { memoryLimitMb: opts.memoryLimit } : {}) }) : undefined;
            const run = async (scenarios: Scenario[]): Promise<ScenarioResult[]> => {
                let currentFile: string | undefined;
                return runScenarios(root, scenarios, {
                    ...runLimitsOf(opts),
                    jobs,
                    ...(pool ? { pool } : {}),
                    ...(o.keepState ? { keepState: true } : {}),
                    onScenario: (r) => {
                        if (opts.json) return;
                        if (r.scenario.file !== currentFile) {
                            currentFile = r.scenario.file;
                            out(c.bold(path.relative(root, currentFile)));
                        }
                        out(formatScenarioResult(r, describeStep, { color }));
                        if (r.stateDir) out(c.dim(`      state kept in ${r.stateDir}`));
                    }
                });
            };
            const results = await run(scenarios);
            await writeJunit(results, problems);
            const summary = summarize(results);
            const code = exitCodeOf(results, problems);
            if (opts.json) {
                out(JSON.stringify({ ok: code === 0, summary, problems, results }, null, 2));
            } else {
                const steps = results.flatMap((r) => r.steps);
                const extra = [
                    summary.errors ? `${summary.errors} could not run` : '',
                    summary.cancelled ? `${summary.cancelled} cancelled` : '',
                    problems.length ? `${problems.length} problem${problems.length === 1 ? '' : 's'} in scenario files` : ''
                ].filter(Boolean);
                out('');
                out(
                    c.dim(`${steps.filter((s) => s.status === 'passed').length} of ${steps.length} steps passed${extra.length ? `; ${extra.join(', ')}` : ''}`)
                );
                out(`Scenarios: ${summary.passed} passed, ${summary.failed + summary.errors} failed`);
            }
            process.exitCode = code;
            if (pool) {
                const { watchTests } = await import('./watch-cli');
                watchTests({ root, results, run, load: () => select(loadFixtures(root)).scenarios, out, color, pool });
            }
        });
}
