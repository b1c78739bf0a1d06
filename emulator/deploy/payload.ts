// The body nango's CLI posts to deploy a project's event functions, built from what `nango compile`
// wrote (it is what Nango would deploy): .nango/nango.json (the parsed definitions), build/*.cjs (the
// bundles) and the TypeScript sources. Pure: reads files, no network, no compile.
//
// Followed: nango 0.71.10 dist/zeroYaml/deploy.js
//   - createDeployConfirmationPackage: onEventScriptsByProvider, per integration in definition order,
//     events in the order of `onEventScripts`' keys, `{ name, fileBody: { js, ts }, event }`, and
//     integrations without scripts left out; deployMode 'all' (no --integration/--sync/--action).
//   - loadScriptJsFile / loadScriptTsFile: build/<integration>_on-events_<name>.cjs and
//     <integration>/on-events/<name>.ts (the CLI looks there whatever the file's real path).
//   - deploy(): confirmation body `{ ...package, reconcile: false, debug, sdkVersion }`, deploy body
//     `{ ...package, reconcile, debug, nangoYamlBody: '', sdkVersion: '<version>-zero', source }`
//     (resolveDeploySource: NANGO_DEPLOY_SOURCE=standalone, else 'repo'). The real CLI sends
//     reconcile: true; this one sends what the caller asks (false by default, see client.ts).
//   - The zero-yaml CLI sends neither `jsonSchema` nor `singleDeployMode` (both deprecated in
//     server/lib/controllers/sync/deploy/validation.ts), so neither is sent here.
// The scripts carry no version or sdk_version: Nango's server sets them (shared/lib/services/
// on-event-scripts.service.ts update(): version 0.0.1, then bumped; sdk_version from body.sdkVersion).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EmulatorError } from '../core/errors';

export const ON_EVENT_TYPES = ['post-connection-creation', 'pre-connection-deletion', 'validate-connection'] as const;
export type OnEventType = (typeof ON_EVENT_TYPES)[number];

/** One integration of .nango/nango.json (nango's parseIntegrationDefinitions, zeroYaml/definitions.js). */
export interface IntegrationDefinition {
    providerConfigKey: string;
    syncs: { name: string }[];
    actions: { name: string }[];
    onEventScripts: Partial<Record<OnEventType, string[]>>;
}

export interface FileBody {
    js: string;
    ts: string;
}

export interface OnEventScriptPayload {
    name: string;
    fileBody: FileBody;
    event: OnEventType;
}

export interface OnEventScriptsByProvider {
    providerConfigKey: string;
    scripts: OnEventScriptPayload[];
}

/** PostDeployConfirmation['Body'] (@nangohq/types deploy/api.ts), as the CLI fills it. */
export interface ConfirmationBody {
    flowConfigs: [];
    onEventScriptsByProvider: OnEventScriptsByProvider[];
    deployMode: 'all';
    reconcile: false;
    debug: boolean;
    sdkVersion: string;
}

/** PostDeploy['Body'] (@nangohq/types deploy/api.ts), as the CLI fills it. */
export interface DeployBody {
    flowConfigs: [];
    onEventScriptsByProvider: OnEventScriptsByProvider[];
    deployMode: 'all';
    reconcile: boolean;
    debug: boolean;
    nangoYamlBody: string;
    sdkVersion: string;
    source: 'repo' | 'standalone';
}

export interface SlimOnEventScript {
    providerConfigKey: string;
    name: string;
    event: OnEventType;
}

/** The definitions `nango compile` wrote (generateNangoJson in zeroYaml/compile.js). */
export function readDefinitions(root: string): IntegrationDefinition[] {
    const file = path.join(root, '.nango', 'nango.json');
    if (!existsSync(file))
        throw new EmulatorError('bad_usage', `${file} is missing: run "nango compile" in ${root} first (it writes the definitions Nango deploys).`);
    let parsed: unknown;
    try {
        parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
        throw new EmulatorError('bad_usage', `${file} is not valid JSON (${(err as Error).message}): run "nango compile" again.`);
    }
    if (!Array.isArray(parsed)) throw new EmulatorError('bad_usage', `${file}: expected a list of integrations; run "nango compile" with nango 0.71 again.`);
    return (parsed as Partial<IntegrationDefinition>[]).map((i) => ({
        providerConfigKey: String(i.providerConfigKey),
        syncs: Array.isArray(i.syncs) ? i.syncs : [],
        actions: Array.isArray(i.actions) ? i.actions : [],
        onEventScripts: i.onEventScripts ?? {}
    }));
}

/** createFunction functions (.nango/functions.json, zeroYaml/compile.js generateFunctionsJson): deployed by another API. */
export function readFunctionNames(root: string): string[] {
    const file = path.join(root, '.nango', 'functions.json');
    if (!existsSync(file)) return [];
    try {
        const list = JSON.parse(readFileSync(file, 'utf8')) as { integrationId?: string; name?: string }[];
        return Array.isArray(list) ? list.map((f) => `${f.integrationId}/${f.name}`) : [];
    } catch {
        return [];
    }
}

/** The syncs and actions of the definitions, as "<integration>/<name>". */
export function flowsOf(defs: IntegrationDefinition[]): string[] {
    return defs.flatMap((i) => [...i.syncs, ...i.actions].map((f) => `${i.providerConfigKey}/${f.name}`));
}

/** Every event function of the definitions, in the order the CLI sends them. */
export function eventFunctionsOf(defs: IntegrationDefinition[]): SlimOnEventScript[] {
    return defs.flatMap((i) =>
        (Object.keys(i.onEventScripts) as OnEventType[]).flatMap((event) =>
            (i.onEventScripts[event] ?? []).map((name) => ({ providerConfigKey: i.providerConfigKey, name, event }))
        )
    );
}

/** build/<integration>_on-events_<name>.cjs and <integration>/on-events/<name>.ts (loadScriptFiles). */
export function scriptFiles(root: string, providerConfigKey: string, name: string): { jsFile: string; tsFile: string } {
    return {
        jsFile: path.join(root, 'build', `${providerConfigKey}_on-events_${name}.cjs`),
        tsFile: path.join(root, providerConfigKey, 'on-events', `${name}.ts`)
    };
}

/** onEventScriptsByProvider for the compiled project (throws with the missing file and the fix). */
export function buildOnEventScriptsByProvider(root: string, defs: IntegrationDefinition[]): OnEventScriptsByProvider[] {
    const out: OnEventScriptsByProvider[] = [];
    for (const integration of defs) {
        const scripts: OnEventScriptPayload[] = [];
        for (const event of Object.keys(integration.onEventScripts) as OnEventType[]) {
            for (const name of integration.onEventScripts[event] ?? []) {
                const { jsFile, tsFile } = scriptFiles(root, integration.providerConfigKey, name);
                for (const f of [jsFile, tsFile]) {
                    if (!existsSync(f)) {
                        throw new EmulatorError(
                            'bad_usage',
                            `${f} is missing for event function "${integration.providerConfigKey}/${name}". Nango's CLI deploys event functions from ${integration.providerConfigKey}/on-events/<name>.ts (compiled to build/${integration.providerConfigKey}_on-events_<name>.cjs): move the file there and run "nango compile".`
                        );
                    }
                }
                scripts.push({ name, fileBody: { js: readFileSync(jsFile, 'utf8'), ts: readFileSync(tsFile, 'utf8') }, event });
            }
        }
        if (scripts.length) out.push({ providerConfigKey: integration.providerConfigKey, scripts });
    }
    return out;
}

/** `<nango version>-zero`, the CLI's sdkVersion (deploy.js: `${NANGO_VERSION}-zero`). */
export function sdkVersionOf(nangoVersion: string): string {
    return `${nangoVersion}-zero`;
}

/** The version of the project's installed nango package, or undefined. */
export function projectNangoVersion(root: string): string | undefined {
    try {
        return (JSON.parse(readFileSync(path.join(root, 'node_modules', 'nango', 'package.json'), 'utf8')) as { version?: string }).version;
    } catch {
        return undefined;
    }
}

export function deploySource(env: NodeJS.ProcessEnv = process.env): 'repo' | 'standalone' {
    return env['NANGO_DEPLOY_SOURCE'] === 'standalone' ? 'standalone' : 'repo';
}

export function confirmationBody(scripts: OnEventScriptsByProvider[], opts: { sdkVersion: string; debug?: boolean }): ConfirmationBody {
    return { flowConfigs: [], onEventScriptsByProvider: scripts, deployMode: 'all', reconcile: false, debug: Boolean(opts.debug), sdkVersion: opts.sdkVersion };
}

export function deployBody(
    scripts: OnEventScriptsByProvider[],
    opts: { sdkVersion: string; reconcile: boolean; debug?: boolean; source?: 'repo' | 'standalone' }
): DeployBody {
    return {
        flowConfigs: [],
        onEventScriptsByProvider: scripts,
        deployMode: 'all',
        reconcile: opts.reconcile,
        debug: Boolean(opts.debug),
        nangoYamlBody: '',
        sdkVersion: opts.sdkVersion,
        source: opts.source ?? 'repo'
    };
}
