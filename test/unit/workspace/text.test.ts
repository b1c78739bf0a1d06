import assert from 'node:assert/strict';
import { LineMap, applyTextEdits, detectEol } from '../../../src/workspace/text';

describe('LineMap', () => {
    it('converts offsets and positions across \\n, \\r\\n and \\r', () => {
        const text = 'ab\ncd\r\nef\rg';
        const lines = new LineMap(text);
        assert.equal(lines.lineCount, 4);
        assert.deepEqual(lines.positionAt(0), { line: 0, character: 0 });
        assert.deepEqual(lines.positionAt(4), { line: 1, character: 1 });
        assert.deepEqual(lines.positionAt(7), { line: 2, character: 0 });
        assert.deepEqual(lines.positionAt(10), { line: 3, character: 0 });
        assert.deepEqual(lines.positionAt(999), { line: 3, character: 1 });
        assert.equal(lines.offsetAt({ line: 2, character: 1 }), 8);
        assert.equal(lines.offsetAt({ line: 1, character: 99 }), 5, 'clamped to the end of the line');
        assert.equal(lines.lineEndOffset(1), 5);
        assert.deepEqual(lines.lineRange(2), { start: { line: 2, character: 0 }, end: { line: 2, character: 2 } });
    });

    it('detects the line break a file uses', () => {
        assert.equal(detectEol('a\r\nb'), '\r\n');
        assert.equal(detectEol('a\nb'), '\n');
        assert.equal(detectEol(''), '\n');
    });
});

describe('applyTextEdits', () => {
    it('applies edits given in any order against the original text', () => {
        const text = 'one\ntwo\nthree\n';
        const result = applyTextEdits(text, [
            { range: { start: { line: 2, character: 0 }, end: { line: 2, character: 5 } }, newText: '3' },
            { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } }, newText: '1' },
            { range: { start: { line: 1, character: 3 }, end: { line: 1, character: 3 } }, newText: '!' }
        ]);
        assert.equal(result, '1\ntwo!\n3\n');
    });

    it('refuses overlapping edits', () => {
        const edit = { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 2 } }, newText: '' };
        assert.throws(
            () => applyTextEdits('abc', [edit, { ...edit, range: { start: { line: 0, character: 1 }, end: { line: 0, character: 3 } } }]),
            /Overlapping/
        );
    });
});
