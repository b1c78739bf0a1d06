// nango-emulator: the command-line face of the emulator.
// Exit codes: 0 success, 1 a handler failed or validation rejected, 2 bad usage or bad input.
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { registerTestCommand } from './scenarios/cli';
import { registerDeployCommand } from './deploy/cli';
import { runLimitsOf, type GlobalOptions } from './cli-options';
import { EmulatorError } from './core/errors';
import { formatConnections, formatResult } from './core/format';
import { Emulator } from './core/lifecycle';
import { parseOperation, performOperation } from './core/operation';
import { findRoot } from './project/project';
import { DEFAULT_MEMORY_LIMIT_MB, DEFAULT_TIMEOUT_MS } from './core/limits';
// The server and recordings (msw and friends) load only for the commands that use them: the CLI starts fast.
import { DEFAULT_HOST, DEFAULT_PORT, isLoopbackHost } from './server/http';

function positiveInt(value: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
    return n;
}

/** The project around the current folder, else the one around `fallback` (e.g. the recording's folder). */
function rootFromCwdOr(fallback: string): string {
    try {
        return findRoot(process.cwd());
    } catch {
        return findRoot(fallback);
    }
}

function portNumber(value: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number (0-65535; 0 picks a free port)');
    return n;
}

const useColor = Boolean(process.stdout.isTTY) && !process.env['NO_COLOR'];

function emulatorFor(opts: GlobalOptions): Emulator {
    const root = opts.root ? findRoot(opts.root) : findRoot(process.cwd());
    return new Emulator(root, {
        ...runLimitsOf(opts)
    });
}

/** The CLI's spelling of the operation's fields, for messages. */
const CLI_FIELDS = { connectionId: '--connection', account: '--account', function: '<function>', integration: '<integration>' };

/** Every command that changes the emulator: options → the operation model → the one dispatch → printed result. */
async function perform(cmd: Command, raw: Record<string, unknown>): Promise<void> {
    // Options not given are left out (the model is strict about what is there, not about undefined).
    const op = parseOperation(
        Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)),
        `nango-emulator ${String(raw['operation'])}`,
        CLI_FIELDS
    );
    await withEmulator(cmd, async (emulator, opts) => {
        // The worker starts while this process reads fixtures and state and checks the compile cache.
        if (op.operation !== 'reset') emulator.warmUp();
        const result = await performOperation(emulator, op);
        if (result.operation === 'reset') {
            const n = result.connections;
            process.stdout.write(
                (opts.json ? JSON.stringify(result) : `emulator state reset from ${result.fixturesFile} (${n} connection${n === 1 ? '' : 's'})`) + '\n'
            );
            return;
        }
        process.stdout.write((opts.json ? JSON.stringify(result, null, 2) : formatResult(result, { color: useColor, bodies: Boolean(opts.bodies) })) + '\n');
        process.exitCode = result.ok ? 0 : 1;
    });
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
        .addOption(
            new Option('--timeout <ms>', "stop a handler after this many milliseconds (the default is Nango's own limit)")
                .argParser(positiveInt)
                .default(DEFAULT_TIMEOUT_MS)
        )
        .option('--bodies', 'record and show request and response bodies (secrets redacted)')
        .addOption(new Option('--max-body-bytes <n>', 'fail a provider response larger than this').argParser(positiveInt))
        .addOption(new Option('--memory-limit <MB>', "the handler worker's JavaScript heap limit").argParser(positiveInt).default(DEFAULT_MEMORY_LIMIT_MB))
        .option('--no-typecheck', 'run without the type check nango compile does (faster; Nango would still refuse a project with type errors)')
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
            perform(cmd, { operation: 'dryrun', function: ref, connectionId: o.connection, account: o.account, reconnect: o.reconnect })
        );

    program
        .command('connect')
        .description('first connect: validate-connection, then create the connection and run post-connection-creation')
        .argument('<integration>')
        .requiredOption('--connection <id>', 'connection id')
        .requiredOption('--account <account>', 'provider account to connect')
        .action(async (integration: string, o: { connection: string; account: string }, cmd: Command) =>
            perform(cmd, { operation: 'connect', integration, connectionId: o.connection, account: o.account })
        );

    program
        .command('reconnect')
        .description("reconnect: upsert the account's credentials and connection_config, then validate-connection")
        .argument('<integration>')
        .requiredOption('--connection <id>', 'connection id')
        .requiredOption('--account <account>', 'provider account to reconnect as')
        .action(async (integration: string, o: { connection: string; account: string }, cmd: Command) =>
            perform(cmd, { operation: 'reconnect', integration, connectionId: o.connection, account: o.account })
        );

    program
        .command('delete')
        .description('run pre-connection-deletion, then delete the connection')
        .argument('<integration>')
        .requiredOption('--connection <id>', 'connection id')
        .action(async (integration: string, o: { connection: string }, cmd: Command) =>
            perform(cmd, { operation: 'delete', integration, connectionId: o.connection })
        );

    program
        .command('connections')
        .description('list emulated connections with their status and metadata')
        .action(async (_o: unknown, cmd: Command) =>
            withEmulator(cmd, async (e, opts) => {
                const list = e.connections();
                process.stdout.write(
                    (opts.json ? JSON.stringify({ ok: true, connections: list }, null, 2) : formatConnections(list, { color: useColor })) + '\n'
                );
            })
        );

    program
        .command('reset')
        .description('return the emulator state to the fixtures')
        .action(async (_o: unknown, cmd: Command) => perform(cmd, { operation: 'reset' }));

    program
        .command('serve')
        .description(
            "serve the part of Nango's HTTP API the nango CLI and SDK use (for NANGO_HOSTPORT) from the fixtures and state, plus /_emulator/* for editors"
        )
        .addOption(new Option('--port <n>', 'port to listen on (0 picks a free one)').argParser(portNumber).default(DEFAULT_PORT))
        .option('--host <host>', `address to listen on (default ${DEFAULT_HOST}); a non-loopback address is only used when given here, with a warning`)
        .option('--quiet', 'no access log')
        .action(async (o: { port: number; host?: string; quiet?: boolean }, cmd: Command) => {
            const opts = cmd.optsWithGlobals<GlobalOptions>();
            const root = opts.root ? findRoot(opts.root) : findRoot(process.cwd());
            const host = o.host ?? DEFAULT_HOST;
            if (o.host !== undefined && !isLoopbackHost(o.host)) {
                process.stderr.write(
                    `nango-emulator: WARNING: serving on ${o.host}, not a loopback address. Anyone who can reach it can read the emulated connections (with their fixture credentials) and run your event functions.\n`
                );
            }
            const out = opts.json ? process.stderr : process.stdout;
            const { startServer } = await import('./server');
            const server = await startServer({
                root,
                host,
                port: o.port,
                allowNonLoopback: o.host !== undefined,
                ...runLimitsOf(opts),
                ...(o.quiet ? {} : { log: (line: string) => out.write(`${new Date().toISOString().slice(11, 23)} ${line}\n`) })
            });
            void server.context.warmUp();
            if (opts.json) {
                process.stdout.write(JSON.stringify({ ok: true, url: server.url, host: server.host, port: server.port, root, pid: process.pid }) + '\n');
            } else {
                process.stdout.write(
                    `nango-emulator: serving ${root} at ${server.url}\n` +
                        `  use it with the nango CLI: NANGO_HOSTPORT=${server.url} NANGO_SECRET_KEY_DEV=any-key nango dryrun <function> <connection-id> -e dev --no-interactive\n` +
                        `  (nango 0.71.10 cannot dry run event functions without the workaround in the README: "Running the real nango CLI against the emulator")\n` +
                        `  editor API: ${server.url}/_emulator/health; stop with Ctrl+C\n`
                );
            }
            await new Promise<void>((resolve) => {
                const stop = (): void => {
                    process.off('SIGINT', stop);
                    process.off('SIGTERM', stop);
                    void server.close().then(resolve);
                };
                process.on('SIGINT', stop);
                process.on('SIGTERM', stop);
            });
        });

    program
        .command('import-recording')
        .description('add the provider responses of a "nango dryrun --save-responses" recording (<integration>/tests/<function>.test.json) to the fixtures')
        .argument('<file>', 'the recording')
        .option('--integration <id>', "the integration to add the responses to (default: the recording's <integration> folder)")
        .option('--account <account>', "answer only requests made with this account's credentials")
        .action(async (file: string, o: { integration?: string; account?: string }, cmd: Command) => {
            const opts = cmd.optsWithGlobals<GlobalOptions>();
            const root = opts.root ? findRoot(opts.root) : rootFromCwdOr(path.dirname(path.resolve(file)));
            const { importRecording } = await import('./recordings');
            const result = importRecording(root, file, {
                ...(o.integration ? { integration: o.integration } : {}),
                ...(o.account ? { account: o.account } : {})
            });
            if (opts.json) {
                process.stdout.write(JSON.stringify({ ok: true, ...result, added: result.responses.length }, null, 2) + '\n');
                return;
            }
            const lines = [
                `${result.responses.length ? `added ${result.responses.length} response${result.responses.length === 1 ? '' : 's'}` : 'nothing new to add'} to ${result.fixturesFile} (integrations.${result.integration}.responses)${result.alreadyPresent ? `; ${result.alreadyPresent} already there` : ''}`
            ];
            for (const r of result.responses)
                lines.push(
                    `  + ${r.method} ${r.path}${r.query ? `?${new URLSearchParams(r.query).toString()}` : ''} → ${r.status}${r.account ? ` (account ${[r.account].flat().join(', ')})` : ''}`
                );
            for (const s of result.skipped) lines.push(`  - skipped ${s.entry}: ${s.reason}`);
            for (const w of result.warnings) lines.push(`  ! ${w}`);
            if (result.responses.length)
                lines.push('Fixtures are tried in order and the first match wins: responses already in the file answer before the imported ones.');
            process.stdout.write(lines.join('\n') + '\n');
        });

    registerTestCommand(program);
    registerDeployCommand(program);
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
