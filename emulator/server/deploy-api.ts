// The emulator as a deploy target: POST /sync/deploy/confirmation and POST /sync/deploy, validated
// like Nango's server, kept in memory and listed at GET /_emulator/deployments.
// Followed (NangoHQ/nango):
//   - server/lib/controllers/sync/deploy/validation.ts: the body schemas (strict objects, required
//     flowConfigs/reconcile/debug, nangoYamlBody on /sync/deploy only, deployMode default).
//   - postConfirmation.ts / postDeploy.ts: requireEmptyQuery, `{ error: { code: 'invalid_body',
//     errors: zodErrorToHTTP(...) } }` with 400, the ScriptDifferences answer, SyncDeploymentResult[].
//   - shared/lib/services/sync/config/deploy.service.ts deploy(): with no flow config it answers []
//     before storing on-event scripts; otherwise every previous on-event script of the environment is
//     deactivated and the payload's are stored (on-event-scripts.service.ts update(): version 0.0.1,
//     then bumped; integrations the environment lacks are skipped).
//   - on-event-scripts.service.ts diffChanges and getAndReconcileDifferences: added/updated/deleted.
//   - shared/lib/utils/error.ts 'unknown_provider_config': 400 for a flow of an unknown integration.
import * as z from 'zod';
import type { ServerContext } from './context';

const providerConfigKeySchema = z
    .string()
    .regex(/^[a-zA-Z0-9~:.@ _-]+$/)
    .max(255);
const syncNameSchema = z
    .string()
    .regex(/^[a-zA-Z0-9_-]+$/)
    .max(255);
const frequencySchema = z
    .string()
    .regex(
        /^(?<every>every )?((?<amount>[0-9]+)?\s?(?<unit>(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?))|(?<unit2>(month|week|half day|half hour|quarter hour)))$/
    );
const fileBody = z.strictObject({ js: z.string(), ts: z.string() });
const jsonSchema = z.strictObject({
    $schema: z.literal('http://json-schema.org/draft-07/schema#'),
    $comment: z.string(),
    definitions: z.record(z.string(), z.looseObject({}))
});
type ModelField = { name: string; value: string | number | boolean | null | ModelField[] } & Record<string, unknown>;
const modelField: z.ZodType<ModelField> = z.strictObject({
    name: z.string(),
    dynamic: z.boolean().optional(),
    model: z.boolean().optional(),
    union: z.boolean().optional(),
    array: z.boolean().optional(),
    tsType: z.boolean().optional(),
    optional: z.boolean().optional(),
    value: z.union([z.string(), z.number(), z.boolean(), z.null(), z.lazy(() => modelField.array())])
});
const endpoint = z.union([
    z.strictObject({ method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']), path: z.string(), group: z.string().min(1).max(64).optional() }),
    z.strictObject({
        GET: z.string().optional(),
        POST: z.string().optional(),
        PATCH: z.string().optional(),
        PUT: z.string().optional(),
        DELETE: z.string().optional()
    })
]);
const flowConfig = z
    .strictObject({
        type: z.enum(['action', 'sync']),
        models: z.array(z.string().min(1).max(255)),
        runs: z.union([z.string().length(0), frequencySchema]).nullable(),
        auto_start: z.boolean().optional().default(false),
        attributes: z.object({}).optional(),
        metadata: z.strictObject({ scopes: z.array(z.string().max(255)).optional(), description: z.string().max(2000).optional() }).optional(),
        model_schema: z
            .union([z.string(), z.array(z.strictObject({ name: z.string().max(255), fields: z.array(modelField), isAnon: z.boolean().optional() }))])
            .optional(),
        input: z.union([z.string().max(255), z.any()]).optional(),
        endpoints: z.array(endpoint).optional(),
        syncName: syncNameSchema,
        providerConfigKey: providerConfigKeySchema,
        fileBody,
        version: z.string().optional(),
        track_deletes: z.boolean().optional().default(false),
        sync_type: z.enum(['incremental', 'full']).optional(),
        webhookSubscriptions: z.array(z.string().max(255)).optional(),
        models_json_schema: z.object({ definitions: z.record(z.string(), z.looseObject({})) }).optional(),
        features: z.array(z.enum(['checkpoints'])).default([])
    })
    .refine((d) => !(d.sync_type === 'incremental' && d.track_deletes), {
        message: 'Track deletes is not supported for incremental syncs',
        path: ['track_deletes']
    })
    .refine(
        (d) => {
            const schema = d.models_json_schema;
            return !schema || [...d.models, ...(typeof d.input === 'string' ? [d.input] : [])].every((m) => m in schema.definitions);
        },
        {
            message: 'models_json_schema is missing definitions for some models or input',
            path: ['models_json_schema']
        }
    );
const onEventType = z.enum(['post-connection-creation', 'pre-connection-deletion', 'validate-connection']);
const onEventScriptsByProvider = z.array(
    z.strictObject({
        providerConfigKey: providerConfigKeySchema,
        scripts: z.array(z.strictObject({ name: z.string().min(1).max(255), fileBody, event: onEventType }))
    })
);
// Deprecated in Nango, still accepted: every script is a post-connection-creation one.
const postConnectionScriptsByProvider = z.array(
    z
        .strictObject({ providerConfigKey: providerConfigKeySchema, scripts: z.array(z.strictObject({ name: z.string().min(1).max(255), fileBody })) })
        .transform((d) => ({ providerConfigKey: d.providerConfigKey, scripts: d.scripts.map((s) => ({ ...s, event: 'post-connection-creation' as const })) }))
);
const common = z.strictObject({
    flowConfigs: z.array(flowConfig),
    onEventScriptsByProvider: onEventScriptsByProvider.optional(),
    postConnectionScriptsByProvider: postConnectionScriptsByProvider.optional(),
    jsonSchema: jsonSchema.optional(),
    reconcile: z.boolean(),
    debug: z.boolean(),
    deployMode: z.enum(['all', 'single', 'integration']).optional(),
    singleDeployMode: z.boolean().optional(),
    sdkVersion: z
        .string()
        .regex(/[0-9]+\.[0-9]+\.[0-9]+-(zero|yaml)/)
        .optional(),
    source: z.enum(['standalone', 'repo']).optional()
});
export const ConfirmationSchema = common.transform((d) => ({ ...d, deployMode: d.deployMode ?? (d.singleDeployMode ? 'single' : 'all') }));
export const DeploySchema = common.extend({ nangoYamlBody: z.string() }).transform((d) => ({
    ...d,
    deployMode: d.deployMode ?? (d.singleDeployMode ? 'single' : 'all'),
    onEventScriptsByProvider: d.onEventScriptsByProvider || d.postConnectionScriptsByProvider
}));
type Body = z.output<typeof DeploySchema>;

export interface DeployedFlow {
    providerConfigKey: string;
    name: string;
    type: 'sync' | 'action';
    version: string;
    models: string[];
}
export interface DeployedOnEventScript {
    providerConfigKey: string;
    name: string;
    event: z.infer<typeof onEventType>;
    version: string;
}
/** One accepted POST /sync/deploy, as GET /_emulator/deployments lists it. */
export interface Deployment {
    environment: string;
    at: string;
    /** The event functions the payload named. */
    onEventScripts: { providerConfigKey: string; name: string; event: string }[];
    /** The syncs and actions the payload named. */
    flows: { providerConfigKey: string; name: string; type: 'sync' | 'action' }[];
    reconcile: boolean;
    deployMode: 'all' | 'single' | 'integration';
    sdkVersion?: string;
    /** false when Nango would not store the event functions (no flow config: deploy.service.ts). */
    onEventScriptsApplied: boolean;
    /** The answer sent (SyncDeploymentResult[]). */
    result: { name: string; version: string; providerConfigKey: string; type: string; models: string[] }[];
    /** What is deployed in the environment after this deploy. */
    active: { flows: DeployedFlow[]; onEventScripts: DeployedOnEventScript[] };
}

export interface Answer {
    status: number;
    data: unknown;
}

/** zodErrorToHTTP (packages/utils/lib/express/validate.ts). */
function invalid(code: 'invalid_body' | 'invalid_query_params', issues: { code: string; message: string; path: PropertyKey[] }[]): Answer {
    return { status: 400, data: { error: { code, errors: issues.map((i) => ({ code: i.code, message: i.message, path: i.path.map(String) })) } } };
}

function queryProblem(query: URLSearchParams): Answer | undefined {
    const keys = [...new Set(query.keys())];
    return keys.length
        ? invalid('invalid_query_params', [
              { code: 'unrecognized_keys', message: `Unrecognized key${keys.length > 1 ? 's' : ''}: ${keys.map((k) => `"${k}"`).join(', ')}`, path: [] }
          ])
        : undefined;
}

function current(context: ServerContext): Deployment['active'] {
    return context.deployments.at(-1)?.active ?? { flows: [], onEventScripts: [] };
}

function bump(version: string): string {
    const parts = version.split('.').map(Number);
    const [major, minor, patch] = parts;
    if (parts.length !== 3 || patch === undefined || parts.some((n) => !Number.isInteger(n))) return '0.0.1';
    return `${major}.${minor}.${patch + 1}`;
}

const scriptKey = (s: { providerConfigKey: string; name: string; event: string }): string => `${s.providerConfigKey}/${s.name}/${s.event}`;
const flowKey = (f: { providerConfigKey: string; name: string }): string => `${f.providerConfigKey}/${f.name}`;

/** The deployed flows a reconcile would remove (getAndReconcileDifferences, by deployMode). */
function flowsToRemove(active: DeployedFlow[], body: Pick<Body, 'flowConfigs' | 'deployMode'>): DeployedFlow[] {
    if (body.deployMode === 'single') return [];
    const named = new Set(body.flowConfigs.map((f) => flowKey({ providerConfigKey: f.providerConfigKey, name: f.syncName })));
    const scope = new Set(body.flowConfigs.map((f) => f.providerConfigKey));
    return active.filter((f) => !named.has(flowKey(f)) && (body.deployMode === 'all' || scope.has(f.providerConfigKey)));
}

export function postConfirmation(context: ServerContext, query: URLSearchParams, raw: unknown): Answer {
    const q = queryProblem(query);
    if (q) return q;
    const val = ConfirmationSchema.safeParse(raw);
    if (!val.success) return invalid('invalid_body', val.error.issues);
    const body = val.data;
    const active = current(context);
    const integrations = new Set(Object.keys(context.fixtures().integrations));
    const deployedFlows = new Set(active.flows.map(flowKey));
    const slimFlow = (f: { providerConfigKey: string; syncName: string; auto_start: boolean }) => ({
        name: f.syncName,
        providerConfigKey: f.providerConfigKey,
        auto_start: f.auto_start,
        connections: 0
    });
    const syncs = body.flowConfigs.filter((f) => f.type === 'sync');
    const actions = body.flowConfigs.filter((f) => f.type === 'action');
    const removed = flowsToRemove(active.flows, body);
    // diffChanges: 'integration' scopes to the first incoming provider, 'single' to the incoming ones.
    const incoming = body.onEventScriptsByProvider ?? [];
    const scope =
        body.deployMode === 'all'
            ? undefined
            : body.deployMode === 'integration'
              ? new Set(incoming.slice(0, 1).map((p) => p.providerConfigKey))
              : new Set(incoming.map((p) => p.providerConfigKey));
    const previous = new Map(active.onEventScripts.filter((s) => !scope || scope.has(s.providerConfigKey)).map((s) => [scriptKey(s), s]));
    const added: { providerConfigKey: string; name: string; event: string }[] = [];
    const updated: { providerConfigKey: string; name: string; event: string }[] = [];
    for (const p of incoming) {
        if (!integrations.has(p.providerConfigKey)) continue; // no such integration in the environment
        for (const s of p.scripts) {
            const slim = { providerConfigKey: p.providerConfigKey, name: s.name, event: s.event };
            if (previous.delete(scriptKey(slim))) updated.push(slim);
            else added.push(slim);
        }
    }
    return {
        status: 200,
        data: {
            newSyncs: syncs.filter((f) => !deployedFlows.has(flowKey({ providerConfigKey: f.providerConfigKey, name: f.syncName }))).map(slimFlow),
            updatedSyncs: syncs.filter((f) => deployedFlows.has(flowKey({ providerConfigKey: f.providerConfigKey, name: f.syncName }))).map(slimFlow),
            deletedSyncs: removed
                .filter((f) => f.type === 'sync')
                .map((f) => ({ name: f.name, providerConfigKey: f.providerConfigKey, auto_start: false, connections: 0 })),
            newActions: actions
                .filter((f) => !deployedFlows.has(flowKey({ providerConfigKey: f.providerConfigKey, name: f.syncName })))
                .map((f) => ({ providerConfigKey: f.providerConfigKey, name: f.syncName })),
            updatedActions: actions
                .filter((f) => deployedFlows.has(flowKey({ providerConfigKey: f.providerConfigKey, name: f.syncName })))
                .map((f) => ({ providerConfigKey: f.providerConfigKey, name: f.syncName })),
            deletedActions: removed.filter((f) => f.type === 'action').map((f) => ({ providerConfigKey: f.providerConfigKey, name: f.name })),
            deletedModels: [],
            newOnEventScripts: body.onEventScriptsByProvider ? added : [],
            updatedOnEventScripts: body.onEventScriptsByProvider ? updated : [],
            deletedOnEventScripts: body.onEventScriptsByProvider
                ? [...previous.values()].map(({ providerConfigKey, name, event }) => ({ providerConfigKey, name, event }))
                : []
        }
    };
}

export function postDeploy(context: ServerContext, query: URLSearchParams, raw: unknown): Answer {
    const q = queryProblem(query);
    if (q) return q;
    const val = DeploySchema.safeParse(raw);
    if (!val.success) return invalid('invalid_body', val.error.issues);
    const body = val.data;
    const fixtures = context.fixtures();
    const integrations = new Set(Object.keys(fixtures.integrations));
    const unknown = body.flowConfigs.find((f) => !integrations.has(f.providerConfigKey));
    if (unknown)
        return {
            status: 400,
            data: {
                error: {
                    code: 'unknown_provider_config',
                    message: 'There is no Provider Configuration matching this key.',
                    payload: { providerConfigKey: unknown.providerConfigKey }
                }
            }
        };

    const before = current(context);
    const result: Deployment['result'] = [];
    let flows = before.flows;
    let onEventScripts = before.onEventScripts;
    const applied = body.flowConfigs.length > 0;
    if (applied) {
        const next = new Map(flows.map((f) => [flowKey(f), f]));
        for (const f of body.flowConfigs) {
            const prev = next.get(flowKey({ providerConfigKey: f.providerConfigKey, name: f.syncName }));
            const version = f.version || (prev ? bump(prev.version) : '0.0.1');
            next.set(flowKey({ providerConfigKey: f.providerConfigKey, name: f.syncName }), {
                providerConfigKey: f.providerConfigKey,
                name: f.syncName,
                type: f.type,
                version,
                models: f.models
            });
            result.push({ name: f.syncName, models: f.models, version, providerConfigKey: f.providerConfigKey, type: f.type });
        }
        flows = [...next.values()];
        if (body.onEventScriptsByProvider) {
            const previous = new Map(onEventScripts.map((s) => [scriptKey(s), s]));
            onEventScripts = [];
            for (const p of body.onEventScriptsByProvider) {
                if (!integrations.has(p.providerConfigKey)) continue;
                for (const s of p.scripts) {
                    const prev = previous.get(scriptKey({ providerConfigKey: p.providerConfigKey, name: s.name, event: s.event }));
                    const script = { providerConfigKey: p.providerConfigKey, name: s.name, event: s.event, version: prev ? bump(prev.version) : '0.0.1' };
                    onEventScripts.push(script);
                    result.push({ name: s.name, version: script.version, providerConfigKey: p.providerConfigKey, type: 'on-event', models: [] });
                }
            }
        }
    }
    if (body.reconcile) {
        const gone = new Set(flowsToRemove(before.flows, body).map(flowKey));
        flows = flows.filter((f) => !gone.has(flowKey(f)));
    }
    context.deployments.push({
        environment: fixtures.environment?.name ?? 'dev',
        at: new Date().toISOString(),
        onEventScripts: (body.onEventScriptsByProvider ?? []).flatMap((p) =>
            p.scripts.map((s) => ({ providerConfigKey: p.providerConfigKey, name: s.name, event: s.event }))
        ),
        flows: body.flowConfigs.map((f) => ({ providerConfigKey: f.providerConfigKey, name: f.syncName, type: f.type })),
        reconcile: body.reconcile,
        deployMode: body.deployMode,
        ...(body.sdkVersion ? { sdkVersion: body.sdkVersion } : {}),
        onEventScriptsApplied: applied && Boolean(body.onEventScriptsByProvider),
        result,
        active: { flows, onEventScripts }
    });
    return { status: 200, data: result };
}

export function listDeployments(context: ServerContext): { deployments: Deployment[] } {
    return { deployments: context.deployments };
}

/** Deploy payloads carry every bundle (with inline source maps): far more than other JSON bodies. */
export const DEPLOY_BODY_BYTES = 100 * 1024 * 1024;
