import assert from 'node:assert/strict';
import { Emulator } from '../../../emulator/core/lifecycle';
import { readState } from '../../../emulator/state/state';
import { loadFixtures } from '../../../emulator/fixtures/fixtures';
import { FIXTURES, POST_CREATE_WEBHOOK, PRE_DELETE_CLEANUP, VALIDATE_SAME_ACCOUNT, makeProject, salesforceFixtures, type TestProject } from './project';

describe('lifecycle', () => {
    let project: TestProject;
    let emulator: Emulator;

    function open(files: Record<string, string | object>): Emulator {
        project = makeProject({ [FIXTURES]: salesforceFixtures(), ...files });
        emulator = new Emulator(project.root, { timeoutMs: 10_000 });
        return emulator;
    }
    const state = () => readState(project.root, loadFixtures(project.root));

    afterEach(() => {
        emulator?.dispose();
        project?.cleanup();
    });

    describe('connect (first connect)', () => {
        it("runs validate-connection with Nango's null metadata (an OAuth connection), creates the connection, then runs post-connection-creation", async () => {
            open({
                'salesforce/on-events/validate.ts': VALIDATE_SAME_ACCOUNT,
                'salesforce/on-events/setup.ts': POST_CREATE_WEBHOOK
            });
            const r = await emulator.connect('salesforce', 'new-1', 'acme');
            assert.equal(r.ok, true, JSON.stringify(r.error));
            assert.equal(r.outcome, 'created');
            assert.equal(r.status, 'active');
            assert.deepEqual(r.events, ['validate-connection', 'post-connection-creation']);
            assert.deepEqual(
                r.handlers.map((h) => h.event),
                ['validate-connection', 'post-connection-creation']
            );
            assert.equal(r.metadata.before, null);
            assert.deepEqual(r.metadata.after, { organizationId: '00DACME', webhookId: 'wh-acme' });
            assert.deepEqual(
                r.requests.map((q) => `${q.method} ${q.url} ${q.status} ${q.account}`),
                ['GET https://acme.my.salesforce.com/services/oauth2/userinfo 200 acme', 'POST https://acme.my.salesforce.com/webhooks 201 acme']
            );
            const saved = state().connections['new-1']!;
            assert.equal(saved.status, 'active');
            assert.equal(saved.account, 'acme');
            assert.deepEqual(saved.metadata, { organizationId: '00DACME', webhookId: 'wh-acme' });
        });

        it('a throwing validation rejects the attempt: connection_validation_failed, nothing saved, post-creation never runs', async () => {
            open({
                'salesforce/on-events/validate.ts': `import { createOnEvent } from 'nango';
export default createOnEvent({ description: 'd', event: 'validate-connection', exec: async (nango) => { throw new nango.ActionError({ message: 'missing permission View Setup' }); } });`,
                'salesforce/on-events/setup.ts': POST_CREATE_WEBHOOK
            });
            const r = await emulator.connect('salesforce', 'new-2', 'acme');
            assert.equal(r.ok, false);
            assert.equal(r.outcome, 'connection_validation_failed');
            assert.equal(r.status, 'not_created');
            assert.equal(r.handlers.length, 1);
            assert.equal(r.metadata.after, null);
            assert.deepEqual(r.authError, {
                type: 'connection_validation_failed',
                message: 'missing permission View Setup',
                payload: { message: 'missing permission View Setup' }
            });
            assert.equal(r.error?.type, 'ActionError');
            assert.equal(state().connections['new-2'], undefined);
        });

        it('a failing post-connection-creation is reported but the connection stays active', async () => {
            open({
                'salesforce/on-events/setup.ts': `import { createOnEvent } from 'nango';
export default createOnEvent({ description: 'd', event: 'post-connection-creation', exec: async (nango) => { await nango.setMetadata({ step: 1 }); throw new Error('webhook API down'); } });`
            });
            const r = await emulator.connect('salesforce', 'new-3', 'acme');
            assert.equal(r.ok, false);
            assert.equal(r.outcome, 'created');
            assert.equal(r.status, 'active');
            assert.equal(r.error?.message, 'webhook API down');
            // Metadata writes are API calls in Nango: they persist even though the handler failed later.
            assert.deepEqual(state().connections['new-3']!.metadata, { step: 1 });
        });

        it('runs every handler of the integration for the event, and none of another integration', async () => {
            open({
                'salesforce/on-events/a.ts': `import { createOnEvent } from 'nango';
export default createOnEvent({ description: 'a', event: 'post-connection-creation', exec: async (nango) => { await nango.updateMetadata({ a: true }); } });`,
                'salesforce/on-events/b.ts': `import { createOnEvent } from 'nango';
export default createOnEvent({ description: 'b', event: 'post-connection-creation', exec: async (nango) => { await nango.updateMetadata({ b: true }); } });`,
                'other/on-events/c.ts': `import { createOnEvent } from 'nango';
export default createOnEvent({ description: 'c', event: 'post-connection-creation', exec: async () => { throw new Error('must not run'); } });`
            });
            const r = await emulator.connect('salesforce', 'new-4', 'acme');
            assert.equal(r.ok, true);
            assert.deepEqual(
                r.handlers.map((h) => h.name),
                ['a', 'b']
            );
            assert.deepEqual(r.metadata.after, { a: true, b: true });
        });

        it('refuses to connect over a live connection', async () => {
            open({});
            await assert.rejects(emulator.connect('salesforce', 'sf-1', 'acme'), /already exists.*Use "reconnect"/);
        });
    });

    describe('reconnect', () => {
        it('upserts credentials and connection_config BEFORE validate-connection runs', async () => {
            open({
                'salesforce/on-events/validate.ts': `import { createOnEvent } from 'nango';
export default createOnEvent({ description: 'd', event: 'validate-connection', exec: async (nango) => {
    const c = await nango.getConnection();
    await nango.log('config', c.connection_config.instance_url, (c.credentials as any).access_token === undefined ? 'no-token' : 'token');
} });`
            });
            const r = await emulator.reconnect('salesforce', 'sf-1', 'globex');
            assert.equal(r.ok, true);
            // The handler already sees the NEW account's config: comparing connection_config cannot detect the switch.
            assert.match(r.logs[0]!.message, /^config https:\/\/globex\.my\.salesforce\.com token$/);
        });

        it('same account: validation passes and the connection stays active; metadata is kept', async () => {
            open({ 'salesforce/on-events/validate.ts': VALIDATE_SAME_ACCOUNT });
            const r = await emulator.reconnect('salesforce', 'sf-1', 'acme');
            assert.equal(r.ok, true);
            assert.equal(r.outcome, 'reconnected');
            assert.equal(r.status, 'active');
            assert.deepEqual(r.metadata.after, { organizationId: '00DACME' });
        });

        it('other account: the metadata pattern detects the switch; the connection is kept as refresh_exhausted with the new credentials', async () => {
            open({ 'salesforce/on-events/validate.ts': VALIDATE_SAME_ACCOUNT });
            const r = await emulator.reconnect('salesforce', 'sf-1', 'globex');
            assert.equal(r.ok, false);
            assert.equal(r.outcome, 'refresh_exhausted');
            assert.equal(r.status, 'refresh_exhausted');
            assert.equal(r.error?.message, 'org mismatch: expected 00DACME, got 00DGLOBEX');
            assert.equal(r.requests[0]!.account, 'globex');
            const saved = state().connections['sf-1']!;
            assert.equal(saved.status, 'refresh_exhausted');
            assert.equal(saved.account, 'globex');
            assert.deepEqual(saved.metadata, { organizationId: '00DACME' });
        });

        it('a later successful reconnect clears refresh_exhausted', async () => {
            open({ 'salesforce/on-events/validate.ts': VALIDATE_SAME_ACCOUNT });
            await emulator.reconnect('salesforce', 'sf-1', 'globex');
            const r = await emulator.reconnect('salesforce', 'sf-1', 'acme');
            assert.equal(r.ok, true);
            assert.equal(state().connections['sf-1']!.status, 'active');
        });

        it('a successful reconnect runs post-connection-creation too, started without being awaited (server/lib/hooks/hooks.ts connectionCreated, on/post-connection-creation.ts async: true)', async () => {
            open({ 'salesforce/on-events/validate.ts': VALIDATE_SAME_ACCOUNT, 'salesforce/on-events/setup.ts': POST_CREATE_WEBHOOK });
            const r = await emulator.reconnect('salesforce', 'sf-1', 'acme');
            assert.equal(r.ok, true, JSON.stringify(r.error));
            assert.equal(r.outcome, 'reconnected');
            assert.deepEqual(r.events, ['validate-connection', 'post-connection-creation']);
            assert.deepEqual(
                r.handlers.map((h) => [h.event, h.awaited]),
                [
                    ['validate-connection', true],
                    ['post-connection-creation', false]
                ]
            );
            // The reconnect answered before post-connection-creation started: that is when Nango's auth call returns.
            assert.ok(
                r.returnedAtMs !== undefined && r.returnedAtMs <= r.handlers[1]!.startedAtMs,
                `returned at ${r.returnedAtMs}, started at ${r.handlers[1]!.startedAtMs}`
            );
            assert.deepEqual(
                r.requests.map((q) => `${q.method} ${q.handler}`),
                ['GET salesforce/validate', 'POST salesforce/setup']
            );
        });

        it('a rejected reconnect does not run post-connection-creation', async () => {
            open({ 'salesforce/on-events/validate.ts': VALIDATE_SAME_ACCOUNT, 'salesforce/on-events/setup.ts': POST_CREATE_WEBHOOK });
            const r = await emulator.reconnect('salesforce', 'sf-1', 'globex');
            assert.equal(r.outcome, 'refresh_exhausted');
            assert.deepEqual(
                r.handlers.map((h) => h.event),
                ['validate-connection']
            );
            assert.equal(r.returnedAtMs, undefined);
        });

        it('needs an existing connection', async () => {
            open({});
            await assert.rejects(
                emulator.reconnect('salesforce', 'nope', 'acme'),
                (err: Error & { code?: string }) => err.code === 'unknown_connection' && /no connection "nope"/.test(err.message)
            );
        });
    });

    describe('delete', () => {
        it('runs pre-connection-deletion then deletes the connection', async () => {
            open({ 'salesforce/on-events/cleanup.ts': PRE_DELETE_CLEANUP });
            await emulator.dryrun('salesforce/cleanup', { connectionId: 'sf-1' }); // metadata has no webhookId: returns early
            const r0 = await emulator.connect('salesforce', 'with-hook', 'acme');
            assert.equal(r0.ok, true);
            const s = state();
            s.connections['with-hook']!.metadata = { webhookId: 'wh-acme' };
            (await import('../../../emulator/state/state')).writeState(project.root, s);
            const r = await emulator.delete('salesforce', 'with-hook');
            assert.equal(r.ok, true);
            assert.equal(r.outcome, 'deleted');
            assert.equal(r.status, 'deleted');
            assert.deepEqual(
                r.requests.map((q) => `${q.method} ${q.url} ${q.status}`),
                ['DELETE https://acme.my.salesforce.com/webhooks/wh-acme 204']
            );
            assert.equal(state().connections['with-hook']!.status, 'deleted');
        });

        it('cleanup is idempotent: an already-deleted webhook (404) is fine', async () => {
            open({ 'salesforce/on-events/cleanup.ts': PRE_DELETE_CLEANUP });
            const s = state();
            s.connections['sf-1']!.metadata = { webhookId: 'wh-gone' };
            (await import('../../../emulator/state/state')).writeState(project.root, s);
            const r = await emulator.delete('salesforce', 'sf-1');
            assert.equal(r.ok, true);
            assert.equal(r.requests[0]!.status, 404);
            assert.equal(r.logs[0]!.message, 'already gone');
            assert.equal(r.logs[0]!.level, 'warn');
        });

        it('a failing cleanup is reported and the connection is deleted anyway', async () => {
            open({
                'salesforce/on-events/cleanup.ts': `import { createOnEvent } from 'nango';
export default createOnEvent({ description: 'd', event: 'pre-connection-deletion', exec: async () => { throw new Error('provider down'); } });`
            });
            const r = await emulator.delete('salesforce', 'sf-1');
            assert.equal(r.ok, false);
            assert.equal(r.status, 'deleted');
            assert.equal(r.error?.message, 'provider down');
            assert.equal(state().connections['sf-1']!.status, 'deleted');
            await assert.rejects(emulator.delete('salesforce', 'sf-1'), /no connection "sf-1"/);
        });
    });

    describe('dryrun', () => {
        it('runs one handler against an existing connection and persists its metadata writes', async () => {
            open({ 'salesforce/on-events/setup.ts': POST_CREATE_WEBHOOK });
            const r = await emulator.dryrun('setup', { connectionId: 'sf-1' });
            assert.equal(r.ok, true);
            assert.equal(r.outcome, 'ran');
            assert.equal(r.event, 'post-connection-creation');
            assert.deepEqual(r.metadata, { before: { organizationId: '00DACME' }, after: { organizationId: '00DACME', webhookId: 'wh-acme' } });
            assert.deepEqual(state().connections['sf-1']!.metadata, { organizationId: '00DACME', webhookId: 'wh-acme' });
        });

        it('--reconnect --account switches the account first and applies reconnect status rules to a validator', async () => {
            open({ 'salesforce/on-events/validate.ts': VALIDATE_SAME_ACCOUNT });
            const r = await emulator.dryrun('salesforce/validate', { connectionId: 'sf-1', account: 'globex', reconnect: true });
            assert.equal(r.ok, false);
            assert.equal(r.status, 'refresh_exhausted');
        });

        it('an unknown connection with --account is a first connect of that handler', async () => {
            open({ 'salesforce/on-events/validate.ts': VALIDATE_SAME_ACCOUNT });
            const r = await emulator.dryrun('validate', { connectionId: 'fresh', account: 'globex' });
            assert.equal(r.ok, true);
            assert.equal(r.outcome, 'created');
            assert.deepEqual(state().connections['fresh']!.metadata, { organizationId: '00DGLOBEX' });
        });

        it('an unknown connection without --account is a clear error', async () => {
            open({ 'salesforce/on-events/validate.ts': VALIDATE_SAME_ACCOUNT });
            await assert.rejects(
                emulator.dryrun('validate', { connectionId: 'fresh' }),
                /connection "fresh" does not exist\. Pass --account <account>.*acme, globex/
            );
        });

        it('refuses another account without --reconnect', async () => {
            open({ 'salesforce/on-events/validate.ts': VALIDATE_SAME_ACCOUNT });
            await assert.rejects(emulator.dryrun('validate', { connectionId: 'sf-1', account: 'globex' }), /Add --reconnect/);
        });
    });

    describe('reset', () => {
        it('returns to the fixtures', async () => {
            open({ 'salesforce/on-events/validate.ts': VALIDATE_SAME_ACCOUNT });
            await emulator.reconnect('salesforce', 'sf-1', 'globex');
            emulator.reset();
            const c = state().connections['sf-1']!;
            assert.equal(c.status, 'active');
            assert.equal(c.account, 'acme');
        });
    });
});
