// Scenarios: lifecycle stories for one integration, written as JSON next to the fixtures
// (<nango-integrations>/.nango-emulator/scenarios/*.json), each step an emulator operation (connect,
// reconnect, delete, dryrun, reset) with expectations on its result. A scenario runs from the fixtures
// in a throwaway state folder: it never reads or writes the user's .nango-emulator/state.json.
//
// This folder is the library the CLI (`nango-emulator test`, cli.ts) and the editor's Testing API build
// on: loadScenarios / parseScenarioText find and validate scenarios (problems come with file, line,
// column, field and fix), runScenario runs one and reports, per step, each failed expectation with the
// source location of that expectation in the JSON file. One file per concern: locations.ts (places in
// the JSON text), format.ts (the schema), load.ts (finding, validating, selecting), run.ts (running),
// expectations.ts (checking a step's result), describe.ts (plain-text reports), junit.ts (JUnit XML),
// run-many.ts and pool.ts (parallel runs on reused workers), shard.ts (CI shards), watch.ts and
// affected.ts (re-running what a change affects).
// This index re-exports what the rest of the code imports from '…/scenarios'.
export type { ScenarioProblem, SourceLocation } from './locations';
export { ScenarioFileSchema, type Scenario, type ScenarioStep } from './format';
export { loadScenarios, parseScenarioText, scenariosDir, selectScenarios, type ScenarioFileInfo } from './load';
export { runScenario, type ScenarioResult, type StepResult } from './run';
export { defaultJobs, runScenarios, type RunScenariosOptions } from './run-many';
export { WorkerPool } from './pool';
export { parseShard, shardOf, type Shard } from './shard';
export { compilePattern, evaluateExpectations, pathMatches, type ExpectationFailure } from './expectations';
export { describeProblem, describeStep } from './describe';
