// What "Nango: Deploy…" runs, decided without VS Code. Checks, in this order, each failing with what
// to do: the environment name, its secret key (asked right after the environment, before anything
// else), something to deploy, the nango CLI (only when it is the tool), errors in the Problems panel
// (which "Deploy anyway" overrides). Then the tool: the project's real `nango deploy <env>
// [--integration <id>]` when index.ts imports syncs or actions; else the emulator CLI's `deploy
// <env> --json` (nango 0.71.10 refuses a project without syncs or actions), which posts the event
// functions to Nango's deploy API itself. Pure: no vscode import.
import path from 'node:path';
import { parseEnv } from 'node:util';
import type { FunctionCounts } from '../workspace/function-kinds';
import { isUnder } from '../workspace/paths';

export const DEPLOY_ENVIRONMENTS = ['dev', 'prod'] as const;

/** Why the emulator CLI deploys: said in the plan's detail, the confirmation and the terminal. */
export const NANGO_CLI_LIMITATION = "nango deploy 0.71.10 refuses projects without syncs or actions; deploying the event functions through Nango's deploy API";

export interface DeployEnvironmentProbe {
    /** Absolute paths that exist. */
    exists(file: string): boolean;
    /** Text of a file, undefined when missing. */
    read(file: string): string | undefined;
    env: Readonly<Record<string, string | undefined>>;
    platform: NodeJS.Platform;
}

/** One entry of the Problems panel, as the command reads it from VS Code. */
export interface DeployDiagnostic {
    file: string;
    /** 1-based. */
    line: number;
    message: string;
    severity: 'error' | 'warning' | 'information' | 'hint';
}

export interface DeployRequest {
    root: string;
    environment: string;
    integration?: string;
    /** What index.ts imports (countFunctions). */
    functions: FunctionCounts;
    /** The extension's bundled emulator CLI (dist/emulator/cli.js) … */
    emulatorCli: string;
    /** … and the Node that runs it (the extension host's). */
    node: string;
    /** The Problems panel (any file: only errors under `root` count). */
    diagnostics?: readonly DeployDiagnostic[];
    /** The user chose "Deploy anyway" despite errors. */
    ignoreErrors?: boolean;
}

export type DeployTool = 'nango' | 'emulator';

export type DeployFailureReason = 'bad_environment' | 'secret_missing' | 'nothing_to_deploy' | 'cli_missing' | 'project_errors';

export interface DeployFailure {
    ok: false;
    reason: DeployFailureReason;
    message: string;
    fix: string;
    /** Only project_errors: the user may deploy anyway. */
    canOverride?: boolean;
}

export interface DeployConfirmation {
    message: string;
    detail: string;
    button: string;
}

export interface DeployPlan {
    ok: true;
    tool: DeployTool;
    command: string;
    args: string[];
    cwd: string;
    /** Added to the process environment. */
    env: Record<string, string>;
    label: string;
    /** Why this tool, for the terminal and the confirmation. */
    detail: string;
    secretFrom: string;
    /** Asked (modal) before running: prod, and every deploy through the emulator CLI. */
    confirmation: DeployConfirmation | undefined;
    /** Whether the scope (one integration) applies: the emulator CLI deploys all of index.ts. */
    scoped: boolean;
}

export type DeployPreflight = { ok: true; tool: 'nango'; secretFrom: string; cli: string } | { ok: true; tool: 'emulator'; secretFrom: string } | DeployFailure;

function findOnPath(name: string, probe: DeployEnvironmentProbe): string | undefined {
    const sep = probe.platform === 'win32' ? ';' : ':';
    const exts = probe.platform === 'win32' ? ['.cmd', '.exe', ''] : [''];
    for (const dir of (probe.env['PATH'] ?? '').split(sep).filter(Boolean)) {
        for (const ext of exts) {
            const candidate = path.join(dir, name + ext);
            if (probe.exists(candidate)) return candidate;
        }
    }
    return undefined;
}

/** The nango CLI the project pins (node_modules/.bin), else one on PATH. */
export function findNangoCli(root: string, probe: DeployEnvironmentProbe): string | undefined {
    const local = path.join(root, 'node_modules', '.bin', probe.platform === 'win32' ? 'nango.cmd' : 'nango');
    return probe.exists(local) ? local : findOnPath('nango', probe);
}

/** Where the CLI will find its secret key: NANGO_SECRET_KEY_<ENV> or NANGO_SECRET_KEY, in the environment or the folder's .env. */
export function findSecretKey(root: string, environment: string, probe: DeployEnvironmentProbe): string | undefined {
    const names = [`NANGO_SECRET_KEY_${environment.toUpperCase()}`, 'NANGO_SECRET_KEY'];
    for (const name of names) if (probe.env[name]) return `the ${name} environment variable`;
    const dotenv = probe.read(path.join(root, '.env'));
    if (dotenv !== undefined) {
        let parsed: Record<string, string | undefined>;
        try {
            parsed = parseEnv(dotenv) as Record<string, string | undefined>;
        } catch {
            parsed = {};
        }
        for (const name of names) if (parsed[name]) return `${name} in ${path.join(root, '.env')}`;
    }
    return undefined;
}

/** The errors of the Problems panel in the project's files, sorted by file and line. */
export function projectErrors(root: string, diagnostics: readonly DeployDiagnostic[]): DeployDiagnostic[] {
    return diagnostics
        .filter((d) => d.severity === 'error' && isUnder(root, d.file))
        .sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
}

function plural(n: number, word: string): string {
    return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The tool: the real CLI when there is a sync or an action to deploy, else the emulator CLI. */
export function chooseDeployTool(functions: FunctionCounts): DeployTool {
    return functions.syncs + functions.actions > 0 ? 'nango' : 'emulator';
}

/** The checks, in the order the command runs them (right after the environment is picked). */
export function preflightDeploy(request: DeployRequest, probe: DeployEnvironmentProbe): DeployPreflight {
    const environment = request.environment.trim();
    if (!/^[A-Za-z0-9_-]+$/.test(environment)) {
        return {
            ok: false,
            reason: 'bad_environment',
            message: `"${request.environment}" is not an environment name.`,
            fix: 'Use the name of a Nango environment, e.g. dev or prod.'
        };
    }
    const secretFrom = findSecretKey(request.root, environment, probe);
    if (!secretFrom) {
        const name = `NANGO_SECRET_KEY_${environment.toUpperCase()}`;
        return {
            ok: false,
            reason: 'secret_missing',
            message: `No secret key for the "${environment}" environment: ${name} is not set.`,
            fix: `Add ${name}=<secret key from the Nango dashboard, Environment Settings> to ${path.join(request.root, '.env')}, or set it in the environment VS Code starts with.`
        };
    }
    const { syncs, actions, onEvents } = request.functions;
    if (syncs + actions + onEvents === 0) {
        return {
            ok: false,
            reason: 'nothing_to_deploy',
            message: `${path.join(request.root, 'index.ts')} imports no function: nothing to deploy.`,
            fix: 'Import your event functions in index.ts (e.g. import \'./<integration>/on-events/<name>\';), or create one with "Nango: New Event Function…".'
        };
    }
    const tool = chooseDeployTool(request.functions);
    const cli = tool === 'nango' ? findNangoCli(request.root, probe) : undefined;
    if (tool === 'nango' && !cli) {
        return {
            ok: false,
            reason: 'cli_missing',
            message: `The nango CLI is not installed in ${request.root} nor on PATH.`,
            fix: `Run "npm install --save-dev nango" in ${request.root} (or "npm install -g nango").`
        };
    }
    const errors = projectErrors(request.root, request.diagnostics ?? []);
    const [first] = errors;
    if (first && !request.ignoreErrors) {
        const files = new Set(errors.map((e) => e.file)).size;
        return {
            ok: false,
            reason: 'project_errors',
            canOverride: true,
            message: `The Problems panel has ${plural(errors.length, 'error')} in ${plural(files, 'file')} of this project, e.g. ${path.relative(request.root, first.file)}:${first.line}: ${first.message}`,
            fix: 'Fix them first: nango deploy compiles the whole project and stops at the first error.'
        };
    }
    return tool === 'nango' && cli ? { ok: true, tool, secretFrom, cli } : { ok: true, tool: 'emulator', secretFrom };
}

function confirmation(request: DeployRequest, tool: DeployTool, environment: string, label: string, secretFrom: string): DeployConfirmation | undefined {
    const prod = environment === 'prod';
    const what = tool === 'emulator' ? plural(request.functions.onEvents, 'event function') : (request.integration ?? 'all integrations');
    const detail = `${tool === 'emulator' ? `${NANGO_CLI_LIMITATION}. ` : ''}Runs "${label}" in ${request.root}. The secret key comes from ${secretFrom}.`;
    if (prod) return { message: `Deploy ${what} to PRODUCTION?`, detail, button: 'Deploy to prod' };
    if (tool === 'emulator') return { message: `Deploy ${what} to ${environment}?`, detail, button: 'Deploy' };
    return undefined;
}

export function planDeploy(request: DeployRequest, probe: DeployEnvironmentProbe): DeployPlan | DeployFailure {
    const checked = preflightDeploy(request, probe);
    if (!checked.ok) return checked;
    const environment = request.environment.trim();
    if (checked.tool === 'emulator') {
        const label = `nango-emulator deploy ${environment}`;
        return {
            ok: true,
            tool: 'emulator',
            command: request.node,
            args: [request.emulatorCli, 'deploy', environment, '--root', request.root, '--json', '--yes'],
            cwd: request.root,
            // process.execPath is Electron in VS Code desktop: this makes it plain Node.
            env: { ELECTRON_RUN_AS_NODE: '1', NO_COLOR: '1' },
            label,
            detail: NANGO_CLI_LIMITATION,
            secretFrom: checked.secretFrom,
            confirmation: confirmation(request, 'emulator', environment, label, checked.secretFrom),
            scoped: false
        };
    }
    const label = `nango deploy ${environment}${request.integration ? ` (${request.integration})` : ''}`;
    const { syncs, actions } = request.functions;
    return {
        ok: true,
        tool: 'nango',
        command: checked.cli,
        args: ['deploy', environment, ...(request.integration ? ['--integration', request.integration] : [])],
        cwd: request.root,
        // Colours in the terminal, and the red error line stays recognisable in the captured output.
        env: { FORCE_COLOR: '1' },
        label,
        detail: `index.ts imports ${[syncs && plural(syncs, 'sync'), actions && plural(actions, 'action')].filter(Boolean).join(' and ')}: running the project's nango CLI`,
        secretFrom: checked.secretFrom,
        confirmation: confirmation(request, 'nango', environment, label, checked.secretFrom),
        scoped: true
    };
}
