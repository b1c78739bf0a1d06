// The nango object's answers that differ by connection and by event, as Nango's runner-sdk gives them
// (NangoHQ/nango packages/runner-sdk/lib/action.ts; the installed nango@0.71.10 re-exports it). The
// real-CLI comparison (test/nango-cli/sdk-parity.test.ts) checks the same answers against Nango's own code.
import assert from 'node:assert/strict';
import { salesforceFixtures } from './project';
import { runBody } from './run-body';

/** The fixtures with sf-1's metadata replaced (null: an OAuth connection nothing has set metadata on). */
function withMetadata(metadata: Record<string, unknown> | null): object {
    const f = salesforceFixtures() as { connections: { id: string; metadata?: unknown }[] };
    for (const c of f.connections) if (c.id === 'sf-1') c.metadata = metadata;
    return f;
}

describe('the nango object answers as runner-sdk does', () => {
    it('getMetadata is null on a connection nothing has set metadata on, so reading a key of it throws, as in Nango', async () => {
        const r = await runBody(`const m = await nango.getMetadata(); await nango.log(String(m)); await nango.log((m as any).organizationId);`, {
            fixtures: withMetadata(null)
        });
        assert.equal(r.logs[0]?.message, 'null');
        assert.equal(r.ok, false);
        assert.equal(r.error?.type, 'TypeError');
        assert.match(r.error!.message, /Cannot read properties of null \(reading 'organizationId'\)/);
    });

    it("getFieldMapping is metadata.fieldMapping || {}, not the whole metadata (action.ts getFieldMapping); on null metadata it throws as Nango's does", async () => {
        const set = await runBody(`await nango.log(JSON.stringify(await nango.getFieldMapping()));`, {
            fixtures: withMetadata({ fieldMapping: { name: 'Name' }, other: 1 })
        });
        assert.deepEqual(
            set.logs.filter((l) => l.source === 'nango').map((l) => l.message),
            ['{"name":"Name"}']
        );
        const absent = await runBody(`await nango.log(JSON.stringify(await nango.getFieldMapping()));`, { fixtures: withMetadata({ other: 1 }) });
        assert.deepEqual(
            absent.logs.filter((l) => l.source === 'nango').map((l) => l.message),
            ['{}']
        );
        const none = await runBody(`await nango.getFieldMapping();`, { fixtures: withMetadata(null) });
        assert.equal(none.error?.type, 'TypeError');
    });

    it('getFlowAttributes throws in an event function: there is no sync (action.ts getFlowAttributes)', async () => {
        const r = await runBody(`nango.getFlowAttributes();`);
        assert.equal(r.ok, false);
        assert.equal(r.error?.message, 'There is no current sync to get attributes from');
    });

    it('zodValidateInput throws ActionError "Invalid input provided" after one error line per issue (action.ts zodValidateInput)', async () => {
        const r = await runBody(`
            const z = require('zod');
            try {
                await nango.zodValidateInput({ zodSchema: z.object({ n: z.number(), s: z.string() }), input: { n: 'x' } });
            } catch (err) {
                await nango.log(JSON.stringify({ isActionError: err instanceof nango.ActionError, type: (err as any).type, payload: (err as any).payload }), { level: 'warn' });
            }`);
        assert.equal(r.ok, true, JSON.stringify(r.error));
        const lines = r.logs.filter((l) => l.source === 'nango').map((l) => [l.level, l.message]);
        assert.deepEqual(lines.slice(0, 2), [
            ['error', 'Invalid input provided: Invalid input: expected number, received string at path n'],
            ['error', 'Invalid input provided: Invalid input: expected string, received undefined at path s']
        ]);
        assert.deepEqual(JSON.parse(lines[2]![1]!), {
            isActionError: true,
            type: 'action_script_runtime_error',
            payload: { message: 'Invalid input provided' }
        });
    });

    it('updateMetadata on null metadata merges into nothing, as the API does', async () => {
        const r = await runBody(`await nango.updateMetadata({ a: 1 });`, { fixtures: withMetadata(null) });
        assert.equal(r.ok, true, JSON.stringify(r.error));
        assert.equal(r.metadata.before, null);
        assert.deepEqual(r.metadata.after, { a: 1 });
    });
});
