// The lifecycle answers that depend on how a connection authenticates (emulator/core/auth-modes.ts), each
// as the Nango controller named in the test title has it.
import assert from 'node:assert/strict';
import { Emulator } from '../../../emulator/core/lifecycle';
import { FIXTURES, makeProject, type TestProject } from './project';

const LOG_METADATA = (event: string) => `import { createOnEvent } from 'nango';
export default createOnEvent({ description: 'd', event: '${event}', exec: async (nango) => { await nango.log('${event} sees ' + JSON.stringify(await nango.getMetadata()), { level: 'warn' }); } });`;

function fixtures(): object {
    return {
        integrations: {
            sendgrid: {
                provider: 'sendgrid',
                accounts: {
                    a: { credentials: { type: 'API_KEY', apiKey: 'SG.key-aaaa-1111' } },
                    b: { credentials: { type: 'API_KEY', apiKey: 'SG.key-bbbb-2222' } }
                }
            },
            'github-app': {
                provider: 'github-app',
                accounts: {
                    install: { credentials: { type: 'APP', access_token: 'ghs_installation-token-1' }, connectionConfig: { app_id: '1', installation_id: '2' } }
                }
            },
            stripe: {
                provider: 'stripe',
                accounts: { acct: { credentials: { type: 'OAUTH2', access_token: 'sk_oauth-token-3333' } } }
            }
        },
        connections: [
            { id: 'sg-1', integration: 'sendgrid', account: 'a', metadata: { listId: 'l-1' } },
            { id: 'st-1', integration: 'stripe', account: 'acct', metadata: { accountId: 'acct_1' } }
        ]
    };
}

describe('the lifecycle by auth mode', () => {
    let project: TestProject;
    let emulator: Emulator;
    const open = (files: Record<string, string>): void => {
        project = makeProject({ [FIXTURES]: fixtures(), ...files });
        emulator = new Emulator(project.root, { timeoutMs: 10_000 });
    };
    afterEach(() => {
        emulator?.dispose();
        project?.cleanup();
    });

    it('an API-key reconnect replaces the metadata by {} before validation, and says what was lost (auth/postApiKey.ts, connection.service.ts upsertAuthConnection)', async () => {
        open({ 'sendgrid/on-events/validate.ts': LOG_METADATA('validate-connection') });
        const r = await emulator.reconnect('sendgrid', 'sg-1', 'b');
        assert.equal(r.ok, true, JSON.stringify(r.error));
        assert.deepEqual(
            r.logs.map((l) => l.message),
            ['validate-connection sees {}']
        );
        assert.deepEqual(r.metadata.before, { listId: 'l-1' });
        assert.deepEqual(r.metadata.after, {});
        assert.ok(
            r.warnings.some((w) => /replaced the metadata \["listId"\] by \{\}.*postApiKey\.ts/.test(w)),
            r.warnings.join('\n')
        );
    });

    it('an API-key connection starts with metadata {}, an OAuth one with null (oauth.controller.ts, connection.service.ts)', async () => {
        open({ 'sendgrid/on-events/validate.ts': LOG_METADATA('validate-connection'), 'stripe/on-events/validate.ts': LOG_METADATA('validate-connection') });
        const apiKey = await emulator.connect('sendgrid', 'sg-new', 'a');
        assert.deepEqual(
            apiKey.logs.map((l) => l.message),
            ['validate-connection sees {}']
        );
        const oauth = await emulator.connect('stripe', 'st-new', 'acct');
        assert.deepEqual(
            oauth.logs.map((l) => l.message),
            ['validate-connection sees null']
        );
        assert.equal(oauth.metadata.after, null);
    });

    it('an OAuth reconnect keeps the metadata (oauth.controller.ts upsertConnection)', async () => {
        open({ 'stripe/on-events/validate.ts': LOG_METADATA('validate-connection') });
        const r = await emulator.reconnect('stripe', 'st-1', 'acct');
        assert.deepEqual(
            r.logs.map((l) => l.message),
            ['validate-connection sees {"accountId":"acct_1"}']
        );
        assert.deepEqual(r.metadata.after, { accountId: 'acct_1' });
        assert.ok(!r.warnings.some((w) => /metadata/.test(w)), r.warnings.join('\n'));
    });

    it('a GitHub App (APP) connection never runs validate-connection, and the result says why (appAuth.controller.ts)', async () => {
        open({
            'github-app/on-events/validate.ts': `import { createOnEvent } from 'nango';
export default createOnEvent({ description: 'd', event: 'validate-connection', exec: async () => { throw new Error('would reject'); } });`,
            'github-app/on-events/setup.ts': LOG_METADATA('post-connection-creation')
        });
        const r = await emulator.connect('github-app', 'gha-1', 'install');
        assert.equal(r.ok, true, JSON.stringify(r.error));
        assert.equal(r.outcome, 'created');
        assert.deepEqual(r.events, ['post-connection-creation']);
        assert.deepEqual(
            r.handlers.map((h) => h.event),
            ['post-connection-creation']
        );
        assert.ok(
            r.warnings.some((w) => /validate-connection did not run \(github-app\/validate\).*appAuth\.controller\.ts/.test(w)),
            r.warnings.join('\n')
        );
    });
});
