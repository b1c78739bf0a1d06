// What Nango's production runtime refuses, shown in the editor before a run. The rules themselves
// (lists, advice, Nango's own messages) are emulator/sandbox/rules.ts, which the emulator's sandbox
// enforces too; this file only says where a handler breaks them.
import {
    MISSING_GLOBALS,
    NANGO_FACTORIES,
    RUNTIME_GLOBALS,
    RUNTIME_MODULES,
    importRefusedMessage,
    isCompileAllowedImport,
    isRuntimeModule,
    moduleAdvice,
    moduleRefusedMessage
} from '../../emulator/sandbox/rules';
import { isNangoSdkModule } from './runtime-analysis';
import type { CodeGenerationUse, GlobalUse, ModuleReference, NangoValueUse, RuntimeFacts } from './runtime-analysis';
import { DOCS, ProblemCode, problem } from './types';
import type { Problem, QuickFix } from './types';

const RUNTIME_MODULE_LIST = RUNTIME_MODULES.map((name) => `'${name}'`).join(', ');
const RUNTIME_GLOBAL_LIST = RUNTIME_GLOBALS.join(', ');
const FACTORY_LIST = NANGO_FACTORIES.join(', ');
const NODE_PREFIX = 'node:';

/** How the message names the statement that loads the module. */
const WHAT_FAILS: Readonly<Record<ModuleReference['kind'], (specifier: string) => string>> = {
    import: () => 'this import',
    'import-equals': () => 'this import',
    're-export': () => 'this re-export',
    require: (specifier) => `require('${specifier}')`,
    'dynamic-import': (specifier) => `import('${specifier}')`
};

export function runtimeProblems(file: string, facts: RuntimeFacts): Problem[] {
    // Pushed, not spread from mapped lists: this runs for every handler of a full build, and most lists are empty.
    const problems: Problem[] = [];
    for (const reference of facts.modules) problems.push(...moduleProblems(file, reference));
    for (const use of facts.nangoValueUses) problems.push(nangoValueProblem(file, use));
    for (const use of facts.globalUses) problems.push(globalProblem(file, use, facts));
    for (const use of facts.codeGeneration) problems.push(codeGenerationProblem(file, use));
    return problems;
}

function moduleProblems(file: string, reference: ModuleReference): Problem[] {
    const { specifier } = reference;
    if (reference.kind === 'import' && !reference.declarationTypeOnly && !isCompileAllowedImport(specifier)) return [importNotAllowedProblem(file, reference)];
    if (reference.typeOnly || isRelative(specifier) || isRuntimeModule(specifier)) return [];
    // The factories of 'nango' are stripped by nango compile; its other values are checked where they are used.
    if (reference.kind === 'import' && isNangoSdkModule(specifier)) return [];
    const what = WHAT_FAILS[reference.kind](specifier);
    const compileNote = reference.kind === 'import' ? ' (nango compile accepts it, but the bundle still requires it)' : '';
    const renamed = runtimeName(specifier);
    const rename = renamed ? { file, range: reference.range, newText: `${reference.quote}${renamed}${reference.quote}` } : undefined;
    const fixes: QuickFix[] = rename ? [{ title: `Change '${specifier}' to '${renamed}'`, edits: [rename], isPreferred: true }] : [];
    return [
        problem({
            code: ProblemCode.ModuleNotInRuntime,
            severity: 'error',
            file,
            range: reference.range,
            message:
                `Nango's runtime rule: its require() provides only ${RUNTIME_MODULE_LIST}, so ${what} fails when the function runs with ` +
                `"${moduleRefusedMessage(specifier)}"${compileNote}. What to do: ${sentence(moduleAdvice(specifier))}`,
            docsUrl: DOCS.functionsSdk,
            fixes
        })
    ];
}

function importNotAllowedProblem(file: string, reference: ModuleReference): Problem {
    const { specifier, toImportType } = reference;
    const advice = toImportType
        ? 'every name imported here is a type, so write `import type { … }`: type-only imports of any package are allowed.'
        : sentence(moduleAdvice(specifier));
    const fixes: QuickFix[] = toImportType
        ? [{ title: 'Change to `import type`', edits: toImportType.map((edit) => ({ file, range: edit.range, newText: edit.newText })), isPreferred: true }]
        : [];
    return problem({
        code: ProblemCode.ImportNotAllowed,
        severity: 'error',
        file,
        range: reference.range,
        message: `Nango's compile rule: nango compile refuses this import ("${importRefusedMessage(specifier)}"). What to do: ${advice}`,
        docsUrl: DOCS.functionsSdk,
        fixes
    });
}

function nangoValueProblem(file: string, use: NangoValueUse): Problem {
    return problem({
        code: ProblemCode.ModuleNotInRuntime,
        severity: 'error',
        file,
        range: use.range,
        message:
            `Nango's runtime rule: \`${use.name}\` is a value imported from '${use.module}', and nango compile removes only ${FACTORY_LIST}, ` +
            `so the bundle keeps require('${use.module}'), which fails when the function runs with "${moduleRefusedMessage(use.module)}". ` +
            `Imports used only as types are fine. What to do: ${sentence(moduleAdvice(use.module))}`,
        docsUrl: DOCS.functionsSdk,
        fixes: []
    });
}

function globalProblem(file: string, use: GlobalUse, facts: RuntimeFacts): Problem {
    const advice = MISSING_GLOBALS[use.name] ?? "use what the exec function's nango argument provides";
    // The one global with a mechanical replacement: the module of the same name, which the runtime provides.
    const { range, prefix, suffix } = facts.importInsertion;
    const importLine = `import ${use.name} from '${use.name}';`;
    const fixes: QuickFix[] = isRuntimeModule(use.name)
        ? [{ title: `Add ${importLine.slice(0, -1)}`, edits: [{ file, range, newText: `${prefix}${importLine}${suffix}` }], isPreferred: true }]
        : [];
    return problem({
        code: ProblemCode.GlobalNotInRuntime,
        severity: 'error',
        file,
        range: use.range,
        message:
            `Nango's runtime rule: \`${use.name}\` does not exist where Nango runs functions (besides the language's built-ins its context has only ` +
            `${RUNTIME_GLOBAL_LIST}), so this throws "${use.name} is not defined" when the function runs. What to do: ${sentence(advice)}`,
        docsUrl: DOCS.functionsSdk,
        fixes
    });
}

function codeGenerationProblem(file: string, use: CodeGenerationUse): Problem {
    return problem({
        code: ProblemCode.CodeGenerationBlocked,
        severity: 'error',
        file,
        range: use.range,
        message:
            `Nango's runtime rule: ${use.what} is blocked: Nango runs functions in a vm context that forbids code generation ` +
            'from strings (codeGeneration.strings is false), so it throws an EvalError when the function runs. ' +
            'What to do: parse data with JSON.parse and write code as code.',
        docsUrl: DOCS.functionsSdk,
        fixes: []
    });
}

function isRelative(specifier: string): boolean {
    return specifier.startsWith('./') || specifier.startsWith('../');
}

/** 'node:crypto' → 'crypto' when the runtime provides the module under its bare name. */
function runtimeName(specifier: string): string | undefined {
    if (!specifier.startsWith(NODE_PREFIX)) return undefined;
    const bare = specifier.slice(NODE_PREFIX.length);
    return isRuntimeModule(bare) ? bare : undefined;
}

/** The advice strings are clauses; end them as a sentence. */
function sentence(advice: string): string {
    return /[.!?]$/.test(advice) ? advice : `${advice}.`;
}
