// Fixtures: what the user writes and commits (integrations, provider accounts, emulated connections,
// provider API responses). Validated with zod; every error names the file, the field and the fix.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import { EmulatorError } from './errors';

export const EVENT_NAMES = ['validate-connection', 'post-connection-creation', 'pre-connection-deletion'] as const;
export type EventName = (typeof EVENT_NAMES)[number];

export const FIXTURES_DIR = '.nango-emulator';
export const FIXTURES_FILE = 'fixtures.json';
export const USER_MSW_HANDLERS_FILE = 'handlers.ts';

const nonEmpty = z.string().min(1, 'must not be empty');
const idPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const id = nonEmpty.regex(idPattern, 'use letters, digits, ".", "_" or "-"');

// Nango's credential shapes (ApiPublicAllAuthCredentials), the subset event functions meet.
export const CredentialsSchema = z.discriminatedUnion('type', [
    z.object({
        type: z.literal('OAUTH2'),
        access_token: nonEmpty,
        refresh_token: z.string().optional(),
        expires_at: z.string().optional(),
        raw: z.record(z.string(), z.unknown()).optional()
    }),
    z.object({ type: z.literal('OAUTH2_CC'), token: nonEmpty, expires_at: z.string().optional(), raw: z.record(z.string(), z.unknown()).optional() }),
    z.object({ type: z.literal('API_KEY'), apiKey: nonEmpty }),
    z.object({ type: z.literal('BASIC'), username: nonEmpty, password: z.string() }),
    z.object({ type: z.literal('APP'), access_token: nonEmpty, expires_at: z.string().optional(), raw: z.record(z.string(), z.unknown()).optional() })
]);
export type Credentials = z.infer<typeof CredentialsSchema>;

export const AccountSchema = z.strictObject({
    description: z.string().optional(),
    credentials: CredentialsSchema,
    connectionConfig: z.record(z.string(), z.unknown()).default({}),
    // Facts about the provider account (ids, names) that responses can template with {{account.identity.x}}.
    identity: z.record(z.string(), z.unknown()).default({})
});
export type Account = z.infer<typeof AccountSchema>;

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

export const ResponseSchema = z.strictObject({
    method: z.preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), z.enum(HTTP_METHODS)),
    // Relative to the provider's base URL for the connection (e.g. "/services/oauth2/userinfo"), or an
    // absolute URL. msw path syntax: ":id" captures a segment, "*" matches anything.
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
    description: z.string().optional()
});
export type ResponseFixture = z.infer<typeof ResponseSchema>;

export const IntegrationSchema = z.strictObject({
    // Key in Nango's providers catalogue (@nangohq/providers), e.g. "salesforce", "github".
    provider: id,
    // Overrides the catalogue's proxy base URL (may use ${connectionConfig.x}); required for unknown providers.
    baseUrl: z.string().optional(),
    webhookUrl: z.string().optional(),
    accounts: z.record(id, AccountSchema).refine((a) => Object.keys(a).length > 0, 'add at least one provider account'),
    responses: z.array(ResponseSchema).default([])
});
export type IntegrationFixture = z.infer<typeof IntegrationSchema>;

export const ConnectionFixtureSchema = z.strictObject({
    id: id,
    integration: id,
    account: id,
    status: z.enum(['active', 'refresh_exhausted']).default('active'),
    metadata: z.record(z.string(), z.unknown()).default({})
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
            const integration = f.integrations[c.integration];
            if (!integration) {
                ctx.addIssue({ code: 'custom', path: ['connections', i, 'integration'], message: `unknown integration "${c.integration}": use one of ${list(Object.keys(f.integrations))}` });
            } else if (!integration.accounts[c.account]) {
                ctx.addIssue({ code: 'custom', path: ['connections', i, 'account'], message: `unknown account "${c.account}" of integration "${c.integration}": use one of ${list(Object.keys(integration.accounts))}` });
            }
        });
        for (const [key, integration] of Object.entries(f.integrations)) {
            integration.responses.forEach((r, i) => {
                for (const account of r.account === undefined ? [] : [r.account].flat()) {
                    if (!integration.accounts[account]) {
                        ctx.addIssue({ code: 'custom', path: ['integrations', key, 'responses', i, 'account'], message: `unknown account "${account}": use one of ${list(Object.keys(integration.accounts))}` });
                    }
                }
            });
        }
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

export function parseFixtures(text: string, file: string): Fixtures {
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch (err) {
        throw new EmulatorError('fixtures_invalid_json', `${file}: not valid JSON (${(err as Error).message}). Fix the syntax; see the README's "Fixtures" section for a full example.`);
    }
    const parsed = FixturesSchema.safeParse(json);
    if (!parsed.success) {
        throw new EmulatorError('fixtures_invalid', `${describeIssues(file, parsed.error.issues)}\nFix these fields in ${file}; the README's "Fixtures" section documents every field.`);
    }
    return parsed.data;
}

export function loadFixtures(root: string): Fixtures {
    const file = fixturesPath(root);
    let text: string;
    try {
        text = readFileSync(file, 'utf8');
    } catch {
        throw new EmulatorError('fixtures_missing', `${file}: no fixtures file. Create it with your integrations, provider accounts and responses (see the README's "Fixtures" section).`);
    }
    return parseFixtures(text, file);
}

export function requireIntegration(fixtures: Fixtures, integration: string, file: string): IntegrationFixture {
    const found = fixtures.integrations[integration];
    if (!found) {
        throw new EmulatorError('unknown_integration', `${file}: no integration "${integration}" under "integrations" (defined: ${list(Object.keys(fixtures.integrations))}). Add it, or check the folder name of the handler.`);
    }
    return found;
}

export function requireAccount(fixtures: Fixtures, integration: string, account: string, file: string): Account {
    const found = requireIntegration(fixtures, integration, file).accounts[account];
    if (!found) {
        throw new EmulatorError('unknown_account', `${file}: integration "${integration}" has no account "${account}" (defined: ${list(Object.keys(requireIntegration(fixtures, integration, file).accounts))}). Add it under integrations.${integration}.accounts.`);
    }
    return found;
}
