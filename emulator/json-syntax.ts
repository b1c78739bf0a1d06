// Where and why a file the user edits (fixtures, scenarios, state) is not strict JSON, found with
// jsonc-parser in strict mode: comments and trailing commas are errors, as JSON.parse refuses them.
import { printParseErrorCode, visit, type ParseErrorCode } from 'jsonc-parser/lib/esm/main.js';
import { isStackOverflow } from './read-file';

export interface JsonSyntaxProblem {
    line: number;
    column: number;
    problem: string;
}

const STRICT = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false } as const;

const ENDS_TOO_EARLY = 'the file ends too early: a closing "}", "]" or \'"\' is missing';
const EXPECTED_VALUE = 'expected a value: a string in double quotes, a number, true, false, null, an object or an array';
const EXPECTED_NAME = 'expected a property name in double quotes';
const EXTRA_TEXT = 'more text after the end of the JSON value: remove it (or the opening "{" is missing)';
const BAD_ESCAPE = 'a backslash in a string must start an escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX): write \\\\ for a backslash itself';

/** What the parser had just read when it found the first error: enough to say what to write instead. */
interface Context {
    /** The parser expects a property name (just after "{" or after a "," in an object). */
    expectName: boolean;
    /** Innermost open container. */
    inside: 'object' | 'array' | undefined;
    /** Offset of the "," just read, when nothing has been read after it. */
    commaAt: number | undefined;
    /** The whole JSON value has been read: anything more is extra text. */
    complete: boolean;
}

interface FoundError {
    code: ParseErrorCode;
    offset: number;
    length: number;
    context: Context;
}

/**
 * Where and why `text` is not JSON, for files the user edits. It never quotes the text: these files hold
 * credentials, and JSON.parse's own messages echo a snippet of the input
 * (`Unexpected token 'X', ..."s_token": Xq7Vn2Lw9R"... is not valid JSON`) and give no line.
 * `err` is what JSON.parse threw: used, without its quoted input, only if the parser finds nothing wrong.
 */
export function jsonSyntaxError(text: string, err: unknown): JsonSyntaxProblem {
    const at = (offset: number, problem: string): JsonSyntaxProblem => {
        const before = text.slice(0, offset);
        return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n'), problem };
    };
    if (text.startsWith('\uFEFF')) return at(0, 'the file starts with a byte order mark (BOM): save it as UTF-8 without BOM');
    if (!text.trim()) return at(0, 'the file is empty: it must hold one JSON object');
    let found: FoundError | undefined;
    try {
        found = firstError(text);
    } catch (e) {
        if (!isStackOverflow(e)) throw e;
        return at(0, 'the JSON is nested too deeply to read: fixtures and scenarios are objects a few levels deep');
    }
    if (found) {
        const { offset, problem } = describe(text, found);
        return at(offset, offset >= text.length ? ENDS_TOO_EARLY : problem);
    }
    // JSON.parse refused what the parser accepts (not expected): its message, without the quoted input.
    const message = err instanceof Error ? err.message : String(err);
    const offset = Number(/at position (\d+)/.exec(message)?.[1] ?? 0);
    return at(offset, message.replace(/,?\s*(\.\.\.)?".*$/s, '').replace(/ in JSON at position \d+$/, ''));
}

function firstError(text: string): FoundError | undefined {
    const context: Context = { expectName: false, inside: undefined, commaAt: undefined, complete: false };
    const stack: ('object' | 'array')[] = [];
    let found: FoundError | undefined;
    const read = (expectName = false): void => {
        context.expectName = expectName;
        context.commaAt = undefined;
        context.complete = stack.length === 0;
    };
    const close = (): void => {
        stack.pop();
        context.inside = stack.at(-1);
        read();
    };
    visit(
        text,
        {
            onObjectBegin: () => {
                stack.push('object');
                context.inside = 'object';
                read(true);
            },
            onArrayBegin: () => {
                stack.push('array');
                context.inside = 'array';
                read();
            },
            onObjectEnd: close,
            onArrayEnd: close,
            onObjectProperty: () => read(),
            onLiteralValue: () => read(),
            onSeparator: (separator, offset) => {
                read(separator === ',' && context.inside === 'object');
                if (separator === ',') context.commaAt = offset;
            },
            onError: (code, offset, length) => {
                found ??= { code, offset, length, context: { ...context } };
            }
        },
        STRICT
    );
    return found;
}

/** The offset to point at and what to write instead, for the first error the parser reported. */
function describe(text: string, { code, offset, length, context }: FoundError): { offset: number; problem: string } {
    const token = text.slice(offset, offset + length);
    const name = printParseErrorCode(code);
    switch (name) {
        case 'InvalidSymbol':
            if (token.startsWith('/')) return { offset, problem: 'comments are not allowed in JSON: remove them' };
            if (context.complete) return { offset, problem: EXTRA_TEXT };
            if (token.startsWith("'")) {
                return {
                    offset,
                    problem: context.expectName
                        ? 'property names need double quotes (") in JSON, not single quotes'
                        : 'strings need double quotes (") in JSON, not single quotes'
                };
            }
            return { offset, problem: context.expectName ? EXPECTED_NAME : EXPECTED_VALUE };
        case 'InvalidCommentToken':
        case 'UnexpectedEndOfComment':
            return { offset, problem: 'comments are not allowed in JSON: remove them' };
        case 'PropertyNameExpected':
        case 'ValueExpected': {
            const closing = text[offset];
            if (context.commaAt !== undefined && (closing === '}' || closing === ']')) {
                return { offset: context.commaAt, problem: `a comma with nothing after it before "${closing}": remove the trailing comma` };
            }
            return { offset, problem: name === 'PropertyNameExpected' || context.expectName ? EXPECTED_NAME : EXPECTED_VALUE };
        }
        case 'ColonExpected':
            return { offset, problem: 'expected ":" after the property name' };
        case 'CommaExpected':
            return context.inside === 'array'
                ? { offset, problem: 'expected "," or "]" after the array item (a missing comma?)' }
                : { offset, problem: 'expected "," or "}" after the property value (a missing comma?)' };
        case 'CloseBraceExpected':
        case 'CloseBracketExpected':
            return { offset, problem: ENDS_TOO_EARLY };
        case 'EndOfFileExpected':
            return { offset, problem: EXTRA_TEXT };
        case 'UnexpectedEndOfString': {
            // The token runs from the opening quote to the line break (or the end of the file).
            const end = offset + length;
            return end >= text.length
                ? { offset: end, problem: ENDS_TOO_EARLY }
                : { offset: end, problem: 'a string is not closed on its line: add the closing " (a line break inside a string is written \\n)' };
        }
        case 'InvalidEscapeCharacter':
        case 'InvalidUnicode':
            return { offset: offset + firstIndex(token, /\\(?!["\\/bfnrt]|u[0-9a-fA-F]{4})/), problem: BAD_ESCAPE };
        case 'InvalidCharacter':
            // eslint-disable-next-line no-control-regex -- looking for the control character itself
            return { offset: offset + firstIndex(token, /[\u0000-\u001f]/), problem: 'a control character inside a string: escape it (\\t, \\uXXXX)' };
        case 'InvalidNumberFormat':
            return { offset, problem: 'not a JSON number: write digits, e.g. 12, -3.5 or 1e6' };
        case 'UnexpectedEndOfNumber':
            return { offset, problem: 'a number ends too early: write a digit after "." or "e" (e.g. 1.0 or 1e3)' };
        default:
            return { offset, problem: `${name}: check the JSON syntax here` };
    }
}

function firstIndex(token: string, pattern: RegExp): number {
    return Math.max(0, token.search(pattern));
}
