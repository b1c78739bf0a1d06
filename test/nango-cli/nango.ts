// The real `nango` CLI (npm package nango@0.71.10, pinned by this folder's package.json and lockfile)
// as a test peer of the emulator server: install, hermetic offline environment, and the workaround
// for nango 0.71.10's onEvent dry run bug.
//
// THE BUG (nango 0.71.10, and NangoHQ/nango main at the time of writing): `nango dryrun <name>` finds
// an event function by name (integration.onEventScripts), but DryRunService.run then builds
// `nangoProps.scriptType = scriptInfo?.type || 'sync'`, and scriptInfo is undefined for on-event
// scripts, so it loads `build/<integration>_syncs_<name>.cjs`, while `nango compile` wrote
// `build/<integration>_on-events_<name>.cjs`. The run fails with
//   An error occurred during execution … "message": "Unable to find script file for \"<name>\""
// and exit code 12, after the connection and integration lookups but before the function runs.
//
// THE WORKAROUND: after `nango compile`, copy each build/<int>_on-events_<name>.cjs to
// build/<int>_syncs_<name>.cjs with `type: "onEvent"` replaced by `type: "sync"` (compile injects it
// as the object's first property; the sync runner refuses a default export of another type). The
// dry run recompiles only the on-events files and reads the copy, so redo the copy after every source
// change. The function then runs in NangoSyncCLI (a sync-type SDK object) and `exec(nango)` gets only
// `nango`, as in an event function; every SDK call goes to NANGO_HOSTPORT.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withFileLock } from '../../emulator/state/lock';

export const NANGO_VERSION = '0.71.10';
export const peerDir = __dirname;
export const nangoBin = path.join(peerDir, 'node_modules/nango/dist/index.js');

/** spawnSync's answer, without blocking the event loop. */
function spawnAsync(
    cmd: string,
    args: string[],
    opts: { cwd: string; timeoutMs: number }
): Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; error?: Error }> {
    return new Promise((resolve) => {
        const child = spawn(cmd, args, { cwd: opts.cwd, shell: process.platform === 'win32', timeout: opts.timeoutMs });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', (error) => resolve({ status: null, signal: null, stdout, stderr, error }));
        child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
    });
}

/**
 * Installs the pinned nango CLI with `npm ci --ignore-scripts` (nothing it needs runs install scripts;
 * they may reach the network), unless node_modules already holds exactly this lockfile's install.
 * Throws (never skips) when it cannot: this test must not pass silently without its peer.
 */
export async function ensureNango(): Promise<{ installed: boolean; durationMs: number }> {
    const started = performance.now();
    const lock = readFileSync(path.join(peerDir, 'package-lock.json'));
    const stamp = createHash('sha256').update(lock).update(process.version).digest('hex');
    const stampFile = path.join(peerDir, 'node_modules/.nango-cli-test-stamp');
    const current = (): boolean => existsSync(nangoBin) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp;
    if (current()) return { installed: false, durationMs: performance.now() - started };
    const lockFile = path.join(os.tmpdir(), `nango-cli-install-${createHash('sha1').update(peerDir).digest('hex').slice(0, 12)}.lock`);
    return withFileLock(lockFile, 600_000, async () => {
        if (current()) return { installed: false, durationMs: performance.now() - started };
        // Asynchronous: a lock holder must keep its event loop free to refresh the lock while npm runs.
        const npm = await spawnAsync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: peerDir, timeoutMs: 600_000 });
        if (npm.status !== 0 || !existsSync(nangoBin)) {
            const tail = `${npm.stderr ?? ''}${npm.stdout ?? ''}`.trim().split('\n').slice(-15).join('\n');
            throw new Error(
                `could not install nango@${NANGO_VERSION} for this test (npm ci --ignore-scripts in ${peerDir} exited ${npm.status ?? npm.signal ?? npm.error?.message}). It needs the npm registry.\n${tail}`
            );
        }
        const version = (JSON.parse(readFileSync(path.join(peerDir, 'node_modules/nango/package.json'), 'utf8')) as { version: string }).version;
        if (version !== NANGO_VERSION)
            throw new Error(`${peerDir}: npm ci installed nango ${version}, not ${NANGO_VERSION}: fix package.json and package-lock.json`);
        writeFileSync(stampFile, stamp);
        return { installed: true, durationMs: performance.now() - started };
    });
}

/**
 * The nango CLI fully offline and non-interactive: no upgrade check (CI, NANGO_CLI_UPGRADE_MODE), no
 * telemetry, no dependency update (it would run npm install), its config in a throwaway HOME, and
 * every API call to the emulator server. No other variable of this process leaks in.
 */
export function nangoEnv(hostport: string, secretKey: string, home: string): NodeJS.ProcessEnv {
    mkdirSync(home, { recursive: true });
    return {
        PATH: process.env['PATH'] ?? '',
        HOME: home,
        TMPDIR: os.tmpdir(),
        CI: '1',
        NANGO_CLI_UPGRADE_MODE: 'ignore',
        NANGO_CLI_TELEMETRY: 'false',
        NANGO_CLI_DEPENDENCY_UPDATE: 'false',
        NANGO_HOSTPORT: hostport,
        NANGO_SECRET_KEY_DEV: secretKey,
        NO_COLOR: '1',
        FORCE_COLOR: '0'
    };
}

export const OFFLINE_FLAGS = ['--no-interactive', '--no-dependency-update', '--no-telemetry'];

export interface NangoRun {
    status: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
    durationMs: number;
}

/** Runs the nango CLI without blocking this process (the test talks to the server meanwhile). */
export function runNango(project: string, env: NodeJS.ProcessEnv, args: string[], timeoutMs = 180_000): Promise<NangoRun> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [nangoBin, ...args], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        child.once('error', (err) => {
            clearTimeout(timer);
            reject(err);
        });
        child.once('close', (status, signal) => {
            clearTimeout(timer);
            resolve({ status, signal, stdout, stderr, durationMs: Math.round(performance.now() - started) });
        });
    });
}

/** The workaround above: build/<int>_syncs_<name>.cjs from each compiled on-events file. Returns the copies. */
export function applyOnEventDryrunWorkaround(project: string): string[] {
    const build = path.join(project, 'build');
    const copies: string[] = [];
    for (const file of readdirSync(build).filter((f) => /_on-events_.+\.cjs$/.test(f))) {
        const text = readFileSync(path.join(build, file), 'utf8');
        const patched = text.replace(/type: "onEvent"/g, 'type: "sync"');
        if (patched === text)
            throw new Error(`${path.join(build, file)}: no 'type: "onEvent"' to patch; the nango compile output changed, revisit the workaround`);
        const target = path.join(build, file.replace('_on-events_', '_syncs_'));
        writeFileSync(target, patched);
        copies.push(target);
    }
    return copies;
}

export function describeRun(r: NangoRun): string {
    return `exit ${r.status ?? r.signal} after ${r.durationMs} ms\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}
