// What a dry-run code lens or command runs, decided without VS Code: the operation of each kind of
// run (in the emulator's own operation model), and the choices offered in the pickers. Pure: no vscode import.
import type { EventName } from '../../emulator/fixtures/fixtures';
import type { RunOperation } from '../../emulator/core/operation';

export type DryRunKind = 'dryrun' | 'first-connect' | 'reconnect' | 'delete';

export interface DryRunRequest {
    kind: DryRunKind;
    root: string;
    handlerFile: string;
    integration: string;
    connectionId: string;
    account?: string;
}

/** The code lenses above a handler of this event, in order. */
export function lensKinds(event: string | undefined): DryRunKind[] {
    switch (event as EventName | undefined) {
        case 'validate-connection':
            return ['first-connect', 'reconnect', 'dryrun'];
        case 'pre-connection-deletion':
            return ['dryrun', 'delete'];
        default:
            return ['dryrun'];
    }
}

export const LENS_TITLES: Record<DryRunKind, string> = {
    dryrun: '▶ Dry run',
    'first-connect': '▶ First connect',
    reconnect: '▶ Reconnect…',
    delete: '▶ Delete'
};

/** What a lens run does: a dry run of the handler (first connect and reconnect are dry runs with an account). */
export function operationFor(r: DryRunRequest): RunOperation {
    switch (r.kind) {
        case 'dryrun':
            return { operation: 'dryrun', function: r.handlerFile, connectionId: r.connectionId };
        case 'first-connect':
            if (!r.account) throw new Error('a first connect needs an account');
            return { operation: 'dryrun', function: r.handlerFile, connectionId: r.connectionId, account: r.account };
        case 'reconnect':
            if (!r.account) throw new Error('a reconnect needs an account');
            return { operation: 'dryrun', function: r.handlerFile, connectionId: r.connectionId, account: r.account, reconnect: true };
        case 'delete':
            return { operation: 'delete', integration: r.integration, connectionId: r.connectionId };
    }
}

/** A connection id for a first connect that no live connection uses: "<integration>-<account>[-n]". */
export function freshConnectionId(integration: string, account: string, taken: ReadonlySet<string>): string {
    const base = `${integration}-${account}`.replace(/[^A-Za-z0-9._-]/g, '-');
    if (!taken.has(base)) return base;
    for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

export interface PickItem {
    id: string;
    label: string;
    description?: string;
    detail?: string;
}

export interface ConnectionSummary {
    id: string;
    integration: string;
    account: string;
    status: string;
    metadata: Record<string, unknown> | null;
}

/** Connections of the integration that a run can use, the last used one first. */
export function connectionItems(connections: readonly ConnectionSummary[], integration: string, lastUsed: string | undefined): PickItem[] {
    return connections
        .filter((c) => c.integration === integration && c.status !== 'deleted')
        .sort((a, b) => Number(b.id === lastUsed) - Number(a.id === lastUsed) || a.id.localeCompare(b.id))
        .map((c) => ({
            id: c.id,
            label: c.id,
            description: `${c.account} · ${c.status}${c.id === lastUsed ? ' · last used' : ''}`,
            detail: `metadata ${JSON.stringify(c.metadata)}`
        }));
}

export function accountItems(
    accounts: Readonly<Record<string, { description?: string | undefined }>>,
    current: string | undefined,
    lastUsed: string | undefined
): PickItem[] {
    return Object.entries(accounts)
        .sort(([a], [b]) => Number(b === lastUsed) - Number(a === lastUsed) || a.localeCompare(b))
        .map(
            ([id, a]) =>
                ({
                    id,
                    label: id,
                    description:
                        [id === current ? 'current account' : undefined, id === lastUsed ? 'last used' : undefined].filter(Boolean).join(' · ') || undefined,
                    detail: a.description
                }) as PickItem
        );
}
