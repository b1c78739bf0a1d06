// Loading scenarios: find the scenario files of a project, validate each (the format, then its
// references to the fixtures and the project's functions), and select the ones a command names.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseTree, type Node as JsonNode } from 'jsonc-parser/lib/esm/main.js';
import { MAX_FIXTURES_BYTES, MAX_JSON_DEPTH, readTextFile, tooDeepAt } from '../fixtures/read-file';
import { FIXTURES_DIR, jsonSyntaxError, loadFixtures, type Fixtures, type ResponseFixture } from '../fixtures/fixtures';
import { listHandlerFiles, resolveHandler, type HandlerFile } from '../project/project';
import { DEFAULT_SCENARIO_CONNECTION, ScenarioFileSchema, type Expectations, type Scenario, type ScenarioStep, type StepDefinition } from './format';
import { LineIndex, indexLocations, nodeAt, type ScenarioProblem, type SourceLocation } from './locations';

export const SCENARIOS_DIR = 'scenarios';

export function scenariosDir(root: string): string {
    return path.join(root, FIXTURES_DIR, SCENARIOS_DIR);
}

export interface ScenarioFileInfo {
    file: string;
    scenarios: Scenario[];
    problems: ScenarioProblem[];
}

export interface LoadedScenarios {
    root: string;
    dir: string;
    files: ScenarioFileInfo[];
    /** Every valid scenario, in file order. */
    scenarios: Scenario[];
    /** Every problem of every file; a file with problems contributes no scenario. */
    problems: ScenarioProblem[];
}

/**
 * Files validated before, reused while their text, the fixtures and the project's handlers are the
 * same (a watch reads every file again after each change; most did not change).
 */
export type ScenarioParseCache = Map<string, { key: string; info: ScenarioFileInfo }>;

/** Finds and validates every scenario file of the project. Bad files are reported as problems, never thrown. Cached results are shared: do not change them. */
export function loadScenarios(root: string, opts: { fixtures?: Fixtures; cache?: ScenarioParseCache } = {}): LoadedScenarios {
    const dir = scenariosDir(root);
    const read = (file: string): string =>
        readTextFile(file, {
            maxBytes: MAX_FIXTURES_BYTES,
            what: 'a scenario file',
            code: 'bad_usage',
            fix: 'Keep scenario files as JSON files under .nango-emulator/scenarios/.'
        }) ?? '';
    // One listing of the handlers for every file's dryrun steps (a listing per step costs ~1 ms per integration).
    let handlers: HandlerFile[] | undefined;
    const withHandlers = {
        ...opts,
        get handlers(): HandlerFile[] {
            return (handlers ??= listHandlerFiles(root));
        }
    };
    // The cache needs the fixtures the files are checked against, to tell when they changed.
    const cache = opts.fixtures ? opts.cache : undefined;
    const project = cache ? `${JSON.stringify(opts.fixtures)}\0${withHandlers.handlers.map((h) => h.file).join('\0')}` : '';
    const files = listScenarioFiles(dir).map((file) => {
        const text = read(file);
        if (!cache) return parseScenarioText(root, file, text, withHandlers);
        const key = `${project}\0${text}`;
        const cached = cache.get(file);
        if (cached?.key === key) return cached.info;
        const info = parseScenarioText(root, file, text, withHandlers);
        cache.set(file, { key, info });
        return info;
    });
    return { root, dir, files, scenarios: files.flatMap((f) => f.scenarios), problems: files.flatMap((f) => f.problems) };
}

export function listScenarioFiles(dir: string): string[] {
    const out: string[] = [];
    const walk = (d: string): void => {
        let entries: string[];
        try {
            entries = readdirSync(d).sort();
        } catch {
            return;
        }
        for (const name of entries) {
            const full = path.join(d, name);
            if (name.startsWith('.')) continue;
            let isDirectory: boolean;
            try {
                isDirectory = statSync(full).isDirectory();
            } catch {
                continue; // a dangling link
            }
            if (isDirectory) walk(full);
            else if (name.endsWith('.json')) out.push(full);
        }
    };
    walk(dir);
    return out;
}

/**
 * Validates one scenario file's text (e.g. an unsaved editor buffer). Checks the format, then the
 * references: the integration and accounts against the fixtures, the functions against the project.
 */
export function parseScenarioText(root: string, file: string, text: string, opts: { fixtures?: Fixtures; handlers?: HandlerFile[] } = {}): ScenarioFileInfo {
    const lines = new LineIndex(file, text);
    const problem = (field: string, message: string, location: SourceLocation): ScenarioProblem => ({ file, location, field, message });
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch (err) {
        const { line, column, problem: what } = jsonSyntaxError(text, err);
        return { file, scenarios: [], problems: [problem('(top level)', `not valid JSON: ${what}`, { file, line, column, endLine: line, endColumn: column })] };
    }
    // Nesting deeper than any scenario needs would overflow the stack of the walkers below: say where instead.
    const deep = tooDeepAt(json);
    if (deep)
        return {
            file,
            scenarios: [],
            problems: [
                problem(deep, `nested more than ${MAX_JSON_DEPTH} levels deep; a scenario file never needs that many`, {
                    file,
                    line: 1,
                    column: 1,
                    endLine: 1,
                    endColumn: 1
                })
            ]
        };
    // The text is valid JSON (checked above), so it has a tree; the fallback (the whole file) only keeps the types honest.
    const tree: JsonNode = parseTree(text) ?? { type: 'null', offset: 0, length: text.length };
    const where = (at: readonly PropertyKey[]): SourceLocation => {
        const node = nodeAt(
            tree,
            at.map((k) => (typeof k === 'number' ? k : String(k)))
        );
        return lines.location(node.offset, node.length);
    };
    const parsed = ScenarioFileSchema.safeParse(json);
    if (!parsed.success) {
        return {
            file,
            scenarios: [],
            problems: parsed.error.issues.map((issue) =>
                problem(issue.path.length ? issue.path.map(String).join('.') : '(top level)', issue.message, where(issue.path))
            )
        };
    }
    const problems: ScenarioProblem[] = [];
    let fixtures = opts.fixtures;
    if (!fixtures) {
        try {
            fixtures = loadFixtures(root);
        } catch {
            // Fixtures that do not load are reported where they are wrong: at the field in fixtures.json (the
            // editor) and by any run, which refuses them. Repeating that at line 1 of every scenario file would
            // point at the wrong file, and stay there until fixtures.json is saved; the checks below just wait.
        }
    }
    const relative = path.relative(scenariosDir(root), file).split(path.sep).join('/');
    const scenarios: Scenario[] = parsed.data.scenarios.map((s, si) => {
        const at = ['scenarios', si];
        const integration = fixtures?.integrations[s.integration];
        if (fixtures && !integration) {
            problems.push(
                problem(
                    `scenarios.${si}.integration`,
                    `unknown integration "${s.integration}": use one of ${quoteList(Object.keys(fixtures.integrations))} (the integrations of .nango-emulator/fixtures.json)`,
                    where([...at, 'integration'])
                )
            );
        }
        const connection = s.connection ?? DEFAULT_SCENARIO_CONNECTION;
        const checkResponses = (responses: ResponseFixture[] | undefined, where_: (string | number)[]): void => {
            if (!integration) return;
            responses?.forEach((r, j) => {
                for (const account of r.account === undefined ? [] : [r.account].flat()) {
                    if (!integration.accounts[account]) {
                        problems.push(
                            problem(
                                [...where_, 'responses', j, 'account'].join('.'),
                                `integration "${s.integration}" has no account "${account}": use one of ${quoteList(Object.keys(integration.accounts))}`,
                                where([...where_, 'responses', j, 'account'])
                            )
                        );
                    }
                }
            });
        };
        checkResponses(s.responses, at);
        const scenarioResponses = s.responses ?? [];
        const scenarioLabels = scenarioResponses.map((_, j) => `${file} scenarios.${si}.responses[${j}]`);
        const steps: ScenarioStep[] = s.steps.map((step, i) => {
            const stepAt = [...at, 'steps', i];
            const field = `scenarios.${si}.steps.${i}`;
            const stepResponses = ('responses' in step ? step.responses : undefined) ?? [];
            checkResponses(stepResponses, stepAt);
            if (integration && 'account' in step && step.account !== undefined && !integration.accounts[step.account]) {
                problems.push(
                    problem(
                        `${field}.account`,
                        `integration "${s.integration}" has no account "${step.account}": use one of ${quoteList(Object.keys(integration.accounts))}`,
                        where([...stepAt, 'account'])
                    )
                );
            }
            if (step.action === 'dryrun') {
                try {
                    const handler = resolveHandler(root, step.function, s.integration, opts.handlers);
                    if (handler.integration !== s.integration) {
                        problems.push(
                            problem(
                                `${field}.function`,
                                `"${step.function}" is an event function of "${handler.integration}", not of this scenario's integration "${s.integration}": name one of "${s.integration}"`,
                                where([...stepAt, 'function'])
                            )
                        );
                    }
                } catch (err) {
                    problems.push(problem(`${field}.function`, err instanceof Error ? err.message : String(err), where([...stepAt, 'function'])));
                }
            }
            const stepNode = nodeAt(tree, stepAt);
            const expect: Expectations = ('expect' in step ? step.expect : undefined) ?? {};
            return {
                index: i,
                title: step.name ?? stepTitle(step, connection),
                action: step.action,
                connection: ('connection' in step ? step.connection : undefined) ?? connection,
                ...('account' in step && step.account !== undefined ? { account: step.account } : {}),
                ...(step.action === 'dryrun' ? { function: step.function, ...(step.reconnect ? { reconnect: true } : {}) } : {}),
                expect,
                implicitOk: step.action !== 'reset' && Object.keys(expect).length === 0,
                responses: [...stepResponses, ...scenarioResponses],
                responseLabels: [...stepResponses.map((_, j) => `${file} scenarios.${si}.steps.${i}.responses[${j}]`), ...scenarioLabels],
                location: lines.location(stepNode.offset, stepNode.length),
                locations: indexLocations(stepNode, lines)
            };
        });
        const node = nodeAt(tree, at);
        return {
            id: `${relative}#${s.name}`,
            name: s.name,
            ...(s.description !== undefined ? { description: s.description } : {}),
            integration: s.integration,
            connection,
            file,
            location: lines.location(node.offset, node.length),
            steps
        };
    });
    return problems.length ? { file, scenarios: [], problems } : { file, scenarios, problems };
}

function stepTitle(step: StepDefinition, scenarioConnection: string): string {
    const on = 'connection' in step && step.connection && step.connection !== scenarioConnection ? ` ${step.connection}` : '';
    switch (step.action) {
        case 'connect':
            return `connect${on} as ${step.account}`;
        case 'reconnect':
            return `reconnect${on} as ${step.account}`;
        case 'delete':
            return `delete${on}`;
        case 'dryrun':
            return `dryrun ${step.function}${on}${step.reconnect ? ` (reconnect${step.account ? ` as ${step.account}` : ''})` : step.account ? ` (as ${step.account})` : ''}`;
        case 'reset':
            return 'reset to the fixtures';
    }
}

function quoteList(names: string[]): string {
    return names.length ? names.map((n) => `"${n}"`).join(', ') : '(none defined)';
}

/**
 * The scenarios that `targets` name: a scenario file (path), a file name without ".json", a scenario
 * name, or "<file>#<name>". No targets: all. Unknown targets are returned, for a bad-usage error.
 */
export function selectScenarios(loaded: LoadedScenarios, targets: string[]): { scenarios: Scenario[]; unknown: string[] } {
    if (!targets.length) return { scenarios: loaded.scenarios, unknown: [] };
    const chosen = new Set<Scenario>();
    const unknown: string[] = [];
    for (const target of targets) {
        const asPath = path.resolve(target);
        const matches = loaded.scenarios.filter((s) => {
            const stem = path.basename(s.file, '.json');
            return (
                s.file === asPath ||
                s.file === path.resolve(loaded.dir, target) ||
                stem === target ||
                s.name === target ||
                s.id === target ||
                `${stem}#${s.name}` === target
            );
        });
        const fileWithProblems = loaded.files.some((f) => f.problems.length && (f.file === asPath || path.basename(f.file, '.json') === target));
        if (!matches.length && !fileWithProblems) unknown.push(target);
        for (const m of matches) chosen.add(m);
    }
    return { scenarios: loaded.scenarios.filter((s) => chosen.has(s)), unknown };
}
