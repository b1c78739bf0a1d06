// The event function templates, written once in VS Code snippet syntax. The snippets file
// (snippets/nango.code-snippets) holds the same bodies, and the "New Event Function" command expands
// them with their defaults, so what a user gets from a snippet and from the command cannot drift
// (a unit test compares both). The templates that ask the provider who the credentials belong to
// (validate-connection, same-account) keep the identity call in tab stops 3 (the account id field) and 4
// (the endpoint), so the command can fill them for a known provider (identity-endpoints.ts).
// snippets/nango.code-snippets is snippetDefinitions() written out with 4-space JSON indentation.
import type { EventName } from './types';

export type TemplateId = EventName | 'same-account-validation';

export interface EventFunctionTemplate {
    readonly id: TemplateId;
    readonly event: EventName;
    /** Shown in the command's pick list and as the snippet's name. */
    readonly label: string;
    readonly detail: string;
    readonly snippetPrefix: string;
    /** Lines in snippet syntax: ${1:default} placeholders, $1 mirrors, $0 the final cursor, \$ a dollar. */
    readonly body: readonly string[];
    /** The template asks the provider who the credentials belong to: tab stops 3 and 4 below. */
    readonly identityCall?: true;
}

/** Placeholder 1 of every template is the description; the command can fill it in. */
export const DESCRIPTION_TAB_STOP = 1;
/** In templates with an identity call: the field of the provider's answer that holds the account id. */
export const ACCOUNT_ID_FIELD_TAB_STOP = 3;
/** In templates with an identity call: the endpoint it GETs. */
export const IDENTITY_ENDPOINT_TAB_STOP = 4;

const IMPORTS = ["import { createOnEvent } from 'nango';", "import * as z from 'zod';", ''];

export const EVENT_FUNCTION_TEMPLATES: readonly EventFunctionTemplate[] = [
    {
        id: 'validate-connection',
        event: 'validate-connection',
        label: 'validate-connection',
        detail: 'Runs during connection creation and reconnect; a throw rejects the credentials',
        snippetPrefix: 'nango-validate-connection',
        identityCall: true,
        body: [
            ...IMPORTS,
            'const Metadata = z.object({',
            '    ${2:accountId}: z.string().optional()',
            '});',
            '',
            'export default createOnEvent({',
            "    description: '${1:Reject credentials that cannot read the provider account}',",
            "    event: 'validate-connection',",
            '    metadata: Metadata,',
            '    exec: async (nango) => {',
            '        // A throw rejects the auth attempt: on first connect the connection is deleted,',
            '        // on reconnect it is kept but marked as an auth error until the user reconnects.',
            '        const response = await nango.get<{ ${3:id}?: string | number }>({',
            "            endpoint: '${4:/me}'",
            '        });',
            '        if (response.data?.$3 === undefined) {',
            "            throw new nango.ActionError('${5:The credentials cannot read the provider account}');",
            '        }$0',
            '    }',
            '});',
            ''
        ]
    },
    {
        id: 'post-connection-creation',
        event: 'post-connection-creation',
        label: 'post-connection-creation',
        detail: 'Runs right after a connection is created: register webhooks, seed metadata',
        snippetPrefix: 'nango-post-connection-creation',
        body: [
            ...IMPORTS,
            'const Metadata = z.object({',
            '    ${2:webhookId}: z.string().optional()',
            '});',
            '',
            'export default createOnEvent({',
            "    description: '${1:Register a provider webhook after the connection is created}',",
            "    event: 'post-connection-creation',",
            '    metadata: Metadata,',
            '    exec: async (nango) => {',
            '        // A throw is logged; the connection stays.',
            '        const response = await nango.post({',
            "            endpoint: '${3:/webhooks}',",
            '            data: {',
            "                url: '${4:https://api.example.com/webhooks/nango}'",
            '            }',
            '        });',
            '',
            '        // updateMetadata merges: an account id locked by validate-connection stays.',
            '        await nango.updateMetadata({',
            '            $2: response.data.id',
            '        });$0',
            '    }',
            '});',
            ''
        ]
    },
    {
        id: 'pre-connection-deletion',
        event: 'pre-connection-deletion',
        label: 'pre-connection-deletion',
        detail: 'Runs before a connection is deleted: clean up provider resources, idempotently',
        snippetPrefix: 'nango-pre-connection-deletion',
        body: [
            ...IMPORTS,
            'const Metadata = z.object({',
            '    ${2:webhookId}: z.string().optional()',
            '});',
            '',
            'export default createOnEvent({',
            "    description: '${1:Delete the provider webhook before the connection is deleted}',",
            "    event: 'pre-connection-deletion',",
            '    metadata: Metadata,',
            '    exec: async (nango) => {',
            '        const metadata = await nango.getMetadata();',
            '        if (!metadata?.$2) {',
            '            return;',
            '        }',
            '',
            '        // Keep cleanup idempotent: the resource may already be gone.',
            '        await nango.delete({',
            '            endpoint: `${3:/webhooks}/\\${metadata.$2}`',
            '        });$0',
            '    }',
            '});',
            ''
        ]
    },
    {
        id: 'same-account-validation',
        event: 'validate-connection',
        label: 'validate-connection: same account on reconnect',
        detail: 'Locks the provider account id in metadata and rejects a reconnect to another account',
        snippetPrefix: 'nango-same-account',
        identityCall: true,
        body: [
            ...IMPORTS,
            'const Metadata = z.object({',
            '    ${2:accountId}: z.string().optional()',
            '});',
            '',
            'export default createOnEvent({',
            "    description: '${1:Reject a reconnect to a different provider account}',",
            "    event: 'validate-connection',",
            '    metadata: Metadata,',
            '    exec: async (nango) => {',
            '        // Compare with metadata, never connection_config: on reconnect Nango overwrites',
            '        // connection_config with the new account before this function runs.',
            '        const metadata = await nango.getMetadata();',
            '        const lockedAccountId = metadata?.$2;',
            '',
            '        const response = await nango.get<{ ${3:id}?: string | number }>({',
            "            endpoint: '${4:/me}'",
            '        });',
            '        const rawAccountId = response.data?.$3;',
            "        if (rawAccountId === undefined || rawAccountId === '') {",
            "            throw new nango.ActionError('${5:The provider did not return an account id}');",
            '        }',
            '        // Some providers answer the id as a number: compare and store it as text.',
            '        const accountId = String(rawAccountId);',
            '',
            '        // First connect: lock the account in metadata. updateMetadata merges, so the',
            '        // connection keeps any other metadata key (setMetadata would replace them all).',
            '        if (!lockedAccountId) {',
            '            await nango.updateMetadata({ $2: accountId });',
            '            return;',
            '        }',
            '',
            '        // Reconnect: reject a different account.',
            '        if (lockedAccountId !== accountId) {',
            '            throw new nango.ActionError(`Account mismatch: expected \\${lockedAccountId}, got \\${accountId}`);',
            '        }$0',
            '    }',
            '});',
            ''
        ]
    }
];

export function templateById(id: TemplateId): EventFunctionTemplate {
    const template = EVENT_FUNCTION_TEMPLATES.find((t) => t.id === id);
    if (!template) throw new Error(`Unknown event function template '${id}'`);
    return template;
}

export interface SnippetExpansion {
    readonly text: string;
    /** Offsets in `text` of each tab stop's occurrences (placeholders and mirrors). */
    readonly tabStops: ReadonlyMap<number, readonly { readonly start: number; readonly end: number }[]>;
}

type SnippetToken =
    { readonly kind: 'text'; readonly text: string } | { readonly kind: 'tab-stop'; readonly index: number; readonly placeholder: string | undefined };

/**
 * Expands the subset of VS Code snippet syntax the templates use, as VS Code inserts it when the
 * user accepts every default: ${n:default} and its $n / ${n} mirrors become the default (or
 * `values.get(n)`), $0 becomes nothing, \$ \} \\ become $ } \. Anything else (variables, choices,
 * nested placeholders) throws, so a template cannot silently use syntax this does not model.
 */
export function expandSnippet(body: string, values: ReadonlyMap<number, string> = new Map()): SnippetExpansion {
    const tokens = tokenizeSnippet(body);
    const defaults = new Map<number, string>();
    for (const token of tokens) {
        if (token.kind === 'tab-stop' && token.placeholder !== undefined && !defaults.has(token.index)) defaults.set(token.index, token.placeholder);
    }
    let text = '';
    const tabStops = new Map<number, { start: number; end: number }[]>();
    for (const token of tokens) {
        if (token.kind === 'text') {
            text += token.text;
            continue;
        }
        const value = values.get(token.index) ?? defaults.get(token.index) ?? '';
        const occurrences = tabStops.get(token.index) ?? [];
        occurrences.push({ start: text.length, end: text.length + value.length });
        tabStops.set(token.index, occurrences);
        text += value;
    }
    return { text, tabStops };
}

function tokenizeSnippet(body: string): SnippetToken[] {
    const tokens: SnippetToken[] = [];
    let literal = '';
    const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
    const fail = (at: number, why: string): never => {
        throw new Error(`Unsupported snippet syntax at offset ${at} (${why}): ${JSON.stringify(body.slice(at, at + 20))}`);
    };
    const flush = (): void => {
        if (literal) tokens.push({ kind: 'text', text: literal });
        literal = '';
    };
    let i = 0;
    while (i < body.length) {
        const c = body.charAt(i);
        const next = body[i + 1];
        if (c === '\\' && (next === '$' || next === '}' || next === '\\')) {
            literal += next;
            i += 2;
        } else if (c === '$' && isDigit(next)) {
            let end = i + 1;
            while (isDigit(body[end])) end++;
            flush();
            tokens.push({ kind: 'tab-stop', index: Number(body.slice(i + 1, end)), placeholder: undefined });
            i = end;
        } else if (c === '$' && next === '{') {
            let end = i + 2;
            while (isDigit(body[end])) end++;
            if (end === i + 2) fail(i, 'variables are not supported');
            const index = Number(body.slice(i + 2, end));
            flush();
            if (body[end] === '}') {
                tokens.push({ kind: 'tab-stop', index, placeholder: undefined });
                i = end + 1;
                continue;
            }
            if (body[end] !== ':') fail(i, 'choices and transforms are not supported');
            let placeholder = '';
            let j = end + 1;
            for (; j < body.length && body[j] !== '}'; j++) {
                if (body[j] === '$') fail(j, 'nested placeholders are not supported');
                if (body[j] === '\\' && (body[j + 1] === '$' || body[j + 1] === '}' || body[j + 1] === '\\')) j++;
                placeholder += body[j];
            }
            if (j >= body.length) fail(i, 'unclosed placeholder');
            tokens.push({ kind: 'tab-stop', index, placeholder });
            i = j + 1;
        } else if (c === '$' && next !== undefined && /[A-Za-z_]/.test(next)) {
            fail(i, 'variables are not supported');
        } else {
            literal += c;
            i++;
        }
    }
    flush();
    return tokens;
}

export interface ScaffoldOptions {
    /** Replaces the template's default description. */
    readonly description?: string;
    readonly eol?: '\n' | '\r\n';
    /** For a template with an identity call: the provider's endpoint and account id field, instead of the placeholders. */
    readonly identity?: { readonly endpoint: string; readonly accountIdField: string };
    /** For a template with an identity call: comment lines (without the //) written above it. */
    readonly identityComment?: readonly string[];
}

export interface Scaffold {
    readonly text: string;
    /** Offsets of the description's text in `text`, to select it after creating the file. */
    readonly description: { readonly start: number; readonly end: number };
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** The file text for a new event function, identical to the snippet accepted with its defaults. */
export function renderScaffold(id: TemplateId, options: ScaffoldOptions = {}): Scaffold {
    const template = templateById(id);
    const values = new Map<number, string>();
    if (options.description !== undefined) values.set(DESCRIPTION_TAB_STOP, escapeSingleQuoted(options.description));
    if (options.identity && template.identityCall) {
        const { endpoint, accountIdField } = options.identity;
        if (!IDENTIFIER.test(accountIdField)) throw new Error(`'${accountIdField}' is not a field name the template can read as response.data?.<field>`);
        values.set(ACCOUNT_ID_FIELD_TAB_STOP, accountIdField);
        values.set(IDENTITY_ENDPOINT_TAB_STOP, escapeSingleQuoted(endpoint));
    }
    const eol = options.eol ?? '\n';
    const expansion = expandSnippet(template.body.join(eol), values);
    const description = expansion.tabStops.get(DESCRIPTION_TAB_STOP)?.[0];
    if (!description) throw new Error(`Template '${id}' has no description placeholder`);
    const comment = options.identityComment ?? [];
    const endpoint = expansion.tabStops.get(IDENTITY_ENDPOINT_TAB_STOP)?.[0];
    if (!template.identityCall || comment.length === 0 || !endpoint) return { text: expansion.text, description };
    // Above the statement that makes the call, at its indentation.
    const lineStart = expansion.text.lastIndexOf(eol, expansion.text.lastIndexOf('await nango.get', endpoint.start)) + eol.length;
    const indent = /^[ \t]*/.exec(expansion.text.slice(lineStart))?.[0] ?? '';
    const block = comment.map((line) => `${indent}//${line ? ` ${line}` : ''}${eol}`).join('');
    const text = expansion.text.slice(0, lineStart) + block + expansion.text.slice(lineStart);
    const shift = lineStart <= description.start ? block.length : 0;
    return { text, description: { start: description.start + shift, end: description.end + shift } };
}

/** The placeholders of a template's identity call (endpoint and account id field), as the snippet has them. */
export function identityPlaceholders(id: TemplateId): { readonly endpoint: string; readonly accountIdField: string } | undefined {
    const template = templateById(id);
    if (!template.identityCall) return undefined;
    const expansion = expandSnippet(template.body.join('\n'));
    const valueOf = (tabStop: number): string => {
        const at = expansion.tabStops.get(tabStop)?.[0];
        if (!at) throw new Error(`Template '${id}' has no tab stop ${tabStop}`);
        return expansion.text.slice(at.start, at.end);
    };
    return { endpoint: valueOf(IDENTITY_ENDPOINT_TAB_STOP), accountIdField: valueOf(ACCOUNT_ID_FIELD_TAB_STOP) };
}

export function scaffoldEventFunction(id: TemplateId, options: ScaffoldOptions = {}): string {
    return renderScaffold(id, options).text;
}

/** The description sits in a single-quoted string literal. */
function escapeSingleQuoted(text: string): string {
    return text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\r?\n/g, ' ');
}

export interface SnippetDefinition {
    readonly prefix: string;
    readonly scope: string;
    readonly description: string;
    readonly body: readonly string[];
}

/** The contents of snippets/nango.code-snippets, keyed by snippet name. */
export function snippetDefinitions(): Record<string, SnippetDefinition> {
    const definitions: Record<string, SnippetDefinition> = {};
    for (const template of EVENT_FUNCTION_TEMPLATES) {
        definitions[`Nango event function: ${template.label}`] = {
            prefix: template.snippetPrefix,
            scope: 'typescript',
            description: template.detail,
            body: template.body
        };
    }
    return definitions;
}
