// The README's main job: the emulator runs the example project's real handlers through a whole
// connection lifecycle, via the same CLI a user runs. Each step states the outcome Nango would give;
// the script fails if the emulator disagrees.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const cli = path.join(repo, 'dist/emulator/cli.js');
const root = path.join(repo, 'examples/nango-integrations');

const steps = [
    { title: 'Start from the fixtures', args: ['reset'], exit: 0 },
    {
        title: 'First connect to Salesforce org "acme": validate-connection, then post-connection-creation',
        args: ['connect', 'salesforce', '--connection', 'sf-demo', '--account', 'acme'],
        exit: 0
    },
    {
        title: 'Reconnect the same connection to ANOTHER org ("globex"): the metadata pattern rejects it',
        args: ['reconnect', 'salesforce', '--connection', 'sf-demo', '--account', 'globex'],
        exit: 1
    },
    {
        title: 'Reconnect to the original org: active again, then post-connection-creation runs too (Nango does not await it; the webhook is kept)',
        args: ['reconnect', 'salesforce', '--connection', 'sf-demo', '--account', 'acme'],
        exit: 0
    },
    {
        title: 'Delete: pre-connection-deletion removes the webhook, then the connection goes',
        args: ['delete', 'salesforce', '--connection', 'sf-demo'],
        exit: 0
    },
    {
        title: 'First connect to GitHub with a token lacking the "repo" scope: rejected, connection deleted',
        args: ['connect', 'github', '--connection', 'gh-demo', '--account', 'octo-readonly'],
        exit: 1
    },
    {
        title: 'Dry run one handler, like `nango dryrun`, against an existing connection',
        args: ['dryrun', 'github/seed-metadata', '--connection', 'gh-admin'],
        exit: 0
    },
    { title: 'Emulated connections now', args: ['connections'], exit: 0 }
];

let failures = 0;
for (const [i, step] of steps.entries()) {
    process.stdout.write(`\n\x1b[1m${i + 1}. ${step.title}\x1b[0m\n$ nango-emulator ${step.args.join(' ')}\n`);
    const run = spawnSync(process.execPath, [cli, ...step.args, '--root', root], { stdio: 'inherit' });
    if (run.status !== step.exit) {
        failures++;
        process.stdout.write(`\x1b[31m   expected exit ${step.exit}, got ${run.status}\x1b[0m\n`);
    }
}
process.stdout.write(failures ? `\n${failures} step(s) did not match Nango's semantics\n` : "\nEvery step matched Nango's semantics.\n");
process.exitCode = failures ? 1 : 0;
