// Scenarios: lifecycle stories for one integration, written as JSON next to the fixtures
// (<nango-integrations>/.nango-emulator/scenarios/*.json), each step an emulator operation (connect,
// reconnect, delete, dryrun, reset) with expectations on its result. A scenario runs from the fixtures
// in a throwaway state folder: it never reads or writes the user's .nango-emulator/state.json.
//
// This module is the library the CLI (`nango-emulator test`, scenarios-cli.ts) and the editor's Testing
// API build on: loadScenarios / parseScenarioText find and validate scenarios (problems come with file,
// line, column, field and fix), runScenario runs one and reports, per step, each failed expectation
// with the source location of that expectation in the JSON file.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { MAX_FIXTURES_BYTES, MAX_JSON_DEPTH, readTextFile, tooDeepAt } from './read-file';
import os from 'node:os';
import path from 'node:path';
import { parseTree, type Node as JsonNode } from 'jsonc-parser/lib/esm/main.js';
import * as z from 'zod';
import { EmulatorError } from './errors';
import { connectionIdSchema } from './names';
import { FIXTURES_DIR, ResponseSchema, jsonSyntaxError, loadFixtures, type Fixtures, type ResponseFixture } from './fixtures';
import { Emulator, type EmulatorOptions } from './lifecycle';
import { resolveHandler } from './project';
import { parseOperation, performOperation, type EmulatorOperation } from './operation';
import type { Outcome, RunResult } from './result';

export const SCENARIOS_DIR = 'scenarios';

export function scenariosDir(root: string): string {
    return path.join(root, FIXTURES_DIR, SCENARIOS_DIR);
}

// ---- Source locations ----------------------------------------------------------------------------

/** A place in a scenario file; lines and columns start at 1. */
export interface SourceLocation {
    file: string;
    line: number;
    column: number;
    endLine: number;
    endColumn: number;
}

/** A mistake in a scenario file: where, which field, and what to do. */
export interface ScenarioProblem {
    file: string;
    location: SourceLocation;
    /** Dotted path of the field, e.g. "scenarios.0.steps.2.expect.outcome"; "(top level)" for the file itself. */
    field: string;
    message: string;
}

/** "file:line:column: field: message", the shape every scenario problem is printed in. */
export function describeProblem(p: ScenarioProblem): string {
    return `${p.file}:${p.location.line}:${p.location.column}: ${p.field}: ${p.message}`;
}

class LineIndex {
    private readonly starts: number[] = [0];
    constructor(
        readonly file: string,
        text: string
    ) {
        for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.starts.push(i + 1);
    }
    private position(offset: number): { line: number; column: number } {
        let lo = 0;
        let hi = this.starts.length - 1;
        while (lo < hi) {
            const mid = (lo + hi + 1) >> 1;
            if (this.starts[mid]! <= offset) lo = mid;
            else hi = mid - 1;
        }
        return { line: lo + 1, column: offset - this.starts[lo]! + 1 };
    }
    location(offset: number, length: number): SourceLocation {
        const start = this.position(offset);
        const end = this.position(offset + length);
        return { file: this.file, line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
    }
}

/** The node of a property (key and value) or array item at `pointer` path, else the closest ancestor found. */
function nodeAt(root: JsonNode, at: readonly (string | number)[]): JsonNode {
    let node = root;
    for (const key of at) {
        let next: JsonNode | undefined;
        if (node.type === 'property') node = node.children?.[1] ?? node;
        if (node.type === 'object' && typeof key === 'string') next = node.children?.find((p) => p.children?.[0]?.value === key);
        else if (node.type === 'array' && typeof key === 'number') next = node.children?.[key];
        if (!next) return node;
        node = next;
    }
    return node;
}

function pointer(at: readonly (string | number)[]): string {
    return at.map((k) => '/' + String(k).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** Every property and array item under `node`, by JSON pointer relative to it: where each expectation is written. */
function indexLocations(
    node: JsonNode,
    lines: LineIndex,
    prefix: (string | number)[] = [],
    out: Record<string, SourceLocation> = {}
): Record<string, SourceLocation> {
    out[pointer(prefix)] ??= lines.location(node.offset, node.length);
    const value = node.type === 'property' ? node.children?.[1] : node;
    if (!value) return out;
    if (value.type === 'object') {
        for (const prop of value.children ?? []) {
            const key = prop.children?.[0]?.value;
            if (typeof key === 'string') indexLocations(prop, lines, [...prefix, key], out);
        }
    } else if (value.type === 'array') {
        (value.children ?? []).forEach((item, i) => indexLocations(item, lines, [...prefix, i], out));
    }
    return out;
}

// ---- The format ----------------------------------------------------------------------------------

const idPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A strict object whose unknown fields are reported with the fields that are allowed. */
function strict<T extends z.ZodRawShape>(shape: T, what: string) {
    return z.strictObject(shape, {
        error: (issue) =>
            issue.code === 'unrecognized_keys'
                ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} in ${what}: remove ${issue.keys.length > 1 ? 'them' : 'it'}, or use one of ${Object.keys(
                      shape
                  )
                      .map((k) => `"${k}"`)
                      .join(', ')}`
                : undefined
    });
}

const id = (what: string) =>
    z
        .string({ error: `expected ${what} (a string)` })
        .min(1, `${what} must not be empty`)
        .regex(idPattern, `${what}: use letters, digits, ".", "_" or "-"`);

/** A text pattern: a substring to look for, or "/regex/flags". */
const PatternSchema = z.string({ error: 'expected a pattern: a piece of text to look for, or "/regex/flags"' }).superRefine((value, ctx) => {
    const re = /^\/(.*)\/([a-z]*)$/s.exec(value);
    if (!re) return;
    try {
        new RegExp(re[1]!, re[2]!);
    } catch (err) {
        ctx.addIssue({
            code: 'custom',
            message: `not a valid regular expression (${(err as Error).message}): fix it, or write plain text (matched as a substring)`
        });
    }
});

const OUTCOMES = ['created', 'connection_validation_failed', 'reconnected', 'refresh_exhausted', 'deleted', 'ran'] as const satisfies readonly Outcome[];
const STATUSES = ['active', 'refresh_exhausted', 'deleted', 'not_created'] as const;
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

const enumOf = <T extends readonly [string, ...string[]]>(values: T, what: string) =>
    z.enum(values, { error: `${what}: use one of ${values.map((v) => `"${v}"`).join(', ')}` });

const RequestExpectationSchema = strict(
    {
        method: z.preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), enumOf(HTTP_METHODS, 'method')).optional(),
        // Matched against the end of the request URL's path, segment by segment (":id" and "*" match any
        // one segment), so the base URL's own path need not be written; or a whole absolute URL.
        path: z.string().min(1, 'path must not be empty').optional(),
        // The provider's status; null: no answer (a timeout, or an unmatched request).
        status: z.number().int().min(100).max(599).nullable().optional(),
        account: id('account').optional(),
        // Exactly this many matching requests (default: at least one).
        count: z.number().int().min(0).optional()
    },
    'a request expectation'
);

const LogExpectationSchema = z.union([
    PatternSchema,
    strict(
        {
            message: PatternSchema,
            level: enumOf(LOG_LEVELS, 'level').optional(),
            // Exactly this many matching log lines (default: at least one).
            count: z.number().int().min(0).optional()
        },
        'a log expectation'
    )
]);

const ErrorExpectationSchema = z.union([
    z.null(),
    strict(
        {
            // The error's type: "ActionError", "AxiosError", "timeout", "UnmatchedRequest", …
            type: z.string().min(1).optional(),
            message: PatternSchema.optional(),
            // The handler that failed, "<integration>/<name>" or "<name>".
            handler: z.string().min(1).optional()
        },
        'an error expectation'
    )
]);

export const ExpectationsSchema = strict(
    {
        ok: z.boolean({ error: 'ok: expected true or false' }).optional(),
        outcome: enumOf(OUTCOMES, 'outcome').optional(),
        status: enumOf(STATUSES, 'status').optional(),
        // The lifecycle events that ran, in order.
        events: z.array(enumOf(['validate-connection', 'post-connection-creation', 'pre-connection-deletion'] as const, 'event')).optional(),
        // Partial match: every key written here must have this value (objects compared key by key, the rest exactly).
        metadata: z
            .record(z.string(), z.unknown(), { error: 'metadata: expected an object of the keys to check, e.g. { "organizationId": "00D…" }' })
            .optional(),
        // Exact match of the whole metadata after the step (null: never set, as Nango has it, or the connection was not created).
        metadataEquals: z.record(z.string(), z.unknown()).nullable().optional(),
        requests: z
            .array(RequestExpectationSchema, {
                error: 'requests: expected a list of request expectations, e.g. [{ "method": "DELETE", "path": "/webhooks/:id" }]'
            })
            .optional(),
        // The number of provider requests the step made in all.
        requestCount: z.number().int().min(0).optional(),
        // The number of requests no fixture answered (0: none).
        unmatchedRequests: z.number().int().min(0).optional(),
        logs: z.array(LogExpectationSchema, { error: 'logs: expected a list of patterns, e.g. ["Locked the connection"]' }).optional(),
        // null: no error; otherwise the error must match.
        error: ErrorExpectationSchema.optional()
    },
    'expect'
);
export type Expectations = z.infer<typeof ExpectationsSchema>;

// Provider answers for this step (or, on the scenario, for every step), tried before fixtures.json's
// responses of the integration: the same format, so a step can bring a fault ("GitHub is down now").
const ResponsesSchema = z.array(ResponseSchema, {
    error: 'responses: expected a list of responses in the format of fixtures.json\'s "responses", e.g. [{ "method": "GET", "path": "/user", "fault": { "status": 503 } }]'
});

const common = {
    // What the step is called in reports (default: from the action).
    name: z.string().min(1).optional(),
    // The connection to act on (default: the scenario's).
    connection: connectionIdSchema('connection').optional(),
    responses: ResponsesSchema.optional(),
    expect: ExpectationsSchema.optional()
};

const ACTIONS = ['connect', 'reconnect', 'delete', 'dryrun', 'reset'] as const;
export type StepAction = (typeof ACTIONS)[number];

export const StepSchema = z.discriminatedUnion(
    'action',
    [
        strict({ action: z.literal('connect'), account: id('account'), ...common }, 'a connect step'),
        strict({ action: z.literal('reconnect'), account: id('account'), ...common }, 'a reconnect step'),
        strict({ action: z.literal('delete'), ...common }, 'a delete step'),
        strict(
            {
                action: z.literal('dryrun'),
                // The event function: "<name>" (of the scenario's integration) or "<integration>/<name>".
                function: z.string({ error: 'function: required, the event function to run ("<name>" or "<integration>/<name>")' }).min(1),
                // Connect the connection first as this account if it does not exist; with reconnect, re-authorize it as this account.
                account: id('account').optional(),
                reconnect: z.boolean().optional(),
                ...common
            },
            'a dryrun step'
        ),
        strict({ action: z.literal('reset'), name: common.name }, 'a reset step')
    ],
    { error: (issue) => (issue.code === 'invalid_union' ? `action: use one of ${ACTIONS.map((a) => `"${a}"`).join(', ')}` : undefined) }
);
export type StepDefinition = z.infer<typeof StepSchema>;

export const ScenarioSchema = strict(
    {
        name: z.string({ error: 'name: required, what the scenario shows (unique in the file)' }).min(1, 'name must not be empty'),
        description: z.string().optional(),
        integration: id('integration'),
        // The connection the steps act on (default "scenario-connection").
        connection: connectionIdSchema('connection').optional(),
        responses: ResponsesSchema.optional(),
        steps: z
            .array(StepSchema, { error: 'steps: required, a list of steps, e.g. [{ "action": "connect", "account": "acme" }]' })
            .min(1, 'steps: add at least one step')
    },
    'a scenario'
);

export const ScenarioFileSchema = strict(
    {
        $schema: z.string().optional(),
        description: z.string().optional(),
        scenarios: z
            .array(ScenarioSchema, { error: 'scenarios: required, a list of scenarios: { "scenarios": [{ "name": …, "integration": …, "steps": [ … ] }] }' })
            .min(1, 'scenarios: add at least one scenario')
    },
    'a scenario file'
).superRefine((f, ctx) => {
    const seen = new Set<string>();
    f.scenarios.forEach((s, i) => {
        if (seen.has(s.name))
            ctx.addIssue({
                code: 'custom',
                path: ['scenarios', i, 'name'],
                message: `duplicate scenario name "${s.name}": give each scenario of the file its own name`
            });
        seen.add(s.name);
    });
});

export const DEFAULT_SCENARIO_CONNECTION = 'scenario-connection';

// ---- Loaded scenarios ----------------------------------------------------------------------------

export interface ScenarioStep {
    index: number;
    /** The step's name, or one made from its action ("connect as acme"). */
    title: string;
    action: StepAction;
    connection: string;
    account?: string;
    function?: string;
    reconnect?: boolean;
    /** What was written under "expect" ({} when nothing was). */
    expect: Expectations;
    /** No "expect" (or an empty one): the step must succeed (ok: true). */
    implicitOk: boolean;
    /** Provider answers tried before the fixtures' during this step: the step's, then the scenario's. */
    responses: ResponseFixture[];
    /** Where each of `responses` is written ("<file> scenarios.0.steps.1.responses[0]"). */
    responseLabels: string[];
    /** Where the step is written. */
    location: SourceLocation;
    /** Where each part of the step is written, by JSON pointer relative to the step ("/expect/metadata/organizationId"). */
    locations: Record<string, SourceLocation>;
}

export interface Scenario {
    /** Stable id: "<file relative to the scenarios folder>#<name>". */
    id: string;
    name: string;
    description?: string;
    integration: string;
    connection: string;
    file: string;
    /** Where the scenario is written (its object in the file). */
    location: SourceLocation;
    steps: ScenarioStep[];
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

/** Finds and validates every scenario file of the project. Bad files are reported as problems, never thrown. */
export function loadScenarios(root: string, opts: { fixtures?: Fixtures } = {}): LoadedScenarios {
    const dir = scenariosDir(root);
    const read = (file: string): string =>
        readTextFile(file, {
            maxBytes: MAX_FIXTURES_BYTES,
            what: 'a scenario file',
            code: 'bad_usage',
            fix: 'Keep scenario files as JSON files under .nango-emulator/scenarios/.'
        }) ?? '';
    const files = listScenarioFiles(dir).map((file) => parseScenarioText(root, file, read(file), opts));
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
export function parseScenarioText(root: string, file: string, text: string, opts: { fixtures?: Fixtures } = {}): ScenarioFileInfo {
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
    const tree = parseTree(text)!;
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
        } catch (err) {
            // The fixtures' own problem is reported by whoever runs the scenarios; here, only say it blocks the checks.
            const message = err instanceof Error ? err.message : String(err);
            problems.push(problem('(top level)', `the scenarios cannot be checked against the fixtures: ${message.split('\n')[0]}`, where([])));
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
                    const handler = resolveHandler(root, step.function, s.integration);
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

// ---- Running -------------------------------------------------------------------------------------

export interface ExpectationFailure {
    /** Which expectation: "outcome", "metadata.organizationId", "requests[0]", "logs[1]", "error.message", … */
    expectation: string;
    message: string;
    expected?: unknown;
    actual?: unknown;
    /** Where that expectation is written (the step itself for the implicit "ok: true"). */
    location: SourceLocation;
}

export type StepStatus = 'passed' | 'failed' | 'skipped' | 'cancelled';

export interface StepResult {
    index: number;
    title: string;
    action: StepAction;
    status: StepStatus;
    location: SourceLocation;
    failures: ExpectationFailure[];
    /** The emulator's result of the step (absent for reset, skipped steps and steps that could not run). */
    result?: RunResult;
    /** The step could not run (e.g. connect on a connection that exists): code and message. */
    error?: { code: string; message: string };
    durationMs: number;
}

export type ScenarioStatus = 'passed' | 'failed' | 'cancelled' | 'error';

export interface ScenarioResult {
    scenario: Scenario;
    /** passed; failed (an expectation, or a step that could not run); cancelled; error: bad input (fixtures, state), not a test failure. */
    status: ScenarioStatus;
    ok: boolean;
    steps: StepResult[];
    /** For status "error": what was wrong. */
    error?: { code: string; message: string };
    durationMs: number;
    /** The state folder of the run, when kept (keepState). */
    stateDir?: string;
}

export interface RunScenarioOptions {
    /** Handler timeout per run, ms. */
    timeoutMs?: number;
    captureBodies?: boolean;
    maxBodyBytes?: number;
    /** Node flags for the worker, e.g. ["--inspect-brk=9229"] to debug the handlers. */
    workerExecArgv?: string[];
    signal?: AbortSignal;
    onLog?: EmulatorOptions['onLog'];
    /** Called before each step runs, and with each step's result. */
    onStepStart?: (step: ScenarioStep) => void;
    onStep?: (result: StepResult) => void;
    /** Where the isolated state goes (default: a new temp folder, removed afterwards). */
    stateDir?: string;
    /** Keep the state folder after the run (its path is in the result). */
    keepState?: boolean;
    /** Type-check as `nango compile` does before running (default true). */
    typecheck?: boolean;
}

/** Fixtures or state the run cannot start from: bad input, not a failing test. */
const BAD_INPUT_CODES = new Set([
    'fixtures_missing',
    'fixtures_invalid_json',
    'fixtures_invalid',
    'state_invalid',
    'user_handlers_invalid',
    'typecheck_failed'
]);

/** Runs one scenario from the fixtures, in its own state folder; stops at the first failing step. */
export async function runScenario(root: string, scenario: Scenario, opts: RunScenarioOptions = {}): Promise<ScenarioResult> {
    const started = performance.now();
    const stateDir = opts.stateDir ?? mkdtempSync(path.join(os.tmpdir(), 'nango-scenario-'));
    mkdirSync(stateDir, { recursive: true });
    const emulator = new Emulator(root, {
        stateDir,
        ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
        ...(opts.captureBodies ? { captureBodies: true } : {}),
        ...(opts.maxBodyBytes !== undefined ? { maxBodyBytes: opts.maxBodyBytes } : {}),
        ...(opts.workerExecArgv ? { workerExecArgv: opts.workerExecArgv } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.onLog ? { onLog: opts.onLog } : {}),
        ...(opts.typecheck === false ? { typecheck: false } : {})
    });
    const steps: StepResult[] = [];
    let status: ScenarioStatus = 'passed';
    let error: ScenarioResult['error'];
    try {
        try {
            emulator.reset();
        } catch (err) {
            status = 'error';
            error = errorInfo(err);
        }
        for (const step of scenario.steps) {
            if (status !== 'passed' || opts.signal?.aborted) {
                if (opts.signal?.aborted && status === 'passed') status = 'cancelled';
                const skipped: StepResult = {
                    index: step.index,
                    title: step.title,
                    action: step.action,
                    status: 'skipped',
                    location: step.location,
                    failures: [],
                    durationMs: 0
                };
                steps.push(skipped);
                opts.onStep?.(skipped);
                continue;
            }
            opts.onStepStart?.(step);
            emulator.setResponseOverlay(
                step.responses.length ? { integration: scenario.integration, responses: step.responses, labels: step.responseLabels } : undefined
            );
            const stepStarted = performance.now();
            let result: RunResult | undefined;
            let stepError: StepResult['error'];
            try {
                result = await runStep(emulator, scenario, step);
            } catch (err) {
                stepError = errorInfo(err);
            }
            let stepStatus: StepStatus;
            let failures: ExpectationFailure[] = [];
            if (opts.signal?.aborted || result?.error?.type === 'cancelled') {
                stepStatus = 'cancelled';
                status = 'cancelled';
            } else if (stepError) {
                stepStatus = 'failed';
                status = BAD_INPUT_CODES.has(stepError.code) ? 'error' : 'failed';
                if (status === 'error') error = stepError;
            } else {
                failures = result ? evaluateExpectations(step, result) : [];
                stepStatus = failures.length ? 'failed' : 'passed';
                if (failures.length) status = 'failed';
            }
            const stepResult: StepResult = {
                index: step.index,
                title: step.title,
                action: step.action,
                status: stepStatus,
                location: step.location,
                failures,
                ...(result ? { result } : {}),
                ...(stepError ? { error: stepError } : {}),
                durationMs: Math.round(performance.now() - stepStarted)
            };
            steps.push(stepResult);
            opts.onStep?.(stepResult);
        }
    } finally {
        emulator.dispose();
        if (!opts.keepState && !opts.stateDir) rmSync(stateDir, { recursive: true, force: true });
    }
    return {
        scenario,
        status,
        ok: status === 'passed',
        steps,
        ...(error ? { error } : {}),
        durationMs: Math.round(performance.now() - started),
        ...(opts.keepState || opts.stateDir ? { stateDir } : {})
    };
}

/** Runs scenarios one after the other. */
export async function runScenarios(
    root: string,
    scenarios: Scenario[],
    opts: RunScenarioOptions & { onScenarioStart?: (s: Scenario) => void; onScenario?: (r: ScenarioResult) => void } = {}
): Promise<ScenarioResult[]> {
    const results: ScenarioResult[] = [];
    for (const scenario of scenarios) {
        opts.onScenarioStart?.(scenario);
        const result = await runScenario(root, scenario, opts);
        results.push(result);
        opts.onScenario?.(result);
    }
    return results;
}

/** The operation a step performs: the same model the CLI, the server and the editor use. */
export function stepOperation(scenario: Scenario, step: ScenarioStep): EmulatorOperation {
    const { connection: connectionId, account } = step;
    switch (step.action) {
        case 'connect':
        case 'reconnect':
            return parseOperation(
                { operation: step.action, integration: scenario.integration, connectionId, account },
                `${step.location.file}: step ${step.index + 1}`
            );
        case 'delete':
            return { operation: 'delete', integration: scenario.integration, connectionId };
        case 'dryrun':
            return parseOperation(
                {
                    operation: 'dryrun',
                    function: step.function,
                    connectionId,
                    integration: scenario.integration,
                    ...(account ? { account } : {}),
                    ...(step.reconnect ? { reconnect: true } : {})
                },
                `${step.location.file}: step ${step.index + 1}`
            );
        case 'reset':
            return { operation: 'reset' };
    }
}

async function runStep(emulator: Emulator, scenario: Scenario, step: ScenarioStep): Promise<RunResult | undefined> {
    const result = await performOperation(emulator, stepOperation(scenario, step));
    return result.operation === 'reset' ? undefined : result;
}

function errorInfo(err: unknown): { code: string; message: string } {
    if (err instanceof EmulatorError) return { code: err.code, message: err.message };
    return { code: 'internal_error', message: err instanceof Error ? err.message : String(err) };
}

// ---- Expectations --------------------------------------------------------------------------------

/** Checks a step's result against what the step expects; one failure per expectation that does not hold. */
export function evaluateExpectations(step: ScenarioStep, r: RunResult): ExpectationFailure[] {
    const failures: ExpectationFailure[] = [];
    const e = step.expect;
    const at = (...keys: (string | number)[]): SourceLocation => {
        for (let n = keys.length; n >= 0; n--) {
            const found = step.locations[pointer(keys.slice(0, n))];
            if (found) return found;
        }
        return step.location;
    };
    const fail = (expectation: string, message: string, location: SourceLocation, expected?: unknown, actual?: unknown): void => {
        failures.push({ expectation, message, location, ...(expected !== undefined ? { expected } : {}), ...(actual !== undefined ? { actual } : {}) });
    };
    const because = r.error ? ` (${r.error.handler}: ${r.error.type}: ${r.error.message})` : '';

    if (step.implicitOk && !r.ok)
        fail(
            'ok',
            `the step failed${because}; a step without "expect" must succeed: fix the handler, or write what the step should give under "expect"`,
            step.location,
            true,
            false
        );
    if (e.ok !== undefined && r.ok !== e.ok) fail('ok', `ok: expected ${e.ok}, got ${r.ok}${r.ok ? '' : because}`, at('expect', 'ok'), e.ok, r.ok);
    if (e.outcome !== undefined && r.outcome !== e.outcome)
        fail('outcome', `outcome: expected "${e.outcome}", got "${r.outcome}"${because}`, at('expect', 'outcome'), e.outcome, r.outcome);
    if (e.status !== undefined && r.status !== e.status)
        fail('status', `status: expected "${e.status}", got "${r.status}"${because}`, at('expect', 'status'), e.status, r.status);
    if (e.events !== undefined && !deepEqual(r.events, e.events))
        fail('events', `events: expected ${show(e.events)}, got ${show(r.events)}`, at('expect', 'events'), e.events, r.events);

    if (e.metadata !== undefined) {
        const after = r.metadata.after;
        if (after === null) {
            const why =
                r.status === 'not_created'
                    ? `the connection was not created, so it has no metadata (outcome "${r.outcome}")`
                    : "the connection's metadata is null: nothing has set it yet (Nango creates OAuth connections with metadata null)";
            fail('metadata', `metadata: ${why}${because}`, at('expect', 'metadata'), e.metadata, null);
        } else
            for (const f of partialMismatches(e.metadata, after, []))
                fail(`metadata.${f.keys.join('.')}`, `metadata.${f.keys.join('.')}: ${f.message}`, at('expect', 'metadata', ...f.keys), f.expected, f.actual);
    }
    if (e.metadataEquals !== undefined && !deepEqual(r.metadata.after, e.metadataEquals)) {
        fail(
            'metadataEquals',
            `metadataEquals: expected ${show(e.metadataEquals)}, got ${show(r.metadata.after)}`,
            at('expect', 'metadataEquals'),
            e.metadataEquals,
            r.metadata.after
        );
    }

    const requestList = (): string =>
        r.requests.length ? r.requests.map((q) => `${q.method} ${q.url} → ${q.status ?? (q.unmatched ? 'unmatched' : 'no answer')}`).join('; ') : 'none';
    e.requests?.forEach((m, i) => {
        const found = r.requests.filter(
            (q) =>
                (m.method === undefined || q.method === m.method) &&
                (m.path === undefined || pathMatches(m.path, q.url)) &&
                (m.status === undefined || q.status === m.status) &&
                (m.account === undefined || q.account === m.account)
        );
        const ok = m.count === undefined ? found.length > 0 : found.length === m.count;
        if (!ok) {
            const wanted = `${m.count === undefined ? 'at least one' : m.count} ${describeRequestMatcher(m)} request${m.count === undefined || m.count === 1 ? '' : 's'}`;
            fail(
                `requests[${i}]`,
                `requests[${i}]: expected ${wanted}, found ${found.length}. Requests made: ${requestList()}`,
                at('expect', 'requests', i),
                m.count ?? '≥1',
                found.length
            );
        }
    });
    if (e.requestCount !== undefined && r.requests.length !== e.requestCount) {
        fail(
            'requestCount',
            `requestCount: expected ${e.requestCount} provider request${e.requestCount === 1 ? '' : 's'}, got ${r.requests.length}: ${requestList()}`,
            at('expect', 'requestCount'),
            e.requestCount,
            r.requests.length
        );
    }
    if (e.unmatchedRequests !== undefined) {
        const unmatched = r.requests.filter((q) => q.unmatched);
        if (unmatched.length !== e.unmatchedRequests) {
            fail(
                'unmatchedRequests',
                `unmatchedRequests: expected ${e.unmatchedRequests}, got ${unmatched.length}${unmatched.length ? ` (${unmatched.map((q) => `${q.method} ${q.url}`).join('; ')}: add fixtures for them)` : ''}`,
                at('expect', 'unmatchedRequests'),
                e.unmatchedRequests,
                unmatched.length
            );
        }
    }

    e.logs?.forEach((l, i) => {
        const spec = typeof l === 'string' ? { message: l } : l;
        const pattern = compilePattern(spec.message);
        const found = r.logs.filter((entry) => pattern.test(entry.message) && (spec.level === undefined || entry.level === spec.level));
        const count = typeof l === 'string' ? undefined : l.count;
        const ok = count === undefined ? found.length > 0 : found.length === count;
        if (!ok) {
            const logs = r.logs.length ? r.logs.map((entry) => `[${entry.level}] ${entry.message}`).join(' | ') : 'none';
            fail(
                `logs[${i}]`,
                `logs[${i}]: expected ${count === undefined ? 'a' : count} log line${count === undefined || count === 1 ? '' : 's'} matching ${pattern.describe}${spec.level ? ` at level ${spec.level}` : ''}, found ${found.length}. Logs: ${logs}`,
                at('expect', 'logs', i),
                count ?? '≥1',
                found.length
            );
        }
    });

    if (e.error !== undefined) {
        if (e.error === null) {
            if (r.error)
                fail('error', `error: expected none, got ${r.error.handler}: ${r.error.type}: ${r.error.message}`, at('expect', 'error'), null, r.error);
        } else if (!r.error) {
            fail(
                'error',
                `error: expected an error${e.error.type ? ` of type ${e.error.type}` : ''}, but no handler failed (outcome "${r.outcome}")`,
                at('expect', 'error'),
                e.error,
                null
            );
        } else {
            if (e.error.type !== undefined && r.error.type !== e.error.type)
                fail(
                    'error.type',
                    `error.type: expected "${e.error.type}", got "${r.error.type}" (${r.error.message})`,
                    at('expect', 'error', 'type'),
                    e.error.type,
                    r.error.type
                );
            if (e.error.message !== undefined) {
                const pattern = compilePattern(e.error.message);
                if (!pattern.test(r.error.message))
                    fail(
                        'error.message',
                        `error.message: expected ${pattern.describe}, got ${JSON.stringify(r.error.message)}`,
                        at('expect', 'error', 'message'),
                        e.error.message,
                        r.error.message
                    );
            }
            if (e.error.handler !== undefined && r.error.handler !== e.error.handler && !r.error.handler.endsWith(`/${e.error.handler}`)) {
                fail(
                    'error.handler',
                    `error.handler: expected "${e.error.handler}", got "${r.error.handler}"`,
                    at('expect', 'error', 'handler'),
                    e.error.handler,
                    r.error.handler
                );
            }
        }
    }
    return failures;
}

/** What a step did and why it failed, as plain text lines: for reports (console, JUnit, the editor). */
export function describeStep(step: StepResult): string[] {
    const at = (l: SourceLocation): string => `${l.file}:${l.line}:${l.column}`;
    const mark = step.status === 'passed' ? '✔' : step.status === 'skipped' ? '-' : step.status === 'cancelled' ? '○' : '✖';
    const lines = [`${mark} step ${step.index + 1}: ${step.title} (${step.status}${step.status === 'skipped' ? '' : `, ${step.durationMs} ms`})`];
    if (step.error) lines.push(`    ${step.error.code}: ${step.error.message}`, `      at ${at(step.location)}`);
    for (const f of step.failures) lines.push(`    ${f.message}`, `      at ${at(f.location)}`);
    return lines;
}

function describeRequestMatcher(m: z.infer<typeof RequestExpectationSchema>): string {
    const parts = [m.method, m.path].filter(Boolean).join(' ') || 'provider';
    const extra = [m.status !== undefined ? `status ${m.status ?? 'none (no answer)'}` : '', m.account ? `account ${m.account}` : '']
        .filter(Boolean)
        .join(', ');
    return extra ? `${parts} (${extra})` : parts;
}

/** A pattern: "/regex/flags", or text looked for as a substring. */
export function compilePattern(pattern: string): { test(text: string): boolean; describe: string } {
    const re = /^\/(.*)\/([a-z]*)$/s.exec(pattern);
    if (re) {
        const regex = new RegExp(re[1]!, re[2]!.replace(/[gy]/g, ''));
        return { test: (text) => regex.test(text), describe: pattern };
    }
    return { test: (text) => text.includes(pattern), describe: JSON.stringify(pattern) };
}

/**
 * A request path pattern against a URL: an absolute URL pattern must match origin and whole path; a
 * path must match the end of the URL's path. ":x" and "*" match any one segment.
 */
export function pathMatches(pattern: string, url: string): boolean {
    let target: URL;
    try {
        target = new URL(url);
    } catch {
        return false;
    }
    const segments = (p: string): string[] =>
        p
            .split('/')
            .filter(Boolean)
            .map((s) => {
                try {
                    return decodeURIComponent(s);
                } catch {
                    return s;
                }
            });
    const have = segments(target.pathname);
    let want: string[];
    if (/^[a-z]+:\/\//i.test(pattern)) {
        const p = new URL(pattern);
        if (p.origin !== target.origin) return false;
        want = segments(p.pathname);
        if (want.length !== have.length) return false;
    } else {
        want = segments(pattern.split('?')[0]!);
        if (want.length > have.length) return false;
    }
    const tail = have.slice(have.length - want.length);
    return want.every((w, i) => w === '*' || w.startsWith(':') || w === tail[i]);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function partialMismatches(
    expected: Record<string, unknown>,
    actual: Record<string, unknown>,
    prefix: string[]
): { keys: string[]; message: string; expected: unknown; actual: unknown }[] {
    const out: { keys: string[]; message: string; expected: unknown; actual: unknown }[] = [];
    for (const [key, want] of Object.entries(expected)) {
        const keys = [...prefix, key];
        if (!(key in actual)) {
            out.push({ keys, message: `expected ${show(want)}, but the key is missing (metadata: ${show(actual)})`, expected: want, actual: undefined });
            continue;
        }
        const got = actual[key];
        if (isPlainObject(want) && isPlainObject(got)) out.push(...partialMismatches(want, got, keys));
        else if (!deepEqual(want, got)) out.push({ keys, message: `expected ${show(want)}, got ${show(got)}`, expected: want, actual: got });
    }
    return out;
}

export function deepEqual(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    if (Array.isArray(a) || Array.isArray(b)) {
        return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
    }
    if (isPlainObject(a) && isPlainObject(b)) {
        const ka = Object.keys(a);
        return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
    }
    return false;
}

function show(v: unknown): string {
    return v === undefined ? 'undefined' : JSON.stringify(v);
}
