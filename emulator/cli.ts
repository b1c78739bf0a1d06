// nango-emulator: the command-line face of the emulator.
// Exit codes: 0 success, 1 a handler failed or validation rejected, 2 bad usage or bad input.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { EmulatorError } from './errors';
import { formatConnections, formatResult } from './format';
import { Emulator } from './lifecycle';
import { findRoot } from './project';
import type { RunResult } from './result';

interface GlobalOptions {
    root?: string;
    json?: boolean;
    timeout?: number;
    bodies?: boolean;
    maxBodyBytes?: number;
}

function positiveInt(value: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
    return n;
}

const useColor = Boolean(process.stdout.isTTY) && !process.env['NO_COLOR'];

function emulatorFor(opts: GlobalOptions): Emulator {
    const root = opts.root ? findRoot(opts.root) : findRoot(process.cwd());
    return new Emulator(root, {
        ...(opts.timeout ? { timeoutMs: opts.timeout } : {}),
        ...(opts.bodies ? { captureBodies: true } : {}),
        ...(opts.maxBodyBytes ? { maxBodyBytes: opts.maxBodyBytes } : {})
    });
}

function printResult(result: RunResult, opts: GlobalOptions): void {
    process.stdout.write((opts.json ? JSON.stringify(result, null, 2) : formatResult(result, { color: useColor, bodies: Boolean(opts.bodies) })) + '\n');
    process.exitCode = result.ok ? 0 : 1;
}

async function withEmulator<T>(cmd: Command, fn: (emulator: Emulator, opts: GlobalOptions) => Promise<T>): Promise<T> {
    const opts = cmd.optsWithGlobals<GlobalOptions>();
    const emulator = emulatorFor(opts);
    try {
        return await fn(emulator, opts);
    } finally {
        emulator.dispose();
    }
}

export function buildProgram(): Command {
    const program = new Command('nango-emulator')
        .description('Run Nango event functions (createOnEvent) against a local emulator: fake connections, credentials, metadata and provider APIs.')
        .option('--root <dir>', 'the nango-integrations folder (default: found from the current folder)')
        .option('--json', 'print one JSON object with the result')
        .addOption(new Option('--timeout <ms>', 'stop a handler after this many milliseconds').argParser(positiveInt).default(undefined, '30000'))
        .option('--bodies', 'record and show request and response bodies (secrets redacted)')
        .addOption(new Option('--max-body-bytes <n>', 'fail a provider response larger than this').argParser(positiveInt))
        .showHelpAfterError()
        .exitOverride();

    program
        .command('dryrun')
        .description('run one event function, like "nango dryrun", against an emulated connection')
        .argument('<function>', 'handler file, "<integration>/<name>", or name')
        .requiredOption('--connection <id>', 'connection id')
        .option('--account <account>', 'provider account (creates the connection as a first connect if it does not exist)')
        .option('--reconnect', 're-authorize the connection as --account before running (reconnect semantics)')
        .action(async (ref: string, o: { connection: string; account?: string; reconnect?: boolean }, cmd: Command) =>
            withEmulator(cmd, async (e, opts) => printResult(await e.dryrun(ref, { connectionId: o.connection, ...(o.account ? { account: o.account } : {}), ...(o.reconnect ? { reconnect: true } : {}) }), opts))
        );

    program
        .command('connect')
        .description('first connect: validate-connection, then create the connection and run post-connection-creation')
        .argument('<integration>')
        .requiredOption('--connection <id>', 'connection id')
        .requiredOption('--account <account>', 'provider account to connect')
        .action(async (integration: string, o: { connection: string; account: string }, cmd: Command) => withEmulator(cmd, async (e, opts) => printResult(await e.connect(integration, o.connection, o.account), opts)));

    program
        .command('reconnect')
        .description('reconnect: upsert the account\'s credentials and connection_config, then validate-connection')
        .argument('<integration>')
        .requiredOption('--connection <id>', 'connection id')
        .requiredOption('--account <account>', 'provider account to reconnect as')
        .action(async (integration: string, o: { connection: string; account: string }, cmd: Command) => withEmulator(cmd, async (e, opts) => printResult(await e.reconnect(integration, o.connection, o.account), opts)));

    program
        .command('delete')
        .description('run pre-connection-deletion, then delete the connection')
        .argument('<integration>')
        .requiredOption('--connection <id>', 'connection id')
        .action(async (integration: string, o: { connection: string }, cmd: Command) => withEmulator(cmd, async (e, opts) => printResult(await e.delete(integration, o.connection), opts)));

    program
        .command('connections')
        .description('list emulated connections with their status and metadata')
        .action(async (_o: unknown, cmd: Command) =>
            withEmulator(cmd, async (e, opts) => {
                const list = e.connections();
                process.stdout.write((opts.json ? JSON.stringify({ ok: true, connections: list }, null, 2) : formatConnections(list, { color: useColor })) + '\n');
            })
        );

    program
        .command('reset')
        .description('return the emulator state to the fixtures')
        .action(async (_o: unknown, cmd: Command) =>
            withEmulator(cmd, async (e, opts) => {
                const state = e.reset();
                const count = Object.keys(state.connections).length;
                process.stdout.write((opts.json ? JSON.stringify({ ok: true, connections: count }) : `emulator state reset from ${e.fixturesFile} (${count} connection${count === 1 ? '' : 's'})`) + '\n');
            })
        );

    return program;
}

export async function main(argv: string[]): Promise<number> {
    const program = buildProgram();
    const json = argv.includes('--json');
    try {
        await program.parseAsync(argv, { from: 'user' });
        return typeof process.exitCode === 'number' ? process.exitCode : 0;
    } catch (err) {
        if (err instanceof CommanderError) {
            // Help and version exit 0; usage errors were already printed by commander.
            return err.exitCode === 0 ? 0 : 2;
        }
        const message = err instanceof Error ? err.message : String(err);
        const code = err instanceof EmulatorError ? err.code : 'internal_error';
        if (json) process.stdout.write(JSON.stringify({ ok: false, error: { type: code, message } }, null, 2) + '\n');
        else process.stderr.write(`nango-emulator: ${message}\n`);
        return err instanceof EmulatorError ? 2 : 1;
    }
}

if (require.main === module) {
    void main(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    });
}
