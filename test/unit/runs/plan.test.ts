import assert from 'node:assert/strict';
import { EmulatorOperationSchema } from '../../../emulator/core/operation';
import { accountItems, connectionItems, freshConnectionId, lensKinds, operationFor } from '../../../src/runs/plan';

describe('dry-run plan', () => {
    it('offers the lenses that fit each event', () => {
        assert.deepEqual(lensKinds('validate-connection'), ['first-connect', 'reconnect', 'dryrun']);
        assert.deepEqual(lensKinds('post-connection-creation'), ['dryrun']);
        assert.deepEqual(lensKinds('pre-connection-deletion'), ['dryrun', 'delete']);
        assert.deepEqual(lensKinds(undefined), ['dryrun']);
    });

    it("maps each lens to an operation of the emulator's model", () => {
        const base = { root: '/r', handlerFile: '/r/sf/on-events/v.ts', integration: 'sf', connectionId: 'c1' };
        const expected = [
            [{ kind: 'dryrun' }, { operation: 'dryrun', function: '/r/sf/on-events/v.ts', connectionId: 'c1' }],
            [
                { kind: 'first-connect', account: 'a' },
                { operation: 'dryrun', function: '/r/sf/on-events/v.ts', connectionId: 'c1', account: 'a' }
            ],
            [
                { kind: 'reconnect', account: 'b' },
                { operation: 'dryrun', function: '/r/sf/on-events/v.ts', connectionId: 'c1', account: 'b', reconnect: true }
            ],
            [{ kind: 'delete' }, { operation: 'delete', integration: 'sf', connectionId: 'c1' }]
        ] as const;
        for (const [request, operation] of expected) {
            const op = operationFor({ ...base, ...request });
            assert.deepEqual(op, operation);
            // What the editor sends is what the CLI, the server and scenarios parse.
            assert.deepEqual(EmulatorOperationSchema.parse(op), operation);
        }
        assert.throws(() => operationFor({ ...base, kind: 'reconnect' }), /needs an account/);
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
