// Runs the project's own `nango compile` (what `nango deploy` runs before packaging, nango 0.71.10
// dist/index.js 'deploy' command: compileAllFunctions, then deploy). The emulator's own compile
// (emulator/project/compile.ts) mirrors it for running handlers, but a deploy must ship exactly the bundles
// Nango's CLI builds (esbuild options, inline source maps, .nango/nango.json), so the real CLI runs.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { EmulatorError } from '../core/errors';

export const COMPILE_FLAGS = ['--no-interactive', '--no-dependency-update', '--no-telemetry'];

/** node_modules/nango/dist/index.js of the project (the CLI `npx nango` would run there). */
export function projectNangoBin(root: string): string | undefined {
    const bin = path.join(root, 'node_modules', 'nango', 'dist', 'index.js');
    return existsSync(bin) ? bin : undefined;
}

export interface CompileRun {
    nangoBin: string;
    output: string;
    durationMs: number;
}

export async function runNangoCompile(root: string, opts: { nangoBin?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CompileRun> {
    const nangoBin = opts.nangoBin ?? projectNangoBin(root);
    if (!nangoBin) {
        throw new EmulatorError(
            'bad_usage',
            `nango is not installed in ${root} (no node_modules/nango): run "npm install" there (the project's package.json pins nango), then deploy again.`
        );
    }
    const started = performance.now();
    const env = { ...(opts.env ?? process.env), NANGO_CLI_UPGRADE_MODE: 'ignore', NO_COLOR: '1', FORCE_COLOR: '0' };
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [nangoBin, 'compile', ...COMPILE_FLAGS], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (c: Buffer) => (out += c.toString()));
        child.stderr.on('data', (c: Buffer) => (out += c.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 300_000);
        child.once('error', (err) => {
            clearTimeout(timer);
            reject(err);
        });
        child.once('close', (status) => {
            clearTimeout(timer);
            resolve({ code: status, output: out });
        });
    });
    if (code !== 0) {
        const tail = output.trim().split('\n').slice(-30).join('\n');
        throw new EmulatorError(
            'handler_compile_failed',
            `"nango compile" failed in ${root} (exit ${code ?? 'killed'}); fix the errors below and deploy again:\n${tail}`
        );
    }
    return { nangoBin, output, durationMs: Math.round(performance.now() - started) };
}
