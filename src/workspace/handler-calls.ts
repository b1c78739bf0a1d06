// The calls and comparisons of a handler that the handler rules look at, found in one pass.
import ts from 'typescript';
import type { LineMap } from './text';
import type { Range } from './types';
import { KEYWORD_LITERALS, propertyNameText, unwrap } from './syntax';

// Taken from the namespace once: a property lookup on `ts` in the walk of every node costs more than the walk.
const {
    forEachChild,
    isArrayBindingPattern,
    isBinaryExpression,
    isCallExpression,
    isElementAccessExpression,
    isFunctionLike,
    isIdentifier,
    isNumericLiteral,
    isObjectBindingPattern,
    isOmittedExpression,
    isParameter,
    isPropertyAccessExpression,
    isPropertyAssignment,
    isShorthandPropertyAssignment,
    isStringLiteral,
    isStringLiteralLike,
    isTypeOfExpression,
    isVariableDeclaration,
    isVoidExpression
} = ts;

export type FunctionLike = ts.ArrowFunction | ts.FunctionExpression | ts.FunctionDeclaration | ts.MethodDeclaration;

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

const DEFAULT_RECEIVER = 'nango';
const BATCH_METHOD_SET: ReadonlySet<string> = new Set(BATCH_METHODS);

/**
 * One pass over the file, in source order, for the calls and comparisons the rules look at:
 *  - batchSave / batchUpdate / batchDelete called on the exec parameter (or on `nango`, the
 *    conventional name helpers use), or through names destructured from it;
 *  - equality comparisons whose operand reads connection_config, directly or through a variable
 *    that holds a value read from it. Names are matched by text: shadowing is rare in handlers and
 *    a type checker would cost far more than the rule is worth.
 */
export function scanCalls(
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
