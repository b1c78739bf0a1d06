// Plain data shared by the workspace model and its adapters. Nothing here knows about VS Code:
// the adapter converts these shapes into vscode.Range, vscode.Diagnostic, vscode.WorkspaceEdit.

/** 0-based line and UTF-16 character offset, the same convention as VS Code and TypeScript. */
export interface Position {
    readonly line: number;
    readonly character: number;
}

export interface Range {
    readonly start: Position;
    readonly end: Position;
}

/** A range in a file; `file` is an absolute path. */
export interface Location {
    readonly file: string;
    readonly range: Range;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** Replace `range` in `file` with `newText` (an insertion when the range is empty). */
export interface TextEdit {
    readonly file: string;
    readonly range: Range;
    readonly newText: string;
}

/** A file that does not exist yet and must be created with `contents`. */
export interface FileCreation {
    readonly file: string;
    readonly contents: string;
}

export interface QuickFix {
    readonly title: string;
    readonly edits: readonly TextEdit[];
    /** Files to create before the edits apply (e.g. index.ts when the project has none). */
    readonly createFiles?: readonly FileCreation[];
    /** The one fix an "auto fix" may apply without asking. */
    readonly isPreferred?: boolean;
}

export interface RelatedInformation {
    readonly location: Location;
    readonly message: string;
}

export const ProblemCode = {
    /** A handler under <integration>/on-events/ that index.ts does not import. */
    HandlerNotImported: 'handler-not-imported',
    /** An index.ts import whose file does not exist. */
    ImportNotFound: 'import-not-found',
    /** The same file imported twice from index.ts. */
    DuplicateImport: 'duplicate-import',
    /** `event` is not one of the three lifecycle events. */
    InvalidEvent: 'invalid-event',
    /** createOnEvent() without an `event`. */
    MissingEvent: 'missing-event',
    /** An on-events file whose default export is not createOnEvent(...). */
    NoCreateOnEventExport: 'no-create-on-event-export',
    /** nango.batchSave / batchUpdate / batchDelete in an event function. */
    RecordsUnavailable: 'records-unavailable',
    /** validate-connection compares connection_config, which cannot detect an account switch. */
    ConnectionConfigAccountCheck: 'connection-config-account-check',
    /** An import `nango compile` refuses: a package outside its allowed list (type-only imports aside). */
    ImportNotAllowed: 'import-not-allowed',
    /** A module Nango's runtime `require` does not provide: node:crypto, fs, a value from 'nango'… */
    ModuleNotInRuntime: 'module-not-in-runtime',
    /** A global (process, fetch, setInterval…) missing from the context Nango runs functions in. */
    GlobalNotInRuntime: 'global-not-in-runtime',
    /** eval / new Function: code generation from strings is disabled in Nango's runtime. */
    CodeGenerationBlocked: 'code-generation-blocked',
    /** A field of .nango-emulator/fixtures.json the emulator refuses (an unknown account, a duplicate id…). */
    InvalidFixture: 'invalid-fixture'
} as const;

export type ProblemCode = (typeof ProblemCode)[keyof typeof ProblemCode];

/** What every adapter shows as a diagnostic: `source` is always 'nango'. */
export interface Problem {
    readonly code: ProblemCode;
    readonly severity: Severity;
    readonly file: string;
    readonly range: Range;
    readonly message: string;
    /** The page that explains the rule; absent for the emulator's own files (their schema documents them). */
    readonly docsUrl?: string;
    readonly source: 'nango';
    readonly related: readonly RelatedInformation[];
    readonly fixes: readonly QuickFix[];
}

export function problem(fields: Omit<Problem, 'source' | 'related'> & { readonly related?: Problem['related'] }): Problem {
    return { ...fields, source: 'nango', related: fields.related ?? [] };
}

/** The lifecycle events Nango fires, in the order of a connection's life. */
export const EVENT_NAMES = ['validate-connection', 'post-connection-creation', 'pre-connection-deletion'] as const;

export type EventName = (typeof EVENT_NAMES)[number];

export function isEventName(value: string): value is EventName {
    return (EVENT_NAMES as readonly string[]).includes(value);
}

/** Public documentation pages the diagnostics link to. */
export const DOCS = {
    eventFunctions: 'https://nango.dev/docs/guides/functions/event-functions',
    chooseEvent: 'https://nango.dev/docs/guides/functions/event-functions#choose-the-lifecycle-event',
    setupFunction: 'https://nango.dev/docs/guides/functions/event-functions#create-a-setup-function',
    validationFunction: 'https://nango.dev/docs/guides/functions/event-functions#create-a-connection-validation-function',
    functionsSdk: 'https://nango.dev/docs/reference/functions/functions-sdk'
} as const;
