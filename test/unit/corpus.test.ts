// The bad-input corpus (test/corpus/<case>/): each folder is a small nango-integrations workspace with
// one thing wrong, and a case.json saying exactly what the CLI must answer. Every case is copied to a
// temporary folder and run through the built CLI (dist/emulator/cli.js); cases run in parallel.
// Checked for every case: the exit code and the error (type, message, location), that the process
// exited by itself, that no credential of the case's fixtures or state appears in any output, whether
// the state file is byte-identical afterwards, and that the emulator keeps working on that folder.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as z from 'zod';

const repo = path.resolve(__dirname, '../..');
const corpus = path.join(repo, 'test/corpus');
const cli = path.join(repo, 'dist/emulator/cli.js');
/** A CLI process still running after this long has hung: it is killed and the case fails. */
const HANG_MS = 25_000;
const PARALLEL = Math.max(2, Math.min(4, os.availableParallelism() + 1));

/** Every bad input issue 6 lists has a case; the corpus may hold more. */
const REQUIRED_CASES = [
    'fixtures-malformed-json',
    'fixtures-wrong-types',
    'fixtures-unknown-integration',
    'fixtures-unknown-account',
    'fixtures-duplicate-connection-ids',
    'user-handlers-syntax-error',
    'user-handlers-not-an-array',
    'handler-syntax-error',
    'handler-no-default-export',
    'handler-wrong-factory-create-action',
    'handler-wrong-factory-create-sync',
    'handler-unknown-event',
    'throw-string',
    'throw-object',
    'throw-undefined',
    'infinite-loop',
    'unhandled-rejection',
    'process-exit',
    'huge-response-body',
    'unmatched-request',
    'metadata-not-an-object',
    'unknown-connection',
    'state-not-json',
    'state-schema-violation',
    'concurrent-runs-one-connection'
];

// ---- case.json ---------------------------------------------------------------------------------

/** Regular expressions (multi-line mode); "{root}" stands for the case's temporary folder. */
const Patterns = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((p) => [p].flat());

const ErrorExpectation = z.strictObject({
    /** `error.type` of the --json output: an emulator error code (exit 2) or the handler's error type (exit 1). */
    type: z.string().min(1),
    /** Every pattern must match `error.message`. */
    message: Patterns,
    /** The handler source location the error points at (file relative to the case folder). */
    location: z.strictObject({ file: z.string().min(1), line: z.number().int().positive() }).optional()
});

const Step = z.strictObject({
    args: z.array(z.string()).min(1),
    exitCode: z.number().int(),
    error: ErrorExpectation.optional()
});

const CaseSchema = z
    .strictObject({
        description: z.string().min(20),
        /** CLI arguments; the test adds --root <tmp> and --json. */
        args: z.array(z.string()).min(1),
        /** Required, except for a cancelled run (which the test ends itself). */
        exitCode: z.number().int().min(0).max(2).optional(),
        error: ErrorExpectation.optional(),
        /** A subset of the --json output that must be found there (arrays must have the same length). */
        result: z.record(z.string(), z.unknown()).optional(),
        /** The state file afterwards is byte-identical (or still absent). */
        stateUnchanged: z.boolean(),
        /** false: the follow-up `connections` must report the same fixtures error (nothing else can work). */
        fixturesValid: z.boolean().default(true),
        /** Commands run on the folder after the case, before the follow-up `connections --json`. */
        after: z.array(Step).default([]),
        /** Connections as `connections --json` lists them at the end (a subset; metadata exact); null: no live connection. */
        connections: z.record(z.string(), z.union([z.null(), z.record(z.string(), z.unknown())])).optional(),
        /** Also run without --json (on a fresh copy): patterns the human output must match. */
        text: z.strictObject({ stdout: Patterns.optional(), stderr: Patterns.optional() }).optional(),
        /** Run this many CLI processes at once; their handler runs must not overlap (logs "run started <ms>" / "run finished <ms>"). */
        concurrent: z.number().int().min(2).optional(),
        /** An upper bound for stdout + stderr of the run. */
        maxOutputBytes: z.number().int().positive().optional(),
        /**
         * Cancel the run as the editor does: once the CLI's child process (the worker running the handler)
         * has spent `busyCpuMs` of CPU time, send `signal` to the CLI. The worker must then end too.
         */
        cancel: z.strictObject({ signal: z.enum(['SIGTERM', 'SIGINT', 'SIGKILL']), busyCpuMs: z.number().int().positive() }).optional()
    })
    .refine(
        (c) =>
            c.cancel
                ? c.exitCode === undefined && c.error === undefined && c.result === undefined && c.text === undefined && c.concurrent === undefined
                : c.exitCode !== undefined,
        {
            message: 'a case states its exit code, or cancels the run (and then states no exit code, error, result, text or concurrency)',
            path: ['exitCode']
        }
    )
    .refine((c) => !c.exitCode || c.error !== undefined, { message: 'a failing case states the error it expects', path: ['error'] });
type Case = z.infer<typeof CaseSchema>;

function caseNames(): string[] {
    return readdirSync(corpus)
        .filter((name) => statSync(path.join(corpus, name)).isDirectory())
        .sort();
}

function loadCase(name: string): Case {
    const file = path.join(corpus, name, 'case.json');
    const parsed = CaseSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return parsed.data;
}

// ---- Running the CLI ---------------------------------------------------------------------------

interface CliRun {
    args: string[];
    pid: number | undefined;
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
    hung: boolean;
    spawnedAt: number;
}

function runCli(root: string, args: string[], onSpawn?: (child: ChildProcess) => void): Promise<CliRun> {
    const spawnedAt = Date.now();
    const child = spawn(process.execPath, [cli, ...args, '--root', root], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    let hung = false;
    const timer = setTimeout(() => {
        hung = true;
        child.kill('SIGKILL');
    }, HANG_MS);
    onSpawn?.(child);
    return new Promise((resolve, reject) => {
        child.once('error', reject);
        child.once('close', (code, signal) => {
            clearTimeout(timer);
            resolve({
                args,
                pid: child.pid,
                code,
                signal,
                stdout: Buffer.concat(out).toString('utf8'),
                stderr: Buffer.concat(err).toString('utf8'),
                hung,
                spawnedAt
            });
        });
    });
}

/** Runs `fn` with at most `PARALLEL` of them at once. */
const limit = (() => {
    let active = 0;
    const waiting: (() => void)[] = [];
    return async <T>(fn: () => Promise<T>): Promise<T> => {
        if (active >= PARALLEL) await new Promise<void>((resolve) => waiting.push(resolve));
        active++;
        try {
            return await fn();
        } finally {
            active--;
            waiting.shift()?.();
        }
    };
})();

// ---- Checks ------------------------------------------------------------------------------------

function escapeRegExp(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function patternsFor(patterns: string[], root: string): RegExp[] {
    return patterns.map((p) => new RegExp(p.split('{root}').join(escapeRegExp(root)), 'm'));
}

const CREDENTIAL_FIELDS = /"(access_token|refresh_token|token|apiKey|password)"\s*:\s*"?([^",\s}\]]+)/g;

/**
 * Every credential value in the case's fixtures and state, read from the raw text (it may not parse),
 * plus the Basic auth value ("username:password" in base64) of BASIC credentials where the file parses.
 */
function credentialsOf(root: string): string[] {
    const found = new Set<string>();
    for (const file of ['.nango-emulator/fixtures.json', '.nango-emulator/state.json']) {
        const full = path.join(root, file);
        // Only regular files: some cases make them a folder or a link to /dev/zero (which would never end).
        if (!existsSync(full) || !statSync(full).isFile()) continue;
        const text = readFileSync(full, 'utf8');
        for (const m of text.matchAll(CREDENTIAL_FIELDS)) if (m[2]!.length >= 8) found.add(m[2]!);
        const visit = (value: unknown): void => {
            if (!value || typeof value !== 'object') return;
            const v = value as Record<string, unknown>;
            if (v['type'] === 'BASIC' && typeof v['username'] === 'string' && typeof v['password'] === 'string')
                found.add(Buffer.from(`${v['username']}:${v['password']}`).toString('base64'));
            Object.values(v).forEach(visit);
        };
        try {
            visit(JSON.parse(text));
        } catch {
            // Not JSON: the case is about that; the raw values above still count.
        }
    }
    return [...found];
}

/** No credential, nor any 8-character piece of one (JSON.parse's messages quote ten characters of input), appears. */
function assertNoCredential(run: CliRun, credentials: string[], label: string): void {
    const output = run.stdout + run.stderr;
    for (const secret of credentials) {
        for (let i = 0; i + 8 <= secret.length; i++) {
            const piece = secret.slice(i, i + 8);
            assert.ok(!output.includes(piece), `${label}: the output contains "${piece}", part of the credential ${secret.slice(0, 3)}…\n${output}`);
        }
    }
}

function assertExitedByItself(run: CliRun, label: string): void {
    assert.ok(!run.hung, `${label}: the CLI did not exit within ${HANG_MS} ms and was killed`);
    assert.equal(run.signal, null, `${label}: the CLI was ended by ${run.signal}`);
}

function parseJson(run: CliRun, label: string): Record<string, unknown> {
    assert.equal(run.stderr, '', `${label}: --json writes nothing to stderr`);
    try {
        return JSON.parse(run.stdout) as Record<string, unknown>;
    } catch {
        assert.fail(`${label}: stdout is not one JSON object:\n${run.stdout}`);
    }
}

/** `expected` is found in `actual`: objects by key (a subset), arrays item by item (same length), the rest equal. */
function assertSubset(actual: unknown, expected: unknown, at: string): void {
    if (expected === null || typeof expected !== 'object') return assert.deepEqual(actual, expected, at);
    if (Array.isArray(expected)) {
        assert.ok(Array.isArray(actual), `${at}: expected an array, got ${JSON.stringify(actual)}`);
        assert.equal(actual.length, expected.length, `${at}: length`);
        expected.forEach((item, i) => assertSubset(actual[i], item, `${at}[${i}]`));
        return;
    }
    assert.ok(actual !== null && typeof actual === 'object' && !Array.isArray(actual), `${at}: expected an object, got ${JSON.stringify(actual)}`);
    for (const [key, value] of Object.entries(expected)) assertSubset((actual as Record<string, unknown>)[key], value, `${at}.${key}`);
}

function assertError(output: Record<string, unknown>, expected: z.infer<typeof ErrorExpectation>, root: string, label: string): void {
    const error = output['error'] as { type?: unknown; message?: unknown; location?: { file: string; line: number } } | null | undefined;
    assert.ok(error && typeof error === 'object', `${label}: no "error" in the output: ${JSON.stringify(output)}`);
    assert.equal(error.type, expected.type, `${label}: error.type (message: ${String(error.message)})`);
    assert.equal(typeof error.message, 'string', `${label}: error.message`);
    for (const pattern of patternsFor(expected.message, root)) assert.match(error.message as string, pattern, `${label}: error.message`);
    if (expected.location) {
        assert.ok(error.location, `${label}: error.location is missing`);
        assert.equal(path.relative(root, error.location.file), expected.location.file, `${label}: error.location.file`);
        assert.equal(error.location.line, expected.location.line, `${label}: error.location.line`);
    }
}

function copyCase(name: string): string {
    const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), `nango-corpus-${name}-`)));
    const source = path.join(corpus, name);
    cpSync(source, root, { recursive: true, filter: (src) => path.relative(source, src) !== 'case.json' });
    return root;
}

function stateSnapshot(root: string): string | null {
    const file = path.join(root, '.nango-emulator/state.json');
    return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

function assertStateUnchanged(root: string, before: string | null, label: string): void {
    const after = stateSnapshot(root);
    if (before === null) assert.equal(after, null, `${label}: a state file was created`);
    else assert.ok(after === before, `${label}: the state file changed`);
}

/** Logs "run started <ms>" / "run finished <ms>" of one run, as the concurrency case's handler writes them. */
function runInterval(output: Record<string, unknown>, label: string): [number, number] {
    const logs = (output['logs'] as { message: string }[] | undefined) ?? [];
    const at = (what: string): number => {
        const m = logs.map((l) => new RegExp(`^run ${what} (\\d+)$`).exec(l.message)).find(Boolean);
        assert.ok(m, `${label}: no "run ${what} <ms>" log`);
        return Number(m[1]);
    };
    return [at('started'), at('finished')];
}

/** Whether a process is still running (a zombie, dead but not yet reaped, is not). */
function isRunning(pid: number): boolean {
    try {
        process.kill(pid, 0);
    } catch (err) {
        return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
    try {
        // Linux: "<pid> (<name>) <state> …"; Z is a zombie.
        return !/^\d+ \(.*\) Z /s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
        return true;
    }
}

/** Child process ids of `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
    try {
        return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
            readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number)
        );
    } catch {
        return [];
    }
}

/** User + system CPU time of a process in ms (Linux /proc; clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
    try {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
        return (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
        return 0;
    }
}

async function waitFor(condition: () => boolean, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!condition()) {
        if (Date.now() > deadline) return false;
        await new Promise((r) => setTimeout(r, 50));
    }
    return true;
}

/** Runs the case's command, and cancels it as the editor does once the handler runs; its process must end with the CLI. */
async function cancelledRun(c: Case, root: string, args: string[]): Promise<CliRun> {
    const cancel = c.cancel!;
    let child: ChildProcess | undefined;
    const running = runCli(root, args, (p) => (child = p));
    // The handler cannot tell its process id (Nango's runtime has no `process`): find the CLI's busy
    // child (esbuild's service is a child of the CLI too).
    let pid = 0;
    const started = await waitFor(() => {
        pid = (child?.pid ? childrenOf(child.pid) : []).find((p) => cpuMsOf(p) >= cancel.busyCpuMs) ?? 0;
        return pid > 0;
    }, HANG_MS / 2);
    child!.kill(cancel.signal);
    const run = await running;
    assert.ok(started, `the CLI's worker never spent ${cancel.busyCpuMs} ms of CPU (worker pid: ${pid || 'none'})`);
    const ended = await waitFor(() => !isRunning(pid), 5_000);
    if (!ended) process.kill(pid, 'SIGKILL');
    assert.ok(ended, `the handler's process ${pid} was still running 5 s after the CLI was cancelled with ${cancel.signal}`);
    assert.ok(!run.hung, `the CLI did not end after ${cancel.signal}`);
    return run;
}

// ---- One case ----------------------------------------------------------------------------------

async function checkCase(name: string): Promise<void> {
    const c = loadCase(name);
    const root = copyCase(name);
    const roots = [root];
    try {
        const credentials = credentialsOf(root);
        const stateBefore = stateSnapshot(root);
        const args = [...c.args, '--json'];
        if (c.cancel) {
            const run = await cancelledRun(c, root, args);
            assertNoCredential(run, credentials, name);
        }
        const runs = c.cancel ? [] : await Promise.all(Array.from({ length: c.concurrent ?? 1 }, () => runCli(root, args)));
        const outputs = runs.map((run, i) => {
            const label = `${name}${runs.length > 1 ? ` (process ${i + 1})` : ''}`;
            assertExitedByItself(run, label);
            assertNoCredential(run, credentials, label);
            if (c.maxOutputBytes)
                assert.ok(
                    Buffer.byteLength(run.stdout + run.stderr) <= c.maxOutputBytes,
                    `${label}: ${Buffer.byteLength(run.stdout + run.stderr)} bytes of output, over ${c.maxOutputBytes}`
                );
            const output = parseJson(run, label);
            assert.equal(run.code, c.exitCode, `${label}: exit code (output: ${run.stdout.slice(0, 2000)})`);
            assert.equal(output['ok'], c.exitCode === 0, `${label}: "ok"`);
            if (c.error) assertError(output, c.error, root, label);
            else assert.equal(output['error'] ?? null, null, `${label}: unexpected error ${JSON.stringify(output['error'])}`);
            if (c.result) assertSubset(output, c.result, `${label}: result`);
            return output;
        });
        if (c.stateUnchanged) assertStateUnchanged(root, stateBefore, name);

        if (c.concurrent) {
            // Serialized: no two handler runs overlapped, although every process was started before the first run finished.
            const intervals = outputs.map((o, i) => runInterval(o, `${name} (process ${i + 1})`)).sort((a, b) => a[0] - b[0]);
            for (let i = 1; i < intervals.length; i++)
                assert.ok(intervals[i]![0] >= intervals[i - 1]![1], `${name}: runs overlapped: ${JSON.stringify(intervals)}`);
            for (const run of runs)
                assert.ok(run.spawnedAt < intervals[0]![1], `${name}: a process started only after the first run finished, so nothing was concurrent`);
        }

        if (c.text) {
            // The human output, on a fresh copy: same exit code, the expected text, no credential, state likewise.
            const textRoot = copyCase(name);
            roots.push(textRoot);
            const textState = stateSnapshot(textRoot);
            const run = await runCli(textRoot, c.args);
            const label = `${name} (without --json)`;
            assertExitedByItself(run, label);
            assertNoCredential(run, credentials, label);
            assert.equal(run.code, c.exitCode, `${label}: exit code\n${run.stdout}${run.stderr}`);
            for (const pattern of patternsFor(c.text.stdout ?? [], textRoot)) assert.match(run.stdout, pattern, `${label}: stdout`);
            for (const pattern of patternsFor(c.text.stderr ?? [], textRoot)) assert.match(run.stderr, pattern, `${label}: stderr`);
            if (c.stateUnchanged) assertStateUnchanged(textRoot, textState, label);
        }

        for (const step of c.after) {
            const run = await runCli(root, [...step.args, '--json']);
            const label = `${name}, then ${step.args.join(' ')}`;
            assertExitedByItself(run, label);
            assertNoCredential(run, credentials, label);
            assert.equal(run.code, step.exitCode, `${label}: exit code\n${run.stdout}`);
            if (step.error) assertError(parseJson(run, label), step.error, root, label);
        }

        // The emulator keeps working on this folder: `connections` answers (or, with broken fixtures, names the same problem).
        const follow = await runCli(root, ['connections', '--json']);
        const label = `${name}, then connections`;
        assertExitedByItself(follow, label);
        assertNoCredential(follow, credentials, label);
        const listed = parseJson(follow, label);
        if (!c.fixturesValid) {
            assert.equal(follow.code, 2, `${label}: exit code`);
            assert.equal((listed['error'] as { type?: string } | undefined)?.type, c.error?.type, `${label}: the same fixtures error`);
            return;
        }
        assert.equal(follow.code, 0, `${label}: exit code\n${follow.stdout}`);
        const connections = listed['connections'] as { id: string; status: string; metadata: Record<string, unknown> }[];
        assert.ok(Array.isArray(connections), `${label}: no connections list`);
        for (const [id, expected] of Object.entries(c.connections ?? {})) {
            const live = connections.find((x) => x.id === id && x.status !== 'deleted');
            if (expected === null) {
                assert.equal(live, undefined, `${label}: connection "${id}" should not exist`);
                continue;
            }
            assert.ok(live, `${label}: connection "${id}" is missing: ${JSON.stringify(connections)}`);
            const { metadata, ...rest } = expected;
            assertSubset(live, rest, `${label}: ${id}`);
            if (metadata !== undefined) assert.deepEqual(live.metadata, metadata, `${label}: ${id}.metadata`);
        }
    } finally {
        for (const r of roots) rmSync(r, { recursive: true, force: true });
    }
}

// ---- The suite ---------------------------------------------------------------------------------

describe('bad-input corpus (test/corpus)', function () {
    this.timeout(120_000);
    const names = caseNames();
    const results = new Map<string, Promise<void>>();

    before(function () {
        assert.ok(existsSync(cli), `${cli} is missing: run "npm run build" first`);
        for (const name of names) {
            const result = limit(() => checkCase(name));
            result.catch(() => undefined); // awaited (and reported) by the case's own test
            results.set(name, result);
        }
    });

    it('holds every bad input of issue 6, each folder a workspace with a valid case.json', () => {
        assert.deepEqual(
            REQUIRED_CASES.filter((n) => !names.includes(n)),
            [],
            'missing cases'
        );
        for (const name of names) {
            assert.ok(existsSync(path.join(corpus, name, 'index.ts')), `${name}: no index.ts`);
            assert.doesNotThrow(() => loadCase(name), `${name}: case.json`);
        }
    });

    for (const name of names) {
        it(name, () => results.get(name)!);
    }
});
