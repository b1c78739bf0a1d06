// The request a handler run sends to the worker: the connection, its provider and accounts, the
// responses that answer it (a scenario step's own first), the environment and the integration. Built
// from the fixtures and the state, in one place; lifecycle.ts runs it.
import { accountInfos } from '../fixtures/accounts';
import { requireIntegration, type EventName, type Fixtures, type ResponseFixture } from '../fixtures/fixtures';
import type { ProviderRequest, RunRequest } from './protocol';
import { baseUrlTemplate, providerInfo, resolveBaseUrl } from '../providers';
import type { ConnectionRecord } from '../state/state';

/**
 * Responses tried before an integration's own fixture responses, until replaced or cleared: how a
 * scenario step brings its own answers (e.g. a fault) without touching fixtures.json.
 */
export interface ResponseOverlay {
    integration: string;
    responses: ResponseFixture[];
    /** Where each response is written, reported as the request's `matchedBy` (e.g. "<file> scenarios.0.steps.2.responses[0]"). */
    labels: string[];
}

export interface RunRequestInput {
    fixtures: Fixtures;
    fixturesFile: string;
    connection: ConnectionRecord;
    /** `event` undefined: run whatever the file handles (the worker's answer says which). */
    handler: { compiled: string; file: string; event?: EventName | undefined };
    overlay: ResponseOverlay | undefined;
    /** The compiled .nango-emulator/handlers.ts, when the project has one. */
    userMswCompiled?: string;
    /** The integration's created_at as the emulator's Nango API gives it. */
    integrationSince: Date;
    captureBodies: boolean;
    maxBodyBytes: number;
}

export function buildRunRequest(input: RunRequestInput): Omit<RunRequest, 'type' | 'id' | 'projectRoot'> {
    const { fixtures, fixturesFile, connection: conn, handler, overlay } = input;
    const integration = requireIntegration(fixtures, conn.integration, fixturesFile);
    const provider = providerInfo(integration.provider);
    const template = baseUrlTemplate(conn.integration, integration, fixturesFile);
    return {
        compiledFile: handler.compiled,
        handlerFile: handler.file,
        ...(input.userMswCompiled ? { userMswFile: input.userMswCompiled } : {}),
        fixturesFile,
        ...(handler.event ? { expectedEvent: handler.event } : {}),
        connection: {
            id: conn.id,
            numericId: conn.numericId,
            integration: conn.integration,
            provider: conn.provider,
            credentials: conn.credentials,
            connectionConfig: conn.connectionConfig,
            metadata: conn.metadata,
            status: conn.status,
            createdAt: conn.createdAt,
            updatedAt: conn.updatedAt
        },
        provider,
        baseUrl: resolveBaseUrl(
            template,
            { connectionConfig: conn.connectionConfig, credentials: conn.credentials },
            `connection "${conn.id}" connection_config`
        ),
        accounts: accountInfos(conn.integration, integration, fixturesFile, provider),
        responses: overlay ? [...overlay.responses, ...integration.responses] : integration.responses,
        environment: fixtures.environment,
        integration,
        integrationSince: input.integrationSince.toISOString(),
        captureBodies: input.captureBodies,
        maxBodyBytes: input.maxBodyBytes
    };
}

/**
 * With an overlay, the run's response indexes are shifted (the overlay's come first): name the overlay's
 * responses by their own labels, and the integration's by their index in the fixtures. Works from the
 * worker's structured `matched`; the text `matchedBy` is rebuilt in the worker's words, never parsed.
 */
export function relabelRequest(entry: ProviderRequest, fixturesFile: string, integration: string, overlay: ResponseOverlay): ProviderRequest {
    const m = entry.matched;
    if (m?.source !== 'fixtures') return entry;
    const tail = m.fault === undefined ? '' : ` (fault ${m.fault})`;
    const fault = m.fault === undefined ? {} : { fault: m.fault };
    const own = overlay.responses.length;
    if (m.index < own) {
        return {
            ...entry,
            matchedBy: `${overlay.labels[m.index] ?? `overlay response ${m.index}`}${tail}`,
            matched: { source: 'overlay', index: m.index, ...fault }
        };
    }
    const index = m.index - own;
    return { ...entry, matchedBy: `${fixturesFile} integrations.${integration}.responses[${index}]${tail}`, matched: { source: 'fixtures', index, ...fault } };
}
