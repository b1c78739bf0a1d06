import assert from 'node:assert/strict';
import { jsonSyntaxError } from '../../../emulator/fixtures/fixtures';

function problem(text: string): string {
    let err: unknown;
    try {
        JSON.parse(text);
    } catch (e) {
        err = e;
    }
    assert.ok(err, 'JSON.parse should refuse the text');
    const { line, column, problem } = jsonSyntaxError(text, err);
    return `${line}:${column} ${problem}`;
}

describe('jsonSyntaxError (strict JSON, via jsonc-parser)', () => {
    const cases: [string, string, RegExp][] = [
        ['a trailing comma in an object, at the comma', '{\n  "a": 1,\n}', /^2:9 a comma with nothing after it before "}": remove the trailing comma$/],
        ['a trailing comma in an array', '[1, 2,]', /^1:6 a comma with nothing after it before "]": remove the trailing comma$/],
        ['a comment', '{\n  // note\n  "a": 1\n}', /^2:3 comments are not allowed in JSON: remove them$/],
        ['a block comment', '/* x */ {}', /^1:1 comments are not allowed/],
        ['a single-quoted property name', "{'a': 1}", /^1:2 property names need double quotes/],
        ['a single-quoted string', '{"a": \'x\'}', /^1:7 strings need double quotes/],
        ['an unquoted token', '{"a": Xq7Vn2}', /^1:7 expected a value: a string in double quotes/],
        ['a merge conflict marker', '{\n<<<<<<< HEAD\n"a": 1}', /^2:1 expected a property name in double quotes$/],
        ['a missing colon', '{"a" 1}', /^1:6 expected ":" after the property name$/],
        ['a missing comma between properties', '{"a": 1 "b": 2}', /^1:9 expected "," or "}" after the property value \(a missing comma\?\)$/],
        ['a missing comma between items', '[1 2]', /^1:4 expected "," or "]" after the array item/],
        ['text after the value', '{"a": 1} x', /^1:10 more text after the end of the JSON value/],
        ['a line break in a string', '{"a": "x\ny"}', /^1:9 a string is not closed on its line/],
        ['a bad escape, at the backslash', '{"a": "ab\\q"}', /^1:10 a backslash in a string must start an escape/],
        ['a control character', '{"a": "\u0001"}', /^1:8 a control character inside a string/],
        ['a cut number', '{"a": 1.}', /^1:7 a number ends too early/],
        ['a file cut short', '{ "integrations": { ', /the file ends too early/],
        ['an empty file', '  \n', /^1:1 the file is empty/],
        ['a byte order mark', '\uFEFF{}', /^1:1 the file starts with a byte order mark/]
    ];
    for (const [what, text, expected] of cases) {
        it(what, () => assert.match(problem(text), expected));
    }

    it('never quotes the text', () => {
        const secret = 'Xq7Vn2Lw9R';
        for (const text of [`{"t": ${secret}}`, `{"t": "${secret}",}`, `{"t": '${secret}'}`, `{"${secret}" 1}`]) {
            assert.ok(!problem(text).includes(secret), text);
        }
    });
});
