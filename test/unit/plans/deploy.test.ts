import assert from 'node:assert/strict';
import path from 'node:path';
import { findSecretKey, planDeploy, type DeployEnvironmentProbe } from '../../../src/plans/deploy';

const root = '/w/nango-integrations';

function probe(files: Record<string, string>, env: Record<string, string> = {}): DeployEnvironmentProbe {
    return { exists: (f) => f in files, read: (f) => files[f], env: { PATH: '/usr/bin:/opt/bin', ...env }, platform: 'linux' };
}

const LOCAL_CLI = path.join(root, 'node_modules/.bin/nango');

describe('deploy plan', () => {
    it('runs the project\'s own nango CLI: nango deploy <env> in the nango-integrations folder', () => {
        const plan = planDeploy({ root, environment: 'dev' }, probe({ [LOCAL_CLI]: '', '/opt/bin/nango': '' }, { NANGO_SECRET_KEY_DEV: 'x' }));
        assert.deepEqual(plan, { ok: true, command: LOCAL_CLI, args: ['deploy', 'dev'], cwd: root, label: 'nango deploy dev', secretFrom: 'the NANGO_SECRET_KEY_DEV environment variable', needsConfirmation: false });
    });

    it('falls back to a nango on PATH, and scopes to one integration', () => {
        const plan = planDeploy({ root, environment: 'dev', integration: 'salesforce' }, probe({ '/opt/bin/nango': '' }, { NANGO_SECRET_KEY: 'x' }));
        assert.equal(plan.ok && plan.command, '/opt/bin/nango');
        assert.deepEqual(plan.ok && plan.args, ['deploy', 'dev', '--integration', 'salesforce']);
    });

    it('prod needs confirmation', () => {
        const plan = planDeploy({ root, environment: 'prod' }, probe({ [LOCAL_CLI]: '' }, { NANGO_SECRET_KEY_PROD: 'x' }));
        assert.equal(plan.ok && plan.needsConfirmation, true);
    });

    it('no CLI: says what to install, where', () => {
        const plan = planDeploy({ root, environment: 'dev' }, probe({}, { NANGO_SECRET_KEY_DEV: 'x' }));
        assert.equal(plan.ok, false);
        assert.equal(!plan.ok && plan.reason, 'cli_missing');
        assert.match(!plan.ok ? plan.fix : '', /npm install --save-dev nango" in \/w\/nango-integrations/);
    });

    it('no secret key: names the variable and the .env file to put it in', () => {
        const plan = planDeploy({ root, environment: 'prod' }, probe({ [LOCAL_CLI]: '' }));
        assert.equal(!plan.ok && plan.reason, 'secret_missing');
        assert.match(!plan.ok ? plan.message : '', /NANGO_SECRET_KEY_PROD is not set/);
        assert.match(!plan.ok ? plan.fix : '', /Add NANGO_SECRET_KEY_PROD=<secret key .*> to \/w\/nango-integrations\/\.env/);
    });

    it('finds the secret key in the folder\'s .env, as the nango CLI (dotenv) does', () => {
        assert.equal(findSecretKey(root, 'dev', probe({ [path.join(root, '.env')]: '# keys\nNANGO_SECRET_KEY_DEV="abc"\n' })), `NANGO_SECRET_KEY_DEV in ${path.join(root, '.env')}`);
        assert.equal(findSecretKey(root, 'dev', probe({ [path.join(root, '.env')]: 'NANGO_SECRET_KEY_DEV=\n' })), undefined);
    });

    it('refuses an environment name that is not one', () => {
        assert.equal(planDeploy({ root, environment: 'dev; rm -rf /' }, probe({ [LOCAL_CLI]: '' })).ok, false);
    });
});
