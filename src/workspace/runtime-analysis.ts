// What a handler reaches for that Nango's production runtime may not have: the modules it imports
// or requires, the free globals it names, eval / Function, and values it imports from 'nango'.
// The rules that judge them (runtime-rules.ts) read Nango's lists from emulator/sandbox/rules.ts.
import ts from 'typescript';
import { MISSING_GLOBALS, NANGO_FACTORIES } from '../../emulator/sandbox/rules';
import { createsScope, declaredIn, isAmbient } from './scopes';
import { detectEol } from './text';
import type { LineMap } from './text';
import type { Range } from './types';

/** Replace `range` with `prefix + import + suffix` to add an import line. */
export interface ImportInsertion {
    readonly range: Range;
    readonly prefix: string;
    readonly suffix: string;
}

export interface ModuleReference {
    /** `import … from`, `export … from`, `require('…')`, `import('…')`, or `import x = require('…')`. */
    readonly kind: 'import' | 're-export' | 'require' | 'dynamic-import' | 'import-equals';
    readonly specifier: string;
    /** The string literal, quotes included. */
    readonly range: Range;
    readonly quote: string;
    /** Erased before bundling: `import type`, `export type`, or every named binding marked `type`. */
    readonly typeOnly: boolean;
    /** Only `import type` at the declaration: the one form `nango compile` lets through for any package. */
    readonly declarationTypeOnly: boolean;
    /** For `import { type A, type B } from 'x'`: the edits that turn it into `import type { A, B } from 'x'`. */
    readonly toImportType: readonly { readonly range: Range; readonly newText: string }[] | undefined;
}

/** A value (not a type) imported from a Nango SDK module that `nango compile` does not strip. */
export interface NangoValueUse {
    readonly module: string;
    /** As written: `ActionError`, `sdk.ActionError`, `sdk`. */
    readonly name: string;
    readonly range: Range;
}

export interface GlobalUse {
    readonly name: string;
    readonly range: Range;
}

export interface CodeGenerationUse {
    readonly what: 'eval(...)' | 'new Function(...)' | 'Function(...)';
    /** From the start of the expression to the end of its callee: `eval`, `new Function`. */
    readonly range: Range;
}

export interface RuntimeFacts {
    readonly modules: readonly ModuleReference[];
    readonly nangoValueUses: readonly NangoValueUse[];
    readonly globalUses: readonly GlobalUse[];
    readonly codeGeneration: readonly CodeGenerationUse[];
    /** Where a quick fix adds an import: after the last import, else at the top. */
    readonly importInsertion: ImportInsertion;
}

// Taken from the namespace once, as in handler-analysis.ts: the walk visits every node.
const {
    forEachChild,
    isCallExpression,
    isExportDeclaration,
    isExpressionWithTypeArguments,
    isExternalModuleReference,
    isHeritageClause,
    isIdentifier,
    isImportDeclaration,
    isImportEqualsDeclaration,
    isInterfaceDeclaration,
    isNamedExports,
    isNamedImports,
    isNamespaceImport,
    isNewExpression,
    isParenthesizedExpression,
    isPropertyAccessExpression,
    isShorthandPropertyAssignment,
    isStringLiteralLike,
    isTypeNode,
    isTypeOfExpression
} = ts;

const MISSING_GLOBAL_NAMES: ReadonlySet<string> = new Set(Object.keys(MISSING_GLOBALS));
const FACTORY_NAMES: ReadonlySet<string> = new Set(NANGO_FACTORIES);
/** Free names the walk looks up besides the missing globals and the imported Nango values. */
const WATCHED_NAMES: ReadonlySet<string> = new Set([...MISSING_GLOBAL_NAMES, 'eval', 'Function', 'require']);

/** 'nango', 'nango/experimental': their factories are stripped by `nango compile`, any other value stays a require. */
export function isNangoSdkModule(specifier: string): boolean {
    return specifier === 'nango' || specifier.startsWith('nango/');
}

export function analyzeRuntime(source: ts.SourceFile, lines: LineMap): RuntimeFacts {
    const text = source.text;
    const rangeOf = (node: ts.Node): Range => lines.range(node.getStart(source), node.end);
    const modules: ModuleReference[] = [];
    const nangoValueUses: NangoValueUse[] = [];
    const globalUses: GlobalUse[] = [];
    const codeGeneration: CodeGenerationUse[] = [];
    /** Local name → the Nango SDK module it was imported from and the name imported ('*' for a namespace). */
    const nangoImports = new Map<string, { module: string; imported: string }>();

    const moduleReference = (kind: ModuleReference['kind'], literal: ts.StringLiteralLike, typeOnly = false, declarationTypeOnly = false): ModuleReference => ({
        kind,
        specifier: literal.text,
        range: rangeOf(literal),
        quote: text.charAt(literal.getStart(source)),
        typeOnly,
        declarationTypeOnly,
        toImportType: undefined
    });

    let lastImportEnd: number | undefined;
    for (const statement of source.statements) {
        if (isImportDeclaration(statement) && isStringLiteralLike(statement.moduleSpecifier)) {
            lastImportEnd = statement.end;
            const clause = statement.importClause;
            const declarationTypeOnly = clause?.isTypeOnly ?? false;
            const bindings = clause?.namedBindings;
            const named = bindings && isNamedImports(bindings) ? bindings.elements : [];
            const everyNameType = clause !== undefined && !clause.name && named.length > 0 && named.every((element) => element.isTypeOnly);
            const reference = moduleReference('import', statement.moduleSpecifier, declarationTypeOnly || everyNameType, declarationTypeOnly);
            let toImportType: ModuleReference['toImportType'];
            if (clause && everyNameType && !declarationTypeOnly) {
                const clauseStart = clause.getStart(source);
                // `type ` before the braces, and each specifier's own `type` keyword removed with the space after it.
                const keywords = named.map((element) => lines.range(element.getStart(source), (element.propertyName ?? element.name).getStart(source)));
                toImportType = [{ range: lines.range(clauseStart, clauseStart), newText: 'type ' }, ...keywords.map((range) => ({ range, newText: '' }))];
            }
            modules.push({ ...reference, toImportType });
            if (!declarationTypeOnly && clause && isNangoSdkModule(reference.specifier)) {
                const module = reference.specifier;
                if (clause.name) nangoImports.set(clause.name.text, { module, imported: 'default' });
                if (bindings && isNamespaceImport(bindings)) nangoImports.set(bindings.name.text, { module, imported: '*' });
                for (const element of named) {
                    const imported = (element.propertyName ?? element.name).text;
                    if (!element.isTypeOnly && !FACTORY_NAMES.has(imported)) nangoImports.set(element.name.text, { module, imported });
                }
            }
        } else if (isExportDeclaration(statement) && statement.moduleSpecifier && isStringLiteralLike(statement.moduleSpecifier)) {
            const clause = statement.exportClause;
            const everyNameType = clause !== undefined && isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
            modules.push(moduleReference('re-export', statement.moduleSpecifier, statement.isTypeOnly || everyNameType, statement.isTypeOnly));
        }
    }

    // ---- Scopes: which names are declared where, so a local `fetch` or a parameter `process` is not the global.

    /** The scope-creating nodes around the current node, the file first. */
    const scopes: ts.Node[] = [];
    /** Their declared names, computed when a watched name is first looked up in them (most handlers never do). */
    const namesByScope = new Map<ts.Node, ReadonlySet<string>>();
    const namesOf = (scope: ts.Node): ReadonlySet<string> => {
        let names = namesByScope.get(scope);
        if (!names) {
            names = declaredIn(scope);
            namesByScope.set(scope, names);
        }
        return names;
    };
    /** Whether `name` is declared in a scope at index ≥ `from` of the stack (0 is the file). */
    const declaredFrom = (name: string, from: number): boolean => {
        for (let index = scopes.length - 1; index >= from; index--) {
            const scope = scopes[index];
            if (scope && namesOf(scope).has(name)) return true;
        }
        return false;
    };

    const parents: ts.Node[] = [];
    const visit = (node: ts.Node): void => {
        const parent = parents[parents.length - 1];
        if (isIdentifier(node)) {
            if (parent) checkIdentifier(node, parent);
            return;
        }
        if (isSkipped(node, parent, parents[parents.length - 2])) return;
        if (isTypeOfExpression(node)) {
            // `typeof fetch` does not throw when fetch is missing: it is how code tests for it. (`typeof
            // ActionError` still needs the value, so a Nango import is checked as usual.)
            const operand = unparenthesize(node.expression);
            if (isIdentifier(operand) && !nangoImports.has(operand.text)) return;
        }
        if (isCallExpression(node)) checkCall(node);
        else if (isNewExpression(node)) checkNew(node);
        else if (isImportEqualsDeclaration(node)) {
            const reference = node.moduleReference;
            if (isExternalModuleReference(reference) && isStringLiteralLike(reference.expression)) {
                modules.push(moduleReference('import-equals', reference.expression, node.isTypeOnly, node.isTypeOnly));
            }
            return;
        }
        const isScope = createsScope(node);
        if (isScope) scopes.push(node);
        parents.push(node);
        forEachChild(node, visit);
        parents.pop();
        if (isScope) scopes.pop();
    };

    const checkIdentifier = (identifier: ts.Identifier, parent: ts.Node): void => {
        const name = identifier.text;
        const nangoImport = nangoImports.get(name);
        if (!nangoImport && !WATCHED_NAMES.has(name)) return;
        if (!isValueReference(identifier, parent)) return;
        if (nangoImport) {
            if (declaredFrom(name, 1)) return;
            if (nangoImport.imported !== '*') {
                nangoValueUses.push({ module: nangoImport.module, name, range: rangeOf(identifier) });
            } else if (isPropertyAccessExpression(parent) && parent.expression === identifier) {
                // `sdk.createOnEvent(...)` is the factory; `sdk.ActionError` is a value nango compile leaves in.
                if (!FACTORY_NAMES.has(parent.name.text)) {
                    nangoValueUses.push({ module: nangoImport.module, name: parent.getText(source), range: rangeOf(parent) });
                }
            } else {
                nangoValueUses.push({ module: nangoImport.module, name, range: rangeOf(identifier) });
            }
            return;
        }
        if (MISSING_GLOBAL_NAMES.has(name) && !declaredFrom(name, 0)) globalUses.push({ name, range: rangeOf(identifier) });
    };

    const checkCall = (call: ts.CallExpression): void => {
        const callee = unparenthesize(call.expression);
        const first = call.arguments[0];
        if (call.expression.kind === ts.SyntaxKind.ImportKeyword) {
            if (first && isStringLiteralLike(first)) modules.push(moduleReference('dynamic-import', first));
        } else if (isIdentifier(callee) && WATCHED_NAMES.has(callee.text) && !declaredFrom(callee.text, 0)) {
            if (callee.text === 'require' && first && isStringLiteralLike(first)) modules.push(moduleReference('require', first));
            else if (callee.text === 'eval') codeGeneration.push({ what: 'eval(...)', range: lines.range(call.getStart(source), callee.end) });
            else if (callee.text === 'Function') codeGeneration.push({ what: 'Function(...)', range: lines.range(call.getStart(source), callee.end) });
        }
    };

    const checkNew = (expression: ts.NewExpression): void => {
        const callee = unparenthesize(expression.expression);
        if (isIdentifier(callee) && callee.text === 'Function' && !declaredFrom('Function', 0)) {
            codeGeneration.push({ what: 'new Function(...)', range: lines.range(expression.getStart(source), callee.end) });
        }
    };

    visit(source);

    const eol = detectEol(text);
    const importInsertion: ImportInsertion =
        lastImportEnd === undefined
            ? { range: lines.range(0, 0), prefix: '', suffix: eol }
            : { range: lines.range(lastImportEnd, lastImportEnd), prefix: eol, suffix: '' };
    return { modules, nangoValueUses, globalUses, codeGeneration, importInsertion };
}

/** Declarations that hold only types, and the import/export declarations already read at the top. */
const SKIPPED_KINDS: ReadonlySet<ts.SyntaxKind> = new Set([
    ts.SyntaxKind.InterfaceDeclaration,
    ts.SyntaxKind.TypeAliasDeclaration,
    ts.SyntaxKind.ImportDeclaration,
    ts.SyntaxKind.ExportDeclaration
]);
/** Statements a `declare` modifier makes ambient: nothing of them exists at run time. */
const DECLARABLE_KINDS: ReadonlySet<ts.SyntaxKind> = new Set([
    ts.SyntaxKind.VariableStatement,
    ts.SyntaxKind.FunctionDeclaration,
    ts.SyntaxKind.ClassDeclaration,
    ts.SyntaxKind.EnumDeclaration,
    ts.SyntaxKind.ModuleDeclaration
]);

/** Subtrees with no run-time references. Kind checks first: the walk asks of every node. */
function isSkipped(node: ts.Node, parent: ts.Node | undefined, grandparent: ts.Node | undefined): boolean {
    if (isExpressionWithTypeArguments(node)) {
        // `class A extends B` evaluates B; `implements B` and `interface A extends B` do not. Outside a
        // heritage clause it is an instantiation expression (`f<T>`), a value.
        if (!parent || !isHeritageClause(parent)) return false;
        return parent.token !== ts.SyntaxKind.ExtendsKeyword || grandparent === undefined || isInterfaceDeclaration(grandparent);
    }
    if (SKIPPED_KINDS.has(node.kind) || isTypeNode(node)) return true;
    return DECLARABLE_KINDS.has(node.kind) && isAmbient(node);
}

/** Whether an identifier names a binding's value here, not a property, a declaration or a label. */
function isValueReference(identifier: ts.Identifier, parent: ts.Node): boolean {
    if (isShorthandPropertyAssignment(parent)) return true;
    const named = parent as { readonly name?: ts.Node; readonly propertyName?: ts.Node; readonly label?: ts.Node };
    return named.name !== identifier && named.propertyName !== identifier && named.label !== identifier;
}

function unparenthesize(expression: ts.Expression): ts.Expression {
    let current = expression;
    while (isParenthesizedExpression(current)) current = current.expression;
    return current;
}
