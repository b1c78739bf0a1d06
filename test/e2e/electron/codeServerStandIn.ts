/**
 * What ./code-server-stand-in.sh runs: VS Code's command line as @vscode/test-electron passes it →
 * runExtensionTests() of ../harness.ts (code-server's Node extension host, driven by headless
 * Chromium). Prints the mocha report on stdout (test-electron forwards it) and exits with the
 * suite's exit code.
 *
 * Arguments honoured: the workspace (first non-option argument), --extensionDevelopmentPath=,
 * --extensionTestsPath=, --disable-workspace-trust (trusted; without it the workspace opens in
 * restricted mode). Ignored, with a reason: --user-data-dir= and --extensions-dir= (each session gets
 * fresh temp ones, removed afterwards), --disable-extensions (a session installs no extension but the
 * development one), the Electron/desktop flags (--no-sandbox, --disable-gpu-sandbox,
 * --disable-updates, --skip-welcome, --skip-release-notes). Anything else is an error, so a new
 * test-electron argument is noticed rather than silently dropped.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runExtensionTests } from '../harness';
import { repoRoot } from './bundle';

const IGNORED = new Set([
    '--no-sandbox',
    '--disable-gpu-sandbox',
    '--disable-updates',
    '--skip-welcome',
    '--skip-release-notes',
    '--disable-extensions',
    '--user-data-dir',
    '--extensions-dir'
]);

interface StandInArgs {
    workspace: string;
    extensionDevelopmentPath: string;
    extensionTestsPath: string;
    trusted: boolean;
}

function parseVSCodeArgs(argv: readonly string[]): StandInArgs {
    const values = new Map<string, string>();
    const flags = new Set<string>();
    const positional: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i]!;
        if (!arg.startsWith('--')) {
            positional.push(arg);
            continue;
        }
        const eq = arg.indexOf('=');
        const name = eq < 0 ? arg : arg.slice(0, eq);
        if (eq >= 0) values.set(name, arg.slice(eq + 1));
        else if (['--extensionDevelopmentPath', '--extensionTestsPath', '--user-data-dir', '--extensions-dir'].includes(name) && i + 1 < argv.length)
            values.set(name, argv[++i]!);
        else flags.add(name);
        if (!IGNORED.has(name) && !['--extensionDevelopmentPath', '--extensionTestsPath', '--disable-workspace-trust'].includes(name)) {
            throw new Error(`code-server stand-in: unsupported VS Code argument ${arg}`);
        }
    }
    const need = (name: string): string => {
        const v = values.get(name);
        if (!v) throw new Error(`code-server stand-in: ${name} is missing (arguments: ${argv.join(' ')})`);
        return path.resolve(v);
    };
    if (positional.length !== 1) throw new Error(`code-server stand-in: expected one workspace folder, got ${JSON.stringify(positional)}`);
    return {
        workspace: path.resolve(positional[0]!),
        extensionDevelopmentPath: need('--extensionDevelopmentPath'),
        extensionTestsPath: need('--extensionTestsPath'),
        trusted: flags.has('--disable-workspace-trust')
    };
}

async function main(): Promise<number> {
    const args = parseVSCodeArgs(process.argv.slice(2));
    const suite = process.env.NANGO_E2E_SUITE ?? 'electron';
    const name = suite === 'electron' ? 'extension-host-suite' : `extension-host-suite-${suite}`;
    const report = path.join(repoRoot, 'test-results', 'e2e', `${name}-report.txt`);
    // The rest of test-electron's extensionTestsEnv is in process.env, which the harness passes on.
    const result = await runExtensionTests({ ...args, name, env: { NANGO_E2E_REPORT_FILE: report } });
    console.log(existsSync(report) ? readFileSync(report, 'utf8') : '(no mocha report: the suite did not start)');
    if (result.exitCode !== 0) {
        console.error(
            result.log
                .filter((l) => /^error/.test(l))
                .slice(-20)
                .join('\n')
        );
        console.error(`extension host suite failed (exit ${result.exitCode}); logs in test-results/e2e/${name}/`);
    }
    console.log(`code-server stand-in: code-server ${result.timings.totalMs} ms, tests ${result.timings.testsMs} ms`);
    return result.exitCode;
}

main().then(
    (code) => process.exit(code),
    (err: unknown) => {
        console.error('code-server stand-in: the suite could not run:', err);
        process.exit(1);
    }
);
