import assert from 'node:assert/strict';
import { accountItems, cliArgs, connectionItems, emulatorArgs, freshConnectionId, lensKinds, operationFor } from '../../../src/plans/dryRun';

describe('dry-run plan', () => {
    it('offers the lenses that fit each event', () => {
        assert.deepEqual(lensKinds('validate-connection'), ['first-connect', 'reconnect', 'dryrun']);
        assert.deepEqual(lensKinds('post-connection-creation'), ['dryrun']);
        assert.deepEqual(lensKinds('pre-connection-deletion'), ['dryrun', 'delete']);
        assert.deepEqual(lensKinds(undefined), ['dryrun']);
    });

    it('builds the CLI arguments for each kind of run', () => {
        const base = { root: '/r', handlerFile: '/r/sf/on-events/v.ts', integration: 'sf', connectionId: 'c1', timeoutMs: 5000 };
        const common = ['--root', '/r', '--json', '--timeout', '5000'];
        assert.deepEqual(emulatorArgs({ ...base, kind: 'dryrun' }), ['dryrun', '/r/sf/on-events/v.ts', '--connection', 'c1', ...common]);
        assert.deepEqual(emulatorArgs({ ...base, kind: 'first-connect', account: 'a' }), [
            'dryrun',
            '/r/sf/on-events/v.ts',
            '--connection',
            'c1',
            '--account',
            'a',
            ...common
        ]);
        assert.deepEqual(emulatorArgs({ ...base, kind: 'reconnect', account: 'b' }), [
            'dryrun',
            '/r/sf/on-events/v.ts',
            '--connection',
            'c1',
            '--account',
            'b',
            '--reconnect',
            ...common
        ]);
        assert.deepEqual(emulatorArgs({ ...base, kind: 'delete' }), ['delete', 'sf', '--connection', 'c1', ...common]);
        assert.throws(() => emulatorArgs({ ...base, kind: 'reconnect' }), /needs an account/);
    });

    it('maps lens runs to server operations, and lifecycle operations to CLI arguments', () => {
        const base = { root: '/r', handlerFile: '/r/sf/on-events/v.ts', integration: 'sf', connectionId: 'c1', timeoutMs: 5000 };
        assert.deepEqual(operationFor({ ...base, kind: 'reconnect', account: 'b' }), {
            operation: 'dryrun',
            function: '/r/sf/on-events/v.ts',
            connectionId: 'c1',
            account: 'b',
            reconnect: true
        });
        assert.deepEqual(operationFor({ ...base, kind: 'delete' }), { operation: 'delete', integration: 'sf', connectionId: 'c1' });
        assert.deepEqual(cliArgs({ operation: 'connect', integration: 'sf', connectionId: 'c2', account: 'a' }, '/r', 100), [
            'connect',
            'sf',
            '--connection',
            'c2',
            '--account',
            'a',
            '--root',
            '/r',
            '--json',
            '--timeout',
            '100'
        ]);
        assert.deepEqual(cliArgs({ operation: 'reconnect', integration: 'sf', connectionId: 'c2', account: 'b' }, '/r', 100).slice(0, 6), [
            'reconnect',
            'sf',
            '--connection',
            'c2',
            '--account',
            'b'
        ]);
    });

    it('picks a free connection id for a first connect', () => {
        assert.equal(freshConnectionId('salesforce', 'acme', new Set()), 'salesforce-acme');
        assert.equal(freshConnectionId('salesforce', 'acme', new Set(['salesforce-acme', 'salesforce-acme-2'])), 'salesforce-acme-3');
    });

    it("lists the integration's live connections, the last used first", () => {
        const items = connectionItems(
            [
                { id: 'a', integration: 'sf', account: 'acme', status: 'active', metadata: {} },
                { id: 'b', integration: 'sf', account: 'globex', status: 'refresh_exhausted', metadata: { x: 1 } },
                { id: 'c', integration: 'sf', account: 'acme', status: 'deleted', metadata: {} },
                { id: 'd', integration: 'gh', account: 'o', status: 'active', metadata: {} }
            ],
            'sf',
            'b'
        );
        assert.deepEqual(
            items.map((i) => [i.id, i.description]),
            [
                ['b', 'globex · refresh_exhausted · last used'],
                ['a', 'acme · active']
            ]
        );
    });

    it('lists accounts with the current and last used marked', () => {
        const items = accountItems({ acme: { description: 'prod org' }, globex: {} }, 'acme', 'globex');
        assert.deepEqual(
            items.map((i) => [i.id, i.description, i.detail]),
            [
                ['globex', 'last used', undefined],
                ['acme', 'current account', 'prod org']
            ]
        );
    });
});
