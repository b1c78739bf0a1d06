// Deploys a project's event functions the way nango 0.71.10's `nango deploy` would if it did not stop
// at "No syncs or actions to deploy" (dist/zeroYaml/deploy.js): POST /sync/deploy/confirmation, show
// the plan, then POST /sync/deploy, with `Authorization: Bearer <secret key>` to NANGO_HOSTPORT.
//
// reconcile: Nango's server, given reconcile: true, removes every deployed sync and action the payload
// does not name (server/lib/controllers/sync/deploy/postDeploy.ts → getAndReconcileDifferences; with
// flowConfigs: [] and deployMode 'all' that is all of them). So this sends reconcile: false unless the
// caller passes reconcile explicitly, and refuses a plan that would remove event functions without it.
//
// Nango's server at NangoHQ/nango HEAD stores the event functions of a deploy only when the deploy
// also has a sync or action: shared/lib/services/sync/config/deploy.service.ts deploy() returns `[]`
// before onEventScriptService.update when no flow config was compiled. The deploy's answer lists what
// was stored (type 'on-event'); an answer without the scripts sent is reported as not deployed.
import { EmulatorError } from '../core/errors';
import { runNangoCompile } from './nango-compile';
import {
    buildOnEventScriptsByProvider,
    confirmationBody,
    deployBody,
    deploySource,
    eventFunctionsOf,
    flowsOf,
    projectNangoVersion,
    readDefinitions,
    readFunctionNames,
    sdkVersionOf,
    type OnEventType,
    type SlimOnEventScript
} from './payload';

/** https://api.nango.dev unless NANGO_HOSTPORT is set (nango dist/utils.js resolveHostport, constants.js cloudHost). */
export function resolveHostport(env: NodeJS.ProcessEnv = process.env): string {
    const raw = env['NANGO_HOSTPORT'] || 'https://api.nango.dev';
    return raw.endsWith('/') ? raw.slice(0, -1) : raw;
}

/** NANGO_SECRET_KEY_<ENV> wins over NANGO_SECRET_KEY (nango dist/utils.js parseSecretKey). */
export function resolveSecretKey(environment: string, env: NodeJS.ProcessEnv = process.env): { key?: string; variable: string } {
    const specific = `NANGO_SECRET_KEY_${environment.toUpperCase()}`;
    if (env[specific]) return { key: env[specific], variable: specific };
    if (env['NANGO_SECRET_KEY']) return { key: env['NANGO_SECRET_KEY'], variable: 'NANGO_SECRET_KEY' };
    return { variable: specific };
}

/** The server refused or could not be reached: exit 1. */
export class DeployError extends Error {
    override readonly name = 'DeployError';
    constructor(
        readonly type: 'server_refused' | 'unreachable' | 'not_applied' | 'removal_needs_reconcile' | 'not_confirmed',
        message: string,
        readonly status?: number,
        readonly plan?: DeployPlan
    ) {
        super(message);
    }
}

export interface SlimFlow {
    providerConfigKey: string;
    name: string;
    type: 'sync' | 'action';
}

/** What the confirmation said (ScriptDifferences, @nangohq/types deploy/api.ts), for event functions. */
export interface DeployPlan {
    added: SlimOnEventScript[];
    updated: SlimOnEventScript[];
    /** Deployed event functions the project no longer has: Nango deactivates them on deploy. */
    removed: SlimOnEventScript[];
    /** Sent but in none of the lists: the environment has no such integration, Nango skips them. */
    skipped: SlimOnEventScript[];
    /** Syncs and actions a deploy with reconcile: true would remove (not removed with reconcile: false). */
    flowsRemovedByReconcile: SlimFlow[];
}

export interface DeployedScript extends SlimOnEventScript {
    version?: string;
}

export interface DeployResult {
    ok: true;
    environment: string;
    hostport: string;
    reconcile: boolean;
    sdkVersion: string;
    plan: DeployPlan;
    deployed: DeployedScript[];
}

export interface DeployOptions {
    root: string;
    environment: string;
    /** Default false: nothing the payload does not name is removed. */
    reconcile?: boolean;
    /** Called with the plan before deploying when confirmation is needed; false aborts. */
    confirm?: (plan: DeployPlan, why: string[]) => Promise<boolean>;
    /** Ask confirm() even without removals (production). */
    alwaysConfirm?: boolean;
    env?: NodeJS.ProcessEnv;
    /** The nango CLI to compile with (default: the project's node_modules/nango). */
    nangoBin?: string;
    /** Skip compiling (the caller ran nango compile). */
    skipCompile?: boolean;
    debug?: boolean;
    progress?: (line: string) => void;
}

interface NangoErrorBody {
    error: { code?: string; message?: string; errors?: { message?: string; path?: unknown[] }[] };
}

function fixFor(status: number, code: string | undefined, keyVariable: string, hostport: string): string {
    if (status === 401 || code === 'unknown_account' || /auth/i.test(code ?? ''))
        return `check ${keyVariable}: it must be the secret key of this environment (Nango dashboard > Environment settings), and NANGO_HOSTPORT (${hostport}) the server it belongs to.`;
    if (code === 'invalid_body') return 'the payload was refused: report it with the errors above (the nango version of the project may not match the server).';
    if (code === 'invalid_cli_version') return "upgrade the project's nango package (npm install nango@latest) and deploy again.";
    if (code === 'concurrent_deployment' || status === 409) return 'another deploy is running in this environment: wait for it and deploy again.';
    return 'see the message above; Nango\'s dashboard (Logs, operation "deploy") shows the details.';
}

export async function postJson<T>(hostport: string, route: string, body: unknown, auth: { key: string; variable: string }, userAgent: string): Promise<T> {
    const url = new URL(route, hostport);
    let res: Response;
    try {
        res = await fetch(url, {
            method: 'POST',
            body: JSON.stringify(body),
            headers: { 'content-type': 'application/json', authorization: `Bearer ${auth.key}`, 'user-agent': userAgent }
        });
    } catch (err) {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        throw new DeployError(
            'unreachable',
            `POST ${url.href} failed: ${cause?.code ?? cause?.message ?? (err as Error).message}. Check NANGO_HOSTPORT (${hostport}) and your network.`
        );
    }
    const text = await res.text();
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch {
        throw new DeployError(
            'server_refused',
            `POST ${route} answered HTTP ${res.status} with no JSON (${text.slice(0, 200)}). Check NANGO_HOSTPORT (${hostport}): it must be Nango's API.`,
            res.status
        );
    }
    if (!res.ok || (json && typeof json === 'object' && 'error' in json)) {
        const e = (json as NangoErrorBody).error ?? {};
        const details = (e.errors ?? []).map((x) => `\n  - ${(x.path ?? []).join('.')}: ${x.message}`).join('');
        throw new DeployError(
            'server_refused',
            `POST ${route}: HTTP ${res.status} ${e.code ?? ''}: ${e.message ?? 'Error'}${details}\nFix: ${fixFor(res.status, e.code, auth.variable, hostport)}`,
            res.status
        );
    }
    return json as T;
}

interface ScriptDifferences {
    newSyncs?: { name: string; providerConfigKey: string }[];
    deletedSyncs?: { name: string; providerConfigKey: string }[];
    newActions?: { name: string; providerConfigKey: string }[];
    deletedActions?: { name: string; providerConfigKey: string }[];
    newOnEventScripts?: SlimOnEventScript[];
    updatedOnEventScripts?: SlimOnEventScript[];
    deletedOnEventScripts?: SlimOnEventScript[];
}

const keyOf = (s: { providerConfigKey: string; name: string; event?: string }): string => `${s.providerConfigKey}/${s.name}/${s.event ?? ''}`;
const slim = (s: SlimOnEventScript): SlimOnEventScript => ({ providerConfigKey: s.providerConfigKey, name: s.name, event: s.event });

export function planOf(sent: SlimOnEventScript[], diff: ScriptDifferences): DeployPlan {
    const added = (diff.newOnEventScripts ?? []).map(slim);
    const updated = (diff.updatedOnEventScripts ?? []).map(slim);
    const known = new Set([...added, ...updated].map(keyOf));
    return {
        added,
        updated,
        removed: (diff.deletedOnEventScripts ?? []).map(slim),
        skipped: sent.filter((s) => !known.has(keyOf(s))),
        flowsRemovedByReconcile: [
            ...(diff.deletedSyncs ?? []).map((f) => ({ providerConfigKey: f.providerConfigKey, name: f.name, type: 'sync' as const })),
            ...(diff.deletedActions ?? []).map((f) => ({ providerConfigKey: f.providerConfigKey, name: f.name, type: 'action' as const }))
        ]
    };
}

export async function deployEventFunctions(opts: DeployOptions): Promise<DeployResult> {
    const env = opts.env ?? process.env;
    const progress = opts.progress ?? ((): void => undefined);
    // The key first: no compile for a deploy that cannot be sent.
    const auth = resolveSecretKey(opts.environment, env);
    if (!auth.key) {
        throw new EmulatorError(
            'bad_usage',
            `${auth.variable} is not set. Set it (or NANGO_SECRET_KEY) to the secret key of the "${opts.environment}" environment (Nango dashboard > Environment settings > Secret key), e.g. export ${auth.variable}=<key>, then deploy again.`
        );
    }
    const hostport = resolveHostport(env);
    const reconcile = opts.reconcile === true;

    if (!opts.skipCompile) {
        progress("compiling with the project's nango compile…");
        await runNangoCompile(opts.root, { ...(opts.nangoBin ? { nangoBin: opts.nangoBin } : {}), env });
    }
    const defs = readDefinitions(opts.root);
    const flows = flowsOf(defs);
    const functions = readFunctionNames(opts.root);
    if (flows.length || functions.length) {
        throw new EmulatorError(
            'bad_usage',
            `this project also has ${[...flows, ...functions].join(', ')}: deploy it with the real CLI, "nango deploy ${opts.environment}" (it deploys the event functions too). nango-emulator deploy is only for projects with nothing but event functions, which nango 0.71 refuses ("No syncs or actions to deploy").`
        );
    }
    const sent = eventFunctionsOf(defs);
    if (!sent.length) throw new EmulatorError('bad_usage', `no event functions (createOnEvent) in ${opts.root}/index.ts: nothing to deploy.`);

    const scripts = buildOnEventScriptsByProvider(opts.root, defs);
    const nangoVersion = projectNangoVersion(opts.root) ?? '0.71.10';
    const sdkVersion = sdkVersionOf(nangoVersion);
    const userAgent = `nango-cli/${nangoVersion} (nango-emulator deploy; node.js/${process.versions.node})`;
    const authed = { key: auth.key, variable: auth.variable };

    progress(`acquiring remote state (${new URL(hostport).origin})…`);
    const diff = await postJson<ScriptDifferences>(
        hostport,
        '/sync/deploy/confirmation',
        confirmationBody(scripts, { sdkVersion, debug: Boolean(opts.debug) }),
        authed,
        userAgent
    );
    const plan = planOf(sent, diff);

    if (plan.removed.length && !reconcile) {
        throw new DeployError(
            'removal_needs_reconcile',
            `deploying would remove event functions that this project no longer has: ${plan.removed.map((s) => `${s.providerConfigKey}/${s.name} (${s.event})`).join(', ')}. Nothing was deployed. Pass --reconcile to remove them.`,
            undefined,
            plan
        );
    }
    const why = [
        ...(opts.alwaysConfirm ? [`deploying to "${opts.environment}"`] : []),
        ...(reconcile && plan.flowsRemovedByReconcile.length
            ? [
                  `reconcile removes ${plan.flowsRemovedByReconcile.length} deployed sync(s)/action(s): ${plan.flowsRemovedByReconcile.map((f) => `${f.providerConfigKey}/${f.name}`).join(', ')}`
              ]
            : []),
        ...(reconcile && plan.removed.length ? [`removes ${plan.removed.length} event function(s)`] : [])
    ];
    if (why.length) {
        if (!opts.confirm || !(await opts.confirm(plan, why)))
            throw new DeployError('not_confirmed', `not deployed: ${why.join('; ')} needs confirmation (pass --yes).`, undefined, plan);
    }

    progress(`deploying ${sent.length} event function${sent.length === 1 ? '' : 's'}…`);
    const answer = await postJson<{ name: string; version?: string; providerConfigKey: string; type: string }[]>(
        hostport,
        '/sync/deploy',
        deployBody(scripts, { sdkVersion, reconcile, debug: Boolean(opts.debug), source: deploySource(env) }),
        authed,
        userAgent
    );
    const results = Array.isArray(answer) ? answer.filter((r) => r.type === 'on-event') : [];
    const deployed: DeployedScript[] = [];
    for (const s of sent) {
        const r = results.find((x) => x.providerConfigKey === s.providerConfigKey && x.name === s.name);
        if (r) deployed.push({ ...s, ...(r.version ? { version: String(r.version) } : {}) });
    }
    if (!deployed.length) {
        throw new DeployError(
            'not_applied',
            `Nango answered the deploy with ${JSON.stringify(answer)}: it accepted the request but stored none of the ${sent.length} event functions. Nango's server deploys event functions only together with at least one sync or action (shared/lib/services/sync/config/deploy.service.ts returns before storing them when flowConfigs is empty). Add a sync or action to the project and run "nango deploy ${opts.environment}".`,
            200,
            plan
        );
    }
    return { ok: true, environment: opts.environment, hostport, reconcile, sdkVersion, plan, deployed };
}

export type { OnEventType, SlimOnEventScript };
