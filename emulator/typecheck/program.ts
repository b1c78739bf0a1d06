// The TypeScript program `nango compile` type checks, built with the project's own TypeScript (loaded
// at run time: the emulator's bundle must not carry a compiler, and the project's nango types are what
// matter). Long-lived processes keep the last program per root and the parsed node_modules .d.ts files,
// so one edited handler re-checks without re-parsing Nango's and zod's types.
import path from 'node:path';
// Types only: erased from the bundle. The value always comes from the project (see loadTypeScript).
import type ts from 'typescript';

export type TypeScriptApi = typeof ts;

/**
 * Nango's fixed compiler options, copied from `tsconfig` in nango/dist/zeroYaml/constants.js (nango 0.71.10).
 * `nango compile` ignores the project's tsconfig.json and uses these. The enum values are spelled as numbers
 * because TypeScript is only loaded at run time: ModuleKind.Node16 = 100, ScriptTarget.ESNext = 99,
 * ModuleResolutionKind.Node16 = 3 (the same in every TypeScript 5.x).
 */
export const NANGO_COMPILER_OPTIONS: Readonly<ts.CompilerOptions> = Object.freeze({
    module: 100 satisfies ts.ModuleKind.Node16,
    target: 99 satisfies ts.ScriptTarget.ESNext,
    strict: true,
    esModuleInterop: true,
    skipLibCheck: true,
    forceConsistentCasingInFileNames: true,
    moduleResolution: 3 satisfies ts.ModuleResolutionKind.Node16,
    allowUnusedLabels: false,
    allowUnreachableCode: false,
    exactOptionalPropertyTypes: true,
    noFallthroughCasesInSwitch: true,
    noImplicitOverride: true,
    noImplicitReturns: true,
    noPropertyAccessFromIndexSignature: true,
    noUncheckedIndexedAccess: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    declaration: false,
    sourceMap: true,
    composite: false,
    checkJs: false,
    noEmit: true
});

export interface TypeDiagnostic {
    /** 'TS2339' */
    code: string;
    /** Absolute path, or '' for a diagnostic about no file (a missing entry point, an option). */
    file: string;
    /** 1-based; 1 when the diagnostic has no position. */
    line: number;
    /** 1-based; 1 when the diagnostic has no position. */
    column: number;
    /** Flattened: the chain of messages joined with newlines. */
    message: string;
}

export interface CheckOutput {
    diagnostics: TypeDiagnostic[];
    /** Text of every program file not under node_modules, as the checker saw it (absolute path → text). */
    projectTexts: Map<string, string>;
}

interface WarmState {
    tsPath: string;
    /** The installed dependencies the parsed .d.ts files came from; any change drops them. */
    depsKey: string;
    /** The project's file names and package.json files when `program` was built. */
    structureKey: string;
    program: ts.Program | undefined;
    /** Parsed files, reused across programs: node_modules ones as they are, project ones while their text is unchanged. */
    sourceFiles: Map<string, ts.SourceFile>;
}

const warm = new Map<string, WarmState>();
const loaded = new Map<string, TypeScriptApi>();

export function isUnderNodeModules(file: string): boolean {
    return file.split(/[\\/]/).includes('node_modules');
}

/** The project's TypeScript, loaded once per process. */
export function loadTypeScript(tsPath: string): TypeScriptApi {
    let api = loaded.get(tsPath);
    if (!api) {
        api = require(tsPath) as TypeScriptApi;
        loaded.set(tsPath, api);
    }
    return api;
}

/** Forgets the in-memory program of `root` (or of every root). */
export function dropWarmState(root?: string): void {
    if (root === undefined) warm.clear();
    else warm.delete(path.resolve(root));
}

export interface CheckInput {
    tsPath: string;
    root: string;
    rootNames: string[];
    /** Changes when the installed dependencies do: the parsed node_modules files are dropped. */
    depsKey: string;
    /** Changes when a project file is created or deleted or a package.json changes: the old program is not reused. */
    structureKey: string;
}

/** `ts.createProgram` + `ts.getPreEmitDiagnostics`, as Nango's typeCheck does, reusing what the last call parsed. */
export function checkProgram(api: TypeScriptApi, input: CheckInput): CheckOutput {
    const { tsPath, root, rootNames, depsKey, structureKey } = input;
    let state = warm.get(root);
    if (!state || state.tsPath !== tsPath || state.depsKey !== depsKey) {
        state = { tsPath, depsKey, structureKey, program: undefined, sourceFiles: new Map() };
        warm.set(root, state);
    }
    // An unchanged file keeps its module resolutions in the old program, failed ones included: a created helper
    // would stay "Cannot find module". New names start from a fresh program (the parsed .d.ts files still serve).
    const oldProgram = state.structureKey === structureKey ? state.program : undefined;
    const host = cachingHost(api, state.sourceFiles);
    const program = api.createProgram({ rootNames, options: NANGO_COMPILER_OPTIONS, host, oldProgram });
    state.program = program;
    state.structureKey = structureKey;
    pruneCache(state.sourceFiles, program);

    const diagnostics = api.getPreEmitDiagnostics(program).map((d) => toTypeDiagnostic(api, d));
    diagnostics.sort(compareDiagnostics);
    const projectTexts = new Map<string, string>();
    for (const sf of program.getSourceFiles()) {
        if (!isUnderNodeModules(sf.fileName)) projectTexts.set(path.resolve(sf.fileName), sf.text);
    }
    return { diagnostics, projectTexts };
}

function formatKey(fileName: string, languageVersionOrOptions: ts.ScriptTarget | ts.CreateSourceFileOptions): string {
    if (typeof languageVersionOrOptions === 'number') return `${fileName}\0${languageVersionOrOptions}`;
    const o = languageVersionOrOptions;
    return `${fileName}\0${o.languageVersion}\0${String(o.impliedNodeFormat)}\0${String(o.jsDocParsingMode)}`;
}

/**
 * The default host (what `ts.createProgram({ rootNames, options })` makes), except that it hands back the
 * same SourceFile object for a file that has not changed: that is what lets `oldProgram` reuse the structure.
 * node_modules files are taken as unchanged until the dependencies change (see WarmState.depsKey).
 */
function cachingHost(api: TypeScriptApi, cache: Map<string, ts.SourceFile>): ts.CompilerHost {
    const host = api.createCompilerHost(NANGO_COMPILER_OPTIONS);
    const parse = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, languageVersionOrOptions, onError, shouldCreateNewSourceFile) => {
        const key = formatKey(fileName, languageVersionOrOptions);
        const cached = shouldCreateNewSourceFile ? undefined : cache.get(key);
        if (cached && isUnderNodeModules(fileName)) return cached;
        if (cached) {
            // Project files are re-read every time: cheap, and an edit must never be missed.
            const text = host.readFile(fileName);
            if (text === cached.text) return cached;
        }
        const parsed = parse(fileName, languageVersionOrOptions, onError, shouldCreateNewSourceFile);
        if (parsed) cache.set(key, parsed);
        else cache.delete(key);
        return parsed;
    };
    return host;
}

/** Keeps only the files the last program uses, so deleted or no longer imported files do not pile up. */
function pruneCache(cache: Map<string, ts.SourceFile>, program: ts.Program): void {
    const used = new Set(program.getSourceFiles());
    for (const [key, sf] of cache) {
        if (!used.has(sf)) cache.delete(key);
    }
}

function toTypeDiagnostic(api: TypeScriptApi, d: ts.Diagnostic): TypeDiagnostic {
    const message = api.flattenDiagnosticMessageText(d.messageText, '\n');
    const code = `TS${d.code}`;
    if (!d.file) return { code, file: '', line: 1, column: 1, message };
    const file = path.resolve(d.file.fileName);
    if (d.start === undefined) return { code, file, line: 1, column: 1, message };
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return { code, file, line: line + 1, column: character + 1, message };
}

export function compareDiagnostics(a: TypeDiagnostic, b: TypeDiagnostic): number {
    if (a.file !== b.file) return a.file < b.file ? -1 : 1;
    if (a.line !== b.line) return a.line - b.line;
    if (a.column !== b.column) return a.column - b.column;
    if (a.code !== b.code) return a.code < b.code ? -1 : 1;
    return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}
