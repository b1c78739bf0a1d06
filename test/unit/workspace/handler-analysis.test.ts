import assert from 'node:assert/strict';
import { analyzeHandler } from '../../../src/workspace/handler-analysis';
import { scaffoldEventFunction } from '../../../src/workspace/scaffold';
import { Project, handlerSource } from './helpers';

describe('analyzeHandler', () => {
    it('reads event, description, metadata and the createOnEvent ranges', () => {
        const facts = analyzeHandler(handlerSource('validate-connection'));
        assert.equal(facts.defaultExport.kind, 'create-on-event');
        const call = facts.createOnEvent;
        assert.ok(call);
        assert.equal(call.isDefaultExport, true);
        assert.deepEqual(call.event.kind === 'literal' && [call.event.value, call.event.quote], ['validate-connection', "'"]);
        assert.equal(call.description, 'A test handler');
        assert.equal(call.hasMetadataSchema, true);
        assert.deepEqual(call.nameRange, { start: { line: 5, character: 15 }, end: { line: 5, character: 28 } });
    });

    it('reads a config held in a constant, a shorthand event, and a method exec', () => {
        const source = [
            "import { createOnEvent } from 'nango';",
            "const event = 'pre-connection-deletion';",
            "const config = { description: 'cleanup', event, async exec(nango: { batchSave(): void }) { nango.batchSave(); } };",
            'export default createOnEvent(config);',
            ''
        ].join('\n');
        const facts = analyzeHandler(source);
        assert.equal(facts.createOnEvent?.event.kind === 'literal' && facts.createOnEvent.event.value, 'pre-connection-deletion');
        assert.equal(facts.createOnEvent?.description, 'cleanup');
        assert.equal(facts.createOnEvent?.hasMetadataSchema, false);
        assert.equal(facts.batchCalls.length, 1);
    });

    it('survives every half-typed prefix of a handler without throwing', () => {
        const text = scaffoldEventFunction('same-account-validation');
        for (let length = 0; length <= text.length; length += 3) {
            const prefix = text.slice(0, length);
            analyzeHandler(prefix);
            new Project({ 'index.ts': prefix, 'a/on-events/x.ts': prefix }).problems();
        }
    });
});
