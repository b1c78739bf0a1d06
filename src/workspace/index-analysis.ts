import ts from 'typescript';
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

const DEFAULT_QUOTE = "'";

/** Parses index.ts. Positions depend only on the text, so the result survives a rename. */
export function analyzeIndex(text: string): IndexFacts {
    const source = ts.createSourceFile('index.ts', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    const lines = new LineMap(text);
    const eol = detectEol(text);
    const imports: ParsedImport[] = [];
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
        imports.push({
            specifier: moduleSpecifier.text,
            kind: importKind(statement),
            range: lines.range(start, statement.end),
            specifierRange: lines.range(literalStart + 1, moduleSpecifier.end - 1),
            removalRange: statementRemovalRange(text, lines, start, statement.end)
        });
    }

    return {
        imports,
        style: { quote: quote ?? DEFAULT_QUOTE, semicolon: semicolon ?? true, eol, extension: mostCommonExtension(imports) },
        insertion: insertionPoint(source, text, lines, lastImport, eol),
        lastImportRange: lastImport ? lines.range(lastImport.getStart(source), lastImport.end) : undefined
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
    if (ts.isImportDeclaration(statement)) {
        const clause = statement.importClause;
        if (!clause) return 'side-effect';
        const bindings = clause.namedBindings;
        const allNamedAreTypes = bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
        return clause.isTypeOnly || (clause.name === undefined && allNamedAreTypes) ? 'type-only' : 'binding';
    }
    return ts.isExportDeclaration(statement) && statement.isTypeOnly ? 'type-only' : 're-export';
}

function moduleSpecifierOf(statement: ts.Statement): ts.StringLiteral | undefined {
    if (ts.isImportDeclaration(statement) || (ts.isExportDeclaration(statement) && statement.moduleSpecifier)) {
        const specifier = statement.moduleSpecifier;
        return specifier && ts.isStringLiteral(specifier) ? specifier : undefined;
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
    let statementEnd = end;
    // Comments that start on the statement's line belong to it (`import './a'; // setup`).
    for (const comment of ts.getTrailingCommentRanges(text, end) ?? []) statementEnd = comment.end;
    const startPosition = lines.positionAt(start);
    const endPosition = lines.positionAt(statementEnd);
    const before = text.slice(lines.lineStartOffset(startPosition.line), start);
    const after = text.slice(statementEnd, lines.lineEndOffset(endPosition.line));
    if (before.trim() === '' && after.trim() === '') {
        const nextLine = endPosition.line + 1;
        if (nextLine < lines.lineCount) return { start: { line: startPosition.line, character: 0 }, end: { line: nextLine, character: 0 } };
        // Last line of the file: take the line break before it instead.
        const startOffset = startPosition.line > 0 ? lines.lineEndOffset(startPosition.line - 1) : 0;
        return lines.range(startOffset, lines.lineEndOffset(endPosition.line));
    }
    // Shares its line with other code: take the spaces on one side with it, so none are left over.
    if (after.trim() === '') {
        let leading = start;
        while (leading > 0 && (text[leading - 1] === ' ' || text[leading - 1] === '\t')) leading--;
        return lines.range(leading, lines.lineEndOffset(endPosition.line));
    }
    let trailing = statementEnd;
    while (text[trailing] === ' ' || text[trailing] === '\t') trailing++;
    return lines.range(start, trailing);
}

export function formatImportLine(specifier: string, style: ImportStyle): string {
    return `import ${style.quote}${specifier}${style.quote}${style.semicolon ? ';' : ''}`;
}
