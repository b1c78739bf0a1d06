// The calls and comparisons of a handler that the handler rules look at.
import ts from 'typescript';
import type { LineMap } from './text';
import type { Range } from './types';
import { KEYWORD_LITERALS, propertyNameText, unwrap } from './syntax';

// Taken from the namespace once: a property lookup on `ts` in the walk of every node costs more than the walk.
const {
    forEachChild,
    isArrayBindingPattern,
    isElementAccessExpression,
    isFunctionLike,
    isIdentifier,
    isNumericLiteral,
    isObjectBindingPattern,
    isOmittedExpression,
    isPropertyAccessExpression,
    isPropertyAssignment,
    isShorthandPropertyAssignment,
    isStringLiteral,
    isStringLiteralLike,
    isTypeOfExpression,
    isVoidExpression
} = ts;
// Kinds as plain numbers: a lookup on ts.SyntaxKind (hundreds of members) for every node adds up.
const { BinaryExpression, CallExpression, EqualsToken, Parameter, VariableDeclaration } = ts.SyntaxKind;

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
/** Every batch call and connection_config read the scan reports names one of these. */
const REPORTED_NAMES = new RegExp([...BATCH_METHODS, 'connection_config'].join('|'));

/**
 * Whether the scan can report anything in `text`: not when none of the names it looks for occurs
 * in it. Without a backslash, every name (identifier or string) is written as its own characters;
 * an escape (`nango.batch\u0053ave`) could spell one otherwise.
 */
export function callScanCanReport(text: string): boolean {
    return text.includes('\\') || REPORTED_NAMES.test(text);
}

/**
 * The calls and comparisons the rules look at, gathered node by node in source order (the walk is
 * handler-walk.ts, shared with the runtime scan):
 *  - batchSave / batchUpdate / batchDelete called on the exec parameter (or on `nango`, the
 *    conventional name helpers use), or through names destructured from it;
 *  - equality comparisons whose operand reads connection_config, directly or through a variable
 *    that holds a value read from it. Names are matched by text: shadowing is rare in handlers and
 *    a type checker would cost far more than the rule is worth.
 *
 * A class rather than closures: one analysis per file, and the methods are not re-created for each.
 */
export class CallScan {
    readonly batchCalls: BatchCall[] = [];
    readonly comparisons: ConnectionConfigComparison[] = [];
    private readonly receivers = new Set([DEFAULT_RECEIVER]);
    /** Local name → batch method, for `({ batchSave }) =>` and `const { batchSave } = nango`. */
    private readonly batchAliases = new Map<string, BatchMethod>();
    /** Names holding a value read from connection_config → where it was read. */
    private readonly tainted = new Map<string, Range>();
    /** configReadIn as a callback of forEachChild, made once. */
    private readonly configReadInChild = (node: ts.Node): Range | undefined => this.configReadIn(node);

    constructor(
        private readonly source: ts.SourceFile,
        private readonly lines: LineMap,
        exec: FunctionLike | undefined
    ) {
        const execParameter = exec?.parameters[0]?.name;
        if (execParameter && isIdentifier(execParameter)) this.receivers.add(execParameter.text);
        if (execParameter) collectBatchAliases(execParameter, this.batchAliases);
    }

    /** Looks at one node (not its children: the walk brings them). */
    visit(node: ts.Node): void {
        switch (node.kind) {
            case VariableDeclaration: {
                const declaration = node as ts.VariableDeclaration;
                this.taintBinding(declaration.name, declaration.initializer ? this.configReadIn(declaration.initializer) : undefined);
                const initializer = declaration.initializer ? unwrap(declaration.initializer) : undefined;
                if (initializer && isIdentifier(initializer) && this.receivers.has(initializer.text)) collectBatchAliases(declaration.name, this.batchAliases);
                break;
            }
            case Parameter: {
                const name = (node as ts.ParameterDeclaration).name;
                if (!isIdentifier(name)) this.taintBinding(name, undefined);
                break;
            }
            case BinaryExpression:
                this.visitBinary(node as ts.BinaryExpression);
                break;
            case CallExpression: {
                const batchCall = this.batchCallOf(node as ts.CallExpression);
                if (batchCall) this.batchCalls.push(batchCall);
                break;
            }
        }
    }

    private visitBinary(node: ts.BinaryExpression): void {
        const operator = node.operatorToken.kind;
        if (operator === EqualsToken && isIdentifier(node.left)) {
            const origin = this.configReadIn(node.right);
            if (origin) this.tainted.set(node.left.text, origin);
        } else if (EQUALITY_OPERATORS.has(operator) && !isLiteralLike(node.left) && !isLiteralLike(node.right)) {
            // Against a literal it is a policy check on the new account (allowed org, region), which is fine.
            const read = this.configReadIn(node.left) ?? this.configReadIn(node.right);
            if (read) this.comparisons.push({ readRange: read, comparisonRange: this.rangeOf(node) });
        }
    }

    private rangeOf(node: ts.Node): Range {
        return this.lines.range(node.getStart(this.source), node.end);
    }

    private configReadIn(node: ts.Node): Range | undefined {
        if (isPropertyAccessExpression(node)) {
            return node.name.text === 'connection_config' ? this.rangeOf(node.name) : this.configReadIn(node.expression);
        }
        if (isElementAccessExpression(node)) {
            const argument = node.argumentExpression;
            if (isStringLiteralLike(argument) && argument.text === 'connection_config') return this.rangeOf(argument);
            return this.configReadIn(node.expression) ?? this.configReadIn(argument);
        }
        if (isIdentifier(node)) return this.tainted.get(node.text);
        if (isPropertyAssignment(node)) return this.configReadIn(node.initializer);
        if (isShorthandPropertyAssignment(node)) return this.tainted.get(node.name.text);
        // A callback's body is its own world: `xs.map((c) => c.connection_config)` is not a read here.
        if (isFunctionLike(node)) return undefined;
        return forEachChild(node, this.configReadInChild);
    }

    private taintBinding(name: ts.BindingName, origin: Range | undefined): void {
        if (isIdentifier(name)) {
            if (origin) this.tainted.set(name.text, origin);
            return;
        }
        for (const element of name.elements) {
            if (isOmittedExpression(element)) continue;
            let elementOrigin = origin;
            if (!elementOrigin && isObjectBindingPattern(name)) {
                const key = element.propertyName ?? element.name;
                if (!isObjectBindingPattern(key) && !isArrayBindingPattern(key) && propertyNameText(key) === 'connection_config')
                    elementOrigin = this.rangeOf(key);
            }
            this.taintBinding(element.name, elementOrigin);
        }
    }

    private batchCallOf(call: ts.CallExpression): BatchCall | undefined {
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
            const aliased = this.batchAliases.get(callee.text);
            if (aliased) return { method: aliased, callee: callee.text, range: this.rangeOf(callee) };
        }
        if (!method || !receiver || !BATCH_METHOD_SET.has(method)) return undefined;
        const target = unwrap(receiver);
        if (!isIdentifier(target) || !this.receivers.has(target.text)) return undefined;
        return { method: method as BatchMethod, callee: callee.getText(this.source), range: this.rangeOf(callee) };
    }
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
