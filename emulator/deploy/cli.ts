// `nango-emulator deploy <environment> [--reconcile] [--yes]`: deploys a project that has only event
// functions, which nango 0.71.10's `nango deploy` refuses ("No syncs or actions to deploy").
// Exit codes: 0 deployed; 1 the server refused, stored nothing, or the deploy was not confirmed;
// 2 bad usage or bad input (no secret key, compile errors, no event functions, syncs or actions present).
// --json prints one object: DeployResult (client.ts) on success, else
// { ok: false, error: { type, message, status? }, plan? }.
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { EmulatorError } from '../core/errors';
import { findRoot } from '../project/project';
import { DeployError, deployEventFunctions, resolveHostport, type DeployPlan, type DeployResult } from './client';

interface GlobalOptions {
    root?: string;
    json?: boolean;
}

const PRODUCTION = new Set(['prod', 'production']);

export function formatPlan(plan: DeployPlan): string[] {
    const line = (sign: string, s: { providerConfigKey: string; name: string; event?: string }): string =>
        `  ${sign} ${s.providerConfigKey} → ${s.name}${s.event ? ` (${s.event})` : ''}`;
    return [
        `Nango will perform this plan: [OnEvents +${plan.added.length} -${plan.removed.length}], ${plan.updated.length} to update`,
        ...plan.added.map((s) => line('+', s)),
        ...plan.updated.map((s) => line('~', s)),
        ...plan.removed.map((s) => line('-', s)),
        ...plan.skipped.map((s) => `${line('!', s)}: the environment has no integration "${s.providerConfigKey}"; Nango skips it`),
        ...(plan.flowsRemovedByReconcile.length
            ? [
                  `  reconcile would remove ${plan.flowsRemovedByReconcile.length} deployed sync(s)/action(s) (only with --reconcile): ${plan.flowsRemovedByReconcile.map((f) => `${f.providerConfigKey}/${f.name}`).join(', ')}`
              ]
            : [])
    ];
}

export function formatDeployResult(r: DeployResult): string {
    return [
        ...formatPlan(r.plan),
        `Deployed ${r.deployed.length} event function${r.deployed.length === 1 ? '' : 's'} to "${r.environment}" (${r.hostport}):`,
        ...r.deployed.map((s) => `  - ${s.providerConfigKey} → ${s.name}${s.version ? `@v${s.version}` : ''} (${s.event})`),
        r.reconcile ? 'reconcile: on (deployed functions the project does not name were removed)' : 'reconcile: off (nothing else deployed was removed)'
    ].join('\n');
}

async function ask(question: string): Promise<boolean> {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
        return /^y(es)?$/i.test((await rl.question(question)).trim());
    } finally {
        rl.close();
    }
}

export function registerDeployCommand(program: Command): void {
    program
        .command('deploy')
        .description(
            'deploy a project that has only event functions to Nango (nango 0.71 refuses it: "No syncs or actions to deploy"); uses NANGO_SECRET_KEY_<ENV> or NANGO_SECRET_KEY and NANGO_HOSTPORT like the nango CLI'
        )
        .argument('<environment>', 'the Nango environment, e.g. dev or prod')
        .option('--reconcile', 'let Nango remove what this deploy does not name (off by default: nothing deployed is removed)')
        .option('--yes', 'do not ask for confirmation (required with --json for prod or removals)')
        .action(async (environment: string, o: { reconcile?: boolean; yes?: boolean }, cmd: Command) => {
            const opts = cmd.optsWithGlobals<GlobalOptions>();
            const root = opts.root ? findRoot(opts.root) : findRoot(process.cwd());
            const out = (s: string): boolean => process.stdout.write(s + '\n');
            const interactive = !opts.json && Boolean(process.stdin.isTTY);
            const alwaysConfirm = PRODUCTION.has(environment.toLowerCase());
            if (alwaysConfirm && !o.yes && !interactive) {
                throw new EmulatorError(
                    'bad_usage',
                    `deploying to "${environment}" needs confirmation: pass --yes${opts.json ? ' (required with --json)' : ' (no terminal to ask in)'}.`
                );
            }
            try {
                const result = await deployEventFunctions({
                    root,
                    environment,
                    reconcile: Boolean(o.reconcile),
                    alwaysConfirm,
                    confirm: async (plan, why) => {
                        if (o.yes) return true;
                        if (!interactive) return false;
                        process.stderr.write(formatPlan(plan).join('\n') + '\n');
                        return ask(`${why.join('; ')}. Continue? (y/N) `);
                    },
                    ...(opts.json ? {} : { progress: (line: string) => process.stderr.write(`nango-emulator: ${line}\n`) })
                });
                out(opts.json ? JSON.stringify(result, null, 2) : formatDeployResult(result));
                process.exitCode = 0;
            } catch (err) {
                if (!(err instanceof DeployError)) throw err; // EmulatorError: exit 2 from main()
                if (opts.json) {
                    out(
                        JSON.stringify(
                            {
                                ok: false,
                                error: { type: err.type, message: err.message, ...(err.status ? { status: err.status } : {}) },
                                hostport: resolveHostport(),
                                ...(err.plan ? { plan: err.plan } : {})
                            },
                            null,
                            2
                        )
                    );
                } else {
                    if (err.plan) process.stderr.write(formatPlan(err.plan).join('\n') + '\n');
                    process.stderr.write(`nango-emulator: ${err.message}\n`);
                }
                process.exitCode = 1;
            }
        });
}
