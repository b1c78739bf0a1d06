// The heavy part of the extension (the TypeScript parser behind the workspace model, the scenario file
// parser, result formatting), bundled as dist/core.js and loaded on first use so that activation stays
// cheap. Adapters import types from here freely; values only through loadCore(). Nothing here runs an
// emulator operation: those go to the emulator server (runs/client.ts).
export {
    EVENT_FUNCTION_TEMPLATES,
    findNangoRoots,
    fixturesProblems,
    modelForFile,
    nodeFileSystem,
    overlayFileSystem,
    planNewEventFunction,
    suggestFunctionName,
    validateFunctionName,
    validateIntegrationName,
    WorkspaceModel
} from './workspace';
export { fixturesFileOf } from './workspace/new-event-function';
export { formatResult } from '../emulator/core/format';
export { diffMetadata } from '../emulator/core/result';
export { loadScenarios } from '../emulator/scenarios/load';
export { affectedScenarios, fixturesSnapshot, isWatchedProjectFile } from '../emulator/scenarios/affected';
export { fixturesFieldProblems } from '../emulator/fixtures/field-problems';
export { fixturesPath } from '../emulator/fixtures/fixtures';
