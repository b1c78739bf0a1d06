import ts from 'typescript';
import { CallScan, callScanCanReport } from './handler-calls';
import type { BatchCall, ConnectionConfigComparison, FunctionLike } from './handler-calls';
import { walkHandler } from './handler-walk';
import { RuntimeScan } from './runtime-analysis';
import { KEYWORD_LITERALS, PARSE_OPTIONS, describe, hasModifier, propertyNameText, stringValue, unwrap } from './syntax';
import type { RuntimeFacts } from './runtime-analysis';
import { LineMap, detectEol, shareIfEmpty } from './text';
import type { Range } from './types';

/** What the default export of a handler file is. */
export type DefaultExportFacts =
    | { readonly kind: 'create-on-event' }
    /** No default export; `namedExport` names an exported createOnEvent(...) that should be the default. */
    | { readonly kind: 'missing'; readonly namedExport: string | undefined }
    /** Something else: `found` says what, for the message ("createAction(...)", "an object literal"). */
    | { readonly kind: 'other'; readonly found: string; readonly callee: string | undefined; readonly range: Range };

/** Where "add `event: '…'`" inserts, as `prefix + property + suffix` replacing `range`. */
export interface PropertyInsertion {
    readonly range: Range;
    readonly prefix: string;
    readonly suffix: string;
}

export type EventFacts =
    /** A string: `range` covers the literal with its quotes. */
    | { readonly kind: 'literal'; readonly value: string; readonly range: Range; readonly quote: string }
    /** A literal that is not a string (`event: 42`). */
    | { readonly kind: 'not-a-string'; readonly text: string; readonly range: Range }
    | { readonly kind: 'missing'; readonly insertion: PropertyInsertion }
    /** Computed at run time or possibly supplied by a spread: cannot be checked statically. */
    | { readonly kind: 'unknown' };

export interface CreateOnEventFacts {
    /** The whole `createOnEvent({...})` call: the code lens sits on its first line. */
    readonly range: Range;
    /** The callee (`createOnEvent`): a short range for diagnostics about the handler. */
    readonly nameRange: Range;
    readonly isDefaultExport: boolean;
    readonly event: EventFacts;
    readonly description: string | undefined;
    readonly hasMetadataSchema: boolean;
}

export { BATCH_METHODS } from './handler-calls';
export type { BatchCall, BatchMethod, ConnectionConfigComparison } from './handler-calls';

/** Everything the rules need from one handler file; positions depend only on its text. */
export interface HandlerFacts {
    readonly defaultExport: DefaultExportFacts;
    /** The default-exported createOnEvent(...) call, else the first top-level one. */
    readonly createOnEvent: CreateOnEventFacts | undefined;
    readonly batchCalls: readonly BatchCall[];
    readonly connectionConfigComparisons: readonly ConnectionConfigComparison[];
    /** What the file reaches for that Nango's runtime may not have (modules, globals, eval). */
    readonly runtime: RuntimeFacts;
    readonly firstLineRange: Range;
}

// Taken from the namespace once: a property lookup on `ts` (thousands of members) in the walk of
// every node would cost more than the walk.
const {
    isArrowFunction,
    isCallExpression,
    isClassDeclaration,
    isExportAssignment,
    isExportDeclaration,
    isFunctionDeclaration,
    isFunctionExpression,
    isIdentifier,
    isImportDeclaration,
    isMethodDeclaration,
    isNamedExports,
    isNamedImports,
    isNoSubstitutionTemplateLiteral,
    isNumericLiteral,
    isObjectLiteralExpression,
    isPropertyAccessExpression,
    isPropertyAssignment,
    isShorthandPropertyAssignment,
    isSpreadAssignment,
    isStringLiteral,
    isVariableStatement
} = ts;

const MAX_RESOLVE_DEPTH = 8;

/** Top-level declarations, so identifiers can be followed to what they hold. */
interface TopLevel {
    /** Local name → imported name (`import { createOnEvent as onEvent }` → onEvent → createOnEvent). */
    readonly importedAs: Map<string, string>;
    readonly variables: Map<string, ts.Expression>;
    readonly functions: Map<string, ts.FunctionDeclaration>;
    /** Local name → exported name, for `export const x` and `export { x as y }`. */
    readonly exportedAs: Map<string, string>;
    defaultExport: { readonly node: ts.Node; readonly expression: ts.Expression | undefined; readonly found?: string } | undefined;
}

export function analyzeHandler(text: string): HandlerFacts {
    // setParentNodes off: nothing reads `parent` (the walk keeps its own stack), and setting them adds 40% to the parse.
    const source = ts.createSourceFile('handler.ts', text, PARSE_OPTIONS, false, ts.ScriptKind.TS);
    const lines = new LineMap(text);
    const reader = new HandlerReader(source, lines, collectTopLevel(source));

    // The default export, and which createOnEvent(...) call the handler is.
    const top = reader.top;
    let defaultExport: DefaultExportFacts;
    let call = reader.asCreateOnEventCall(top.defaultExport?.expression);
    const isDefaultExport = call !== undefined;
    if (call) {
        defaultExport = { kind: 'create-on-event' };
    } else if (top.defaultExport) {
        const { node, expression, found } = top.defaultExport;
        const resolved = expression ? reader.resolve(expression) : undefined;
        const callee = resolved && isCallExpression(resolved) ? (reader.calleeName(resolved) ?? resolved.expression.getText(source)) : undefined;
        const what = found ?? (resolved ? describe(resolved, source, callee) : 'an unknown value');
        defaultExport = { kind: 'other', found: what, callee, range: reader.headRangeOf(node) };
    } else {
        defaultExport = { kind: 'missing', namedExport: undefined };
    }
    if (!call) {
        for (const [name, value] of top.variables) {
            const candidate = reader.asCreateOnEventCall(value);
            if (!candidate) continue;
            call = candidate;
            if (defaultExport.kind === 'missing') defaultExport = { kind: 'missing', namedExport: top.exportedAs.get(name) };
            break;
        }
    }

    const config = call?.arguments[0] ? reader.resolve(call.arguments[0]) : undefined;
    const objectConfig = config && isObjectLiteralExpression(config) ? config : undefined;
    let exec: FunctionLike | undefined;
    let createOnEvent: CreateOnEventFacts | undefined;
    if (call) {
        const configFacts = objectConfig ? reader.analyzeConfig(objectConfig) : undefined;
        exec = configFacts?.exec;
        createOnEvent = {
            range: reader.rangeOf(call),
            nameRange: reader.rangeOf(unwrap(call.expression)),
            isDefaultExport,
            event: configFacts?.event ?? { kind: 'unknown' },
            description: configFacts?.description,
            hasMetadataSchema: configFacts?.hasMetadataSchema ?? false
        };
    }

    // Most handlers have nothing for one scan or both: a look at the text spares the walk.
    const calls = callScanCanReport(text) ? new CallScan(source, lines, exec) : undefined;
    const runtime = new RuntimeScan(source, lines);
    walkHandler(source, calls, runtime.needsWalk() ? runtime : undefined);
    return {
        defaultExport,
        createOnEvent,
        batchCalls: shareIfEmpty(calls?.batchCalls ?? []),
        connectionConfigComparisons: shareIfEmpty(calls?.comparisons ?? []),
        runtime: runtime.facts(),
        firstLineRange: lines.lineRange(0)
    };
}

interface ConfigFacts {
    readonly event: EventFacts;
    readonly description: string | undefined;
    readonly hasMetadataSchema: boolean;
    readonly exec: FunctionLike | undefined;
}

/** Readings of one handler's syntax. A class rather than closures: one per file, and the methods are not re-created for each. */
class HandlerReader {
    constructor(
        private readonly source: ts.SourceFile,
        private readonly lines: LineMap,
        readonly top: TopLevel
    ) {}

    rangeOf(node: ts.Node): Range {
        return this.lines.range(node.getStart(this.source), node.end);
    }

    /** From the node's start to the end of its first line: short, even for a multi-line statement. */
    headRangeOf(node: ts.Node): Range {
        const { lines } = this;
        const start = node.getStart(this.source);
        return lines.range(start, Math.min(node.end, lines.lineEndOffset(lines.positionAt(start).line)));
    }

    calleeName(call: ts.CallExpression): string | undefined {
        const callee = unwrap(call.expression);
        if (isIdentifier(callee)) return this.top.importedAs.get(callee.text) ?? callee.text;
        if (isPropertyAccessExpression(callee)) return callee.name.text;
        return undefined;
    }

    resolve(expression: ts.Expression): ts.Expression {
        let current = unwrap(expression);
        for (let depth = 0; depth < MAX_RESOLVE_DEPTH && isIdentifier(current); depth++) {
            const value = this.top.variables.get(current.text);
            if (!value) break;
            current = unwrap(value);
        }
        return current;
    }

    asCreateOnEventCall(expression: ts.Expression | undefined): ts.CallExpression | undefined {
        if (!expression) return undefined;
        const resolved = this.resolve(expression);
        return isCallExpression(resolved) && this.calleeName(resolved) === 'createOnEvent' ? resolved : undefined;
    }

    analyzeConfig(object: ts.ObjectLiteralExpression): ConfigFacts {
        let event: EventFacts | undefined;
        let description: string | undefined;
        let hasMetadataSchema = false;
        let execFunction: FunctionLike | undefined;
        let hasSpread = false;
        for (const property of object.properties) {
            if (isSpreadAssignment(property)) {
                hasSpread = true;
                continue;
            }
            const name = property.name ? propertyNameText(property.name) : undefined;
            // `{ event }` reads the variable of that name.
            const value = isPropertyAssignment(property) ? property.initializer : isShorthandPropertyAssignment(property) ? property.name : undefined;
            if (name === 'event' && value) event = this.eventFacts(value);
            else if (name === 'description' && value) description = stringValue(this.resolve(value));
            else if (name === 'metadata') hasMetadataSchema = true;
            else if (name === 'exec') execFunction = isMethodDeclaration(property) ? property : value ? this.functionOf(value) : undefined;
        }
        if (!event) event = hasSpread ? { kind: 'unknown' } : { kind: 'missing', insertion: this.eventInsertion(object) };
        return { event, description, hasMetadataSchema, exec: execFunction };
    }

    private eventFacts(value: ts.Expression): EventFacts {
        const resolved = this.resolve(value);
        if (isStringLiteral(resolved) || isNoSubstitutionTemplateLiteral(resolved)) {
            const start = resolved.getStart(this.source);
            return { kind: 'literal', value: resolved.text, range: this.lines.range(start, resolved.end), quote: this.source.text.charAt(start) };
        }
        if (isNumericLiteral(resolved) || KEYWORD_LITERALS.has(resolved.kind)) {
            return { kind: 'not-a-string', text: resolved.getText(this.source), range: this.rangeOf(resolved) };
        }
        return { kind: 'unknown' };
    }

    /** Puts `event` after `description` (the docs' order), on its own line when properties are one per line. */
    private eventInsertion(object: ts.ObjectLiteralExpression): PropertyInsertion {
        const { lines } = this;
        const text = this.source.text;
        const properties = object.properties;
        const descriptionIndex = properties.findIndex((p) => p.name !== undefined && propertyNameText(p.name) === 'description');
        const anchor = properties[descriptionIndex + 1] ?? properties[0];
        if (!anchor) return { range: this.rangeOf(object), prefix: '{ ', suffix: ' }' };
        const start = anchor.getStart(this.source);
        const indentation = text.slice(lines.lineStartOffset(lines.positionAt(start).line), start);
        const ownLine = indentation.trim() === '';
        return { range: lines.range(start, start), prefix: '', suffix: ownLine ? `,${detectEol(text)}${indentation}` : ', ' };
    }

    private functionOf(value: ts.Expression): FunctionLike | undefined {
        const unwrapped = unwrap(value);
        if (isIdentifier(unwrapped) && this.top.functions.has(unwrapped.text)) return this.top.functions.get(unwrapped.text);
        const resolved = this.resolve(value);
        return isArrowFunction(resolved) || isFunctionExpression(resolved) ? resolved : undefined;
    }
}

function collectTopLevel(source: ts.SourceFile): TopLevel {
    const top: TopLevel = { importedAs: new Map(), variables: new Map(), functions: new Map(), exportedAs: new Map(), defaultExport: undefined };
    for (const statement of source.statements) {
        if (isImportDeclaration(statement)) {
            const bindings = statement.importClause?.namedBindings;
            if (bindings && isNamedImports(bindings)) {
                for (const element of bindings.elements) top.importedAs.set(element.name.text, (element.propertyName ?? element.name).text);
            }
        } else if (isVariableStatement(statement)) {
            const exported = hasModifier(statement, ts.SyntaxKind.ExportKeyword);
            for (const declaration of statement.declarationList.declarations) {
                if (!isIdentifier(declaration.name)) continue;
                if (declaration.initializer) top.variables.set(declaration.name.text, declaration.initializer);
                if (exported) top.exportedAs.set(declaration.name.text, declaration.name.text);
            }
        } else if (isFunctionDeclaration(statement) || isClassDeclaration(statement)) {
            if (isFunctionDeclaration(statement) && statement.name) top.functions.set(statement.name.text, statement);
            if (hasModifier(statement, ts.SyntaxKind.ExportKeyword) && hasModifier(statement, ts.SyntaxKind.DefaultKeyword)) {
                const found = isFunctionDeclaration(statement) ? 'a function declaration' : 'a class declaration';
                top.defaultExport = { node: statement, expression: undefined, found };
            }
        } else if (isExportAssignment(statement) && !statement.isExportEquals) {
            top.defaultExport = { node: statement, expression: statement.expression };
        } else if (isExportDeclaration(statement) && statement.exportClause && isNamedExports(statement.exportClause)) {
            for (const element of statement.exportClause.elements) {
                const local = (element.propertyName ?? element.name).text;
                if (element.name.text !== 'default') top.exportedAs.set(local, element.name.text);
                else if (statement.moduleSpecifier && isStringLiteral(statement.moduleSpecifier)) {
                    top.defaultExport = { node: statement, expression: undefined, found: `a re-export from '${statement.moduleSpecifier.text}'` };
                } else {
                    top.defaultExport = { node: statement, expression: ts.factory.createIdentifier(local) };
                }
            }
        }
    }
    return top;
}
