// What a connect or reconnect writes, by the connection's auth mode (auth-modes.ts): the new
// connection's record, the reconnected one, and which validate-connection functions run. Pure.
import { metadataOnUpsert, runsValidateConnection } from './auth-modes';
import { requireAccount, requireIntegration, type EventName, type Fixtures } from '../fixtures/fixtures';
import { providerInfo } from '../providers';
import type { ConnectionRecord } from '../state/state';

function authModeOf(fixtures: Fixtures, integration: string, fixturesFile: string): string | undefined {
    return providerInfo(requireIntegration(fixtures, integration, fixturesFile).provider)?.auth_mode;
}

/** A first connect's connection: metadata null for OAuth-style connections, {} for API key, Basic, JWT… */
export function newConnectionRecord(
    fixtures: Fixtures,
    fixturesFile: string,
    c: { integration: string; connectionId: string; account: string; numericId: number }
): ConnectionRecord {
    const acct = requireAccount(fixtures, c.integration, c.account, fixturesFile);
    const now = new Date().toISOString();
    return {
        id: c.connectionId,
        numericId: c.numericId,
        integration: c.integration,
        provider: requireIntegration(fixtures, c.integration, fixturesFile).provider,
        account: c.account,
        status: 'active',
        credentials: structuredClone(acct.credentials),
        connectionConfig: structuredClone(acct.connectionConfig),
        metadata: metadataOnUpsert(acct.credentials.type, true, authModeOf(fixtures, c.integration, fixturesFile)).value as Record<string, unknown> | null,
        createdAt: now,
        updatedAt: now
    };
}

/**
 * Reconnect: Nango upserts the new credentials and overwrites connection_config before validation;
 * API key, Basic, JWT… connections get metadata {} too, which `notes` says when it drops something.
 */
export function reconnectedRecord(fixtures: Fixtures, fixturesFile: string, existing: ConnectionRecord, account: string, notes: string[]): ConnectionRecord {
    const acct = requireAccount(fixtures, existing.integration, account, fixturesFile);
    const rule = metadataOnUpsert(acct.credentials.type, false, authModeOf(fixtures, existing.integration, fixturesFile));
    const metadata = rule.value === 'keep' ? structuredClone(existing.metadata) : (rule.value as Record<string, unknown> | null);
    const dropped = Object.keys(existing.metadata ?? {});
    if (rule.value !== 'keep' && dropped.length)
        notes.push(`the reconnect replaced the metadata ${JSON.stringify(dropped)} by ${JSON.stringify(metadata)}: ${rule.reason}.`);
    return {
        ...structuredClone(existing),
        account,
        credentials: structuredClone(acct.credentials),
        connectionConfig: structuredClone(acct.connectionConfig),
        metadata,
        updatedAt: new Date().toISOString()
    };
}

/** The validate-connection functions Nango runs for this connection (none for a GitHub App); `notes` says when it skips them. */
export function validatorsToRun<H extends { event: EventName; integration: string; name: string }>(
    fixtures: Fixtures,
    connection: ConnectionRecord,
    handlers: H[],
    notes: string[]
): H[] {
    const validators = handlers.filter((h) => h.event === 'validate-connection');
    const rule = runsValidateConnection(connection.credentials.type, providerInfo(fixtures.integrations[connection.integration]?.provider ?? '')?.auth_mode);
    if (rule.value || !validators.length) return validators;
    notes.push(`validate-connection did not run (${validators.map((h) => `${h.integration}/${h.name}`).join(', ')}): ${rule.reason}.`);
    return [];
}
