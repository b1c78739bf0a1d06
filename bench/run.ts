// npm run bench: figures, not pass/fail. Prints tables (median and spread over repeated runs) and
// writes bench/results/latest.json (plus a timestamped copy) to compare a change with the one before
// on the same machine.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Emulator } from '../emulator/core/lifecycle';
import type { RunResult } from '../emulator/core/result';
import type { WorkspaceModel as WorkspaceModelType } from '../src/workspace/model';
import { generateWorkspace } from './synthetic-workspace';
import { scenarioBench } from './scenarios';
import { typecheckBench } from './typecheck';
import { editorBench } from './editor';
import { goalRows, median, type GoalInputs } from './goals';
import { applyOnEventDryrunWorkaround, ensureNango, nangoEnv, OFFLINE_FLAGS, peerDir, runNango } from '../test/nango-cli/nango';
import { spawn } from 'node:child_process';
import { symlinkSync } from 'node:fs';

const repo = path.resolve(__dirname, '..');
const cli = path.join(repo, 'dist/emulator/cli.js');
const example = path.join(repo, 'examples/nango-integrations');
const quick = process.argv.includes('--quick');
const REPEAT = quick ? 3 : 9;

interface Stat {
    median: number;
    min: number;
    max: number;
    n: number;
}

function stat(samples: number[]): Stat {
    const s = [...samples].sort((a, b) => a - b);
    const round = (x: number) => Math.round(x * 10) / 10;
    return { median: round(median(s)), min: round(s[0]!), max: round(s[s.length - 1]!), n: s.length };
}

function fmt(st: Stat): string {
    return `${st.median} ms (${st.min}–${st.max}, n=${st.n})`;
}

function table(title: string, rows: Record<string, string>[]): void {
    console.log(`\n${title}`);
    const cols = Object.keys(rows[0] ?? {});
    const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length)));
    console.log(cols.map((c, i) => c.padEnd(widths[i]!)).join('  '));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const r of rows) console.log(cols.map((c, i) => (r[c] ?? '').padEnd(widths[i]!)).join('  '));
}

function copyExample(): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nango-bench-'));
    cpSync(example, dir, { recursive: true, filter: (src) => !/node_modules|state\.json|[\\/](cache|locks)([\\/]|$)/.test(path.relative(example, src)) });
    return dir;
}

/** One dry run per example handler, against a connection of its integration. */
const CASES = [
    { handler: 'salesforce/validate-connection', connection: 'sf-acme' },
    { handler: 'salesforce/post-connection-setup', connection: 'sf-acme' },
    { handler: 'salesforce/pre-connection-cleanup', connection: 'sf-acme' },
    { handler: 'github/validate-scopes', connection: 'gh-admin' },
    { handler: 'github/seed-metadata', connection: 'gh-admin' }
];

function cliRun(root: string, handler: string, connection: string): { wallMs: number; result: RunResult } {
    const started = performance.now();
    const r = spawnSync(process.execPath, [cli, 'dryrun', handler, '--connection', connection, '--root', root, '--json'], { encoding: 'utf8' });
    const wallMs = performance.now() - started;
    const result = JSON.parse(r.stdout) as RunResult;
    if (!result.ok) throw new Error(`${handler}: ${JSON.stringify(result.error)}`);
    return { wallMs, result };
}

async function dryRuns(): Promise<Record<string, unknown>> {
    const root = copyExample();
    const out: Record<string, unknown> = {};
    const rows: Record<string, string>[] = [];
    try {
        for (const c of CASES) {
            const coldCompile: number[] = [];
            const coldCached: number[] = [];
            const handlerMs: number[] = [];
            const providerMs: number[] = [];
            for (let i = 0; i < REPEAT; i++) {
                rmSync(path.join(root, '.nango-emulator/cache'), { recursive: true, force: true });
                coldCompile.push(cliRun(root, c.handler, c.connection).wallMs);
                const cached = cliRun(root, c.handler, c.connection);
                coldCached.push(cached.wallMs);
                handlerMs.push(cached.result.handlers[0]!.durationMs);
                providerMs.push(cached.result.requests.reduce((sum, q) => sum + q.durationMs, 0));
            }
            const emulator = new Emulator(root);
            const warm: number[] = [];
            try {
                await emulator.dryrun(c.handler, { connectionId: c.connection });
                for (let i = 0; i < REPEAT; i++) {
                    const started = performance.now();
                    const r = await emulator.dryrun(c.handler, { connectionId: c.connection });
                    warm.push(performance.now() - started);
                    if (!r.ok) throw new Error(JSON.stringify(r.error));
                }
            } finally {
                emulator.dispose();
            }
            const entry = {
                coldWithCompile: stat(coldCompile),
                coldCompiled: stat(coldCached),
                warm: stat(warm),
                handlerInWorker: stat(handlerMs),
                providerFakes: stat(providerMs)
            };
            out[c.handler] = entry;
            rows.push({
                handler: c.handler,
                'cold (compile)': fmt(entry.coldWithCompile),
                'cold (cached)': fmt(entry.coldCompiled),
                warm: fmt(entry.warm),
                'handler in worker': fmt(entry.handlerInWorker),
                'provider fakes': fmt(entry.providerFakes)
            });
        }
    } finally {
        rmSync(root, { recursive: true, force: true });
    }
    table('Dry run, end to end (each example handler, no node_modules so no type check; the goals are in the last table)', rows);
    // Where the cold time goes: a bare node start, and the CLI doing no run at all.
    const nodeStart = stat(Array.from({ length: REPEAT }, () => time(() => spawnSync(process.execPath, ['-e', '0']))));
    const cliStart = stat(Array.from({ length: REPEAT }, () => time(() => spawnSync(process.execPath, [cli, '--help']))));
    table('Process start-up (part of every cold run: the CLI, then its worker)', [
        { what: 'node -e 0', time: fmt(nodeStart) },
        { what: 'nango-emulator --help (CLI bundle load)', time: fmt(cliStart) }
    ]);
    out['nodeStart'] = nodeStart;
    out['cliStart'] = cliStart;
    return out;
}

/**
 * CPU time (user + sys, ms) of the child processes this process has waited for so far, their own
 * waited-for children included (the CLI's worker): cutime + cstime of /proc/self/stat, in clock ticks
 * of 10 ms (Linux). undefined elsewhere.
 */
function childrenCpuMs(): number | undefined {
    try {
        const stat = readFileSync('/proc/self/stat', 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        // fields[0] is the state (field 3 of proc(5)): cutime is field 16, cstime field 17.
        return (Number(fields[13]) + Number(fields[14])) * 10;
    } catch {
        return undefined;
    }
}

function measured(command: string[], env: Record<string, string> = {}): { wallMs: number; cpuMs: number } {
    const cpuBefore = childrenCpuMs() ?? NaN;
    const started = performance.now();
    const r = spawnSync(process.execPath, command, { encoding: 'utf8', env: { ...process.env, ...env } });
    const wallMs = performance.now() - started;
    if (r.status !== 0) throw new Error(`${command.join(' ')} failed: ${r.stdout}${r.stderr}`);
    return { wallMs, cpuMs: (childrenCpuMs() ?? NaN) - cpuBefore };
}

/**
 * Issue #17's first goal: a cold CLI dry run of an unchanged handler (compile, type-check and code caches
 * on disk, the example's node_modules linked in as a user's project has them), its CPU against `node -e 0`,
 * against the floor of the design (a Node process that starts a second one: the CLI and its sandboxed
 * worker), against `--help` (start-up and bundle load) and against the same run with no code cache (the
 * first run after an install or upgrade), interleaved so that load on the machine hits them all alike.
 */
type ColdCli = Record<'nodeWall' | 'nodeCpu' | 'twoNodesWall' | 'twoNodesCpu' | 'helpWall' | 'helpCpu' | 'noCacheWall' | 'noCacheCpu' | 'wall' | 'cpu', Stat>;

function coldCli(): ColdCli {
    const root = copyExample();
    const modules = path.join(example, 'node_modules');
    if (existsSync(path.join(modules, 'nango'))) symlinkSync(modules, path.join(root, 'node_modules'), 'dir');
    const dryrun = [cli, 'dryrun', 'github/seed-metadata', '--connection', 'gh-admin', '--root', root, '--json'];
    const twoNodes = ['-e', `require('node:child_process').spawnSync(process.execPath, ['-e', '0'])`];
    const samples: Record<keyof ColdCli, number[]> = {
        nodeWall: [],
        nodeCpu: [],
        twoNodesWall: [],
        twoNodesCpu: [],
        helpWall: [],
        helpCpu: [],
        noCacheWall: [],
        noCacheCpu: [],
        wall: [],
        cpu: []
    };
    const sample = (wall: keyof ColdCli, cpu: keyof ColdCli, m: { wallMs: number; cpuMs: number }): void => {
        samples[wall].push(m.wallMs);
        samples[cpu].push(m.cpuMs);
    };
    try {
        measured(dryrun); // fills the caches: the runs below are of an unchanged handler
        for (let i = 0; i < REPEAT; i++) {
            sample('nodeWall', 'nodeCpu', measured(['-e', '0']));
            sample('twoNodesWall', 'twoNodesCpu', measured(twoNodes));
            sample('helpWall', 'helpCpu', measured([cli, '--help']));
            sample('noCacheWall', 'noCacheCpu', measured(dryrun, { NANGO_EMULATOR_CODE_CACHE: 'off' }));
            sample('wall', 'cpu', measured(dryrun));
        }
    } finally {
        rmSync(root, { recursive: true, force: true });
    }
    const out = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, stat(v)])) as ColdCli;
    table('Cold CLI dry run of an unchanged handler (github/seed-metadata; CPU = user + sys of the process and its worker, 10 ms ticks)', [
        { what: 'node -e 0 (baseline)', wall: fmt(out.nodeWall), CPU: fmt(out.nodeCpu) },
        { what: 'node starting node -e 0 (the floor: a CLI and its worker)', wall: fmt(out.twoNodesWall), CPU: fmt(out.twoNodesCpu) },
        { what: 'nango-emulator --help (start-up + bundle load)', wall: fmt(out.helpWall), CPU: fmt(out.helpCpu) },
        { what: 'dryrun … --json, no code cache (first run after an install)', wall: fmt(out.noCacheWall), CPU: fmt(out.noCacheCpu) },
        { what: 'nango-emulator dryrun … --json (with the worker)', wall: fmt(out.wall), CPU: fmt(out.cpu) }
    ]);
    return out;
}

/** Starts `nango-emulator serve` on a free loopback port. */
function startServer(root: string): Promise<{ url: string; stop: () => void }> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--json', '--quiet', '--root', root], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
            out += c.toString();
            const line = out.split('\n').find((l) => l.startsWith('{'));
            if (line) resolve({ url: (JSON.parse(line) as { url: string }).url, stop: () => child.kill('SIGTERM') });
        });
        child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
    });
}

/**
 * The real `nango dryrun` (nango 0.71.10, installed in test/nango-cli) of each example handler against
 * the emulator's server, side by side with the emulator's own dry runs measured above: the ratio.
 */
async function realNangoSideBySide(emulatorRuns: Record<string, unknown>): Promise<Record<string, unknown>> {
    await ensureNango();
    const root = copyExample();
    const out: Record<string, unknown> = {};
    const rows: Record<string, string>[] = [];
    const server = await startServer(root);
    try {
        symlinkSync(path.join(peerDir, 'node_modules'), path.join(root, 'node_modules'), 'dir');
        const env = nangoEnv(server.url, 'bench-secret-key', path.join(root, '.home'));
        const compile = await runNango(root, env, ['compile', ...OFFLINE_FLAGS]);
        if (compile.status !== 0) throw new Error(`nango compile failed: ${compile.stdout}${compile.stderr}`);
        applyOnEventDryrunWorkaround(root);
        for (const c of CASES) {
            const [, name] = c.handler.split('/');
            const samples: number[] = [];
            for (let i = 0; i < Math.min(REPEAT, 3); i++) {
                const r = await runNango(root, env, [
                    'dryrun',
                    name!,
                    c.connection,
                    '-e',
                    'dev',
                    '--integration-id',
                    c.handler.split('/')[0]!,
                    ...OFFLINE_FLAGS
                ]);
                if (r.status !== 0) throw new Error(`nango dryrun ${name} failed: ${r.stdout}${r.stderr}`);
                samples.push(r.durationMs);
            }
            const nango = stat(samples);
            const mine = emulatorRuns[c.handler] as { warm: Stat; coldCompiled: Stat };
            out[c.handler] = {
                nangoDryrun: nango,
                ratioWarm: Math.round(nango.median / mine.warm.median),
                ratioCold: Math.round((nango.median / mine.coldCompiled.median) * 10) / 10
            };
            rows.push({
                handler: c.handler,
                'real nango dryrun': fmt(nango),
                'emulator warm': fmt(mine.warm),
                'emulator cold': fmt(mine.coldCompiled),
                'ratio (warm)': `${Math.round(nango.median / mine.warm.median)}×`,
                'ratio (cold)': `${(nango.median / mine.coldCompiled.median).toFixed(1)}×`
            });
        }
    } finally {
        server.stop();
        rmSync(root, { recursive: true, force: true });
    }
    table('The real nango dryrun against the emulator server vs the emulator (goal: the cold CLI ≥ 20× faster, in the last table)', rows);
    return out;
}

function time(fn: () => unknown): number {
    const started = performance.now();
    fn();
    return performance.now() - started;
}

/**
 * The workspace analysis as the extension runs it: from dist/core.js, the bundle it loads (run through
 * tsx, the sources pay for helpers the bundle does not have, ~10% here).
 */
function workspaceAnalysis(): Record<string, unknown> {
    const core = path.join(repo, 'dist/core.js');
    if (!existsSync(core)) throw new Error('dist/core.js is missing: run "npm run build" first (npm run bench does)');
    const { WorkspaceModel } = require(core) as { WorkspaceModel: typeof WorkspaceModelType };
    const out: Record<string, unknown> = {};
    const rows: Record<string, string>[] = [];
    for (const handlers of [100, 1000, 5000]) {
        const integrations = Math.max(10, handlers / 10);
        const { root, files, oneHandler } = generateWorkspace({ integrations, handlers, missingImportEvery: 25 });
        const build: number[] = [];
        const handlerEdit: number[] = [];
        const indexEdit: number[] = [];
        let problems = 0;
        const reps = handlers >= 5000 ? Math.min(REPEAT, 3) : REPEAT;
        // One untimed build first: the figures are for a warm parser, as in a running editor.
        WorkspaceModel.fromFiles(root, files).problems();
        for (let i = 0; i < reps; i++) {
            let model!: WorkspaceModelType;
            build.push(
                time(() => {
                    model = WorkspaceModel.fromFiles(root, files);
                    problems = [...model.problems().values()].reduce((n, p) => n + p.length, 0);
                })
            );
            const text = files.get(oneHandler)!;
            handlerEdit.push(
                time(() => {
                    model.update(oneHandler, text.replace("description: '", `description: 'edited ${i} `));
                    model.problems();
                })
            );
            const indexFile = path.join(root, 'index.ts');
            const indexText = files.get(indexFile)!;
            indexEdit.push(
                time(() => {
                    model.update(indexFile, `${indexText}// edit ${i}\n`);
                    model.problems();
                })
            );
        }
        const entry = { integrations, handlers, problems, fullBuild: stat(build), editHandler: stat(handlerEdit), editIndex: stat(indexEdit) };
        out[String(handlers)] = entry;
        rows.push({
            handlers: String(handlers),
            integrations: String(integrations),
            problems: String(problems),
            'full build + diagnostics': fmt(entry.fullBuild),
            'edit a handler': fmt(entry.editHandler),
            'edit index.ts': fmt(entry.editIndex)
        });
    }
    table('Workspace analysis (goals at 5,000 handlers: ≤ 300 ms full, ≤ 10 ms per edit)', rows);
    return out;
}

function sizes(): Record<string, unknown> {
    const files = ['dist/extension.js', 'dist/core.js', 'dist/emulator/cli.bundle.js', 'dist/emulator/worker.bundle.js', 'dist/emulator/providers.json'];
    const out: Record<string, unknown> = {};
    for (const f of files) if (existsSync(path.join(repo, f))) out[f] = statSync(path.join(repo, f)).size;
    const vsix = readdirSync(repo).find((f) => f.endsWith('.vsix'));
    if (vsix) out[vsix] = statSync(path.join(repo, vsix)).size;
    const activationFile = path.join(repo, 'test-results/e2e/extension/activation.json');
    if (existsSync(activationFile)) {
        const a = JSON.parse(readFileSync(activationFile, 'utf8')) as { activationMs: number; moduleLoadMs: number; modelReadyMs: number };
        table('Extension activation in the real VS Code of the e2e tests (last e2e run; target ≤ 30 ms)', [
            { what: 'activation (module load + activate)', time: `${a.activationMs} ms` },
            { what: 'module load', time: `${a.moduleLoadMs} ms` },
            { what: 'workspace model ready (background)', time: `${a.modelReadyMs} ms` }
        ]);
        Object.assign(out, { activation: a });
    } else {
        console.log('\n(no activation figure: run the e2e tests first, npm run test:e2e)');
    }
    table(
        'Sizes (target: .vsix ≤ 3 MB)',
        Object.entries(out)
            .filter(([, v]) => typeof v === 'number')
            .map(([file, bytes]) => ({ file, size: `${((bytes as number) / 1024).toFixed(0)} KiB` }))
    );
    return out;
}

async function main(): Promise<void> {
    // `--workspace-only`: just the workspace-analysis table (of dist/core.js; no CLI, nothing written).
    if (process.argv.includes('--workspace-only')) {
        workspaceAnalysis();
        return;
    }
    if (!existsSync(cli)) throw new Error('dist/ is missing: run "npm run build" first (npm run bench does)');
    // `--scenarios-only`: just the scenario throughput and watch figures (nothing written).
    if (process.argv.includes('--scenarios-only')) {
        await scenarioBench(cli, table, quick);
        return;
    }
    const dryRun = await dryRuns();
    const cold = coldCli();
    const typecheck = await typecheckBench(cli, example, copyExample, REPEAT);
    const realNango = process.argv.includes('--no-nango') ? undefined : await realNangoSideBySide(dryRun);
    const workspace = workspaceAnalysis();
    const scenarios = await scenarioBench(cli, table, quick);
    // A real VS Code for a minute: not in --quick (then the last figures are read), nor with --no-editor.
    const editor = editorBench(!quick && !process.argv.includes('--no-editor'));
    const results = {
        machine: { node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, loadavg: os.loadavg() },
        at: new Date().toISOString(),
        dryRun,
        typecheck,
        realNango,
        coldCli: cold,
        workspace,
        scenarios,
        editor,
        sizes: sizes()
    };
    const activation = (results.sizes as { activation?: { activationMs: number } }).activation;
    const goals: GoalInputs = {
        coldCli: cold,
        ...(realNango ? { realNangoMs: (realNango['github/seed-metadata'] as { nangoDryrun: Stat }).nangoDryrun.median } : {}),
        ...(editor ? { editor } : {}),
        ...(typecheck ? { typecheck: typecheck as GoalInputs['typecheck'] } : {}),
        workspace5000: workspace['5000'] as GoalInputs['workspace5000'],
        ...(activation ? { activationMs: activation.activationMs } : {})
    };
    const rows = goalRows(goals);
    Object.assign(results, { goals: rows });
    table(
        `Issue #17 goals (${os.cpus().length} cores, load ${os
            .loadavg()
            .map((l) => l.toFixed(2))
            .join(' ')}; ratios to baselines of this run)`,
        rows.map((r) => ({ goal: r.goal, measured: r.measured, target: r.target, verdict: r.verdict }))
    );
    const dir = path.join(repo, 'bench/results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'latest.json'), JSON.stringify(results, null, 2));
    writeFileSync(path.join(dir, `${results.at.replace(/[:.]/g, '-')}.json`), JSON.stringify(results, null, 2));
    console.log(`\nwritten: bench/results/latest.json`);
}

void main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
});
