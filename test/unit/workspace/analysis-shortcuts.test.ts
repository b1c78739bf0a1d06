// The shortcuts of a full build must give what the long way gives: the text checks that spare a
// handler the walk of its syntax tree, and the fast paths of line maps and import resolution.
import assert from 'node:assert/strict';
import path from 'node:path';
import { analyzeHandler } from '../../../src/workspace/handler-analysis';
import { importCandidates } from '../../../src/workspace/paths';
import { LineMap } from '../../../src/workspace/text';

describe('analysis shortcuts', () => {
    it('still walks a handler whose names are spelled with escapes', () => {
        const facts = analyzeHandler("const f = f\\u0065tch; nango['batch\\u0053ave']([]); if (c['connection\\u005fconfig'].id === other) {}");
        assert.deepEqual(
            facts.runtime.globalUses.map((use) => use.name),
            ['fetch']
        );
        assert.deepEqual(
            facts.batchCalls.map((call) => call.method),
            ['batchSave']
        );
        assert.equal(facts.connectionConfigComparisons.length, 1);
    });

    it('still walks a handler with an import besides its import declarations', () => {
        const facts = analyzeHandler(
            "import { createOnEvent } from 'nango';\nconst fs = await import('fs');\nnamespace N { import cp = require('child_process'); }"
        );
        assert.deepEqual(
            facts.runtime.modules.map((module) => `${module.kind} ${module.specifier}`),
            ['import nango', 'dynamic-import fs', 'import-equals child_process']
        );
    });

    it('finds nothing in a handler that names none of what the scans look for', () => {
        const facts = analyzeHandler(
            "import { createOnEvent } from 'nango';\nexport default createOnEvent({ event: 'validate-connection', exec: async (nango) => { await nango.log('processed'); } });"
        );
        assert.deepEqual([facts.batchCalls, facts.connectionConfigComparisons, facts.runtime.globalUses, facts.runtime.codeGeneration], [[], [], [], []]);
    });

    it('answers positionAt the same in any order of queries', () => {
        const text = 'ab\ncd\r\nef\rg\n\nh';
        const offsets = [...Array(text.length + 3).keys()].map((i) => i - 1);
        const forward = offsets.map((offset) => new LineMap(text).positionAt(offset));
        const lines = new LineMap(text);
        for (const offset of [...offsets].reverse()) assert.deepEqual(lines.positionAt(offset), forward[offsets.indexOf(offset)]);
        for (const offset of offsets) assert.deepEqual(lines.positionAt(offset), forward[offsets.indexOf(offset)]);
    });

    it('resolves import specifiers as path.resolve does', () => {
        const root = path.resolve('/work/nango-integrations');
        const candidatesOf = (base: string): string[] => [`${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts'), `${base}.js`];
        const expected: Record<string, string[]> = {
            './a/on-events/b': candidatesOf(path.join(root, 'a', 'on-events', 'b')),
            './.hidden/b': candidatesOf(path.join(root, '.hidden', 'b')),
            './a/./b': candidatesOf(path.join(root, 'a', 'b')),
            './a/../b': candidatesOf(path.join(root, 'b')),
            './a//b/': candidatesOf(path.join(root, 'a', 'b')),
            './..': candidatesOf(path.dirname(root)),
            './a/b.js': [path.join(root, 'a', 'b.ts'), path.join(root, 'a', 'b.tsx'), path.join(root, 'a', 'b.js')]
        };
        for (const [specifier, candidates] of Object.entries(expected)) assert.deepEqual(importCandidates(root, specifier), candidates, specifier);
    });
});
