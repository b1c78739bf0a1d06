// Lifecycle rules that depend on how a connection authenticates, each with the Nango file it follows
// (NangoHQ/nango at 2f4c0af, packages/server/lib/controllers and packages/shared/lib/services/
// connection.service.ts). Every answer carries a short reason the emulator can show users. Pure.
import type { CredentialType } from '../fixtures/credentials';

export interface Rule<T> {
    value: T;
    /** Why, naming the Nango file: shown to users. */
    reason: string;
}

/** What an upsert does to the connection's metadata: set it to null or {}, or keep what it has. */
export type MetadataOnUpsert = null | Record<string, never> | 'keep';

/**
 * Where each credential type's connections are upserted on connect, and what that does to metadata:
 * - `oauth`: connectionService.upsertConnection without metadata: `metadata || stored.metadata || null`,
 *   so null on create, kept on reconnect;
 * - `auth`: upsertAuthConnection with `metadata: {}`, written by its insert AND its onConflict merge:
 *   {} on create and on every reconnect (what the handler set before is gone);
 * - `unauth`: upsertUnauthConnection without metadata: `metadata || {}` on create, kept on reconnect.
 */
const UPSERT: Record<CredentialType, { kind: 'oauth' | 'auth' | 'unauth'; file: string }> = {
    OAUTH2: { kind: 'oauth', file: 'oauth.controller.ts (handleTokenExchangeAndConnectionCreation) and auth/postOauthOutbound.ts' },
    OAUTH2_CC: { kind: 'oauth', file: 'oauth.controller.ts (oauth2RequestCC)' },
    OAUTH1: { kind: 'oauth', file: 'oauth.controller.ts (oauth1Callback)' },
    APP: { kind: 'oauth', file: 'appAuth.controller.ts' },
    CUSTOM: { kind: 'oauth', file: 'oauth.controller.ts and connection.service.ts getAppCredentialsAndFinishConnection' },
    API_KEY: { kind: 'auth', file: 'auth/postApiKey.ts' },
    BASIC: { kind: 'auth', file: 'auth/postBasic.ts' },
    JWT: { kind: 'auth', file: 'auth/postJwt.ts' },
    TBA: { kind: 'auth', file: 'auth/postTba.ts' },
    TWO_STEP: { kind: 'auth', file: 'auth/postTwoStep.ts' },
    SIGNATURE: { kind: 'auth', file: 'auth/postSignature.ts' },
    BILL: { kind: 'auth', file: 'auth/postBill.ts' },
    AWS_SIGV4: { kind: 'auth', file: 'auth/postAwsSigV4.ts' },
    NONE: { kind: 'unauth', file: 'auth/postUnauthenticated.ts' }
};

/**
 * The metadata a connection gets when a connect upserts it. `authMode` (the provider's, from the
 * catalogue) matters for BASIC: an INSTALL_PLUGIN provider's BASIC connection is upserted by
 * oauth.controller.ts installPluginCallback (upsertConnection), not by postBasic.ts.
 */
export function metadataOnUpsert(credentialType: CredentialType, isNew: boolean, authMode?: string): Rule<MetadataOnUpsert> {
    const { kind, file } =
        authMode === 'INSTALL_PLUGIN' ? { kind: 'oauth' as const, file: 'oauth.controller.ts (installPluginCallback)' } : UPSERT[credentialType];
    if (kind === 'auth') {
        return {
            value: {},
            reason: `Nango's ${file} upserts with upsertAuthConnection and metadata {} (connection.service.ts), on create and on every reconnect: metadata set before is replaced by {}`
        };
    }
    if (kind === 'unauth') {
        return isNew
            ? { value: {}, reason: `Nango's ${file} creates the connection with upsertUnauthConnection, which writes metadata {} (connection.service.ts)` }
            : { value: 'keep', reason: `Nango's ${file} reconnects with upsertUnauthConnection, which keeps the stored metadata (connection.service.ts)` };
    }
    return isNew
        ? {
              value: null,
              reason: `Nango's ${file} creates the connection with connectionService.upsertConnection and no metadata: metadata is null until something sets it (connection.service.ts)`
          }
        : {
              value: 'keep',
              reason: `Nango's ${file} reconnects with connectionService.upsertConnection and no metadata, which keeps the stored metadata (connection.service.ts)`
          };
}

/**
 * Whether a connect runs the integration's validate-connection functions (hooks/connection/on/
 * validate-connection.ts validateConnection). Every connect controller calls it after its upsert
 * (auth/postApiKey.ts, postBasic.ts, postJwt.ts, postTba.ts, postTwoStep.ts, postSignature.ts, postBill.ts,
 * postAwsSigV4.ts, postUnauthenticated.ts, postOauthOutbound.ts; oauth.controller.ts for OAUTH2, OAUTH2_CC,
 * OAUTH1 and INSTALL_PLUGIN; connection/postConnection.ts for imported connections) except
 * appAuth.controller.ts (APP) and oauth.controller.ts mcpGenericCallback (MCP_OAUTH2_GENERIC).
 */
export function runsValidateConnection(credentialType: CredentialType, authMode?: string): Rule<boolean> {
    if (authMode === 'MCP_OAUTH2_GENERIC') {
        return {
            value: false,
            reason: "Nango's oauth.controller.ts mcpGenericCallback upserts MCP_OAUTH2_GENERIC connections without calling validateConnection"
        };
    }
    if (authMode === 'CUSTOM' || credentialType === 'CUSTOM') {
        return {
            value: true,
            reason: "Nango's oauth.controller.ts runs validate-connection after github-app-oauth's OAuth step (handleTokenExchangeAndConnectionCreation), before the app credentials arrive (connection.service.ts getAppCredentialsAndFinishConnection, which does not validate); a connect to an installation Nango already has (finishGithubAppConnectionWithoutTokenExchange) skips it"
        };
    }
    if (credentialType === 'APP') {
        return {
            value: false,
            reason: "Nango's appAuth.controller.ts upserts APP (GitHub App) connections without calling validateConnection: validate-connection never runs for them"
        };
    }
    const where: Partial<Record<CredentialType, string>> = {
        OAUTH2: 'oauth.controller.ts handleTokenExchangeAndConnectionCreation',
        OAUTH2_CC: 'oauth.controller.ts oauth2RequestCC',
        OAUTH1: 'oauth.controller.ts oauth1Callback',
        NONE: 'auth/postUnauthenticated.ts'
    };
    const file = authMode === 'INSTALL_PLUGIN' ? 'oauth.controller.ts installPluginCallback' : (where[credentialType] ?? UPSERT[credentialType].file);
    return {
        value: true,
        reason: `Nango's ${file} calls validateConnection after upserting the connection: validate-connection runs, and its failure fails the connect`
    };
}
