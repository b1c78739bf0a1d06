// Fixtures: what the user writes and commits (integrations, provider accounts, emulated connections,
// provider API responses). Validated with zod; every error names the file, the field and the fix.
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import { CredentialsSchema, credentialTypeIssues } from './credentials';
import { EmulatorError } from './errors';
import { FaultSchema } from './faults';
import { connectionIdSchema, NAME_PATTERN, nullPrototype, own } from './names';
import { providerInfo } from './providers';
import { jsonSyntaxError } from './json-syntax';
import { isStackOverflow, MAX_FIXTURES_BYTES, MAX_JSON_DEPTH, readTextFile, tooDeepAt } from './read-file';

export const EVENT_NAMES = ['validate-connection', 'post-connection-creation', 'pre-connection-deletion'] as const;
export type EventName = (typeof EVENT_NAMES)[number];

export const FIXTURES_DIR = '.nango-emulator';
export const FIXTURES_FILE = 'fixtures.json';
export const USER_MSW_HANDLERS_FILE = 'handlers.ts';

const nonEmpty = z.string().min(1, 'must not be empty');

const id = nonEmpty.regex(NAME_PATTERN, 'use letters, digits, ".", "_" or "-"');

// Credentials of every auth mode Nango's catalogue uses, checked against the provider's auth mode: credentials.ts.
export { CredentialsSchema, type Credentials } from './credentials';

export const AccountSchema = z.strictObject({
    description: z.string().optional(),
    // Omitted: none, as a NONE (unauthenticated) provider's connection has.
    credentials: CredentialsSchema.default({ type: 'NONE' }),
    connectionConfig: z.record(z.string(), z.unknown()).default({}),
    // Facts about the provider account (ids, names) that responses can template with {{account.identity.x}}.
    identity: z.record(z.string(), z.unknown()).default({})
});
export type Account = z.infer<typeof AccountSchema>;

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

// Fault injection (a response's `fault`): its schema and meaning live in faults.ts.
export { DEFAULT_FAULT_TIMEOUT_MS, FAULT_NETWORK_ERRORS, FaultSchema, type Fault } from './faults';

export const ResponseSchema = z.strictObject({
    method: z.preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), z.enum(HTTP_METHODS)),
    // Relative to the provider's base URL for the connection (e.g. "/services/oauth2/userinfo"), or an
    // absolute URL. msw path syntax: ":id" captures a segment, "*" matches anything; the same rule as a
    // scenario's request expectations (emulator/path-pattern.ts).
    path: nonEmpty,
    // Only when the request carries this account's (or one of these accounts') credentials.
    account: z.union([id, z.array(id).min(1)]).optional(),
    // Only when every listed query parameter has this value.
    query: z.record(z.string(), z.string()).optional(),
    status: z.number().int().min(100).max(599).default(200),
    headers: z.record(z.string(), z.string()).optional(),
    // JSON body; strings may use {{account.id}}, {{account.identity.x}}, {{params.x}}, {{query.x}}, {{body.x}}.
    body: z.unknown().optional(),
    delayMs: z.number().int().min(0).max(60_000).optional(),
    // Fault injection: answer with an error status, late, never (timeout) or with a malformed body.
    fault: FaultSchema.optional(),
    description: z.string().optional()
});
export type ResponseFixture = z.infer<typeof ResponseSchema>;

// Nango's sync and action names (server/lib/helpers/validation.ts syncNameSchema, variantSchema).
const FLOW_NAME = /^[a-zA-Z0-9_-]{1,255}$/;
const flowName = nonEmpty.regex(FLOW_NAME, 'a sync or action name uses letters, digits, "_" or "-" (Nango\'s rule)');

// How a triggered action fails, as Nango answers it (server/lib/controllers/action/runAction.ts,
// shared/lib/utils/error.manager.ts errResFromNangoErr, runner/lib/exec.ts): the action threw
// `new ActionError(payload)` (the default: 500 action_script_runtime_error), a provider call inside it
// failed with `status` (424 script_http_error; `status` alone implies it), or it threw another error
// (500 script_internal_error).
export const ACTION_ERROR_TYPES = ['action_script_runtime_error', 'script_http_error', 'script_internal_error'] as const;
export const ActionErrorFixtureSchema = z
    .strictObject({
        type: z.enum(ACTION_ERROR_TYPES).optional(),
        // The provider's status in the failed call (script_http_error only).
        status: z.number().int().min(400).max(599).optional(),
        // ActionError's payload, the provider's error body, or the error's { name, message }.
        payload: z.unknown().optional()
    })
    .superRefine((e, ctx) => {
        if (e.status !== undefined && e.type !== undefined && e.type !== 'script_http_error') {
            ctx.addIssue({
                code: 'custom',
                path: ['status'],
                message: `"status" is the provider's answer to a call the action made (type "script_http_error"); an action that throws answers 500 in Nango. Remove "status" or the "type"`
            });
        }
        if (e.type === 'script_http_error' && e.status === undefined) {
            ctx.addIssue({ code: 'custom', path: ['status'], message: 'add the provider\'s error "status" (e.g. 404) that the action\'s call got' });
        }
    });
export type ActionErrorFixture = z.infer<typeof ActionErrorFixtureSchema>;

// What `nango.triggerAction(…)` of this action returns: its output, or the error Nango answers.
export const ActionFixtureSchema = z
    .strictObject({ output: z.unknown().optional(), error: ActionErrorFixtureSchema.optional(), description: z.string().optional() })
    .superRefine((a, ctx) => {
        const has = (['output', 'error'] as const).filter((k) => k in a);
        if (has.length !== 1) {
            ctx.addIssue({
                code: 'custom',
                path: [],
                message: has.length
                    ? 'give "output" or "error", not both'
                    : 'give the action\'s answer: { "output": <json> }, or { "error": { "payload": { … } } } for an action that fails'
            });
        }
    });
export type ActionFixture = z.infer<typeof ActionFixtureSchema>;

export const IntegrationSchema = z.strictObject({
    // Key in Nango's providers catalogue (@nangohq/providers), e.g. "salesforce", "github".
    provider: id,
    // Overrides the catalogue's proxy base URL (may use ${connectionConfig.x}); required for unknown providers.
    baseUrl: z.string().optional(),
    webhookUrl: z.string().optional(),
    // The integration's own app, as GET /integrations/:key?include=credentials returns it
    // (server/lib/utils/integrations.ts getIntegrationCredentials): OAuth1/OAuth2/TBA apps use clientId,
    // clientSecret, scopes, webhookSecret; APP (GitHub App) appId, privateKey, appLink; CUSTOM both.
    // clientSecret, webhookSecret and privateKey are secrets: never printed.
    clientId: z.string().optional(),
    clientSecret: z.string().optional(),
    // Nango stores them comma-separated ("repo,user"); a list is joined with ",".
    scopes: z.union([z.string(), z.array(nonEmpty)]).optional(),
    webhookSecret: z.string().optional(),
    appId: z.string().optional(),
    privateKey: z.string().optional(),
    appLink: z.string().optional(),
    // Actions deployed for this integration: what nango.triggerAction(…) answers (POST /action/trigger).
    actions: z.record(flowName, ActionFixtureSchema).optional(),
    // Syncs deployed for this integration ("name", or "name::variant"): what triggerSync/startSync accept.
    syncs: z
        .array(nonEmpty.regex(/^[a-zA-Z0-9_-]{1,255}(::[a-zA-Z0-9_-]{1,255})?$/, 'a sync is "name" or "name::variant" (letters, digits, "_" or "-")'))
        .optional(),
    accounts: z.record(id, AccountSchema).refine((a) => Object.keys(a).length > 0, 'add at least one provider account'),
    responses: z.array(ResponseSchema).default([])
});
export type IntegrationFixture = z.infer<typeof IntegrationSchema>;

export const ConnectionFixtureSchema = z.strictObject({
    id: connectionIdSchema('a connection id'),
    integration: id,
    account: id,
    status: z.enum(['active', 'refresh_exhausted']).default('active'),
    // null: as Nango has an OAuth connection nothing has set metadata on yet.
    metadata: z.record(z.string(), z.unknown()).nullable().default({})
});
export type ConnectionFixture = z.infer<typeof ConnectionFixtureSchema>;

export const FixturesSchema = z
    .strictObject({
        $schema: z.string().optional(),
        environment: z
            .strictObject({
                name: z.string().default('dev'),
                variables: z.record(z.string(), z.string()).default({})
            })
            .default({ name: 'dev', variables: {} }),
        integrations: z.record(id, IntegrationSchema),
        connections: z.array(ConnectionFixtureSchema).default([])
    })
    .superRefine((f, ctx) => {
        const seen = new Set<string>();
        f.connections.forEach((c, i) => {
            if (seen.has(c.id)) {
                ctx.addIssue({ code: 'custom', path: ['connections', i, 'id'], message: `duplicate connection id "${c.id}": give each connection its own id` });
            }
            seen.add(c.id);
            const integration = own(f.integrations, c.integration);
            if (!integration) {
                ctx.addIssue({
                    code: 'custom',
                    path: ['connections', i, 'integration'],
                    message: `unknown integration "${c.integration}": use one of ${list(Object.keys(f.integrations))}`
                });
            } else if (!own(integration.accounts, c.account)) {
                ctx.addIssue({
                    code: 'custom',
                    path: ['connections', i, 'account'],
                    message: `unknown account "${c.account}" of integration "${c.integration}": use one of ${list(Object.keys(integration.accounts))}`
                });
            }
        });
        for (const [key, integration] of Object.entries(f.integrations)) {
            integration.responses.forEach((r, i) => {
                for (const account of r.account === undefined ? [] : [r.account].flat()) {
                    if (!own(integration.accounts, account)) {
                        ctx.addIssue({
                            code: 'custom',
                            path: ['integrations', key, 'responses', i, 'account'],
                            message: `unknown account "${account}": use one of ${list(Object.keys(integration.accounts))}`
                        });
                    }
                }
            });
        }
        // Each account's credentials type against its provider's auth mode in Nango's catalogue.
        for (const issue of credentialTypeIssues(f.integrations, (provider) => providerInfo(provider)?.auth_mode)) ctx.addIssue({ code: 'custom', ...issue });
    });
export type Fixtures = z.infer<typeof FixturesSchema>;

function list(names: string[]): string {
    return names.length ? names.map((n) => `"${n}"`).join(', ') : '(none defined)';
}

export function fixturesPath(root: string): string {
    return path.join(root, FIXTURES_DIR, FIXTURES_FILE);
}

export function userMswHandlersPath(root: string): string | undefined {
    const file = path.join(root, FIXTURES_DIR, USER_MSW_HANDLERS_FILE);
    return existsSync(file) ? file : undefined;
}

/** Formats zod issues as "file: field: message" lines, the shape every fixture error takes. */
export function describeIssues(file: string, issues: readonly z.core.$ZodIssue[]): string {
    return issues.map((issue) => `${file}: ${issue.path.length ? issue.path.join('.') : '(top level)'}: ${issue.message}`).join('\n');
}

// Where and why a file is not JSON, without quoting it: json-syntax.ts.
export { jsonSyntaxError } from './json-syntax';

export function parseFixtures(text: string, file: string): Fixtures {
    const tooDeep = (at: string): EmulatorError =>
        new EmulatorError(
            'fixtures_invalid',
            `${file}: ${at}: nested more than ${MAX_JSON_DEPTH} levels deep. Fixtures are objects a few levels deep: fix ${file} (see the README's "Fixtures" section).`
        );
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch (err) {
        if (isStackOverflow(err)) throw tooDeep('(top level)');
        const { line, column, problem } = jsonSyntaxError(text, err);
        throw new EmulatorError(
            'fixtures_invalid_json',
            `${file}: not valid JSON (line ${line}, column ${column}: ${problem}). Fix the syntax at ${file}:${line}:${column}; see the README's "Fixtures" section for a full example.`
        );
    }
    // Refused before validation: zod, structuredClone and the redactor recurse, and would overflow the stack.
    const deep = tooDeepAt(json);
    if (deep !== undefined) throw tooDeep(deep);
    let parsed: ReturnType<typeof FixturesSchema.safeParse>;
    try {
        parsed = FixturesSchema.safeParse(json);
    } catch (err) {
        if (isStackOverflow(err)) throw tooDeep('(top level)');
        throw err;
    }
    if (!parsed.success) {
        throw new EmulatorError(
            'fixtures_invalid',
            `${describeIssues(file, parsed.error.issues)}\nFix these fields in ${file}; the README's "Fixtures" section documents every field.`
        );
    }
    // Integration and account names are user-chosen keys: with no prototype, `integrations['constructor']` is undefined.
    const integrations = nullPrototype(parsed.data.integrations);
    for (const [key, integration] of Object.entries(integrations)) integrations[key] = { ...integration, accounts: nullPrototype(integration.accounts) };
    return { ...parsed.data, integrations };
}

export function loadFixtures(root: string): Fixtures {
    const file = fixturesPath(root);
    const text = readTextFile(file, {
        maxBytes: MAX_FIXTURES_BYTES,
        what: 'the fixtures file',
        code: 'fixtures_invalid',
        fix: `Make ${file} a JSON file with your integrations, provider accounts and responses (see the README's "Fixtures" section).`
    });
    if (text === undefined) {
        throw new EmulatorError(
            'fixtures_missing',
            `${file}: no fixtures file. Create it with your integrations, provider accounts and responses (see the README's "Fixtures" section).`
        );
    }
    return parseFixtures(text, file);
}

export function requireIntegration(fixtures: Fixtures, integration: string, file: string): IntegrationFixture {
    const found = own(fixtures.integrations, integration);
    if (!found) {
        throw new EmulatorError(
            'unknown_integration',
            `${file}: no integration "${integration}" under "integrations" (defined: ${list(Object.keys(fixtures.integrations))}). Add it, or check the folder name of the handler.`
        );
    }
    return found;
}

export function requireAccount(fixtures: Fixtures, integration: string, account: string, file: string): Account {
    const found = own(requireIntegration(fixtures, integration, file).accounts, account);
    if (!found) {
        throw new EmulatorError(
            'unknown_account',
            `${file}: integration "${integration}" has no account "${account}" (defined: ${list(Object.keys(requireIntegration(fixtures, integration, file).accounts))}). Add it under integrations.${integration}.accounts.`
        );
    }
    return found;
}
