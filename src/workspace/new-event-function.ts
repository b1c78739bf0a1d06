// The logic behind "Nango: New Event Function…": the adapter asks (integration, template, name)
// through QuickPick/InputBox, validating with these functions, then applies the plan as one edit.
// A template that asks the provider who the credentials belong to gets the provider's identity call
// (identity-endpoints.ts), and the fixtures get an answer for it per account, so the first dry run passes.
import path from 'node:path';
import { applyEdits, findNodeAtLocation, format, modify, parseTree, type FormattingOptions, type JSONPath } from 'jsonc-parser/lib/esm/main.js';
import { FIXTURES_DIR, FIXTURES_FILE, fixturesPath, parseFixtures, type Fixtures } from '../../emulator/fixtures/fixtures';
import { identityEndpoint, type IdentityEndpoint } from './identity-endpoints';
import type { WorkspaceModel } from './model';
import { FUNCTION_FOLDERS, handlerFilePath, isSkippedFolder } from './paths';
import { identityPlaceholders, renderScaffold, templateById } from './scaffold';
import type { TemplateId } from './scaffold';
import { LineMap, detectEol } from './text';
import type { FileCreation, Range, TextEdit } from './types';

const KEBAB_CASE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function listIntegrations(model: WorkspaceModel): string[] {
    return model.integrations();
}

/**
 * Error message for an integration name typed in the picker, or undefined when it is usable.
 * An existing integration is fine (the file goes into it); a new one must be a kebab-case folder name.
 */
export function validateIntegrationName(input: string, model: WorkspaceModel): string | undefined {
    const name = input.trim();
    if (name === '') return 'Enter an integration name: the integration ID from your Nango dashboard, e.g. salesforce.';
    if (model.integrations().includes(name)) return undefined;
    if (!KEBAB_CASE.test(name)) return `'${name}' is not kebab-case: use lowercase letters, digits and single dashes, e.g. google-calendar.`;
    if (isSkippedFolder(name)) return `'${name}' is a folder Nango and the extension skip (build output): choose another name.`;
    if (model.hasFile(path.join(model.root, name))) return `A file named '${name}' already exists in ${model.root}: choose another name.`;
    return undefined;
}

/** What the user typed, without surrounding spaces or a trailing .ts. */
export function normalizeFunctionName(input: string): string {
    const name = input.trim();
    return name.endsWith('.ts') ? name.slice(0, -'.ts'.length) : name;
}

/** Error message for a new function's file name (without .ts), or undefined when it is usable. */
export function validateFunctionName(input: string, integration: string, model: WorkspaceModel): string | undefined {
    const name = normalizeFunctionName(input);
    if (name === '') return 'Enter a file name for the function, e.g. validate-connection.';
    if (!KEBAB_CASE.test(name)) return `'${name}' is not kebab-case: use lowercase letters, digits and single dashes, e.g. register-webhook.`;
    for (const folder of FUNCTION_FOLDERS) {
        if (model.hasFile(path.join(model.root, integration, folder, `${name}.ts`))) {
            return `${integration}/${folder}/${name}.ts already exists: function names must be unique within an integration. Choose another name.`;
        }
    }
    return undefined;
}

/** A free file name to offer first: the event's name, numbered when taken. */
export function suggestFunctionName(integration: string, template: TemplateId, model: WorkspaceModel): string {
    const base = template === 'same-account-validation' ? 'same-account' : templateById(template).event;
    for (let n = 1; ; n++) {
        const candidate = n === 1 ? base : `${base}-${n}`;
        if (validateFunctionName(candidate, integration, model) === undefined) return candidate;
    }
}

/** Where the project's fixtures live: <root>/.nango-emulator/fixtures.json. */
export function fixturesFileOf(root: string): string {
    return fixturesPath(root);
}

export interface NewEventFunctionRequest {
    readonly integration: string;
    readonly name: string;
    readonly template: TemplateId;
    readonly description?: string;
    /** The project's fixtures.json as it is now (the open editor's text, else the file's), when it exists. */
    readonly fixtures?: { readonly file: string; readonly text: string };
}

export interface NewEventFunctionPlan {
    /** The handler file to create. */
    readonly file: string;
    readonly contents: string;
    /** The description in the new file: select it so the user types over it. */
    readonly selection: Range;
    /** The handler file, and index.ts when the project has none. */
    readonly createFiles: readonly FileCreation[];
    /** The import added to an existing index.ts, and the identity call's answers added to fixtures.json. */
    readonly edits: readonly TextEdit[];
    /** The integration's provider key: fixtures.json's `provider`, else the integration id. */
    readonly provider: string;
    /** The provider's identity call the template makes, when the template makes one and the provider is known. */
    readonly identity: IdentityEndpoint | undefined;
    /** The accounts whose fixture answer to the identity call the plan adds to fixtures.json. */
    readonly fixtureAccounts: readonly string[];
}

/** Everything the command writes. Throws when the request does not pass the validators above. */
export function planNewEventFunction(model: WorkspaceModel, request: NewEventFunctionRequest): NewEventFunctionPlan {
    const integration = request.integration.trim();
    const name = normalizeFunctionName(request.name);
    const problem = validateIntegrationName(integration, model) ?? validateFunctionName(name, integration, model);
    if (problem) throw new Error(problem);

    const file = handlerFilePath(model.root, integration, name);
    const eol = model.indexEol();
    const fixtures = request.fixtures ? readFixtures(request.fixtures.file, request.fixtures.text) : undefined;
    const fixtureIntegration = fixtures?.integrations[integration];
    const provider = fixtureIntegration?.provider ?? integration;
    const placeholders = identityPlaceholders(request.template);
    const identity = placeholders ? identityEndpoint(provider) : undefined;

    let fixturesEdit: TextEdit | undefined;
    let fixtureAccounts: string[] = [];
    let identityComment: string[] = [];
    if (placeholders && identity && request.fixtures && fixtureIntegration) {
        fixtureAccounts = Object.keys(fixtureIntegration.accounts).filter((account) => !answers(fixtureIntegration.responses, identity, account));
        fixturesEdit = addIdentityAnswers(request.fixtures.file, request.fixtures.text, integration, identity, fixtureIntegration, fixtureAccounts);
    } else if (placeholders) {
        identityComment = fixtureHint(integration, provider, identity, placeholders);
    }

    const scaffold = renderScaffold(request.template, {
        ...(request.description !== undefined ? { description: request.description } : {}),
        ...(identity ? { identity: { endpoint: identity.endpoint, accountIdField: identity.accountIdField } } : {}),
        identityComment,
        eol
    });
    const indexChange = model.planImportAdditions([file]);
    return {
        file,
        contents: scaffold.text,
        selection: new LineMap(scaffold.text).range(scaffold.description.start, scaffold.description.end),
        createFiles: [{ file, contents: scaffold.text }, ...indexChange.createFiles],
        edits: [...indexChange.edits, ...(fixturesEdit ? [fixturesEdit] : [])],
        provider,
        identity,
        fixtureAccounts
    };
}

/** The fixtures as the emulator reads them, or undefined when they are not valid (the emulator says why at the next run). */
function readFixtures(file: string, text: string): Fixtures | undefined {
    try {
        return parseFixtures(text, file);
    } catch {
        return undefined;
    }
}

/** The comment above an identity call the fixtures do not answer yet: what to add, and where. */
function fixtureHint(
    integration: string,
    provider: string,
    identity: IdentityEndpoint | undefined,
    placeholders: { readonly endpoint: string; readonly accountIdField: string }
): string[] {
    const endpoint = identity?.endpoint ?? placeholders.endpoint;
    const field = identity?.accountIdField ?? placeholders.accountIdField;
    const sample = inlineJson({ method: 'GET', path: endpoint, body: { [field]: identity?.accountIdType === 'number' ? 1 : '1' } });
    const placeholder = identity
        ? []
        : [
              `'${placeholders.endpoint}' is a placeholder: use the ${provider} API endpoint that says which account the`,
              `credentials belong to, and '${placeholders.accountIdField}' the field of its answer that holds the account id.`
          ];
    return [
        ...placeholder,
        `For dry runs, add its answer to ${FIXTURES_DIR}/${FIXTURES_FILE}, in integrations.${integration}.responses`,
        `(one per account, with "account": "<account>"): ${sample}`
    ];
}

/** JSON on one line, spaced as the fixtures in the README are: { "a": 1, "b": { "c": "d" } }. */
function inlineJson(value: unknown): string {
    if (value === null || typeof value !== 'object') return JSON.stringify(value);
    if (Array.isArray(value)) return `[${value.map(inlineJson).join(', ')}]`;
    const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${JSON.stringify(k)}: ${inlineJson(v)}`);
    return entries.length ? `{ ${entries.join(', ')} }` : '{}';
}

type ResponseLike = Fixtures['integrations'][string]['responses'][number];

/** Whether a fixture response answers the identity call made with `account`'s credentials (first match wins, so any will do). */
function answers(responses: readonly ResponseLike[], identity: IdentityEndpoint, account: string): boolean {
    return responses.some(
        (r) =>
            r.method === identity.method &&
            r.query === undefined &&
            (r.account === undefined || [r.account].flat().includes(account)) &&
            pathMatches(r.path, identity.endpoint)
    );
}

/**
 * Whether a fixture response's path pattern matches `endpoint`, with msw's rules as the emulator applies
 * them (emulator/fakes/path-pattern.ts): ":name" is one segment, "*" anything, case-insensitive, the
 * query ignored, a trailing slash allowed. An absolute URL pattern matches when its path ends with the
 * endpoint (the base URL's own path is unknown here).
 */
function pathMatches(pattern: string, endpoint: string): boolean {
    const absolute = /^[a-z]+:\/\/[^/]*/i.exec(pattern);
    const patternPath = (absolute ? pattern.slice(absolute[0].length) : pattern).replace(/[?#].*$/, '').replace(/\/+$/, '');
    const target = endpoint.replace(/[?#].*$/, '').replace(/\/+$/, '');
    const source = patternPath
        .split(/(:[A-Za-z0-9_]+|\*)/)
        .map((part) => (part === '*' ? '.*' : part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('');
    if (new RegExp(`^${source.startsWith('/') ? '' : '/'}${source}/?$`, 'i').test(target)) return true;
    return absolute !== null && patternPath.toLowerCase().endsWith(target.toLowerCase());
}

/** One fixture response per account: the identity call's answer with an account id (the account's identity's, when it has one). */
function identityAnswers(identity: IdentityEndpoint, integration: Fixtures['integrations'][string], accounts: readonly string[]): unknown[] {
    return accounts.map((account, index) => {
        const known = integration.accounts[account]?.identity[identity.accountIdField];
        const id = typeof known === 'string' || typeof known === 'number' ? known : identity.accountIdType === 'number' ? index + 1 : `${account}-id`;
        return {
            ...(index === 0 ? { description: `Who the credentials belong to (added by New Event Function: edit it to the provider's real answer)` } : {}),
            method: identity.method,
            path: identity.endpoint,
            account,
            body: { [identity.accountIdField]: id }
        };
    });
}

/**
 * The edit of fixtures.json that appends the answers to integrations.<integration>.responses: jsonc-parser's
 * modify, formatted like the file (its indentation and line breaks), the rest of the file untouched.
 */
function addIdentityAnswers(
    file: string,
    text: string,
    key: string,
    identity: IdentityEndpoint,
    integration: Fixtures['integrations'][string],
    accounts: readonly string[]
): TextEdit | undefined {
    if (accounts.length === 0) return undefined;
    const indent = /\n([ \t]+)\S/.exec(text)?.[1] ?? '    ';
    const formattingOptions: FormattingOptions = {
        insertSpaces: !indent.startsWith('\t'),
        tabSize: indent.startsWith('\t') ? 4 : indent.length,
        eol: detectEol(text)
    };
    const answersToAdd = identityAnswers(identity, integration, accounts);
    const tree = parseTree(text);
    const inserts: { path: JSONPath; value: unknown }[] =
        tree && findNodeAtLocation(tree, ['integrations', key, 'responses'])?.type === 'array'
            ? answersToAdd.map((value) => ({ path: ['integrations', key, 'responses', -1], value }))
            : [{ path: ['integrations', key, 'responses'], value: answersToAdd }];
    let after = text;
    for (const { path: at, value } of inserts) {
        // Formatted as the file is, but only the inserted text: modify's own formatting would also
        // reformat the line before it (expanding a one-line response written as { … }).
        for (const edit of modify(after, at, value, {})) {
            after = applyEdits(after, [edit]);
            // Into an empty list, the brackets' inner whitespace is reformatted too.
            const range = edit.content.startsWith(',')
                ? { offset: edit.offset, length: edit.content.length }
                : { offset: edit.offset - 1, length: edit.content.length + 2 };
            after = applyEdits(after, format(after, range, formattingOptions));
        }
    }
    // One edit, of the part that changed.
    let start = 0;
    while (start < text.length && start < after.length && text[start] === after[start]) start++;
    let end = 0;
    while (end < text.length - start && end < after.length - start && text[text.length - 1 - end] === after[after.length - 1 - end]) end++;
    const lines = new LineMap(text);
    return { file, range: lines.range(start, text.length - end), newText: after.slice(start, after.length - end) };
}
