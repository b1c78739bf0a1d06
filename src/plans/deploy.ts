// What "Nango: Deploy…" runs, decided without VS Code: the workspace's own nango CLI if installed
// (else one on PATH), `nango deploy <env> [--integration <id>]` in the nango-integrations folder, and
// a precise message when the CLI or the secret key is missing. Pure: no vscode import.
import path from 'node:path';
import { parseEnv } from 'node:util';

export const DEPLOY_ENVIRONMENTS = ['dev', 'prod'] as const;

export interface DeployEnvironmentProbe {
    /** Absolute paths that exist. */
    exists(file: string): boolean;
    /** Text of a file, undefined when missing. */
    read(file: string): string | undefined;
    env: Readonly<Record<string, string | undefined>>;
    platform: NodeJS.Platform;
}

export interface DeployRequest {
    root: string;
    environment: string;
    integration?: string;
}

export type DeployPlan =
    | { ok: true; command: string; args: string[]; cwd: string; label: string; secretFrom: string; needsConfirmation: boolean }
    | { ok: false; reason: 'cli_missing' | 'secret_missing' | 'bad_environment'; message: string; fix: string };

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
        let parsed: Record<string, string | undefined> = {};
        try {
            parsed = parseEnv(dotenv) as Record<string, string | undefined>;
        } catch {
            parsed = {};
        }
        for (const name of names) if (parsed[name]) return `${name} in ${path.join(root, '.env')}`;
    }
    return undefined;
}

export function planDeploy(request: DeployRequest, probe: DeployEnvironmentProbe): DeployPlan {
    const environment = request.environment.trim();
    if (!/^[A-Za-z0-9_-]+$/.test(environment)) {
        return { ok: false, reason: 'bad_environment', message: `"${request.environment}" is not an environment name.`, fix: 'Use the name of a Nango environment, e.g. dev or prod.' };
    }
    const cli = findNangoCli(request.root, probe);
    if (!cli) {
        return {
            ok: false,
            reason: 'cli_missing',
            message: `The nango CLI is not installed in ${request.root} nor on PATH.`,
            fix: `Run "npm install --save-dev nango" in ${request.root} (or "npm install -g nango").`
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
    const args = ['deploy', environment, ...(request.integration ? ['--integration', request.integration] : [])];
    return {
        ok: true,
        command: cli,
        args,
        cwd: request.root,
        label: `nango deploy ${environment}${request.integration ? ` (${request.integration})` : ''}`,
        secretFrom,
        needsConfirmation: environment === 'prod'
    };
}
