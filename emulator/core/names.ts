// Names users choose (connection ids, integration keys, account names) end up as object keys, file
// names and log text. One rule for connection ids, and lookups that never answer with a member of
// Object.prototype (`constructor`, `toString`, `__proto__`…) for a name that was never defined.
import { createHash } from 'node:crypto';
import * as z from 'zod';

/** Longest connection id. Nango accepts 255 characters; 128 keeps ids readable in logs and paths short. */
export const MAX_CONNECTION_ID_LENGTH = 128;

/**
 * Ids that would be misread as something else: `__proto__` is dropped by JSON parsers and schema
 * validators (and assigning it changes an object's prototype); `.`/`..` are folders.
 */
const RESERVED_CONNECTION_IDS = new Set(['__proto__', 'constructor', 'prototype', '.', '..']);

// A subset of what Nango's API accepts (NangoHQ/nango packages/server/lib/helpers/validation.ts,
// connectionIdSchema: /^[a-zA-Z0-9,.;:=+~[\]|@${}"'\\/_ -]+$/, max 255): no slash, backslash, space,
// quote or shell/glob character, so an id is safe in a file name, a shell command and a log line.
const CONNECTION_ID_PATTERN = /^[A-Za-z0-9_@][A-Za-z0-9._@:+=~-]*$/;

/** The rule, as error messages state it. */
export const CONNECTION_ID_RULE =
    `1-${MAX_CONNECTION_ID_LENGTH} characters: letters, digits and . _ @ : + = ~ -, starting with a letter, a digit, "_" or "@" ` +
    `(not ${[...RESERVED_CONNECTION_IDS]
        .filter((r) => !r.startsWith('.'))
        .map((r) => `"${r}"`)
        .join(', ')})`;

/** Why `id` is not a valid connection id, or undefined when it is. */
export function connectionIdProblem(id: string): string | undefined {
    if (id.length === 0) return 'it is empty';
    if (id.length > MAX_CONNECTION_ID_LENGTH) return `it is ${id.length} characters long`;
    if (RESERVED_CONNECTION_IDS.has(id)) return 'it is a reserved name';
    const bad = [...id].find((c) => !/[A-Za-z0-9._@:+=~-]/.test(c));
    if (bad !== undefined) return `it contains ${describeChar(bad)}`;
    if (/^[.+=~:-]/.test(id)) return `it starts with "${id[0]}"`;
    return CONNECTION_ID_PATTERN.test(id) ? undefined : 'it does not follow the rule';
}

export function isConnectionId(id: string): boolean {
    return connectionIdProblem(id) === undefined;
}

/** "a/b" → `"/"`; control characters and spaces by code, so the message stays on one line. */
function describeChar(c: string): string {
    const code = c.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f) return `a control character (U+${code.toString(16).toUpperCase().padStart(4, '0')}${c === '\n' ? ', a line break' : ''})`;
    if (c === ' ') return 'a space';
    return `"${c}"`;
}

/** A connection id, quoted for a message: control characters escaped, long ids cut. */
export function quoteId(id: string): string {
    const shown = id.length > 60 ? `${id.slice(0, 40)}…(${id.length} characters)` : id;
    return JSON.stringify(shown);
}

/** One message for every entry point: `<where> <id>: not a valid connection id (<problem>). Use <rule>.` */
export function connectionIdMessage(where: string, id: string): string | undefined {
    const problem = connectionIdProblem(id);
    return problem === undefined ? undefined : `${where} ${quoteId(id)}: not a valid connection id (${problem}). Use ${CONNECTION_ID_RULE}.`;
}

/** The zod form of the rule (fixtures, /_emulator/run bodies, scenario files); `what` names the field for a non-string. */
export function connectionIdSchema(what = 'a connection id') {
    return z.string({ error: `expected ${what} (a string)` }).superRefine((id, ctx) => {
        const problem = connectionIdProblem(id);
        if (problem === undefined) return;
        ctx.addIssue({ code: 'custom', message: `${quoteId(id)} is not a valid connection id (${problem}): use ${CONNECTION_ID_RULE}` });
    });
}

export const ConnectionIdSchema = connectionIdSchema();

/** Integration ids, account names and scenario names: the rule fixtures, operations and scenarios share. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The zod form of NAME_PATTERN; `what` names the field in messages. */
export function nameSchema(what: string) {
    return z
        .string({ error: `expected ${what} (a string)` })
        .min(1, `${what} must not be empty`)
        .regex(NAME_PATTERN, `${what}: use letters, digits, ".", "_" or "-"`);
}

/**
 * The lock file of a connection: a hash, so no id (even one that slipped past the rule) can name a file
 * outside the locks folder, collide with `state.lock`, or be too long for the file system.
 */
export function connectionLockFile(connectionId: string): string {
    return `connection-${createHash('sha256').update(connectionId).digest('hex').slice(0, 32)}.lock`;
}

/** `record[key]` when `key` is the record's own entry; never a member of Object.prototype. */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
    return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** A copy with no prototype: `copy[name]` is undefined for every name not defined, `constructor` too. */
export function nullPrototype<T>(record: Readonly<Record<string, T>>): Record<string, T> {
    const copy = Object.create(null) as Record<string, T>;
    for (const [key, value] of Object.entries(record)) copy[key] = value;
    return copy;
}
