// POST /sync/deploy/confirmation and /sync/deploy on the emulator server: Nango's validation and
// answers (server/lib/controllers/sync/deploy/*.ts, shared/lib/services/sync/config/deploy.service.ts),
// and GET /_emulator/deployments.
import assert from 'node:assert/strict';
import { copyExample, startTestServer, type TestServer } from './helpers';

const fileBody = { js: 'module.exports = {}', ts: 'export default {}' };
const scripts = [{ providerConfigKey: 'github', scripts: [{ name: 'seed-metadata', fileBody, event: 'post-connection-creation' }] }];
const action = {
    syncName: 'create-issue',
    providerConfigKey: 'github',
    type: 'action',
    models: [],
    runs: null,
    fileBody,
    endpoints: [{ method: 'POST', path: '/issues' }],
    track_deletes: false
};
const body = (extra: Record<string, unknown> = {}) => ({
    flowConfigs: [],
    onEventScriptsByProvider: scripts,
    deployMode: 'all',
    reconcile: false,
    debug: false,
    nangoYamlBody: '',
    sdkVersion: '0.71.10-zero',
    ...extra
});

describe('server: deploy routes', () => {
    let server: TestServer;
    beforeEach(async () => (server = await startTestServer(copyExample())));
    afterEach(async () => server.stop());

    it('answers a bad body with the errors of postDeploy.integration.test.ts "should validate body"', async () => {
        const res = await server.call('POST', '/sync/deploy', { body: { debug: 'er' } });
        assert.equal(res.status, 400);
        assert.deepEqual(res.json, {
            error: {
                code: 'invalid_body',
                errors: [
                    { code: 'invalid_type', message: 'Invalid input: expected array, received undefined', path: ['flowConfigs'] },
                    { code: 'invalid_type', message: 'Invalid input: expected boolean, received undefined', path: ['reconcile'] },
                    { code: 'invalid_type', message: 'Invalid input: expected boolean, received string', path: ['debug'] },
                    { code: 'invalid_type', message: 'Invalid input: expected string, received undefined', path: ['nangoYamlBody'] }
                ]
            }
        });
        assert.equal(server.context.deployments.length, 0);
    });

    it('requires the bearer key, refuses unknown keys and query parameters', async () => {
        assert.equal((await server.call('POST', '/sync/deploy', { body: body(), auth: false })).status, 401);
        const extra = await server.call('POST', '/sync/deploy', { body: body({ nope: 1 }) });
        assert.equal(extra.status, 400);
        assert.equal((extra.json as { error: { errors: { code: string }[] } }).error.errors[0]!.code, 'unrecognized_keys');
        assert.equal((await server.call('POST', '/sync/deploy/confirmation?x=1', { body: body() })).status, 400);
    });

    it('"should accept empty body": 200 []', async () => {
        const res = await server.call('POST', '/sync/deploy', {
            body: body({ onEventScriptsByProvider: [], jsonSchema: { $comment: '', $schema: 'http://json-schema.org/draft-07/schema#', definitions: {} } })
        });
        assert.equal(res.status, 200);
        assert.deepEqual(res.json, []);
    });

    it('event functions alone: the confirmation lists them as new, the deploy answers [] and stores none (deploy.service.ts)', async () => {
        const confirmation = await server.call('POST', '/sync/deploy/confirmation', { body: { ...body(), nangoYamlBody: undefined } });
        assert.equal(confirmation.status, 200);
        assert.deepEqual((confirmation.json as { newOnEventScripts: unknown[] }).newOnEventScripts, [
            { providerConfigKey: 'github', name: 'seed-metadata', event: 'post-connection-creation' }
        ]);
        const res = await server.call('POST', '/sync/deploy', { body: body() });
        assert.deepEqual(res.json, []);
        const list = (await server.call('GET', '/_emulator/deployments')).json as {
            deployments: { environment: string; onEventScripts: unknown[]; onEventScriptsApplied: boolean }[];
        };
        assert.equal(list.deployments.length, 1);
        assert.equal(list.deployments[0]!.environment, 'dev');
        assert.deepEqual(list.deployments[0]!.onEventScripts, [{ providerConfigKey: 'github', name: 'seed-metadata', event: 'post-connection-creation' }]);
        assert.equal(list.deployments[0]!.onEventScriptsApplied, false);
    });

    it('with an action: stores both, answers SyncDeploymentResult[], bumps versions, keeps flows without reconcile', async () => {
        const first = await server.call('POST', '/sync/deploy', { body: body({ flowConfigs: [action] }) });
        assert.deepEqual(first.json, [
            { name: 'create-issue', models: [], version: '0.0.1', providerConfigKey: 'github', type: 'action' },
            { name: 'seed-metadata', version: '0.0.1', providerConfigKey: 'github', type: 'on-event', models: [] }
        ]);
        const again = await server.call('POST', '/sync/deploy', { body: body({ flowConfigs: [action] }) });
        assert.deepEqual(
            (again.json as { version: string }[]).map((r) => r.version),
            ['0.0.2', '0.0.2']
        );
        const confirmation = await server.call('POST', '/sync/deploy/confirmation', { body: { ...body(), nangoYamlBody: undefined } });
        const diff = confirmation.json as { deletedActions: unknown[]; updatedOnEventScripts: unknown[] };
        assert.deepEqual(diff.deletedActions, [{ providerConfigKey: 'github', name: 'create-issue' }]); // what reconcile would remove
        assert.equal(diff.updatedOnEventScripts.length, 1);
        await server.call('POST', '/sync/deploy', { body: body() }); // reconcile false: the action stays
        const list = (await server.call('GET', '/_emulator/deployments')).json as { deployments: { flows: unknown[]; active: { flows: unknown[] } }[] };
        assert.deepEqual(list.deployments[0]!.flows, [{ providerConfigKey: 'github', name: 'create-issue', type: 'action' }]);
        assert.equal(list.deployments.at(-1)!.active.flows.length, 1);
        await server.call('POST', '/sync/deploy', { body: body({ reconcile: true }) });
        const after = (await server.call('GET', '/_emulator/deployments')).json as { deployments: { active: { flows: unknown[] } }[] };
        assert.equal(after.deployments.at(-1)!.active.flows.length, 0);
    });

    it('a flow of an unknown integration: 400 unknown_provider_config', async () => {
        const res = await server.call('POST', '/sync/deploy', { body: body({ flowConfigs: [{ ...action, providerConfigKey: 'nope' }] }) });
        assert.equal(res.status, 400);
        assert.equal((res.json as { error: { code: string } }).error.code, 'unknown_provider_config');
    });
});
