// The `nango` tasks without VS Code (src/tasks/tasks.ts): what a folder offers, what a tasks.json
// entry runs, and the `$nango-compile` problem matchers against nango compile's REAL output.
//
// The fixtures next to this file were printed by the real CLI, nango 0.71.10 (test/nango-cli's
// install), in a copy of examples/nango-integrations whose node_modules is a symlink to
// test/nango-cli/node_modules (as test/nango-cli/compile-parity.test.ts does), with
//   node test/nango-cli/node_modules/nango/dist/index.js compile --no-interactive --no-dependency-update --no-telemetry
// stdout and stderr together, in a clean environment (nangoEnv below: CI=1, no telemetry, NO_COLOR=1):
// - nango-compile-typecheck.txt: after the line `exec: async (nango) => {` of
//   github/on-events/seed-metadata.ts, `await nango.updateConnectionConfig({});` and
//   `const unused: number = "x";` (TS2339, TS2322, TS6133), exit 10;
// - nango-compile-typecheck-color.txt: the same with FORCE_COLOR=1 instead of NO_COLOR=1;
// - nango-compile-disallowed-import.txt: `import fs from 'fs';` as the first line of that file and
//   `await nango.log(String(fs.existsSync("/x")));` in exec, exit 10 (nango prints no line number for
//   line 1: the `$nango-compile-file` matcher). The last test re-runs both when the CLI is installed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { emulatorDeployOutcome } from '../../../src/deploy/outcome';
import { planDeploy, type DeployEnvironmentProbe } from '../../../src/deploy/plan';
import {
    COMPILE_FILE_REGEXP,
    COMPILE_LOCATION_REGEXP,
    COMPILE_MESSAGE_REGEXP,
    ErrorPathRewriter,
    matchProblems,
    PROBLEM_MATCHERS,
    providedTasks,
    resolveDefinition,
    taskRun,
    type TaskProject
} from '../../../src/tasks/tasks';

const repo = path.resolve(__dirname, '../../..');
const fixture = (name: string): string => readFileSync(path.join(__dirname, name), 'utf8');

const folder = '/w';
const root = '/w/nango-integrations';
const project: TaskProject = { root, folder, integrations: ['github', 'salesforce'], defaultEnvironment: 'dev' };
const CLI = '/ext/dist/emulator/cli.js';
const NODE = '/usr/bin/node';
const LOCAL_CLI = path.join(root, 'node_modules/.bin/nango');

function probe(files: Record<string, string>, env: Record<string, string> = {}): DeployEnvironmentProbe {
    return { exists: (f) => f in files, read: (f) => files[f], env: { PATH: '/usr/bin', ...env }, platform: 'linux' };
}

const TYPECHECK_PROBLEMS = [
    {
        line: 27,
        column: 21,
        message:
            "Property 'updateConnectionConfig' does not exist on type 'NangoActionBase<ZodObject<{ login: ZodString; accountId: ZodNumber; defaultOrg: ZodNullable<ZodString>; }, $strip>, undefined, { ...; }, never>'."
    },
    { line: 28, column: 15, message: "Type 'string' is not assignable to type 'number'." },
    { line: 28, column: 15, message: "'unused' is declared but its value is never read." }
];

describe('nango tasks', () => {
    describe('the tasks a folder offers', () => {
        it('compile, then deploy to the default environment, dev and prod, once each', () => {
            const tasks = providedTasks([{ ...project, defaultEnvironment: 'staging' }]);
            assert.deepEqual(
                tasks.map((t) => [t.name, t.definition]),
                [
                    ['compile', { type: 'nango', command: 'compile', project: 'nango-integrations' }],
                    ['deploy staging', { type: 'nango', command: 'deploy', environment: 'staging', project: 'nango-integrations' }],
                    ['deploy dev', { type: 'nango', command: 'deploy', environment: 'dev', project: 'nango-integrations' }],
                    ['deploy prod', { type: 'nango', command: 'deploy', environment: 'prod', project: 'nango-integrations' }]
                ]
            );
            assert.deepEqual(
                providedTasks([project]).map((t) => t.name),
                ['compile', 'deploy dev', 'deploy prod']
            );
            assert.equal(tasks[0]!.build, true);
            assert.match(tasks.find((t) => t.name === 'deploy prod')!.detail, /asks for confirmation/);
        });

        it('a folder with two projects names each one; a project that is the folder itself is "."', () => {
            const second = { ...project, root: '/w/other/nango-integrations' };
            assert.deepEqual(
                providedTasks([project, second])
                    .filter((t) => t.definition.command === 'compile')
                    .map((t) => t.name),
                ['compile (nango-integrations)', 'compile (other/nango-integrations)']
            );
            assert.equal(providedTasks([{ ...project, root: folder }])[0]!.definition.project, '.');
        });

        it('each provided task resolves back to itself (tasks.json gets what "Configure Task" writes)', () => {
            for (const t of providedTasks([project])) {
                const resolved = resolveDefinition(t.definition as unknown as Record<string, unknown>, folder, [project]);
                assert.ok(resolved.ok, JSON.stringify(resolved));
                assert.deepEqual(resolved.definition, t.definition);
                assert.equal(resolved.project, project);
            }
        });
    });

    describe('tasks.json entries', () => {
        const resolve = (raw: Record<string, unknown>, projects: TaskProject[] = [project]) => resolveDefinition({ type: 'nango', ...raw }, folder, projects);

        it('compile, and deploy with an environment and an integration', () => {
            assert.deepEqual(resolve({ command: 'compile' }), { ok: true, definition: { type: 'nango', command: 'compile' }, project, name: 'compile' });
            const deploy = resolve({ command: 'deploy', environment: 'prod', integration: 'github' });
            assert.ok(deploy.ok);
            assert.deepEqual(deploy.definition, { type: 'nango', command: 'deploy', environment: 'prod', integration: 'github' });
            assert.equal(deploy.name, 'deploy prod (github)');
        });

        it('deploy without an environment uses nango.defaultEnvironment', () => {
            const r = resolve({ command: 'deploy' }, [{ ...project, defaultEnvironment: 'staging' }]);
            assert.equal(r.ok && r.definition.environment, 'staging');
        });

        it('a bad entry fails with what to write instead', () => {
            const message = (raw: Record<string, unknown>, projects?: TaskProject[]): string => {
                const r = resolve(raw, projects);
                assert.equal(r.ok, false, JSON.stringify(raw));
                return r.ok ? '' : r.message;
            };
            assert.equal(message({ command: 'build' }), 'tasks.json "type": "nango": "command" must be "compile" or "deploy", not "build".');
            assert.match(message({}), /"command" must be "compile" or "deploy", not undefined/);
            assert.match(
                message({ command: 'deploy', environment: 'my env' }),
                /"environment": "my env" is not an environment name; use the name of a Nango environment, e\.g\. "dev" or "prod"/
            );
            assert.match(
                message({ command: 'deploy', integration: 'hubspot' }),
                /"integration": "hubspot" is not an integration of \/w\/nango-integrations \("github", "salesforce"\)/
            );
            assert.match(message({ command: 'compile', environment: 'dev' }), /nango compile takes no "environment"/);
            assert.match(message({ command: 'deploy', environment: 3 }), /"environment" must be a string, not 3/);
            assert.match(
                message({ command: 'compile', project: 'elsewhere' }),
                /"project": "elsewhere" is not a nango-integrations folder of \/w \(there: "nango-integrations"\)/
            );
            assert.match(message({ command: 'compile' }, []), /\/w has no nango-integrations folder/);
            assert.match(
                message({ command: 'compile' }, [project, { ...project, root: '/w/b' }]),
                /several nango-integrations folders: say which with "project" \("nango-integrations", "b"\)/
            );
        });

        it('"project" picks one of several', () => {
            const b = { ...project, root: '/w/b' };
            const r = resolve({ command: 'compile', project: 'b' }, [project, b]);
            assert.equal(r.ok && r.project, b);
        });
    });

    describe('what a task runs', () => {
        const context = { functions: { syncs: 0, actions: 0, onEvents: 2 }, emulatorCli: CLI, node: NODE };

        it("compile: the project's own nango CLI (findNangoCli), in the project", () => {
            const run = taskRun({ type: 'nango', command: 'compile' }, project, context, probe({ [LOCAL_CLI]: '', '/usr/bin/nango': '' }));
            assert.ok(run.ok);
            assert.deepEqual([run.command, run.args, run.cwd, run.confirmation], [LOCAL_CLI, ['compile'], root, undefined]);
            const onPath = taskRun({ type: 'nango', command: 'compile' }, project, context, probe({ '/usr/bin/nango': '' }));
            assert.equal(onPath.ok && onPath.command, '/usr/bin/nango');
            const missing = taskRun({ type: 'nango', command: 'compile' }, project, context, probe({}));
            assert.deepEqual(missing, {
                ok: false,
                message: 'The nango CLI is not installed in /w/nango-integrations nor on PATH.',
                fix: 'Run "npm install --save-dev nango" in /w/nango-integrations (or "npm install -g nango").'
            });
        });

        it("deploy: the Deploy command's plan (planDeploy), with the Problems panel check left to the tool", () => {
            const files = { [LOCAL_CLI]: '' };
            const env = { NANGO_SECRET_KEY_DEV: 'x', NANGO_SECRET_KEY_PROD: 'y' };
            const withSyncs = { ...context, functions: { syncs: 1, actions: 0, onEvents: 1 } };
            const run = taskRun({ type: 'nango', command: 'deploy', environment: 'dev', integration: 'github' }, project, withSyncs, probe(files, env));
            const plan = planDeploy(
                { root, environment: 'dev', integration: 'github', functions: withSyncs.functions, emulatorCli: CLI, node: NODE, ignoreErrors: true },
                probe(files, env)
            );
            assert.ok(run.ok && plan.ok);
            assert.deepEqual(
                [run.command, run.args, run.cwd, run.env, run.label, run.confirmation, run.emulatorJson],
                [plan.command, plan.args, plan.cwd, plan.env, plan.label, plan.confirmation, false]
            );
            assert.deepEqual(run.args, ['deploy', 'dev', '--integration', 'github']);

            const prod = taskRun({ type: 'nango', command: 'deploy', environment: 'prod' }, project, withSyncs, probe(files, env));
            assert.equal(prod.ok && prod.confirmation?.message, 'Deploy all integrations to PRODUCTION?');

            const emulator = taskRun({ type: 'nango', command: 'deploy', environment: 'dev', integration: 'github' }, project, context, probe({}, env));
            assert.ok(emulator.ok);
            assert.deepEqual([emulator.command, emulator.args, emulator.emulatorJson], [NODE, [CLI, 'deploy', 'dev', '--root', root, '--json', '--yes'], true]);
            assert.match(emulator.header.join('\n'), /"integration": "github" does not apply: the emulator CLI deploys every event function/);
            assert.ok(emulator.confirmation, 'the plan asks before every emulator deploy');
        });

        it("deploy: the plan's failures, with their fix", () => {
            const noKey = taskRun({ type: 'nango', command: 'deploy', environment: 'dev' }, project, context, probe({}));
            assert.equal(noKey.ok, false);
            assert.match(
                !noKey.ok ? `${noKey.message} ${noKey.fix}` : '',
                /No secret key for the "dev" environment: NANGO_SECRET_KEY_DEV is not set\. Add NANGO_SECRET_KEY_DEV=/
            );
        });
    });

    describe('the $nango-compile problem matchers', () => {
        const manifest = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as {
            contributes: {
                problemMatchers: {
                    name: string;
                    owner: string;
                    fileLocation: string[];
                    pattern: { regexp: string; kind?: string; file?: number; line?: number; column?: number; message?: number }[];
                }[];
                taskDefinitions: { type: string; properties: Record<string, unknown> }[];
            };
        };

        it("package.json's matchers are the regexes tested here", () => {
            const byName = new Map(manifest.contributes.problemMatchers.map((m) => [m.name, m]));
            assert.deepEqual(
                PROBLEM_MATCHERS.map((n) => n.slice(1)),
                [...byName.keys()]
            );
            const location = byName.get('nango-compile')!;
            assert.deepEqual(location.pattern, [
                { regexp: COMPILE_LOCATION_REGEXP, file: 1, line: 2, column: 3 },
                { regexp: COMPILE_MESSAGE_REGEXP, message: 1 }
            ]);
            const file = byName.get('nango-compile-file')!;
            assert.deepEqual(file.pattern, [
                { regexp: COMPILE_FILE_REGEXP, kind: 'file', file: 1 },
                { regexp: COMPILE_MESSAGE_REGEXP, message: 1 }
            ]);
            for (const m of [location, file]) {
                assert.deepEqual(m.fileLocation, ['autoDetect', '${workspaceFolder}']);
                // Not "nango": that owner is the extension's own diagnostics (src/diagnostics.ts), which a task's problems would replace.
                assert.equal(m.owner, 'nango-compile');
            }
            const definition = manifest.contributes.taskDefinitions.find((d) => d.type === 'nango')!;
            assert.deepEqual(Object.keys(definition.properties), ['command', 'environment', 'integration', 'project']);
        });

        it("nango compile's type errors (real output): file, line, column and message of each", () => {
            const problems = matchProblems(fixture('nango-compile-typecheck.txt'));
            assert.deepEqual(
                problems,
                TYPECHECK_PROBLEMS.map((p) => ({ file: 'github/on-events/seed-metadata.ts', ...p, severity: 'error' }))
            );
        });

        it('the same in colour (FORCE_COLOR=1; VS Code matches the rendered text)', () => {
            assert.deepEqual(matchProblems(fixture('nango-compile-typecheck-color.txt')), matchProblems(fixture('nango-compile-typecheck.txt')));
        });

        it('an error nango prints without a line (a disallowed import on line 1): a problem on the file', () => {
            assert.deepEqual(matchProblems(fixture('nango-compile-disallowed-import.txt')), [
                {
                    file: './github/on-events/seed-metadata.ts',
                    message:
                        "Import of package 'fs' is not allowed. Allowed packages are: nango/experimental, url, node:url, crypto, node:crypto, nango, zod, unzipper, soap, botbuilder",
                    severity: 'error'
                }
            ]);
        });

        it('nothing else in the output matches (spinner lines, "Found 3 errors")', () => {
            for (const name of ['nango-compile-typecheck.txt', 'nango-compile-disallowed-import.txt']) {
                const text = fixture(name);
                assert.equal(matchProblems(text).length, text.split('\n').filter((l) => l.startsWith('err - ')).length);
            }
            assert.deepEqual(matchProblems('✓ Typechecking\n  Building 5 file(s) - ./github/on-events/seed-metadata.js\nFound 3 errors\n'), []);
        });
    });

    describe("the task terminal's absolute paths", () => {
        const realRoot = path.join(repo, 'examples/nango-integrations');

        it('rewrites each err - line to the absolute path, whatever the chunks; the problems point at real files', () => {
            for (const name of ['nango-compile-typecheck.txt', 'nango-compile-typecheck-color.txt', 'nango-compile-disallowed-import.txt']) {
                const text = fixture(name);
                for (const size of [1, 7, 64, text.length]) {
                    const rewriter = new ErrorPathRewriter(realRoot);
                    let shown = '';
                    for (let i = 0; i < text.length; i += size) shown += rewriter.push(text.slice(i, i + size));
                    shown += rewriter.end();
                    const problems = matchProblems(shown);
                    assert.deepEqual(
                        problems.map((p) => ({ ...p, file: path.relative(realRoot, p.file) })),
                        matchProblems(text).map((p) => ({ ...p, file: path.normalize(p.file) })),
                        `${name} in chunks of ${size}`
                    );
                    for (const p of problems) assert.ok(path.isAbsolute(p.file) && existsSync(p.file), p.file);
                    // Everything else is shown as printed.
                    assert.equal(
                        shown
                            .split('\n')
                            .filter((l) => !l.includes('err'))
                            .join('\n'),
                        text
                            .split('\n')
                            .filter((l) => !l.includes('err'))
                            .join('\n')
                    );
                }
            }
        });

        it('passes a partial line (a prompt) through at once, unless it may become an err - line', () => {
            const rewriter = new ErrorPathRewriter(root);
            assert.equal(rewriter.push('? Are you sure (y/N) '), '? Are you sure (y/N) ');
            assert.equal(rewriter.push('y\nerr'), 'y\n');
            assert.equal(rewriter.push(' - a.ts:3:4 \r\n'), `err - ${root}/a.ts:3:4 \r\n`);
            assert.equal(rewriter.push(`err - ${root}/b.ts:1:1\n`), `err - ${root}/b.ts:1:1\n`);
        });

        it("the emulator CLI's deploy: nango compile's errors in its JSON answer become problems too", () => {
            const tail = fixture('nango-compile-typecheck.txt').trim().split('\n').slice(-30).join('\n');
            const stdout = JSON.stringify({
                ok: false,
                error: {
                    type: 'handler_compile_failed',
                    message: `"nango compile" failed in ${realRoot} (exit 10); fix the errors below and deploy again:\n${tail}`
                }
            });
            const shown = emulatorDeployOutcome(2, stdout, '', 'dev')
                .lines.map((l) => new ErrorPathRewriter(realRoot).push(`${l}\n`))
                .join('');
            assert.deepEqual(
                matchProblems(shown).map((p) => [path.relative(realRoot, p.file), p.line, p.column]),
                TYPECHECK_PROBLEMS.map((p) => ['github/on-events/seed-metadata.ts', p.line, p.column])
            );
        });
    });

    describe('the fixtures are what nango compile prints', function () {
        this.timeout(120_000);
        const nangoBin = path.join(repo, 'test/nango-cli/node_modules/nango/dist/index.js');
        const HANDLER = 'github/on-events/seed-metadata.ts';
        const EXEC = 'exec: async (nango) => {';
        let dir: string;
        let original: string;

        before(function () {
            if (!existsSync(nangoBin)) {
                console.warn(`    skipped: ${nangoBin} is not installed (npm run test:nango-cli installs it)`);
                this.skip();
            }
            dir = mkdtempSync(path.join(os.tmpdir(), 'nango-tasks-fixture-'));
            cpSync(path.join(repo, 'examples/nango-integrations'), dir, {
                recursive: true,
                filter: (src) => !/node_modules|[\\/]build([\\/]|$)|\.nango-emulator/.test(path.relative(path.join(repo, 'examples/nango-integrations'), src))
            });
            symlinkSync(path.join(repo, 'test/nango-cli/node_modules'), path.join(dir, 'node_modules'), 'dir');
            original = readFileSync(path.join(dir, HANDLER), 'utf8');
        });
        after(() => dir && rmSync(dir, { recursive: true, force: true }));

        const compile = (color: boolean): { status: number | null; output: string } => {
            const home = path.join(dir, '.home');
            mkdirSync(home, { recursive: true });
            const env = {
                PATH: process.env['PATH'] ?? '',
                HOME: home,
                TMPDIR: os.tmpdir(),
                CI: '1',
                NANGO_CLI_UPGRADE_MODE: 'ignore',
                NANGO_CLI_TELEMETRY: 'false',
                NANGO_CLI_DEPENDENCY_UPDATE: 'false',
                ...(color ? { FORCE_COLOR: '1' } : { NO_COLOR: '1', FORCE_COLOR: '0' })
            };
            const r = spawnSync(process.execPath, [nangoBin, 'compile', '--no-interactive', '--no-dependency-update', '--no-telemetry'], {
                cwd: dir,
                env,
                encoding: 'utf8',
                stdio: ['ignore', 'pipe', 'pipe']
            });
            return { status: r.status, output: `${r.stdout}${r.stderr}` };
        };

        it('type errors', () => {
            writeFileSync(
                path.join(dir, HANDLER),
                original.replace(EXEC, `${EXEC}\n        await nango.updateConnectionConfig({});\n        const unused: number = "x";`)
            );
            const r = compile(false);
            assert.equal(r.status, 10, r.output);
            assert.deepEqual(matchProblems(r.output), matchProblems(fixture('nango-compile-typecheck.txt')));
            assert.deepEqual(matchProblems(compile(true).output), matchProblems(fixture('nango-compile-typecheck.txt')));
        });

        it('a disallowed import', () => {
            writeFileSync(
                path.join(dir, HANDLER),
                `import fs from 'fs';\n${original.replace(EXEC, `${EXEC}\n        await nango.log(String(fs.existsSync("/x")));`)}`
            );
            const r = compile(false);
            assert.equal(r.status, 10, r.output);
            assert.deepEqual(matchProblems(r.output), matchProblems(fixture('nango-compile-disallowed-import.txt')));
        });
    });
});
