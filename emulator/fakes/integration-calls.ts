// nango.triggerAction / triggerSync / startSync, answered from the fixtures. The emulator runs event
// functions only, not actions or syncs: an integration's fixture says which actions exist and what
// they answer (`actions`), and which syncs exist (`syncs`). Pure functions, shared by the server
// (POST /action/trigger, /sync/trigger, /sync/start) and the worker's SDK object, so both answer alike.
// Every answer is an HTTP status and body as Nango's server sends them (NangoHQ/nango at 2f4c0af):
// - actions: server/lib/services/action.service.ts executeAction (the order of the checks),
//   controllers/action/runAction.ts (their statuses and codes), shared/lib/utils/error.manager.ts
//   errResFromNangoErr and shared/lib/utils/error.ts NangoError (the body of a failed action),
//   runner/lib/exec.ts (how ActionError, a failed provider call and other errors become that body);
// - syncs: shared/lib/services/sync/manager.service.ts runSyncCommand, controllers/sync/postTrigger.ts,
//   controllers/sync/postSyncStart.ts, controllers/sync/helpers.ts normalizeSyncParams.
// @nangohq/node (0.71.10 `_triggerAction`, `triggerSync`, `startSync`) turns a non-2xx answer into an
// AxiosError whose response has this status and body as `data`.
import type { ActionErrorFixture, IntegrationFixture } from '../fixtures/fixtures';
import { own } from '../core/names';

/** The body of Nango's API errors: `{ error: { code, message?, payload?, … } }`. */
export interface NangoErrorBody {
    error: { code: string; message?: string; payload?: unknown; [key: string]: unknown };
}

/** What Nango's server answers: a 2xx status with its body, or an error status with NangoErrorBody. */
export type NangoAnswer = { ok: true; status: number; data: unknown } | { ok: false; status: number; data: NangoErrorBody };

/** Whether the connection a call names exists (not deleted) and belongs to the integration. */
export interface ConnectionLookup {
    connectionId: string;
    found: boolean;
}

function fail(status: number, error: NangoErrorBody['error']): NangoAnswer {
    return { ok: false, status, data: { error } };
}

function list(names: string[]): string {
    return names.length ? names.map((n) => `"${n}"`).join(', ') : 'none';
}

/** runner/lib/exec.ts: an ActionError's payload always reaches the caller as an object. */
function actionErrorPayload(payload: unknown): unknown {
    if (payload === undefined || payload === null) return {};
    return Array.isArray(payload) || typeof payload !== 'object' ? { message: payload } : structuredClone(payload);
}

/** The answer Nango gives when the action fails the way the fixture says (see ActionErrorFixtureSchema). */
export function actionFailure(error: ActionErrorFixture): NangoAnswer {
    const type = error.type ?? (error.status !== undefined ? 'script_http_error' : 'action_script_runtime_error');
    switch (type) {
        case 'script_http_error': {
            // exec.ts: the provider's body (its `payload` field when it has one) as an object; error.ts: 424.
            const raw =
                error.payload && typeof error.payload === 'object' && 'payload' in error.payload
                    ? (error.payload as { payload: unknown }).payload
                    : error.payload;
            const body = raw && typeof raw === 'object' ? structuredClone(raw) : raw === undefined ? {} : { message: raw };
            return fail(424, {
                payload: body,
                code: 'script_http_error',
                upstream: { status: error.status ?? 500, headers: { 'content-type': 'application/json' }, body: structuredClone(body) }
            });
        }
        case 'script_internal_error': {
            const p = error.payload;
            const payload =
                p && typeof p === 'object' && !Array.isArray(p)
                    ? structuredClone(p)
                    : { name: 'Error', message: p === undefined ? 'the action failed' : String(p) };
            return fail(500, { message: 'An internal error occurred during the script execution', code: 'script_internal_error', payload });
        }
        default:
            return fail(500, {
                message: 'The action script failed with a runtime error',
                code: 'action_script_runtime_error',
                payload: actionErrorPayload(error.payload)
            });
    }
}

/**
 * POST /action/trigger (nango.triggerAction): the action's output (200), or Nango's error. Checks in
 * Nango's order: the connection (400 unknown_connection), the integration (400 unknown_provider), the
 * action (404 not_found; here with the fixture field to add). `input` does not change the answer: the
 * fixture answers every input the same way.
 */
export function answerAction(
    fixturesFile: string,
    integrationKey: string,
    integration: IntegrationFixture | undefined,
    actionName: string,
    _input: unknown,
    connection: ConnectionLookup
): NangoAnswer {
    if (!connection.found) {
        return fail(400, {
            code: 'unknown_connection',
            message: `Failed to find connection (nango-emulator: no connection "${connection.connectionId}" of integration "${integrationKey}")`
        });
    }
    if (!integration) {
        return fail(400, {
            code: 'unknown_provider',
            message: `Failed to find provider (nango-emulator: no integration "${integrationKey}" in ${fixturesFile})`
        });
    }
    const action = integration.actions ? own(integration.actions, actionName) : undefined;
    if (!action) {
        const defined = Object.keys(integration.actions ?? {});
        return fail(404, {
            code: 'not_found',
            message: `Action not found. ${fixturesFile}: integrations.${integrationKey}.actions.${actionName}: not defined; add { "output": … } to emulate the action's answer, or { "error": { "payload": … } } for a failure (defined: ${list(defined)})`
        });
    }
    if (action.error) return actionFailure(action.error);
    return { ok: true, status: 200, data: structuredClone(action.output) };
}

/** A sync as the SDK and the API name it: "name", "name::variant" or { name, variant }. */
export type SyncRef = string | { name: string; variant: string };

/** normalizeSyncParams: a plain name is the "base" variant. */
export function syncId(ref: SyncRef): { name: string; variant: string } {
    if (typeof ref !== 'string') return { name: ref.name, variant: ref.variant };
    const [name = '', variant = ''] = ref.includes('::') ? ref.split('::') : [ref, 'base'];
    return { name, variant };
}

/** "name" for the base variant, else "name::variant": how the fixture lists it. */
export function syncLabel(ref: SyncRef): string {
    const { name, variant } = syncId(ref);
    return variant === 'base' ? name : `${name}::${variant}`;
}

/** A call with a connection id, or one for every connection of the integration (startSync without it). */
export type SyncTarget = ConnectionLookup | { connectionId?: undefined; liveConnections: number };

/**
 * POST /sync/trigger and /sync/start (nango.triggerSync, startSync): 200 { success: true } when Nango
 * would run or schedule the syncs, else its error. runSyncCommand's order: the integration (400
 * unknown_provider_config), the connection (404 unknown_connection), then the syncs (400 no_syncs_found):
 * with a connection, every named sync must exist (none named: all of them, even none); without one,
 * at least one named sync (any, when none is named) of a live connection must.
 */
export function checkSyncs(
    fixturesFile: string,
    integrationKey: string,
    integration: IntegrationFixture | undefined,
    syncs: readonly SyncRef[],
    target: SyncTarget
): NangoAnswer {
    if (!integration) {
        return fail(400, {
            message: `There is no Provider Configuration matching this key. Please make sure this value exists in the Nango dashboard {} (nango-emulator: no integration "${integrationKey}" in ${fixturesFile})`,
            code: 'unknown_provider_config',
            payload: {}
        });
    }
    if (target.connectionId !== undefined && 'found' in target && !target.found) {
        const payload = { connectionId: target.connectionId, providerConfigKey: integrationKey };
        return fail(404, {
            message: `No connection matching the provided params of 'connection_id' and 'provider_config_key'. Please make sure these values exist in the Nango dashboard ${JSON.stringify(payload, null, 2)}`,
            code: 'unknown_connection',
            payload
        });
    }
    const deployed = (integration.syncs ?? []).map(syncLabel);
    const noSyncs = (detail: string): NangoAnswer =>
        fail(400, {
            message: `No syncs found given the inputs. ${fixturesFile}: integrations.${integrationKey}.syncs: ${detail} (listed: ${list(deployed)})`,
            code: 'no_syncs_found',
            payload: {}
        });
    const wanted = syncs.map(syncLabel);
    if ('found' in target) {
        const missing = wanted.find((s) => !deployed.includes(s));
        return missing === undefined
            ? { ok: true, status: 200, data: { success: true } }
            : noSyncs(`no sync "${missing}"; add "${missing}" to emulate a deployed sync`);
    }
    if (target.liveConnections === 0)
        return noSyncs(`integration "${integrationKey}" has no connection, and Nango keeps syncs per connection; connect one first`);
    const matched = wanted.length ? wanted.filter((s) => deployed.includes(s)) : deployed;
    if (matched.length === 0)
        return noSyncs(wanted.length ? `none of ${list(wanted)}; add them to emulate deployed syncs` : 'no sync listed; add the names of the deployed syncs');
    return { ok: true, status: 200, data: { success: true } };
}
