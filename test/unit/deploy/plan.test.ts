import assert from 'node:assert/strict';
import path from 'node:path';
import { emulatorDeployOutcome, lastErrorLine, nangoDeployOutcome } from '../../../src/deploy/outcome';
import {
    chooseDeployTool,
    findSecretKey,
    NANGO_CLI_LIMITATION,
    planDeploy,
    preflightDeploy,
    projectErrors,
    type DeployEnvironmentProbe,
    type DeployRequest
} from '../../../src/deploy/plan';
import { countFunctions, functionKind } from '../../../src/workspace/function-kinds';

const root = '/w/nango-integrations';
const CLI = '/ext/dist/emulator/cli.js';
const NODE = '/usr/bin/node';

function probe(files: Record<string, string>, env: Record<string, string> = {}): DeployEnvironmentProbe {
    return { exists: (f) => f in files, read: (f) => files[f], env: { PATH: '/usr/bin:/opt/bin', ...env }, platform: 'linux' };
}

const LOCAL_CLI = path.join(root, 'node_modules/.bin/nango');
const WITH_SYNCS = { syncs: 1, actions: 0, onEvents: 2 };
const EVENTS_ONLY = { syncs: 0, actions: 0, onEvents: 5 };

function request(over: Partial<DeployRequest> = {}): DeployRequest {
    return { root, environment: 'dev', functions: WITH_SYNCS, emulatorCli: CLI, node: NODE, ...over };
}

const error = (file: string, line = 3, message = "Cannot find name 'x'.") => ({ file: path.join(root, file), line, message, severity: 'error' as const });

describe('deploy plan', () => {
    describe('the real nango CLI, when index.ts imports syncs or actions', () => {
        it("runs the project's own nango CLI: nango deploy <env> in the nango-integrations folder", () => {
            const plan = planDeploy(request(), probe({ [LOCAL_CLI]: '', '/opt/bin/nango': '' }, { NANGO_SECRET_KEY_DEV: 'x' }));
            assert.ok(plan.ok);
            assert.equal(plan.tool, 'nango');
            assert.equal(plan.command, LOCAL_CLI);
            assert.deepEqual(plan.args, ['deploy', 'dev']);
            assert.equal(plan.cwd, root);
            assert.equal(plan.label, 'nango deploy dev');
            assert.equal(plan.secretFrom, 'the NANGO_SECRET_KEY_DEV environment variable');
            assert.equal(plan.confirmation, undefined);
            assert.equal(plan.scoped, true);
            assert.equal(plan.env['FORCE_COLOR'], '1');
            assert.match(plan.detail, /imports 1 sync: running the project's nango CLI/);
        });

        it('falls back to a nango on PATH, and keeps --integration', () => {
            const plan = planDeploy(
                request({ integration: 'salesforce', functions: { syncs: 0, actions: 2, onEvents: 0 } }),
                probe({ '/opt/bin/nango': '' }, { NANGO_SECRET_KEY: 'x' })
            );
            assert.equal(plan.ok && plan.command, '/opt/bin/nango');
            assert.deepEqual(plan.ok && plan.args, ['deploy', 'dev', '--integration', 'salesforce']);
            assert.equal(plan.ok && plan.label, 'nango deploy dev (salesforce)');
        });

        it('prod asks first', () => {
            const plan = planDeploy(request({ environment: 'prod' }), probe({ [LOCAL_CLI]: '' }, { NANGO_SECRET_KEY_PROD: 'x' }));
            assert.deepEqual(plan.ok && plan.confirmation && [plan.confirmation.message, plan.confirmation.button], [
                'Deploy all integrations to PRODUCTION?',
                'Deploy to prod'
            ]);
        });

        it('no CLI: says what to install, where', () => {
            const plan = planDeploy(request(), probe({}, { NANGO_SECRET_KEY_DEV: 'x' }));
            assert.equal(!plan.ok && plan.reason, 'cli_missing');
            assert.match(!plan.ok ? plan.fix : '', /npm install --save-dev nango" in \/w\/nango-integrations/);
        });
    });

    describe('the emulator CLI, when index.ts imports event functions only', () => {
        it('runs the bundled nango-emulator deploy <env> --json with the extension host node, and says why', () => {
            const plan = planDeploy(request({ functions: EVENTS_ONLY }), probe({ [LOCAL_CLI]: '' }, { NANGO_SECRET_KEY_DEV: 'x' }));
            assert.ok(plan.ok);
            assert.equal(plan.tool, 'emulator');
            assert.equal(plan.command, NODE);
            assert.deepEqual(plan.args, [CLI, 'deploy', 'dev', '--root', root, '--json', '--yes']);
            assert.equal(plan.env['ELECTRON_RUN_AS_NODE'], '1');
            assert.equal(plan.label, 'nango-emulator deploy dev');
            assert.equal(
                plan.detail,
                "nango deploy 0.71.10 refuses projects without syncs or actions; deploying the event functions through Nango's deploy API"
            );
            assert.equal(plan.scoped, false);
            assert.equal(plan.confirmation?.message, 'Deploy 5 event functions to dev?');
            assert.ok(plan.confirmation?.detail.startsWith(NANGO_CLI_LIMITATION));
        });

        it('does not need the nango CLI, and ignores a scope', () => {
            const plan = planDeploy(request({ functions: EVENTS_ONLY, integration: 'github' }), probe({}, { NANGO_SECRET_KEY_DEV: 'x' }));
            assert.equal(plan.ok && plan.tool, 'emulator');
            assert.ok(plan.ok && !plan.args.includes('--integration'));
        });

        it('prod asks with the production wording', () => {
            const plan = planDeploy(request({ environment: 'prod', functions: EVENTS_ONLY }), probe({}, { NANGO_SECRET_KEY_PROD: 'x' }));
            assert.deepEqual(plan.ok && plan.confirmation && [plan.confirmation.message, plan.confirmation.button], [
                'Deploy 5 event functions to PRODUCTION?',
                'Deploy to prod'
            ]);
        });

        it('the choice: any sync or action means the real CLI', () => {
            assert.equal(chooseDeployTool(EVENTS_ONLY), 'emulator');
            assert.equal(chooseDeployTool({ syncs: 0, actions: 1, onEvents: 5 }), 'nango');
            assert.equal(chooseDeployTool({ syncs: 3, actions: 0, onEvents: 0 }), 'nango');
        });
    });

    describe('the checks, in order', () => {
        it('the secret key comes first: before the CLI, the functions and the Problems panel', () => {
            const r = preflightDeploy(
                request({ environment: 'prod', functions: { syncs: 0, actions: 0, onEvents: 0 }, diagnostics: [error('a/on-events/x.ts')] }),
                probe({})
            );
            assert.equal(!r.ok && r.reason, 'secret_missing');
            assert.match(!r.ok ? r.message : '', /NANGO_SECRET_KEY_PROD is not set/);
            assert.match(!r.ok ? r.fix : '', /Add NANGO_SECRET_KEY_PROD=<secret key .*> to \/w\/nango-integrations\/\.env/);
        });

        it('then something to deploy', () => {
            const r = preflightDeploy(request({ functions: { syncs: 0, actions: 0, onEvents: 0 } }), probe({}, { NANGO_SECRET_KEY_DEV: 'x' }));
            assert.equal(!r.ok && r.reason, 'nothing_to_deploy');
            assert.match(!r.ok ? r.message : '', /index\.ts imports no function/);
        });

        it('then the CLI (only when it is the tool), then the Problems panel', () => {
            const diagnostics = [error('a/on-events/x.ts')];
            const noCli = preflightDeploy(request({ diagnostics }), probe({}, { NANGO_SECRET_KEY_DEV: 'x' }));
            assert.equal(!noCli.ok && noCli.reason, 'cli_missing');
            const r = preflightDeploy(request({ diagnostics, functions: EVENTS_ONLY }), probe({}, { NANGO_SECRET_KEY_DEV: 'x' }));
            assert.equal(!r.ok && r.reason, 'project_errors');
        });

        it('errors in the Problems panel block, name the first one, and "Deploy anyway" passes', () => {
            const diagnostics = [
                error('github/on-events/b.ts', 9),
                error('github/on-events/a.ts', 4, "Property 'foo' does not exist."),
                error('github/on-events/a.ts', 2, 'first'),
                error('index.ts', 1)
            ];
            const r = preflightDeploy(request({ diagnostics }), probe({ [LOCAL_CLI]: '' }, { NANGO_SECRET_KEY_DEV: 'x' }));
            assert.equal(!r.ok && r.reason, 'project_errors');
            assert.equal(!r.ok && r.canOverride, true);
            assert.equal(
                !r.ok && r.message,
                `The Problems panel has 4 errors in 3 files of this project, e.g. ${path.join('github', 'on-events', 'a.ts')}:2: first`
            );
            assert.match(!r.ok ? r.fix : '', /Fix them first/);
            assert.equal(planDeploy(request({ diagnostics, ignoreErrors: true }), probe({ [LOCAL_CLI]: '' }, { NANGO_SECRET_KEY_DEV: 'x' })).ok, true);
        });

        it("only errors count, and only in the project's files", () => {
            const diagnostics = [
                { ...error('a/on-events/x.ts'), severity: 'warning' as const },
                { file: '/w/other/thing.ts', line: 1, message: 'elsewhere', severity: 'error' as const },
                { file: '/w/nango-integrations-old/index.ts', line: 1, message: 'sibling folder', severity: 'error' as const }
            ];
            assert.deepEqual(projectErrors(root, diagnostics), []);
            assert.equal(planDeploy(request({ diagnostics, functions: EVENTS_ONLY }), probe({}, { NANGO_SECRET_KEY_DEV: 'x' })).ok, true);
        });

        it("finds the secret key in the folder's .env, as the nango CLI (dotenv) does", () => {
            assert.equal(
                findSecretKey(root, 'dev', probe({ [path.join(root, '.env')]: '# keys\nNANGO_SECRET_KEY_DEV="abc"\n' })),
                `NANGO_SECRET_KEY_DEV in ${path.join(root, '.env')}`
            );
            assert.equal(findSecretKey(root, 'dev', probe({ [path.join(root, '.env')]: 'NANGO_SECRET_KEY_DEV=\n' })), undefined);
        });

        it('refuses an environment name that is not one, before anything else', () => {
            const r = planDeploy(request({ environment: 'dev; rm -rf /' }), probe({ [LOCAL_CLI]: '' }));
            assert.equal(!r.ok && r.reason, 'bad_environment');
        });
    });
});

describe('what index.ts imports, for the choice of tool', () => {
    it('a file is what its create… call says; without its text, what its folder says', () => {
        assert.equal(functionKind(root, path.join(root, 'a/syncs/contacts.ts'), 'export default createSync({ exec: async () => {} });'), 'sync');
        assert.equal(functionKind(root, path.join(root, 'a/lib/x.ts'), 'export default createAction<{ a: 1 }>({});'), 'action');
        assert.equal(
            functionKind(root, path.join(root, 'a/on-events/x.ts'), "import { createOnEvent } from 'nango';\nexport default createOnEvent({});"),
            'on-event'
        );
        assert.equal(functionKind(root, path.join(root, 'a/syncs/helpers.ts'), 'export const x = 1;'), undefined);
        assert.equal(functionKind(root, path.join(root, 'a/actions/y.ts'), undefined), 'action');
        assert.equal(functionKind(root, path.join(root, 'helpers.ts'), undefined), undefined);
    });

    it('counts each imported file once', () => {
        const on = (n: string) => ({ file: path.join(root, `a/on-events/${n}.ts`), text: 'createOnEvent({})' });
        assert.deepEqual(countFunctions(root, [on('x'), on('y'), on('x'), { file: path.join(root, 'a/syncs/s.ts'), text: 'createSync({})' }]), {
            syncs: 1,
            actions: 0,
            onEvents: 2
        });
    });
});

describe("deploy outcome: the tool's own error line for the notification", () => {
    it('nango 0.71.10 on event functions alone: its red line, not the ✗ step', () => {
        const out = '✓ Compiled\n✗ Packaging\n\u001b[31mNo syncs or actions to deploy\u001b[39m\n';
        assert.equal(lastErrorLine(out), 'No syncs or actions to deploy');
        assert.deepEqual(nangoDeployOutcome(11, out), { ok: false, summary: 'No syncs or actions to deploy', lines: [] });
    });

    it('skips red "- removed" plan rows and spinner frames; falls back to ✖ then the last line', () => {
        assert.equal(lastErrorLine('\u001b[31m-\u001b[39m github → old\n⠋ Deploying\r✖ Deploying 2 functions\n'), '✖ Deploying 2 functions');
        assert.equal(lastErrorLine('one\ntwo\n\n'), 'two');
        assert.equal(lastErrorLine(''), undefined);
        assert.deepEqual(nangoDeployOutcome(0, 'whatever'), { ok: true, summary: 'deployed', lines: [] });
    });

    it('emulator CLI --json: the deployed event functions, or its error message', () => {
        const deployed = [
            { providerConfigKey: 'github', name: 'seed-metadata', version: '0.0.1', event: 'post-connection-creation' },
            { providerConfigKey: 'salesforce', name: 'x', event: 'validate-connection' }
        ];
        const ok = emulatorDeployOutcome(
            0,
            JSON.stringify({ ok: true, environment: 'dev', hostport: 'http://127.0.0.1:3003', deployed, plan: { added: [] } }, null, 2),
            '',
            'dev'
        );
        assert.equal(ok.ok, true);
        assert.equal(ok.summary, 'deployed 2 event functions to dev');
        assert.deepEqual(ok.lines, [
            '✓ Deployed 2 event functions to dev (http://127.0.0.1:3003)',
            '  + github → seed-metadata@v0.0.1 (post-connection-creation)',
            '  + salesforce → x (validate-connection)'
        ]);
        const failed = emulatorDeployOutcome(
            1,
            JSON.stringify({ ok: false, error: { type: 'unauthorized', message: 'Nango refused the secret key (401)' } }),
            '',
            'dev'
        );
        assert.deepEqual([failed.ok, failed.summary], [false, 'Nango refused the secret key (401) (unauthorized)']);
        const crashed = emulatorDeployOutcome(2, '', "error: unknown command 'deploy'\n", 'dev');
        assert.deepEqual([crashed.ok, crashed.summary], [false, "error: unknown command 'deploy'"]);
    });
});
