import ts from 'typescript';
import { PARSE_OPTIONS } from './syntax';
import { isRelativeSpecifier, specifierExtension } from './paths';
import type { SpecifierExtension } from './paths';
import { LineMap, detectEol } from './text';
import type { Position, Range } from './types';

/**
 * How a statement loads its module: `import './a'` (how Nango registers functions), `import { x }
 * from './a'`, `export … from './a'`, or type-only (`import type`), which loads nothing at run time.
 */
export type ImportKind = 'side-effect' | 'binding' | 're-export' | 'type-only';

/** One `import '…'` (or `export … from '…'`) of index.ts, as written: no file-system knowledge. */
export interface ParsedImport {
    readonly specifier: string;
    readonly kind: ImportKind;
    /** The whole statement. */
    readonly range: Range;
    /** The specifier between its quotes: what "Fix path" replaces. */
    readonly specifierRange: Range;
    /** What deleting the statement removes: its whole line(s) when it stands alone on them. */
    readonly removalRange: Range;
}

/** How new imports are written so they look like the ones already there. */
export interface ImportStyle {
    readonly quote: "'" | '"';
    readonly semicolon: boolean;
    readonly eol: '\n' | '\r\n';
    /** '.js' when the relative imports mostly say './a/b.js' (ESM style), '' for './a/b'. */
    readonly extension: SpecifierExtension;
}

/** Where and how to add an import line to index.ts. */
export interface ImportInsertion {
    readonly position: Position;
    /** Put before the new line (after an existing import) … */
    readonly before: string;
    /** … and after it (before existing code, or to end the file with a line break). */
    readonly after: string;
}

export interface IndexFacts {
    readonly imports: readonly ParsedImport[];
    readonly style: ImportStyle;
    readonly insertion: ImportInsertion;
    /** The last import statement, where the related location of a missing import points. */
    readonly lastImportRange: Range | undefined;
}

// Taken from the namespace once: a property lookup on `ts` (thousands of members) per statement adds up.
const { getTrailingCommentRanges, isExportDeclaration, isImportDeclaration, isNamedImports, isStringLiteral } = ts;

const DEFAULT_QUOTE = "'";

/** Parses index.ts. Positions depend only on the text, so the result survives a rename. */
export function analyzeIndex(text: string): IndexFacts {
    return parseIndex(text).facts;
}

/** A parse of index.ts that the parse of its next text can start from (see `parseIndex`). */
export interface IndexParse {
    readonly text: string;
    readonly facts: IndexFacts;
    /**
     * For each import of `facts`, the index of the import of the previous parse it was carried over
     * from (unchanged, or moved by whole lines), or -1 for one analysed anew. Undefined for a parse
     * without a previous one.
     */
    readonly origins: readonly number[] | undefined;
    readonly lineCount: number;
    /** Where each import of `facts` lies. */
    readonly spans: readonly ImportSpan[];
}

/** Where an import of a parse lies, as offsets in its text. */
interface ImportSpan {
    readonly start: number;
    readonly end: number;
    readonly literalStart: number;
    /**
     * The text its ParsedImport was computed from: from the start of the line before the statement
     * to the start of the second line after it (trailing comments included). An edit outside of it
     * leaves the ParsedImport valid, its lines shifted by the lines the edit added or removed.
     */
    readonly contextStart: number;
    readonly contextEnd: number;
}

/**
 * Parses index.ts. Given the parse of its previous text, the imports outside the edit are carried
 * over instead of analysed again (same objects when no line moved), and the result says which:
 * the model then re-resolves only the imports that changed. The result is the same as without.
 *
 * The syntax tree is parsed from scratch: TypeScript's incremental parser (updateSourceFile) also
 * walks the whole tree, and is cold (so slower) for the first edits of a session, when the full
 * parser is already hot from parsing the handlers.
 */
export function parseIndex(text: string, previous?: IndexParse): IndexParse {
    const source = ts.createSourceFile('index.ts', text, PARSE_OPTIONS, false, ts.ScriptKind.TS);
    const lines = new LineMap(text);
    const edit = previous ? { ...changedSpan(previous.text, text), lineDelta: lines.lineCount - previous.lineCount } : undefined;
    const eol = detectEol(text);
    const imports: ParsedImport[] = [];
    const spans: ImportSpan[] = [];
    const origins: number[] = [];
    const oldSpans = previous?.spans ?? [];
    let cursor = 0;
    let quote: ImportStyle['quote'] | undefined;
    let semicolon: boolean | undefined;
    let lastImport: ts.Statement | undefined;

    for (const statement of source.statements) {
        const moduleSpecifier = moduleSpecifierOf(statement);
        if (!moduleSpecifier) continue;
        lastImport = statement;
        const start = statement.getStart(source);
        const literalStart = moduleSpecifier.getStart(source);
        quote ??= text[literalStart] === '"' ? '"' : DEFAULT_QUOTE;
        semicolon = text[statement.end - 1] === ';';

        // Carry the import over when the edit is entirely before or after the text it was computed from.
        let origin = -1;
        const shift = !edit ? undefined : start >= edit.newEnd ? edit.newEnd - edit.oldEnd : statement.end <= edit.start ? 0 : undefined;
        if (edit && previous && shift !== undefined) {
            const oldStart = start - shift;
            while ((oldSpans[cursor]?.start ?? oldStart) < oldStart) cursor++;
            const span = oldSpans[cursor];
            const carried = previous.facts.imports[cursor];
            if (
                span &&
                span.start === oldStart &&
                span.end === statement.end - shift &&
                span.literalStart === literalStart - shift &&
                (start >= edit.newEnd ? span.contextStart > edit.oldEnd : span.contextEnd <= edit.start) &&
                carried?.specifier === moduleSpecifier.text
            ) {
                origin = cursor;
                const lineDelta = start >= edit.newEnd ? edit.lineDelta : 0;
                imports.push(lineDelta === 0 ? carried : shiftImport(carried, lineDelta));
                spans.push(
                    shift === 0
                        ? span
                        : { start, end: statement.end, literalStart, contextStart: span.contextStart + shift, contextEnd: span.contextEnd + shift }
                );
            }
        }
        if (origin < 0) {
            const removal = statementRemoval(text, lines, start, statement.end);
            const startLine = lines.positionAt(start).line;
            imports.push({
                specifier: moduleSpecifier.text,
                kind: importKind(statement),
                range: lines.range(start, statement.end),
                specifierRange: lines.range(literalStart + 1, moduleSpecifier.end - 1),
                removalRange: removal.range
            });
            const after = removal.lastLine + 2;
            spans.push({
                start,
                end: statement.end,
                literalStart,
                contextStart: lines.lineStartOffset(Math.max(0, startLine - 1)),
                contextEnd: after < lines.lineCount ? lines.lineStartOffset(after) : Infinity
            });
        }
        origins.push(origin);
    }

    const facts: IndexFacts = {
        imports,
        style: { quote: quote ?? DEFAULT_QUOTE, semicolon: semicolon ?? true, eol, extension: mostCommonExtension(imports) },
        insertion: insertionPoint(source, text, lines, lastImport, eol),
        lastImportRange: lastImport ? lines.range(lastImport.getStart(source), lastImport.end) : undefined
    };
    return { text, facts, origins: edit ? origins : undefined, lineCount: lines.lineCount, spans };
}

/** The part of `after` that differs from `before`: [start, oldEnd) of `before` became [start, newEnd) of `after`. */
function changedSpan(before: string, after: string): { start: number; oldEnd: number; newEnd: number } {
    // Whole blocks first (a native comparison), then characters.
    const block = 256;
    const shorter = Math.min(before.length, after.length);
    let start = 0;
    while (start + block <= shorter && before.substring(start, start + block) === after.substring(start, start + block)) start += block;
    while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
    let oldEnd = before.length;
    let newEnd = after.length;
    while (oldEnd - block >= start && newEnd - block >= start && before.substring(oldEnd - block, oldEnd) === after.substring(newEnd - block, newEnd)) {
        oldEnd -= block;
        newEnd -= block;
    }
    while (oldEnd > start && newEnd > start && before.charCodeAt(oldEnd - 1) === after.charCodeAt(newEnd - 1)) {
        oldEnd--;
        newEnd--;
    }
    return { start, oldEnd, newEnd };
}

function shiftImport(parsed: ParsedImport, lines: number): ParsedImport {
    return {
        specifier: parsed.specifier,
        kind: parsed.kind,
        range: shiftRange(parsed.range, lines),
        specifierRange: shiftRange(parsed.specifierRange, lines),
        removalRange: shiftRange(parsed.removalRange, lines)
    };
}

function shiftRange(range: Range, lines: number): Range {
    return {
        start: { line: range.start.line + lines, character: range.start.character },
        end: { line: range.end.line + lines, character: range.end.character }
    };
}

function mostCommonExtension(imports: readonly ParsedImport[]): SpecifierExtension {
    const counts = new Map<SpecifierExtension, number>();
    for (const { specifier } of imports) {
        if (!isRelativeSpecifier(specifier)) continue;
        const extension = specifierExtension(specifier);
        counts.set(extension, (counts.get(extension) ?? 0) + 1);
    }
    let best: SpecifierExtension = '';
    let bestCount = 0;
    for (const [extension, count] of counts) {
        if (count > bestCount) [best, bestCount] = [extension, count];
    }
    return best;
}

function importKind(statement: ts.Statement): ImportKind {
    if (isImportDeclaration(statement)) {
        const clause = statement.importClause;
        if (!clause) return 'side-effect';
        const bindings = clause.namedBindings;
        const allNamedAreTypes =
            bindings !== undefined && isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
        return clause.isTypeOnly || (clause.name === undefined && allNamedAreTypes) ? 'type-only' : 'binding';
    }
    return isExportDeclaration(statement) && statement.isTypeOnly ? 'type-only' : 're-export';
}

function moduleSpecifierOf(statement: ts.Statement): ts.StringLiteral | undefined {
    if (isImportDeclaration(statement) || (isExportDeclaration(statement) && statement.moduleSpecifier)) {
        const specifier = statement.moduleSpecifier;
        return specifier && isStringLiteral(specifier) ? specifier : undefined;
    }
    return undefined;
}

/** Inserting after the last import keeps the imports together; the end of its line keeps any trailing comment on it. */
function insertionPoint(source: ts.SourceFile, text: string, lines: LineMap, lastImport: ts.Statement | undefined, eol: string): ImportInsertion {
    if (lastImport) {
        const line = lines.positionAt(lastImport.end).line;
        return { position: lines.positionAt(lines.lineEndOffset(line)), before: eol, after: '' };
    }
    const first = source.statements[0];
    if (first) {
        const line = lines.positionAt(first.getStart(source)).line;
        return { position: { line, character: 0 }, before: '', after: eol };
    }
    // Only comments or nothing: append, leaving the file ending with a line break.
    const endsWithBreak = text.length === 0 || text.endsWith('\n') || text.endsWith('\r');
    return { position: lines.positionAt(text.length), before: endsWithBreak ? '' : eol, after: eol };
}

/**
 * The range that deletes a statement. When the statement (with a trailing comment) is alone on its
 * lines, whole lines go, line break included, so no blank line is left behind.
 */
export function statementRemovalRange(text: string, lines: LineMap, start: number, end: number): Range {
    return statementRemoval(text, lines, start, end).range;
}

/** statementRemovalRange, and the last line it looked at (that of the statement's trailing comment, if any). */
function statementRemoval(text: string, lines: LineMap, start: number, end: number): { range: Range; lastLine: number } {
    let statementEnd = end;
    // Comments that start on the statement's line belong to it (`import './a'; // setup`).
    for (const comment of getTrailingCommentRanges(text, end) ?? []) statementEnd = comment.end;
    const startPosition = lines.positionAt(start);
    const endPosition = lines.positionAt(statementEnd);
    const lastLine = endPosition.line;
    const before = text.slice(lines.lineStartOffset(startPosition.line), start);
    const after = text.slice(statementEnd, lines.lineEndOffset(endPosition.line));
    if (before.trim() === '' && after.trim() === '') {
        const nextLine = endPosition.line + 1;
        if (nextLine < lines.lineCount)
            return { range: { start: { line: startPosition.line, character: 0 }, end: { line: nextLine, character: 0 } }, lastLine };
        // Last line of the file: take the line break before it instead.
        const startOffset = startPosition.line > 0 ? lines.lineEndOffset(startPosition.line - 1) : 0;
        return { range: lines.range(startOffset, lines.lineEndOffset(endPosition.line)), lastLine };
    }
    // Shares its line with other code: take the spaces on one side with it, so none are left over.
    if (after.trim() === '') {
        let leading = start;
        while (leading > 0 && (text[leading - 1] === ' ' || text[leading - 1] === '\t')) leading--;
        return { range: lines.range(leading, lines.lineEndOffset(endPosition.line)), lastLine };
    }
    let trailing = statementEnd;
    while (text[trailing] === ' ' || text[trailing] === '\t') trailing++;
    return { range: lines.range(start, trailing), lastLine };
}

export function formatImportLine(specifier: string, style: ImportStyle): string {
    return `import ${style.quote}${specifier}${style.quote}${style.semicolon ? ';' : ''}`;
}
