// The emulator's one operation model. Every way in (the CLI's commands, the server's POST
// /_emulator/run, a scenario step, the editor) builds one of these, parses it here and hands it to
// performOperation: one schema, one dispatch, so an operation means the same thing wherever it comes from.
import * as z from 'zod';
import { EmulatorError } from './errors';
import type { Emulator } from './lifecycle';
import { ConnectionIdSchema, connectionIdMessage } from './names';
import type { RunResult } from './result';

// Integrations and accounts are looked up in the fixtures (whose keys follow NAME_PATTERN): any other
// name is answered as unknown, listing the defined ones, which says more than a pattern would.
const name = (what: string) => z.string({ error: `expected ${what} (a string)` }).min(1, `${what} must not be empty`);

export const EmulatorOperationSchema = z.discriminatedUnion(
    'operation',
    [
        z.strictObject({
            operation: z.literal('dryrun'),
            /** A handler file, "<integration>/<name>" or "<name>", as `nango-emulator dryrun` takes it. */
            function: z.string().min(1, 'function must not be empty'),
            connectionId: ConnectionIdSchema,
            /** Creates the connection first (a first connect) when it does not exist; with reconnect, re-authorizes as this account. */
            account: name('account').optional(),
            reconnect: z.boolean().optional(),
            /** Resolves a bare "<name>" within this integration. */
            integration: name('integration').optional()
        }),
        z.strictObject({ operation: z.literal('connect'), integration: name('integration'), connectionId: ConnectionIdSchema, account: name('account') }),
        z.strictObject({ operation: z.literal('reconnect'), integration: name('integration'), connectionId: ConnectionIdSchema, account: name('account') }),
        z.strictObject({ operation: z.literal('delete'), integration: name('integration'), connectionId: ConnectionIdSchema }),
        z.strictObject({ operation: z.literal('reset') })
    ],
    { error: (issue) => (issue.code === 'invalid_union' ? 'operation: use one of "dryrun", "connect", "reconnect", "delete", "reset"' : undefined) }
);

export type EmulatorOperation = z.infer<typeof EmulatorOperationSchema>;
export type RunOperation = Exclude<EmulatorOperation, { operation: 'reset' }>;

/** What a reset answers: the state is back to the fixtures' connections. */
export interface ResetResult {
    ok: true;
    operation: 'reset';
    connections: number;
    fixturesFile: string;
}

export type OperationResult = RunResult | ResetResult;

/**
 * Parses an operation from any source. `fieldNames` renames fields in the message for the source's
 * own spelling (the CLI says "--connection" where the body says "connectionId").
 */
export function parseOperation(raw: unknown, source: string, fieldNames: Readonly<Record<string, string>> = {}): EmulatorOperation {
    // A bad connection id is said the same way everywhere: the field, the value and the rule.
    const connectionId = (raw as { connectionId?: unknown } | null)?.connectionId;
    const idProblem = typeof connectionId === 'string' ? connectionIdMessage(fieldNames['connectionId'] ?? 'connectionId', connectionId) : undefined;
    if (idProblem) throw new EmulatorError('bad_usage', idProblem);
    const parsed = EmulatorOperationSchema.safeParse(raw);
    if (parsed.success) return parsed.data;
    const details = parsed.error.issues
        .map((issue) => {
            const field = issue.path.map(String).join('.');
            return `${fieldNames[field] ?? (field || '(operation)')}: ${issue.message}`;
        })
        .join('; ');
    throw new EmulatorError('bad_usage', `${source}: ${details}`);
}

/** The one dispatch: runs the operation on the emulator and answers its result. */
export async function performOperation(emulator: Emulator, op: RunOperation): Promise<RunResult>;
export async function performOperation(emulator: Emulator, op: EmulatorOperation): Promise<OperationResult>;
export async function performOperation(emulator: Emulator, op: EmulatorOperation): Promise<OperationResult> {
    switch (op.operation) {
        case 'dryrun':
            return emulator.dryrun(op.function, {
                connectionId: op.connectionId,
                ...(op.account ? { account: op.account } : {}),
                ...(op.reconnect ? { reconnect: true } : {}),
                ...(op.integration ? { integration: op.integration } : {})
            });
        case 'connect':
            return emulator.connect(op.integration, op.connectionId, op.account);
        case 'reconnect':
            return emulator.reconnect(op.integration, op.connectionId, op.account);
        case 'delete':
            return emulator.delete(op.integration, op.connectionId);
        case 'reset': {
            const state = emulator.reset();
            return { ok: true, operation: 'reset', connections: Object.keys(state.connections).length, fixturesFile: emulator.fixturesFile };
        }
    }
}
