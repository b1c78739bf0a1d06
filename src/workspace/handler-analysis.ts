import ts from 'typescript';
import { analyzeRuntime } from './runtime-analysis';
import type { RuntimeFacts } from './runtime-analysis';
import { LineMap, detectEol } from './text';
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

export const BATCH_METHODS = ['batchSave', 'batchUpdate', 'batchDelete'] as const;
export type BatchMethod = (typeof BATCH_METHODS)[number];

export interface BatchCall {
    readonly method: BatchMethod;
    /** The callee as written, e.g. `nango.batchSave`. */
    readonly callee: string;
    readonly range: Range;
}

/** A comparison that involves a value read from connection_config. */
export interface ConnectionConfigComparison {
    /** Where connection_config is read (the property access or the destructuring). */
    readonly readRange: Range;
    readonly comparisonRange: Range;
}

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
    canHaveModifiers,
    forEachChild,
    getModifiers,
    isArrayBindingPattern,
    isArrowFunction,
    isAsExpression,
    isBinaryExpression,
    isCallExpression,
    isClassDeclaration,
    isClassExpression,
    isElementAccessExpression,
    isExportAssignment,
    isExportDeclaration,
    isFunctionDeclaration,
    isFunctionExpression,
    isFunctionLike,
    isIdentifier,
    isImportDeclaration,
    isLiteralExpression,
    isMethodDeclaration,
    isNamedExports,
    isNamedImports,
    isNoSubstitutionTemplateLiteral,
    isNonNullExpression,
    isNumericLiteral,
    isObjectBindingPattern,
    isObjectLiteralExpression,
    isOmittedExpression,
    isParameter,
    isParenthesizedExpression,
    isPrivateIdentifier,
    isPropertyAccessExpression,
    isPropertyAssignment,
    isSatisfiesExpression,
    isShorthandPropertyAssignment,
    isSpreadAssignment,
    isStringLiteral,
    isStringLiteralLike,
    isTemplateExpression,
    isTypeAssertionExpression,
    isTypeOfExpression,
    isVariableDeclaration,
    isVariableStatement,
    isVoidExpression
} = ts;
const KEYWORD_LITERALS: ReadonlySet<ts.SyntaxKind> = new Set([ts.SyntaxKind.TrueKeyword, ts.SyntaxKind.FalseKeyword, ts.SyntaxKind.NullKeyword]);

const MAX_RESOLVE_DEPTH = 8;
const DEFAULT_RECEIVER = 'nango';
const BATCH_METHOD_SET: ReadonlySet<string> = new Set(BATCH_METHODS);

type FunctionLike = ts.ArrowFunction | ts.FunctionExpression | ts.FunctionDeclaration | ts.MethodDeclaration;

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
    const source = ts.createSourceFile('handler.ts', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    const lines = new LineMap(text);
    const top = collectTopLevel(source);
    const rangeOf = (node: ts.Node): Range => lines.range(node.getStart(source), node.end);
    /** From the node's start to the end of its first line: short, even for a multi-line statement. */
    const headRangeOf = (node: ts.Node): Range => {
        const start = node.getStart(source);
        return lines.range(start, Math.min(node.end, lines.lineEndOffset(lines.positionAt(start).line)));
    };

    const calleeName = (call: ts.CallExpression): string | undefined => {
        const callee = unwrap(call.expression);
        if (isIdentifier(callee)) return top.importedAs.get(callee.text) ?? callee.text;
        if (isPropertyAccessExpression(callee)) return callee.name.text;
        return undefined;
    };
    const resolve = (expression: ts.Expression): ts.Expression => {
        let current = unwrap(expression);
        for (let depth = 0; depth < MAX_RESOLVE_DEPTH && isIdentifier(current); depth++) {
            const value = top.variables.get(current.text);
            if (!value) break;
            current = unwrap(value);
        }
        return current;
    };
    const asCreateOnEventCall = (expression: ts.Expression | undefined): ts.CallExpression | undefined => {
        if (!expression) return undefined;
        const resolved = resolve(expression);
        return isCallExpression(resolved) && calleeName(resolved) === 'createOnEvent' ? resolved : undefined;
    };

    // The default export, and which createOnEvent(...) call the handler is.
    let defaultExport: DefaultExportFacts;
    let call = asCreateOnEventCall(top.defaultExport?.expression);
    const isDefaultExport = call !== undefined;
    if (call) {
        defaultExport = { kind: 'create-on-event' };
    } else if (top.defaultExport) {
        const { node, expression, found } = top.defaultExport;
        const resolved = expression ? resolve(expression) : undefined;
        const callee = resolved && isCallExpression(resolved) ? (calleeName(resolved) ?? resolved.expression.getText(source)) : undefined;
        const what = found ?? (resolved ? describe(resolved, source, callee) : 'an unknown value');
        defaultExport = { kind: 'other', found: what, callee, range: headRangeOf(node) };
    } else {
        defaultExport = { kind: 'missing', namedExport: undefined };
    }
    if (!call) {
        for (const [name, value] of top.variables) {
            const candidate = asCreateOnEventCall(value);
            if (!candidate) continue;
            call = candidate;
            if (defaultExport.kind === 'missing') defaultExport = { kind: 'missing', namedExport: top.exportedAs.get(name) };
            break;
        }
    }

    const config = call?.arguments[0] ? resolve(call.arguments[0]) : undefined;
    const objectConfig = config && isObjectLiteralExpression(config) ? config : undefined;
    let exec: FunctionLike | undefined;
    let createOnEvent: CreateOnEventFacts | undefined;
    if (call) {
        const configFacts = objectConfig ? analyzeConfig(objectConfig) : undefined;
        exec = configFacts?.exec;
        createOnEvent = {
            range: rangeOf(call),
            nameRange: rangeOf(unwrap(call.expression)),
            isDefaultExport,
            event: configFacts?.event ?? { kind: 'unknown' },
            description: configFacts?.description,
            hasMetadataSchema: configFacts?.hasMetadataSchema ?? false
        };
    }

    function analyzeConfig(object: ts.ObjectLiteralExpression): {
        event: EventFacts;
        description: string | undefined;
        hasMetadataSchema: boolean;
        exec: FunctionLike | undefined;
    } {
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
            if (name === 'event' && value) event = eventFacts(value);
            else if (name === 'description' && value) description = stringValue(resolve(value));
            else if (name === 'metadata') hasMetadataSchema = true;
            else if (name === 'exec') execFunction = isMethodDeclaration(property) ? property : value ? functionOf(value) : undefined;
        }
        if (!event) event = hasSpread ? { kind: 'unknown' } : { kind: 'missing', insertion: eventInsertion(object) };
        return { event, description, hasMetadataSchema, exec: execFunction };
    }

    function eventFacts(value: ts.Expression): EventFacts {
        const resolved = resolve(value);
        if (isStringLiteral(resolved) || isNoSubstitutionTemplateLiteral(resolved)) {
            const start = resolved.getStart(source);
            return { kind: 'literal', value: resolved.text, range: lines.range(start, resolved.end), quote: text[start]! };
        }
        if (isNumericLiteral(resolved) || KEYWORD_LITERALS.has(resolved.kind)) {
            return { kind: 'not-a-string', text: resolved.getText(source), range: rangeOf(resolved) };
        }
        return { kind: 'unknown' };
    }

    /** Puts `event` after `description` (the docs' order), on its own line when properties are one per line. */
    function eventInsertion(object: ts.ObjectLiteralExpression): PropertyInsertion {
        const properties = object.properties;
        const descriptionIndex = properties.findIndex((p) => p.name !== undefined && propertyNameText(p.name) === 'description');
        const anchor = properties[descriptionIndex + 1] ?? properties[0];
        if (!anchor) return { range: rangeOf(object), prefix: '{ ', suffix: ' }' };
        const start = anchor.getStart(source);
        const indentation = text.slice(lines.lineStartOffset(lines.positionAt(start).line), start);
        const ownLine = indentation.trim() === '';
        return { range: lines.range(start, start), prefix: '', suffix: ownLine ? `,${detectEol(text)}${indentation}` : ', ' };
    }

    function functionOf(value: ts.Expression): FunctionLike | undefined {
        const unwrapped = unwrap(value);
        if (isIdentifier(unwrapped) && top.functions.has(unwrapped.text)) return top.functions.get(unwrapped.text);
        const resolved = resolve(value);
        return isArrowFunction(resolved) || isFunctionExpression(resolved) ? resolved : undefined;
    }

    const calls = scanCalls(source, lines, exec);
    return {
        defaultExport,
        createOnEvent,
        batchCalls: calls.batchCalls,
        connectionConfigComparisons: calls.comparisons,
        runtime: analyzeRuntime(source, lines),
        firstLineRange: lines.lineRange(0)
    };
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

/**
 * One pass over the file, in source order, for the calls and comparisons the rules look at:
 *  - batchSave / batchUpdate / batchDelete called on the exec parameter (or on `nango`, the
 *    conventional name helpers use), or through names destructured from it;
 *  - equality comparisons whose operand reads connection_config, directly or through a variable
 *    that holds a value read from it. Names are matched by text: shadowing is rare in handlers and
 *    a type checker would cost far more than the rule is worth.
 */
function scanCalls(
    source: ts.SourceFile,
    lines: LineMap,
    exec: FunctionLike | undefined
): { batchCalls: BatchCall[]; comparisons: ConnectionConfigComparison[] } {
    const rangeOf = (node: ts.Node): Range => lines.range(node.getStart(source), node.end);
    const receivers = new Set([DEFAULT_RECEIVER]);
    /** Local name → batch method, for `({ batchSave }) =>` and `const { batchSave } = nango`. */
    const batchAliases = new Map<string, BatchMethod>();
    const execParameter = exec?.parameters[0]?.name;
    if (execParameter && isIdentifier(execParameter)) receivers.add(execParameter.text);
    if (execParameter) collectBatchAliases(execParameter, batchAliases);

    /** Names holding a value read from connection_config → where it was read. */
    const tainted = new Map<string, Range>();
    const batchCalls: BatchCall[] = [];
    const comparisons: ConnectionConfigComparison[] = [];

    const configReadIn = (node: ts.Node): Range | undefined => {
        if (isPropertyAccessExpression(node)) {
            return node.name.text === 'connection_config' ? rangeOf(node.name) : configReadIn(node.expression);
        }
        if (isElementAccessExpression(node)) {
            const argument = node.argumentExpression;
            if (isStringLiteralLike(argument) && argument.text === 'connection_config') return rangeOf(argument);
            return configReadIn(node.expression) ?? configReadIn(argument);
        }
        if (isIdentifier(node)) return tainted.get(node.text);
        if (isPropertyAssignment(node)) return configReadIn(node.initializer);
        if (isShorthandPropertyAssignment(node)) return tainted.get(node.name.text);
        // A callback's body is its own world: `xs.map((c) => c.connection_config)` is not a read here.
        if (isFunctionLike(node)) return undefined;
        return forEachChild(node, configReadIn);
    };

    const taintBinding = (name: ts.BindingName, origin: Range | undefined): void => {
        if (isIdentifier(name)) {
            if (origin) tainted.set(name.text, origin);
            return;
        }
        for (const element of name.elements) {
            if (isOmittedExpression(element)) continue;
            let elementOrigin = origin;
            if (!elementOrigin && isObjectBindingPattern(name)) {
                const key = element.propertyName ?? element.name;
                if (!isObjectBindingPattern(key) && !isArrayBindingPattern(key) && propertyNameText(key) === 'connection_config') elementOrigin = rangeOf(key);
            }
            taintBinding(element.name, elementOrigin);
        }
    };

    const visit = (node: ts.Node): void => {
        if (isVariableDeclaration(node)) {
            taintBinding(node.name, node.initializer ? configReadIn(node.initializer) : undefined);
            const initializer = node.initializer ? unwrap(node.initializer) : undefined;
            if (initializer && isIdentifier(initializer) && receivers.has(initializer.text)) collectBatchAliases(node.name, batchAliases);
        } else if (isParameter(node) && !isIdentifier(node.name)) {
            taintBinding(node.name, undefined);
        } else if (isBinaryExpression(node)) {
            const operator = node.operatorToken.kind;
            if (operator === ts.SyntaxKind.EqualsToken && isIdentifier(node.left)) {
                const origin = configReadIn(node.right);
                if (origin) tainted.set(node.left.text, origin);
            } else if (EQUALITY_OPERATORS.has(operator) && !isLiteralLike(node.left) && !isLiteralLike(node.right)) {
                // Against a literal it is a policy check on the new account (allowed org, region), which is fine.
                const read = configReadIn(node.left) ?? configReadIn(node.right);
                if (read) comparisons.push({ readRange: read, comparisonRange: rangeOf(node) });
            }
        } else if (isCallExpression(node)) {
            const batchCall = batchCallOf(node);
            if (batchCall) batchCalls.push(batchCall);
        }
        forEachChild(node, visit);
    };

    const batchCallOf = (call: ts.CallExpression): BatchCall | undefined => {
        const callee = unwrap(call.expression);
        let method: string | undefined;
        let receiver: ts.Expression | undefined;
        if (isPropertyAccessExpression(callee)) {
            method = callee.name.text;
            receiver = callee.expression;
        } else if (isElementAccessExpression(callee) && isStringLiteralLike(callee.argumentExpression)) {
            method = callee.argumentExpression.text;
            receiver = callee.expression;
        } else if (isIdentifier(callee)) {
            const aliased = batchAliases.get(callee.text);
            if (aliased) return { method: aliased, callee: callee.text, range: rangeOf(callee) };
        }
        if (!method || !receiver || !BATCH_METHOD_SET.has(method)) return undefined;
        const target = unwrap(receiver);
        if (!isIdentifier(target) || !receivers.has(target.text)) return undefined;
        return { method: method as BatchMethod, callee: callee.getText(source), range: rangeOf(callee) };
    };

    visit(source);
    return { batchCalls, comparisons };
}

function collectBatchAliases(name: ts.BindingName, aliases: Map<string, BatchMethod>): void {
    if (!isObjectBindingPattern(name)) return;
    for (const element of name.elements) {
        const key = element.propertyName ?? element.name;
        const method = isIdentifier(key) || isStringLiteral(key) ? key.text : undefined;
        if (method && BATCH_METHOD_SET.has(method) && isIdentifier(element.name)) aliases.set(element.name.text, method as BatchMethod);
    }
}

const EQUALITY_OPERATORS: ReadonlySet<ts.SyntaxKind> = new Set([
    ts.SyntaxKind.EqualsEqualsEqualsToken,
    ts.SyntaxKind.ExclamationEqualsEqualsToken,
    ts.SyntaxKind.EqualsEqualsToken,
    ts.SyntaxKind.ExclamationEqualsToken
]);

function isLiteralLike(expression: ts.Expression): boolean {
    const node = unwrap(expression);
    return (
        isStringLiteralLike(node) ||
        isNumericLiteral(node) ||
        isTypeOfExpression(node) ||
        isVoidExpression(node) ||
        (isIdentifier(node) && node.text === 'undefined') ||
        KEYWORD_LITERALS.has(node.kind)
    );
}

/** Looks through parentheses, `as`, `satisfies`, `!` and `<T>` casts, which do not change the value. */
function unwrap(expression: ts.Expression): ts.Expression {
    let current = expression;
    while (
        isParenthesizedExpression(current) ||
        isAsExpression(current) ||
        isSatisfiesExpression(current) ||
        isNonNullExpression(current) ||
        isTypeAssertionExpression(current)
    ) {
        current = current.expression;
    }
    return current;
}

function propertyNameText(name: ts.PropertyName): string | undefined {
    if (isIdentifier(name) || isStringLiteral(name) || isNumericLiteral(name) || isNoSubstitutionTemplateLiteral(name) || isPrivateIdentifier(name)) {
        return name.text;
    }
    return undefined;
}

function stringValue(expression: ts.Expression): string | undefined {
    return isStringLiteralLike(expression) ? expression.text : undefined;
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
    return canHaveModifiers(node) && (getModifiers(node) ?? []).some((m) => m.kind === kind);
}

function describe(expression: ts.Expression, source: ts.SourceFile, callee: string | undefined): string {
    if (isCallExpression(expression)) return `${callee ?? 'a call'}(...)`;
    if (isObjectLiteralExpression(expression)) return 'an object literal';
    if (isArrowFunction(expression) || isFunctionExpression(expression)) return 'a function';
    if (isClassExpression(expression)) return 'a class';
    if (isIdentifier(expression)) return `\`${expression.text}\``;
    if (isLiteralExpression(expression) || isTemplateExpression(expression)) return 'a literal value';
    return `\`${truncate(expression.getText(source), 40)}\``;
}

function truncate(text: string, length: number): string {
    const oneLine = text.replace(/\s+/g, ' ');
    return oneLine.length > length ? `${oneLine.slice(0, length - 1)}…` : oneLine;
}
