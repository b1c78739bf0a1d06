// The pure workspace layer: no `vscode` import, so it runs (and is tested) in plain Node.
export * from './types';
export { LineMap, applyTextEdits, comparePositions, detectEol } from './text';
export { createMemoryFileSystem, nodeFileSystem, overlayFileSystem } from './file-system';
export type { DirectoryEntry, WorkspaceFileSystem } from './file-system';
export { dependsOnNango, findNangoRoots } from './roots';
export type { FindRootsOptions } from './roots';
export { classifyFile } from './paths';
export type { FileRole } from './paths';
export { countFunctions, functionKind } from './function-kinds';
export type { FunctionCounts, FunctionKind } from './function-kinds';
export { WorkspaceModel, modelForFile } from './model';
export type { HandlerInfo, IndexImport } from './model';
export type { ImportKind } from './index-analysis';
export {
    DESCRIPTION_TAB_STOP,
    EVENT_FUNCTION_TEMPLATES,
    expandSnippet,
    renderScaffold,
    scaffoldEventFunction,
    snippetDefinitions,
    templateById
} from './scaffold';
export type { EventFunctionTemplate, Scaffold, ScaffoldOptions, SnippetDefinition, SnippetExpansion, TemplateId } from './scaffold';
export {
    listIntegrations,
    normalizeFunctionName,
    planNewEventFunction,
    suggestFunctionName,
    validateFunctionName,
    validateIntegrationName
} from './new-event-function';
export type { NewEventFunctionPlan, NewEventFunctionRequest } from './new-event-function';
export { analyzeHandler } from './handler-analysis';
export type { CreateOnEventFacts, DefaultExportFacts, EventFacts, HandlerFacts } from './handler-analysis';
export { fixturesProblems } from './fixtures-problems';
