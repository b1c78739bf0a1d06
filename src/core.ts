// The heavy part of the extension (the TypeScript parser behind the workspace model, and the
// emulator's fixtures/state code with zod), bundled as dist/core.js and loaded on first use so that
// activation stays cheap. Adapters import types from here freely; values only through loadCore().
export {
    EVENT_FUNCTION_TEMPLATES,
    findNangoRoots,
    modelForFile,
    nodeFileSystem,
    overlayFileSystem,
    planNewEventFunction,
    suggestFunctionName,
    validateFunctionName,
    validateIntegrationName,
    WorkspaceModel
} from './workspace';
export { loadFixtures } from '../emulator/fixtures';
export { formatResult } from '../emulator/format';
export { diffMetadata } from '../emulator/result';
export { Emulator } from '../emulator/lifecycle';
export { loadScenarios, runScenario } from '../emulator/scenarios';
