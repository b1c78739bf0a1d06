// Lexical scopes, just enough to tell a local `fetch` or a parameter named `process` from the global:
// which names a block, a function, a loop or a catch clause declares. `var` belongs to its function;
// ambient (`declare`) statements declare nothing that exists at run time.
import ts from 'typescript';

const {
    canHaveModifiers,
    forEachChild,
    isArrowFunction,
    isBlock,
    isCaseBlock,
    isCatchClause,
    isClassDeclaration,
    isClassExpression,
    isConstructorDeclaration,
    isEnumDeclaration,
    isForInStatement,
    isForOfStatement,
    isForStatement,
    isFunctionDeclaration,
    isFunctionExpression,
    isGetAccessorDeclaration,
    isIdentifier,
    isImportDeclaration,
    isImportEqualsDeclaration,
    isMethodDeclaration,
    isModuleBlock,
    isModuleDeclaration,
    isNamespaceImport,
    isOmittedExpression,
    isSetAccessorDeclaration,
    isSourceFile,
    isVariableDeclarationList,
    isVariableStatement
} = ts;
const { DeclareKeyword } = ts.SyntaxKind;

/** Whether `node` has a `declare` modifier. Reads `modifiers` directly: getModifiers copies the list, and the walk asks of every statement. */
export function isAmbient(node: ts.Node): boolean {
    if (!canHaveModifiers(node)) return false;
    for (const modifier of node.modifiers ?? []) if (modifier.kind === DeclareKeyword) return true;
    return false;
}

const NO_NAMES: ReadonlySet<string> = new Set();

const SCOPE_KINDS: ReadonlySet<ts.SyntaxKind> = new Set([
    ts.SyntaxKind.SourceFile,
    ts.SyntaxKind.Block,
    ts.SyntaxKind.ModuleBlock,
    ts.SyntaxKind.CaseBlock,
    ts.SyntaxKind.FunctionDeclaration,
    ts.SyntaxKind.FunctionExpression,
    ts.SyntaxKind.ArrowFunction,
    ts.SyntaxKind.MethodDeclaration,
    ts.SyntaxKind.Constructor,
    ts.SyntaxKind.GetAccessor,
    ts.SyntaxKind.SetAccessor,
    ts.SyntaxKind.ClassExpression,
    ts.SyntaxKind.ForStatement,
    ts.SyntaxKind.ForInStatement,
    ts.SyntaxKind.ForOfStatement,
    ts.SyntaxKind.CatchClause
]);

/** Whether names declared directly in `node` are visible only inside it. A kind check: the walk asks of every node. */
export function createsScope(node: ts.Node): boolean {
    return SCOPE_KINDS.has(node.kind);
}

/** The names a scope-creating node declares. Costs a walk of the scope, so callers ask only when a name needs it. */
export function declaredIn(node: ts.Node): ReadonlySet<string> {
    if (isSourceFile(node)) {
        const names = blockNames(node.statements);
        collectVarNames(node, names);
        return names;
    }
    if (isBlock(node) || isModuleBlock(node)) return blockNames(node.statements);
    if (isCaseBlock(node)) return blockNames(node.clauses.flatMap((clause) => [...clause.statements]));
    if (isFunctionLikeScope(node)) {
        const names = new Set<string>();
        for (const parameter of node.parameters) addBindingNames(parameter.name, names);
        if (isFunctionExpression(node) && node.name) names.add(node.name.text);
        if (node.body) collectVarNames(node.body, names);
        return names;
    }
    if (isClassExpression(node)) return node.name ? new Set([node.name.text]) : NO_NAMES;
    if ((isForStatement(node) || isForInStatement(node) || isForOfStatement(node)) && node.initializer && isVariableDeclarationList(node.initializer)) {
        const names = new Set<string>();
        for (const declaration of node.initializer.declarations) addBindingNames(declaration.name, names);
        return names;
    }
    if (isCatchClause(node) && node.variableDeclaration) {
        const names = new Set<string>();
        addBindingNames(node.variableDeclaration.name, names);
        return names;
    }
    return NO_NAMES;
}

type FunctionLikeScope =
    | ts.FunctionDeclaration
    | ts.FunctionExpression
    | ts.ArrowFunction
    | ts.MethodDeclaration
    | ts.ConstructorDeclaration
    | ts.GetAccessorDeclaration
    | ts.SetAccessorDeclaration;

function isFunctionLikeScope(node: ts.Node): node is FunctionLikeScope {
    return (
        isFunctionDeclaration(node) ||
        isFunctionExpression(node) ||
        isArrowFunction(node) ||
        isMethodDeclaration(node) ||
        isConstructorDeclaration(node) ||
        isGetAccessorDeclaration(node) ||
        isSetAccessorDeclaration(node)
    );
}

/** Names declared directly in a block: its variables, functions, classes, enums, namespaces and imports. */
function blockNames(statements: readonly ts.Statement[]): Set<string> {
    const names = new Set<string>();
    for (const statement of statements) {
        if (isAmbient(statement)) continue;
        if (isVariableStatement(statement)) {
            for (const declaration of statement.declarationList.declarations) addBindingNames(declaration.name, names);
        } else if (isFunctionDeclaration(statement) || isClassDeclaration(statement) || isEnumDeclaration(statement)) {
            if (statement.name) names.add(statement.name.text);
        } else if (isModuleDeclaration(statement) && isIdentifier(statement.name)) {
            names.add(statement.name.text);
        } else if (isImportEqualsDeclaration(statement)) {
            names.add(statement.name.text);
        } else if (isImportDeclaration(statement) && statement.importClause && !statement.importClause.isTypeOnly) {
            const clause = statement.importClause;
            if (clause.name) names.add(clause.name.text);
            const bindings = clause.namedBindings;
            if (bindings && isNamespaceImport(bindings)) names.add(bindings.name.text);
            else if (bindings) for (const element of bindings.elements) names.add(element.name.text);
        }
    }
    return names;
}

/** `var` declarations anywhere in a function body (not in nested functions): they belong to the function. */
function collectVarNames(node: ts.Node, names: Set<string>): void {
    forEachChild(node, (child) => {
        if (isFunctionLikeScope(child) || isClassDeclaration(child) || isClassExpression(child)) return;
        if (isVariableDeclarationList(child) && (child.flags & ts.NodeFlags.BlockScoped) === 0) {
            for (const declaration of child.declarations) addBindingNames(declaration.name, names);
        }
        collectVarNames(child, names);
    });
}

function addBindingNames(name: ts.BindingName, names: Set<string>): void {
    if (isIdentifier(name)) {
        names.add(name.text);
        return;
    }
    for (const element of name.elements) if (!isOmittedExpression(element)) addBindingNames(element.name, names);
}
