// Small readings of TypeScript syntax shared by the handler analyses.
import ts from 'typescript';

const {
    canHaveModifiers,
    getModifiers,
    isArrowFunction,
    isAsExpression,
    isCallExpression,
    isClassExpression,
    isFunctionExpression,
    isIdentifier,
    isLiteralExpression,
    isNoSubstitutionTemplateLiteral,
    isNonNullExpression,
    isNumericLiteral,
    isObjectLiteralExpression,
    isParenthesizedExpression,
    isPrivateIdentifier,
    isSatisfiesExpression,
    isStringLiteral,
    isStringLiteralLike,
    isTemplateExpression,
    isTypeAssertionExpression
} = ts;

/**
 * How handlers and index.ts are parsed. JSDoc comments are not: no analysis reads them (positions
 * are taken without them), and parsing them costs a fifth of the parse of a handler with a doc
 * comment on each function.
 */
export const PARSE_OPTIONS: ts.CreateSourceFileOptions = { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone };

export const KEYWORD_LITERALS: ReadonlySet<ts.SyntaxKind> = new Set([ts.SyntaxKind.TrueKeyword, ts.SyntaxKind.FalseKeyword, ts.SyntaxKind.NullKeyword]);

/** Looks through parentheses, `as`, `satisfies`, `!` and `<T>` casts, which do not change the value. */
export function unwrap(expression: ts.Expression): ts.Expression {
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

export function propertyNameText(name: ts.PropertyName): string | undefined {
    if (isIdentifier(name) || isStringLiteral(name) || isNumericLiteral(name) || isNoSubstitutionTemplateLiteral(name) || isPrivateIdentifier(name)) {
        return name.text;
    }
    return undefined;
}

export function stringValue(expression: ts.Expression): string | undefined {
    return isStringLiteralLike(expression) ? expression.text : undefined;
}

export function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
    return canHaveModifiers(node) && (getModifiers(node) ?? []).some((m) => m.kind === kind);
}

export function describe(expression: ts.Expression, source: ts.SourceFile, callee: string | undefined): string {
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
