// What a handler reaches for that Nango's production runtime may not have: the modules it imports
// or requires, the free globals it names, eval / Function, and values it imports from 'nango'.
// The rules that judge them (runtime-rules.ts) read Nango's lists from emulator/sandbox/rules.ts.
import ts from 'typescript';
import { MISSING_GLOBALS, NANGO_FACTORIES } from '../../emulator/sandbox/rules';
import { createsScope, declaredIn, isAmbient } from './scopes';
import { detectEol, shareIfEmpty } from './text';
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
/** Finds a watched name where it is written as an identifier (see needsWalk). */
const WATCHED_WORD = identifierPattern([...WATCHED_NAMES]);
const IMPORT_WORD = /\bimport\b/g;

/**
 * A regular expression that finds each of `names` wherever an identifier of that name is written:
 * identifier characters include all word characters, so an identifier that starts and ends with one
 * has a word boundary (\b) at either end. A lookaround for identifier characters would be exact, and
 * cost twice as much. Names that start or end otherwise (with `$`) are found anywhere, which only finds more.
 */
function identifierPattern(names: readonly string[]): RegExp {
    const escape = (name: string): string => name.replace(/[$]/g, '\\$&');
    const bounded = names.filter((name) => /^\w/.test(name) && /\w$/.test(name));
    const others = names.filter((name) => !bounded.includes(name));
    return new RegExp([`\\b(?:${bounded.map(escape).join('|')})\\b`, ...others.map(escape)].join('|'));
}

/** 'nango', 'nango/experimental': their factories are stripped by `nango compile`, any other value stays a require. */
export function isNangoSdkModule(specifier: string): boolean {
    return specifier === 'nango' || specifier.startsWith('nango/');
}

/** Local name → the Nango SDK module it was imported from and the name imported ('*' for a namespace). */
type NangoImports = Map<string, { readonly module: string; readonly imported: string }>;

/**
 * Gathers the RuntimeFacts of a file: its import and export declarations when constructed, then
 * node by node in source order (the walk is handler-walk.ts, shared with the call scan): `enter`
 * says whether the nodes below hold anything for it, `leave` closes what `enter` opened.
 *
 * A class rather than closures: one analysis per file, and the methods are not re-created for each.
 */
export class RuntimeScan {
    private readonly text: string;
    private readonly modules: ModuleReference[] = [];
    private readonly nangoValueUses: NangoValueUse[] = [];
    private readonly globalUses: GlobalUse[] = [];
    private readonly codeGeneration: CodeGenerationUse[] = [];
    private readonly nangoImports: NangoImports = new Map();
    private readonly lastImportEnd: number | undefined;
    private readonly importDeclarationCount: number;
    /** The scope-creating nodes around the current node, the file first. */
    private readonly scopes: ts.Node[] = [];
    /** Their declared names, computed when a watched name is first looked up in them (most handlers never do). */
    private readonly namesByScope = new Map<ts.Node, ReadonlySet<string>>();

    constructor(
        private readonly source: ts.SourceFile,
        private readonly lines: LineMap
    ) {
        this.text = source.text;
        let lastImportEnd: number | undefined;
        let importDeclarationCount = 0;
        for (const statement of source.statements) {
            if (isImportDeclaration(statement)) importDeclarationCount++;
            if (isImportDeclaration(statement) && isStringLiteralLike(statement.moduleSpecifier)) {
                lastImportEnd = statement.end;
                this.readImport(statement, statement.moduleSpecifier);
            } else if (isExportDeclaration(statement) && statement.moduleSpecifier && isStringLiteralLike(statement.moduleSpecifier)) {
                const clause = statement.exportClause;
                const everyNameType =
                    clause !== undefined && isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
                this.modules.push(this.moduleReference('re-export', statement.moduleSpecifier, statement.isTypeOnly || everyNameType, statement.isTypeOnly));
            }
        }
        this.lastImportEnd = lastImportEnd;
        this.importDeclarationCount = importDeclarationCount;
    }

    /**
     * Whether the walk can add anything to what the import declarations gave: not when the text
     * names no watched global, nothing is imported from Nango as a value, and every `import` word is
     * the keyword of a top-level import declaration (each has one), so there is no import(...) and no
     * `import x = require(...)`. Without a backslash, every identifier and keyword is written as its
     * own characters; an escape (`\u0066etch`) could spell one otherwise.
     */
    needsWalk(): boolean {
        const { text } = this;
        if (this.nangoImports.size > 0 || text.includes('\\') || WATCHED_WORD.test(text)) return true;
        return (text.match(IMPORT_WORD)?.length ?? 0) !== this.importDeclarationCount;
    }

    /**
     * Looks at `node` (whose parent is `parent`); returns false when nothing below it can be a
     * run-time reference (a type, an import read above, `typeof x`), so the walk need not bring
     * its children here. Call `leave` after the children of a node it returned true for.
     */
    enter(node: ts.Node, parent: ts.Node | undefined, grandparent: ts.Node | undefined): boolean {
        if (isIdentifier(node)) {
            if (parent) this.checkIdentifier(node, parent);
            return false;
        }
        if (isSkipped(node, parent, grandparent)) return false;
        if (isTypeOfExpression(node)) {
            // `typeof fetch` does not throw when fetch is missing: it is how code tests for it. (`typeof
            // ActionError` still needs the value, so a Nango import is checked as usual.)
            const operand = unparenthesize(node.expression);
            if (isIdentifier(operand) && !this.nangoImports.has(operand.text)) return false;
        }
        if (isCallExpression(node)) this.checkCall(node);
        else if (isNewExpression(node)) this.checkNew(node);
        else if (isImportEqualsDeclaration(node)) {
            const reference = node.moduleReference;
            if (isExternalModuleReference(reference) && isStringLiteralLike(reference.expression)) {
                this.modules.push(this.moduleReference('import-equals', reference.expression, node.isTypeOnly, node.isTypeOnly));
            }
            return false;
        }
        if ((KIND_FLAGS[node.kind] ?? 0) & SCOPE_KIND) this.scopes.push(node);
        return true;
    }

    leave(node: ts.Node): void {
        if (this.scopes[this.scopes.length - 1] === node) this.scopes.pop();
    }

    facts(): RuntimeFacts {
        const { lines, lastImportEnd } = this;
        const eol = detectEol(this.text);
        const importInsertion: ImportInsertion =
            lastImportEnd === undefined
                ? { range: lines.range(0, 0), prefix: '', suffix: eol }
                : { range: lines.range(lastImportEnd, lastImportEnd), prefix: eol, suffix: '' };
        return {
            modules: shareIfEmpty(this.modules),
            nangoValueUses: shareIfEmpty(this.nangoValueUses),
            globalUses: shareIfEmpty(this.globalUses),
            codeGeneration: shareIfEmpty(this.codeGeneration),
            importInsertion
        };
    }

    private readImport(statement: ts.ImportDeclaration, specifier: ts.StringLiteralLike): void {
        const { lines, source } = this;
        const clause = statement.importClause;
        const declarationTypeOnly = clause?.isTypeOnly ?? false;
        const bindings = clause?.namedBindings;
        const named = bindings && isNamedImports(bindings) ? bindings.elements : [];
        const everyNameType = clause !== undefined && !clause.name && named.length > 0 && named.every((element) => element.isTypeOnly);
        let toImportType: ModuleReference['toImportType'];
        if (clause && everyNameType && !declarationTypeOnly) {
            const clauseStart = clause.getStart(source);
            // `type ` before the braces, and each specifier's own `type` keyword removed with the space after it.
            const keywords = named.map((element) => lines.range(element.getStart(source), (element.propertyName ?? element.name).getStart(source)));
            toImportType = [{ range: lines.range(clauseStart, clauseStart), newText: 'type ' }, ...keywords.map((range) => ({ range, newText: '' }))];
        }
        const reference = this.moduleReference('import', specifier, declarationTypeOnly || everyNameType, declarationTypeOnly, toImportType);
        this.modules.push(reference);
        if (!declarationTypeOnly && clause && isNangoSdkModule(reference.specifier)) {
            const module = reference.specifier;
            if (clause.name) this.nangoImports.set(clause.name.text, { module, imported: 'default' });
            if (bindings && isNamespaceImport(bindings)) this.nangoImports.set(bindings.name.text, { module, imported: '*' });
            for (const element of named) {
                const imported = (element.propertyName ?? element.name).text;
                if (!element.isTypeOnly && !FACTORY_NAMES.has(imported)) this.nangoImports.set(element.name.text, { module, imported });
            }
        }
    }

    private rangeOf(node: ts.Node): Range {
        return this.lines.range(node.getStart(this.source), node.end);
    }

    private moduleReference(
        kind: ModuleReference['kind'],
        literal: ts.StringLiteralLike,
        typeOnly = false,
        declarationTypeOnly = false,
        toImportType: ModuleReference['toImportType'] = undefined
    ): ModuleReference {
        const start = literal.getStart(this.source);
        return {
            kind,
            specifier: literal.text,
            range: this.lines.range(start, literal.end),
            quote: this.text.charAt(start),
            typeOnly,
            declarationTypeOnly,
            toImportType
        };
    }

    /** Whether `name` is declared in a scope at index ≥ `from` of the stack (0 is the file). */
    private declaredFrom(name: string, from: number): boolean {
        const { scopes, namesByScope } = this;
        for (let index = scopes.length - 1; index >= from; index--) {
            const scope = scopes[index];
            if (!scope) continue;
            let names = namesByScope.get(scope);
            if (!names) {
                names = declaredIn(scope);
                namesByScope.set(scope, names);
            }
            if (names.has(name)) return true;
        }
        return false;
    }

    private checkIdentifier(identifier: ts.Identifier, parent: ts.Node): void {
        const name = identifier.text;
        const nangoImport = this.nangoImports.get(name);
        if (!nangoImport && !WATCHED_NAMES.has(name)) return;
        if (!isValueReference(identifier, parent)) return;
        if (nangoImport) {
            if (this.declaredFrom(name, 1)) return;
            if (nangoImport.imported !== '*') {
                this.nangoValueUses.push({ module: nangoImport.module, name, range: this.rangeOf(identifier) });
            } else if (isPropertyAccessExpression(parent) && parent.expression === identifier) {
                // `sdk.createOnEvent(...)` is the factory; `sdk.ActionError` is a value nango compile leaves in.
                if (!FACTORY_NAMES.has(parent.name.text)) {
                    this.nangoValueUses.push({ module: nangoImport.module, name: parent.getText(this.source), range: this.rangeOf(parent) });
                }
            } else {
                this.nangoValueUses.push({ module: nangoImport.module, name, range: this.rangeOf(identifier) });
            }
            return;
        }
        if (MISSING_GLOBAL_NAMES.has(name) && !this.declaredFrom(name, 0)) this.globalUses.push({ name, range: this.rangeOf(identifier) });
    }

    private checkCall(call: ts.CallExpression): void {
        const callee = unparenthesize(call.expression);
        const first = call.arguments[0];
        if (call.expression.kind === ts.SyntaxKind.ImportKeyword) {
            if (first && isStringLiteralLike(first)) this.modules.push(this.moduleReference('dynamic-import', first));
        } else if (isIdentifier(callee) && WATCHED_NAMES.has(callee.text) && !this.declaredFrom(callee.text, 0)) {
            const range = (): Range => this.lines.range(call.getStart(this.source), callee.end);
            if (callee.text === 'require' && first && isStringLiteralLike(first)) this.modules.push(this.moduleReference('require', first));
            else if (callee.text === 'eval') this.codeGeneration.push({ what: 'eval(...)', range: range() });
            else if (callee.text === 'Function') this.codeGeneration.push({ what: 'Function(...)', range: range() });
        }
    }

    private checkNew(expression: ts.NewExpression): void {
        const callee = unparenthesize(expression.expression);
        if (isIdentifier(callee) && callee.text === 'Function' && !this.declaredFrom('Function', 0)) {
            this.codeGeneration.push({ what: 'new Function(...)', range: this.lines.range(expression.getStart(this.source), callee.end) });
        }
    }
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

// What the walk asks of every node's kind, answered by one table lookup: a Set lookup or a call per
// question per node added up to a tenth of the analysis.
const SKIPPED_KIND = 1;
const DECLARABLE_KIND = 2;
const SCOPE_KIND = 4;
const KIND_FLAGS: Uint8Array = (() => {
    const flags = new Uint8Array(ts.SyntaxKind.Count);
    for (let kind = 0; kind < flags.length; kind++) {
        // isTypeNode and createsScope read only the kind.
        const node = { kind } as ts.Node;
        flags[kind] =
            (SKIPPED_KINDS.has(kind) || isTypeNode(node) ? SKIPPED_KIND : 0) |
            (DECLARABLE_KINDS.has(kind) ? DECLARABLE_KIND : 0) |
            (createsScope(node) ? SCOPE_KIND : 0);
    }
    return flags;
})();

/** Subtrees with no run-time references. */
function isSkipped(node: ts.Node, parent: ts.Node | undefined, grandparent: ts.Node | undefined): boolean {
    if (isExpressionWithTypeArguments(node)) {
        // `class A extends B` evaluates B; `implements B` and `interface A extends B` do not. Outside a
        // heritage clause it is an instantiation expression (`f<T>`), a value.
        if (!parent || !isHeritageClause(parent)) return false;
        return parent.token !== ts.SyntaxKind.ExtendsKeyword || grandparent === undefined || isInterfaceDeclaration(grandparent);
    }
    const flags = KIND_FLAGS[node.kind] ?? 0;
    if (flags & SKIPPED_KIND) return true;
    return (flags & DECLARABLE_KIND) !== 0 && isAmbient(node);
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
