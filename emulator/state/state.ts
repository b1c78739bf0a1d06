// Emulator state: what runs change (connections, their credentials, metadata and status). Kept apart
// from fixtures, written atomically (temp file + fsync + rename) so a crash leaves the old or the new
// version, never a torn one.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import { EmulatorError } from '../core/errors';
import { CredentialsSchema, FIXTURES_DIR, describeIssues, type Fixtures } from '../fixtures/fixtures';
import { LockTimeoutError, withFileLock } from './lock';
import { connectionLockFile, nullPrototype, own } from '../core/names';
import { MAX_JSON_DEPTH, MAX_STATE_BYTES, readTextFile } from '../fixtures/read-file';
import { parseJsonFile } from '../fixtures/json-syntax';

export const STATE_FILE = 'state.json';
export const CONNECTION_STATUSES = ['active', 'refresh_exhausted', 'deleted'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

export const ConnectionRecordSchema = z.object({
    id: z.string(),
    // Numeric id, as Nango's connection rows have; stable for the life of the connection.
    numericId: z.number().int(),
    integration: z.string(),
    provider: z.string(),
    account: z.string(),
    status: z.enum(CONNECTION_STATUSES),
    credentials: CredentialsSchema,
    connectionConfig: z.record(z.string(), z.unknown()),
    // null until something sets it: Nango creates OAuth-style connections with metadata null (see auth-modes.ts).
    metadata: z.record(z.string(), z.unknown()).nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    deletedAt: z.string().optional()
});
export type ConnectionRecord = z.infer<typeof ConnectionRecordSchema>;
/** A connection's metadata as Nango's API returns it: an object, or null when nothing ever set it. */
export type ConnectionMetadata = ConnectionRecord['metadata'];

export const StateSchema = z.object({
    version: z.literal(1),
    nextNumericId: z.number().int(),
    connections: z.record(z.string(), ConnectionRecordSchema)
});
export type EmulatorState = z.infer<typeof StateSchema>;

/**
 * Where the state lives: `<root>/.nango-emulator/state.json` by default. `stateDir` puts it elsewhere
 * (scenario runs use a throwaway folder, so they never touch the user's state).
 */
export function statePath(root: string, stateDir?: string): string {
    return path.join(stateDir ?? path.join(root, FIXTURES_DIR), STATE_FILE);
}

/** The state a fresh emulator starts from: the fixtures' connections, nothing else. */
export function initialState(fixtures: Fixtures, now = new Date()): EmulatorState {
    const state: EmulatorState = { version: 1, nextNumericId: 1, connections: {} };
    for (const c of fixtures.connections) {
        const integration = own(fixtures.integrations, c.integration);
        const account = integration && own(integration.accounts, c.account);
        // FixturesSchema checks that every connection names an integration and account it defines.
        if (!integration || !account) throw new Error(`connection "${c.id}": integration "${c.integration}" or account "${c.account}" is not in the fixtures`);
        state.connections[c.id] = {
            id: c.id,
            numericId: state.nextNumericId++,
            integration: c.integration,
            provider: integration.provider,
            account: c.account,
            status: c.status,
            credentials: structuredClone(account.credentials),
            connectionConfig: structuredClone(account.connectionConfig),
            metadata: structuredClone(c.metadata),
            createdAt: now.toISOString(),
            updatedAt: now.toISOString()
        };
    }
    return state;
}

/** Reads the state file, or starts from the fixtures when there is none yet. */
export function readState(root: string, fixtures: Fixtures, stateDir?: string): EmulatorState {
    const file = statePath(root, stateDir);
    const fix = 'This file is written by the emulator; run "nango-emulator reset" to start again from the fixtures.';
    const text = readTextFile(file, { maxBytes: MAX_STATE_BYTES, what: 'the emulator state', code: 'state_invalid', fix });
    // Connection ids are user-chosen keys: with no prototype, `connections['constructor']` is undefined.
    if (text === undefined) return withSafeConnections(initialState(fixtures));
    const tooDeep = (at: string): EmulatorError => new EmulatorError('state_invalid', `${file}: ${at}: nested more than ${MAX_JSON_DEPTH} levels deep. ${fix}`);
    const data = parseJsonFile(text, StateSchema, {
        tooDeep,
        notJson: ({ line, column, problem }) =>
            new EmulatorError('state_invalid', `${file}: not valid JSON (line ${line}, column ${column}: ${problem}). ${fix}`),
        invalid: (issues) => new EmulatorError('state_invalid', `${describeIssues(file, issues)}\n${fix}`)
    });
    return withSafeConnections(data);
}

function withSafeConnections(state: EmulatorState): EmulatorState {
    return { ...state, connections: nullPrototype(state.connections) };
}

let tempCounter = 0;

/** Atomic replace: write a temp file in the same folder, fsync it, rename over the target. */
export function writeFileAtomic(file: string, contents: string): void {
    mkdirSync(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.${++tempCounter}.tmp`;
    const fd = openSync(temp, 'w', 0o600);
    try {
        writeSync(fd, contents);
        fsyncSync(fd);
    } finally {
        closeSync(fd);
    }
    try {
        renameSync(temp, file);
    } catch (err) {
        rmSync(temp, { force: true });
        throw err;
    }
}

export function writeState(root: string, state: EmulatorState, stateDir?: string): void {
    writeFileAtomic(statePath(root, stateDir), JSON.stringify(state, null, 2) + '\n');
}

export function resetState(root: string, fixtures: Fixtures, stateDir?: string): EmulatorState {
    const state = initialState(fixtures);
    writeState(root, state, stateDir);
    return state;
}

/** Where the run locks live: `locks/` next to the state file. */
/**
 * Runs `fn` holding the connection's lock (across processes): runs on one connection are serialized,
 * runs on different connections overlap. Waiting longer than `waitMs` is the connection_busy error.
 */
export async function withConnectionLock<T>(
    root: string,
    stateDir: string | undefined,
    connectionId: string,
    waitMs: number,
    fn: () => Promise<T> | T
): Promise<T> {
    try {
        return await withFileLock(path.join(lockDir(root, stateDir), connectionLockFile(connectionId)), waitMs, fn);
    } catch (err) {
        if (err instanceof LockTimeoutError) {
            throw new EmulatorError(
                'connection_busy',
                `connection "${connectionId}" is busy with another run that did not finish in ${waitMs} ms. Wait for it, or stop the other emulator process.`
            );
        }
        throw err;
    }
}

export function lockDir(root: string, stateDir?: string): string {
    return path.join(stateDir ?? path.join(root, FIXTURES_DIR), 'locks');
}

/**
 * Re-reads the state and replaces just this connection, under the state lock: runs on other
 * connections may have saved in the meantime, and their writes must not be lost. A new connection
 * takes its numeric id here, under the lock: ids read before it could be another process's too.
 */
export async function saveConnection(root: string, fixtures: Fixtures, connection: ConnectionRecord, stateDir?: string): Promise<void> {
    await withFileLock(path.join(lockDir(root, stateDir), 'state.lock'), 10_000, () => {
        const state = readState(root, fixtures, stateDir);
        const previous = state.connections[connection.id];
        if (!previous || previous.status === 'deleted') connection.numericId = state.nextNumericId++;
        state.connections[connection.id] = connection;
        writeState(root, state, stateDir);
    });
}
