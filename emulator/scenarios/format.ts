// The scenario file format (zod schemas with messages that say how to fix a mistake), and the
// in-memory scenarios a valid file loads into.
import * as z from 'zod';
import { connectionIdSchema, nameSchema } from '../core/names';
import { ResponseSchema, type ResponseFixture } from '../fixtures/fixtures';
import type { Outcome } from '../core/result';
import type { SourceLocation } from './locations';

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

// Integration ids and account names: the rule fixtures and operations share (emulator/core/names.ts).
const id = nameSchema;

/** A text pattern: a substring to look for, or "/regex/flags". */
const PatternSchema = z.string({ error: 'expected a pattern: a piece of text to look for, or "/regex/flags"' }).superRefine((value, ctx) => {
    const re = /^\/(.*)\/([a-z]*)$/s.exec(value);
    if (!re) return;
    try {
        new RegExp(re[1] ?? '', re[2] ?? '');
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
        method: z
            .preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), enumOf(HTTP_METHODS, 'method'))
            .optional()
            .describe("The request's HTTP method (any case)."),
        // Matched against the end of the request URL's path, in the fixtures' (msw's) path syntax (":id"
        // one segment, "*" anything: emulator/fakes/path-pattern.ts), so the base URL's own path need not be
        // written; or a whole absolute URL.
        path: z
            .string()
            .min(1, 'path must not be empty')
            .optional()
            .describe('Matched against the end of the request URL\'s path, in the fixtures\' path syntax (":id" one segment, "*" anything), or a whole URL.'),
        // The provider's status; null: no answer (a timeout, or an unmatched request).
        status: z
            .number()
            .int()
            .min(100)
            .max(599)
            .nullable()
            .optional()
            .describe("The provider's status (null: no answer, e.g. a timeout or an unmatched request)."),
        account: id('account').optional().describe('The account whose credentials the request carried.'),
        // Exactly this many matching requests (default: at least one).
        count: z.number().int().min(0).optional().describe('Exactly this many matching requests (default: at least one; 0: none).')
    },
    'a request expectation'
);
export type RequestExpectation = z.infer<typeof RequestExpectationSchema>;

const LogExpectationSchema = z.union([
    PatternSchema,
    strict(
        {
            message: PatternSchema.describe('A piece of text to look for, or "/regex/flags".'),
            level: enumOf(LOG_LEVELS, 'level').optional().describe("The log line's level."),
            // Exactly this many matching log lines (default: at least one).
            count: z.number().int().min(0).optional().describe('Exactly this many matching log lines (default: at least one).')
        },
        'a log expectation'
    )
]);

const ErrorExpectationSchema = z.union([
    z.null(),
    strict(
        {
            // The error's type: "ActionError", "AxiosError", "timeout", "UnmatchedRequest", …
            type: z.string().min(1).optional().describe('The error\'s type: "ActionError", "AxiosError", "timeout", "UnmatchedRequest", …'),
            message: PatternSchema.optional().describe('The error\'s message: a piece of text to look for, or "/regex/flags".'),
            // The handler that failed, "<integration>/<name>" or "<name>".
            handler: z.string().min(1).optional().describe('The handler that failed: "<name>" or "<integration>/<name>".')
        },
        'an error expectation'
    )
]);

export const ExpectationsSchema = strict(
    {
        ok: z.boolean({ error: 'ok: expected true or false' }).optional().describe('Whether the step succeeded.'),
        outcome: enumOf(OUTCOMES, 'outcome').optional().describe("The step's outcome, exactly."),
        status: enumOf(STATUSES, 'status').optional().describe('The connection\'s status after the step ("not_created": the connection does not exist).'),
        // The lifecycle events that ran, in order.
        events: z
            .array(enumOf(['validate-connection', 'post-connection-creation', 'pre-connection-deletion'] as const, 'event'))
            .optional()
            .describe('The lifecycle events that ran, in order.'),
        // Partial match: every key written here must have this value (objects compared key by key, the rest exactly).
        metadata: z
            .record(z.string(), z.unknown(), { error: 'metadata: expected an object of the keys to check, e.g. { "organizationId": "00D…" }' })
            .optional()
            .describe('Every key written here has this value in the metadata after the step (objects are compared key by key; other keys are ignored).'),
        // Exact match of the whole metadata after the step (null: never set, as Nango has it, or the connection was not created).
        metadataEquals: z
            .record(z.string(), z.unknown())
            .nullable()
            .optional()
            .describe('The whole metadata after the step, exactly (null: never set, as Nango has it, or the connection was not created).'),
        requests: z
            .array(RequestExpectationSchema, {
                error: 'requests: expected a list of request expectations, e.g. [{ "method": "DELETE", "path": "/webhooks/:id" }]'
            })
            .optional()
            .describe('For each entry, at least one provider request matches it (exactly "count" when given).'),
        // The number of provider requests the step made in all.
        requestCount: z.number().int().min(0).optional().describe('The number of provider requests the step made in all.'),
        // The number of requests no fixture answered (0: none).
        unmatchedRequests: z.number().int().min(0).optional().describe('The number of provider requests no fixture answered (0: none).'),
        logs: z
            .array(LogExpectationSchema, { error: 'logs: expected a list of patterns, e.g. ["Locked the connection"]' })
            .optional()
            .describe('For each entry, a log line matches: text to look for, "/regex/flags", or { "message", "level", "count" }.'),
        // null: no error; otherwise the error must match.
        error: ErrorExpectationSchema.optional().describe('null: no handler failed; or what the error must match ("type", "message", "handler").')
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
    name: z.string().min(1).optional().describe('What the step is called in reports (default: made from the action, e.g. "connect as acme").'),
    // The connection to act on (default: the scenario's).
    connection: connectionIdSchema('connection').optional().describe("The connection this step acts on (default: the scenario's)."),
    responses: ResponsesSchema.optional().describe(
        "Provider answers for this step only, in the format of fixtures.json's \"responses\" (faults included), tried before the scenario's and the fixtures' own."
    ),
    expect: ExpectationsSchema.optional().describe('What the step must give; a step without "expect" must succeed ("ok": true).')
};

const ACTIONS = ['connect', 'reconnect', 'delete', 'dryrun', 'reset'] as const;
export type StepAction = (typeof ACTIONS)[number];

export const StepSchema = z.discriminatedUnion(
    'action',
    [
        strict(
            {
                action: z.literal('connect').describe('Connect: the first authorization of the connection, as "account".'),
                account: id('account').describe('The provider account to connect as (a key of the integration\'s "accounts" in fixtures.json).'),
                ...common
            },
            'a connect step'
        ),
        strict(
            {
                action: z.literal('reconnect').describe('Reconnect: re-authorize the existing connection, as "account".'),
                account: id('account').describe('The provider account to reconnect as (a key of the integration\'s "accounts" in fixtures.json).'),
                ...common
            },
            'a reconnect step'
        ),
        strict({ action: z.literal('delete').describe('Delete the connection (runs pre-connection-deletion).'), ...common }, 'a delete step'),
        strict(
            {
                action: z.literal('dryrun').describe("Dry run one event function, as the CLI's dryrun."),
                // The event function: "<name>" (of the scenario's integration) or "<integration>/<name>".
                function: z
                    .string({ error: 'function: required, the event function to run ("<name>" or "<integration>/<name>")' })
                    .min(1)
                    .describe('The event function to run: "<name>" (of the scenario\'s integration) or "<integration>/<name>".'),
                // Connect the connection first as this account if it does not exist; with reconnect, re-authorize it as this account.
                account: id('account')
                    .optional()
                    .describe('Connect the connection first as this account if it does not exist; with "reconnect", re-authorize it as this account.'),
                reconnect: z.boolean().optional().describe('Run as a reconnect (re-authorization) of the connection.'),
                ...common
            },
            'a dryrun step'
        ),
        strict({ action: z.literal('reset').describe('Back to the fixtures, as after nango-emulator reset.'), name: common.name }, 'a reset step')
    ],
    { error: (issue) => (issue.code === 'invalid_union' ? `action: use one of ${ACTIONS.map((a) => `"${a}"`).join(', ')}` : undefined) }
);
export type StepDefinition = z.infer<typeof StepSchema>;

export const ScenarioSchema = strict(
    {
        name: z
            .string({ error: 'name: required, what the scenario shows (unique in the file)' })
            .min(1, 'name must not be empty')
            .describe('What the scenario shows (unique in the file).'),
        description: z.string().optional().describe('Free text.'),
        integration: id('integration').describe('The integration every step acts on (a key of "integrations" in fixtures.json).'),
        // The connection the steps act on (default "scenario-connection").
        connection: connectionIdSchema('connection').optional().describe('The connection the steps act on (default "scenario-connection").'),
        responses: ResponsesSchema.optional().describe(
            'Provider answers for every step, in the format of fixtures.json\'s "responses" (faults included), tried before the fixtures\' own.'
        ),
        steps: z
            .array(StepSchema, { error: 'steps: required, a list of steps, e.g. [{ "action": "connect", "account": "acme" }]' })
            .min(1, 'steps: add at least one step')
            .describe('The steps, run in order: connect, reconnect, delete, dryrun, reset. The first failing step ends the scenario.')
    },
    'a scenario'
).describe('A lifecycle story for one integration, run from the fixtures in a state folder of its own.');

export const ScenarioFileSchema = strict(
    {
        $schema: z.string().optional().describe('The JSON schema of this file (the Nango extension applies it without one).'),
        description: z.string().optional().describe('Free text.'),
        scenarios: z
            .array(ScenarioSchema, { error: 'scenarios: required, a list of scenarios: { "scenarios": [{ "name": …, "integration": …, "steps": [ … ] }] }' })
            .min(1, 'scenarios: add at least one scenario')
            .describe('The scenarios of this file, usually those of one integration.')
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
