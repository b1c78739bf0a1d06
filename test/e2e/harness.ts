/**
 * A real VS Code (1.100, from the npm package `code-server`) driven headless by playwright-core and
 * Debian's Chromium. See test/e2e/README.md for how to install it (scripts/e2e/setup-vscode.sh) and
 * run the suite.
 *
 *   const vscode = await launchVSCode({ workspace: dir, extensions: [{ path: repoRoot }] });
 *   await vscode.runCommand('Nango: New Event Function…');
 *   ...
 *   await vscode.close();
 *
 * Everything runs in throwaway directories (user data, extensions, XDG dirs); `close()` kills the
 * whole process tree of code-server (its own process group, plus anything that escaped it and
 * carries this session's marker in its environment) and the browser.
 *
 * Waits are condition-based (Playwright auto-waiting locators or `until`), never fixed sleeps.
 */
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
    cpSync,
    createWriteStream,
    existsSync,
    mkdirSync,
    mkdtempSync,
    readdirSync,
    readFileSync,
    realpathSync,
    rmSync,
    statSync,
    symlinkSync,
    writeFileSync,
    type WriteStream
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const artifactsRoot = path.join(repoRoot, 'test-results', 'e2e');

/** The flags the project settled on for Debian's Chromium in containers/CI. */
export const CHROMIUM_ARGS = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--lang=en-US'
];

/** User settings that make a session deterministic. `LaunchOptions.settings` is merged over them. */
export const DETERMINISTIC_SETTINGS: Record<string, unknown> = {
    'workbench.startupEditor': 'none',
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.settings.enableNaturalLanguageSearch': false,
    'workbench.editor.enablePreview': false,
    'workbench.editor.enablePreviewFromQuickOpen': false,
    'workbench.localHistory.enabled': false,
    'workbench.colorTheme': 'Default Dark Modern',
    'window.restoreWindows': 'none',
    'window.commandCenter': true,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'extensions.ignoreRecommendations': true,
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.banner': 'never',
    'security.workspace.trust.emptyWindow': false,
    'git.enabled': false,
    'git.autoRepositoryDetection': false,
    'github.gitAuthentication': false,
    'npm.fetchOnlinePackageInfo': false,
    'typescript.disableAutomaticTypeAcquisition': true,
    'typescript.surveys.enabled': false,
    'editor.accessibilitySupport': 'off',
    'editor.minimap.enabled': false,
    'editor.codeLens': true,
    'editor.hover.delay': 10000,
    'editor.parameterHints.enabled': false,
    'editor.quickSuggestions': { other: false, comments: false, strings: false },
    'editor.suggestOnTriggerCharacters': false,
    'editor.inlineSuggest.enabled': false,
    'editor.stickyScroll.enabled': false,
    'editor.experimental.asyncTokenization': false,
    'files.autoSave': 'off',
    'files.simpleDialog.enable': true,
    'explorer.confirmDelete': false,
    'chat.commandCenter.enabled': false,
    'accessibility.signals.sounds.volume': 0
};

export interface CodeServerInstall {
    codeServerVersion: string;
    vscodeVersion: string;
    root: string;
    entry: string;
    chromium: string;
}

/** Reads what scripts/e2e/setup-vscode.sh installed. Throws (never skips) when it is missing. */
export function findCodeServer(): CodeServerInstall {
    const cache = process.env.NANGO_E2E_CACHE || path.join(os.homedir(), '.cache', 'nango-ext-e2e');
    const currentFile = path.join(cache, 'current.json');
    if (!existsSync(currentFile)) {
        throw new Error(`No VS Code for e2e tests: ${currentFile} is missing. Run: bash scripts/e2e/setup-vscode.sh`);
    }
    const current = JSON.parse(readFileSync(currentFile, 'utf8')) as CodeServerInstall;
    const chromiumPath = process.env.NANGO_E2E_CHROMIUM || current.chromium;
    for (const [what, p] of [
        ['code-server entry', current.entry],
        ['chromium', chromiumPath]
    ] as const) {
        if (!existsSync(p)) throw new Error(`${what} not found at ${p}. Run: bash scripts/e2e/setup-vscode.sh`);
    }
    return { ...current, chromium: chromiumPath };
}

export type ExtensionToInstall =
    /** Symlink the folder (default: like F5 development; rebuilding dist/ needs no reinstall). */
    | { path: string; mode?: 'link' }
    /**
     * Copy package.json and `include` (default: dist, snippets, README/LICENSE/CHANGELOG, images and
     * the top folder of `main`). Note: nothing from node_modules, like `vsce package --no-dependencies`.
     */
    | { path: string; mode: 'copy'; include?: string[] }
    /** `code-server --install-extension <vsix>`: the packaged extension, exactly as users get it. */
    | { vsix: string; mode?: 'vsix' };

export interface LaunchOptions {
    /** Folder (or .code-workspace file) to open. */
    workspace: string;
    /** Extensions to install into the session's fresh --extensions-dir. */
    extensions?: ExtensionToInstall[];
    /** User settings, merged over DETERMINISTIC_SETTINGS. */
    settings?: Record<string, unknown>;
    /** Trusted workspace (default true). false: workspace trust on, folder untrusted (restricted mode). */
    trusted?: boolean;
    /** Name of this session's artifact folder under test-results/e2e (default 'session'). */
    name?: string;
    /** Browser viewport (default 1400x900). */
    viewport?: { width: number; height: number };
    /** Extra environment for code-server and so for the extension host (e.g. NANGO_HOSTPORT). */
    env?: Record<string, string>;
    /** Time allowed for code-server + workbench to come up (default 90 s). */
    startTimeoutMs?: number;
    /** Keep the temp dirs after close (also NANGO_E2E_KEEP=1). */
    keepTemp?: boolean;
    /** Show the browser (NANGO_E2E_HEADED=1); needs a display. */
    headless?: boolean;
}

interface StartInternals {
    payload?: Array<[string, string]>;
    beforeGoto?: (page: Page) => Promise<void>;
    waitForWorkbench?: boolean;
}

export interface Timings {
    /** spawn → code-server listening */
    serverMs: number;
    /** browser launch */
    browserMs: number;
    /** page.goto → workbench and status bar rendered */
    workbenchMs: number;
    /** whole launchVSCode() including extension installation */
    totalMs: number;
}

export interface Problem {
    severity: 'error' | 'warning' | 'info' | 'hint' | 'unknown';
    message: string;
    /** File the marker belongs to (base name, as the Problems view shows it). */
    file: string;
    /** The file's folder as the Problems view shows it (workspace-relative, may be ''). */
    folder: string;
    /** Diagnostic source, e.g. "nango" or "ts" (may be ''). */
    source: string;
    /** Diagnostic code as shown (may be ''). */
    code: string;
    /** 1-based, as shown in the Problems view. */
    line: number;
    column: number;
    /** The row's accessible label (has everything). */
    ariaLabel: string;
}

export class TimeoutError extends Error {}
/** Thrown inside an `until` callback: stops waiting at once (other errors are retried). */
export class StopWaiting extends Error {}
/** answerInputBox: VS Code kept the box open with a validation error. */
export class InputRejectedError extends StopWaiting {}

/**
 * Polls `fn` until it returns something other than undefined/false/null. Errors thrown by `fn` are
 * retried (the last one is reported on timeout), except StopWaiting, which ends the wait at once.
 */
export async function until<T>(
    what: string,
    fn: () => Promise<T | undefined | false | null> | T | undefined | false | null,
    { timeoutMs = 30_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {}
): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
        try {
            const v = await fn();
            if (v !== undefined && v !== false && v !== null) return v;
        } catch (e) {
            if (e instanceof StopWaiting) throw e;
            lastError = e;
        }
        if (Date.now() > deadline) {
            const detail = lastError instanceof Error ? ` (last error: ${lastError.message.split('\n')[0]})` : '';
            throw new TimeoutError(`Timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
        }
        await new Promise((r) => setTimeout(r, intervalMs));
    }
}

/**
 * Runs in the page: reads the Problems tree (file rows: name + folder; then their marker rows).
 * Functions passed to page.evaluate must not declare named inner functions or const arrows: tsx
 * (esbuild keepNames) wraps those in a `__name(...)` helper that does not exist in the page.
 */
function readProblemsInBrowser(panel: any): Problem[] {
    const rows = Array.from(panel.querySelectorAll('.monaco-list-row') as ArrayLike<any>).sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
    const problems: Problem[] = [];
    let file = '';
    let folder = '';
    for (const row of rows) {
        const message = row.querySelector('.marker-message');
        if (!message) {
            file = (row.querySelector('.label-name')?.textContent ?? '').trim();
            folder = (row.querySelector('.label-description')?.textContent ?? '').trim();
            continue;
        }
        const cls: string = row.querySelector('.marker-icon')?.className ?? '';
        const pos = /\[Ln (\d+), Col (\d+)\]/.exec(row.querySelector('.marker-line')?.textContent ?? '');
        problems.push({
            severity: /error/.test(cls) ? 'error' : /warning/.test(cls) ? 'warning' : /info/.test(cls) ? 'info' : /hint/.test(cls) ? 'hint' : 'unknown',
            message: (message.textContent ?? '').trim(),
            file,
            folder,
            source: (row.querySelector('.marker-source')?.textContent ?? '').trim(),
            code: (row.querySelector('.marker-code')?.textContent ?? '').trim(),
            line: pos ? Number(pos[1]) : 0,
            column: pos ? Number(pos[2]) : 0,
            ariaLabel: row.getAttribute('aria-label') ?? ''
        });
    }
    return problems;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Whole-text match, tolerant of surrounding whitespace. */
export const exactText = (s: string) => new RegExp(`^\\s*${escapeRegExp(s)}\\s*$`);

interface ExtensionManifest {
    publisher: string;
    name: string;
    version: string;
}
function readManifest(dir: string): ExtensionManifest {
    const file = path.join(dir, 'package.json');
    if (!existsSync(file)) throw new Error(`Extension folder ${dir} has no package.json`);
    const m = JSON.parse(readFileSync(file, 'utf8')) as Partial<ExtensionManifest>;
    if (!m.publisher || !m.name || !m.version) throw new Error(`${file}: publisher, name and version are required`);
    return m as ExtensionManifest;
}

function readMain(dir: string): string | undefined {
    return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { main?: string }).main;
}

/** Copy mode copies package.json, these (when present) and the top folder/file of `main`. */
const DEFAULT_COPY_INCLUDE = ['dist', 'snippets', 'README.md', 'LICENSE', 'LICENSE.md', 'CHANGELOG.md', 'images', 'media'];

/** Live sessions, so that a crashing test run still kills its servers (see process 'exit' below). */
const liveSessions = new Set<VSCodeSession>();
/** Temp dirs to remove when the process exits, even if `after` hooks never ran (Ctrl+C). */
const tempDirs = new Set<string>();
let exitHookInstalled = false;
function installExitHook() {
    if (exitHookInstalled) return;
    exitHookInstalled = true;
    process.on('exit', () => {
        for (const s of liveSessions) s.killSync();
        if (process.env.NANGO_E2E_KEEP === '1') return;
        for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
    });
}
/** Registers a temp dir for removal at process exit (harness sessions and workspace helpers use it). */
export function removeAtExit(dir: string): string {
    installExitHook();
    tempDirs.add(dir);
    return dir;
}

/** Processes whose environment carries `marker` (i.e. started by one session), or in process group `pgid`. */
function sessionProcesses(marker: string, pgid: number | undefined): number[] {
    const pids: number[] = [];
    for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        const pid = Number(entry);
        if (pid === process.pid) continue;
        try {
            if (pgid !== undefined) {
                const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
                // fields after "(comm)": state ppid pgrp ...
                const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
                if (Number(fields[2]) === pgid) {
                    pids.push(pid);
                    continue;
                }
            }
            const environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
            if (environ.includes(marker)) pids.push(pid);
        } catch {
            /* gone, or not ours to read */
        }
    }
    return pids;
}

function killAll(pids: number[], signal: NodeJS.Signals) {
    for (const pid of pids) {
        try {
            process.kill(pid, signal);
        } catch {
            /* already gone */
        }
    }
}

/** Launches code-server + Chromium and waits for the workbench. Always pair with `close()`. */
export async function launchVSCode(options: LaunchOptions): Promise<VSCodeSession> {
    const session = new VSCodeSession(options);
    try {
        await session.start();
        return session;
    } catch (e) {
        await session.screenshot('launch-failure').catch(() => undefined);
        await session.close();
        const log = session.serverLog().split('\n').slice(-30).join('\n');
        (e as Error).message += `\n--- code-server output (last lines) ---\n${log}\n--- artifacts: ${session.artifactsDir}`;
        throw e;
    }
}

export interface ExtensionTestsOptions {
    /** Folder of the extension under test (package.json + main), loaded as a development extension. */
    extensionDevelopmentPath: string;
    /** CommonJS module exporting `run(): Promise<void>` (e.g. a mocha runner), run in the extension host. */
    extensionTestsPath: string;
    /** Folder to open. */
    workspace: string;
    /** Overall time limit (default 5 min). */
    timeoutMs?: number;
    settings?: Record<string, unknown>;
    env?: Record<string, string>;
    trusted?: boolean;
    /** Artifacts folder name under test-results/e2e (default 'extension-tests'). */
    name?: string;
}

export interface ExtensionTestsResult {
    /** 0 when `run()` resolved, 1 when it rejected or threw (as VS Code reports it). */
    exitCode: number;
    /** What the extension host logged (console.* of the tests and VS Code's own log lines). */
    log: string[];
    timings: Timings & { testsMs: number };
}

/**
 * Runs an extension-host test suite (what @vscode/test-electron runs in desktop VS Code) inside
 * code-server's Node extension host: the workbench gets `extensionDevelopmentPath` and
 * `extensionTestsPath` in its `payload` and reports the end through `window.codeAutomationExit`,
 * like @vscode/test-web. Always closes everything; the log goes to test-results/e2e/<name>/.
 */
export async function runExtensionTests(options: ExtensionTestsOptions): Promise<ExtensionTestsResult> {
    const session = new VSCodeSession({
        workspace: options.workspace,
        settings: options.settings,
        env: options.env,
        trusted: options.trusted,
        name: options.name ?? 'extension-tests'
    });
    const log: string[] = [];
    let exitCode: number | undefined;
    const t0 = Date.now();
    try {
        await session.start({
            payload: [
                ['extensionDevelopmentPath', options.extensionDevelopmentPath],
                ['extensionTestsPath', options.extensionTestsPath]
            ],
            waitForWorkbench: false,
            beforeGoto: async (page) => {
                await page.exposeFunction('codeAutomationLog', (level: string, message: string) => log.push(`${level}: ${message}`));
                await page.exposeFunction('codeAutomationExit', (code: number) => (exitCode = code));
            }
        });
        const t = Date.now();
        await until('the extension tests to finish (window.codeAutomationExit)', () => exitCode !== undefined, {
            timeoutMs: options.timeoutMs ?? 300_000,
            intervalMs: 100
        });
        return { exitCode: exitCode!, log, timings: { ...session.timings, totalMs: Date.now() - t0, testsMs: Date.now() - t } };
    } catch (e) {
        await session.screenshot('extension-tests-failure').catch(() => undefined);
        throw e;
    } finally {
        mkdirSync(session.artifactsDir, { recursive: true });
        writeFileSync(path.join(session.artifactsDir, 'extension-tests.log'), log.join('\n') + '\n');
        await session.close();
    }
}

export class VSCodeSession {
    readonly install: CodeServerInstall;
    readonly tmp: string;
    readonly userDataDir: string;
    readonly extensionsDir: string;
    readonly workspace: string;
    readonly artifactsDir: string;
    readonly marker: string;
    readonly timings: Timings = { serverMs: 0, browserMs: 0, workbenchMs: 0, totalMs: 0 };
    port = 0;
    url = '';
    browser: Browser | undefined;
    context: BrowserContext | undefined;
    private _page: Page | undefined;
    private server: ChildProcess | undefined;
    private serverExit: Promise<void> | undefined;
    private serverOutput = '';
    private serverLogStream: WriteStream | undefined;
    private closed = false;

    constructor(private readonly options: LaunchOptions) {
        this.install = findCodeServer();
        this.workspace = path.resolve(options.workspace);
        if (!existsSync(this.workspace)) throw new Error(`workspace ${this.workspace} does not exist`);
        this.tmp = mkdtempSync(path.join(os.tmpdir(), 'nango-e2e-'));
        if (!options.keepTemp) removeAtExit(this.tmp);
        this.userDataDir = path.join(this.tmp, 'user-data');
        this.extensionsDir = path.join(this.tmp, 'extensions');
        this.marker = `NANGO_E2E_SESSION=${path.basename(this.tmp)}-${randomBytes(4).toString('hex')}`;
        this.artifactsDir = path.join(artifactsRoot, options.name ?? 'session');
        rmSync(this.artifactsDir, { recursive: true, force: true }); // no stale artifacts of an earlier run
        mkdirSync(this.artifactsDir, { recursive: true });
    }

    /** The workbench page (throws before start). */
    get page(): Page {
        if (!this._page) throw new Error('VS Code session not started');
        return this._page;
    }

    /** Environment for code-server (and so for the extension host and its children). */
    private serverEnv(): NodeJS.ProcessEnv {
        const env: NodeJS.ProcessEnv = {};
        for (const [k, v] of Object.entries(process.env)) {
            // Running the tests from a VS Code terminal must not leak that VS Code into this one.
            if (/^(VSCODE_|ELECTRON_|NODE_OPTIONS$|TS_NODE|NANGO_E2E_SESSION$)/.test(k)) continue;
            env[k] = v;
        }
        const xdg = path.join(this.tmp, 'xdg');
        // VS Code server puts IPC sockets (vscode-ipc-*.sock) and tsserver dirs in the temp dir:
        // a per-session one is removed with the session.
        const tmpdir = path.join(this.tmp, 'tmp');
        mkdirSync(tmpdir, { recursive: true });
        Object.assign(env, {
            TMPDIR: tmpdir,
            // No extension gallery: the workbench would query open-vsx.org (unreachable; may hang).
            EXTENSIONS_GALLERY: '{}',
            XDG_CONFIG_HOME: path.join(xdg, 'config'),
            XDG_DATA_HOME: path.join(xdg, 'data'),
            XDG_CACHE_HOME: path.join(xdg, 'cache'),
            XDG_STATE_HOME: path.join(xdg, 'state'),
            NANGO_E2E_SESSION: this.marker.split('=')[1],
            ...this.options.env
        });
        return env;
    }

    private codeServerArgs(): string[] {
        return [
            this.install.entry,
            '--config',
            path.join(this.tmp, 'config.yaml'),
            '--user-data-dir',
            this.userDataDir,
            '--extensions-dir',
            this.extensionsDir,
            '--disable-telemetry',
            '--disable-update-check'
        ];
    }

    /**
     * Starts code-server and Chromium and opens the workbench. `payload` adds VS Code web's
     * `payload` URL entries (extensionDevelopmentPath, extensionTestsPath, …) as remote URIs;
     * `beforeGoto` runs on the page before it loads (e.g. exposeFunction).
     */
    async start({ payload, beforeGoto, waitForWorkbench = true }: StartInternals = {}): Promise<void> {
        const t0 = Date.now();
        installExitHook();
        liveSessions.add(this);
        const trusted = this.options.trusted ?? true;
        mkdirSync(path.join(this.userDataDir, 'User'), { recursive: true });
        mkdirSync(this.extensionsDir, { recursive: true });
        writeFileSync(path.join(this.tmp, 'config.yaml'), 'auth: none\ncert: false\n');
        const settings = {
            ...DETERMINISTIC_SETTINGS,
            'security.workspace.trust.enabled': !trusted,
            ...this.options.settings
        };
        writeFileSync(path.join(this.userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));

        for (const ext of this.options.extensions ?? []) await this.installExtension(ext);

        // --- code-server, in its own process group so that close() can kill the whole tree
        const tServer = Date.now();
        const args = [
            ...this.codeServerArgs(),
            '--auth',
            'none',
            '--bind-addr',
            '127.0.0.1:0',
            '--disable-getting-started-override',
            '--ignore-last-opened',
            ...(trusted ? ['--disable-workspace-trust'] : []),
            this.workspace
        ];
        // Artifact logs are best effort: a concurrent run of the same test may remove the folder.
        mkdirSync(this.artifactsDir, { recursive: true });
        this.serverLogStream = createWriteStream(path.join(this.artifactsDir, 'code-server.log')).on('error', () => undefined);
        const server = spawn(process.execPath, args, {
            cwd: this.tmp,
            env: this.serverEnv(),
            detached: true,
            stdio: ['ignore', 'pipe', 'pipe']
        });
        this.server = server;
        this.serverExit = new Promise((resolve) => server.once('exit', () => resolve()));
        const onData = (chunk: Buffer) => {
            const text = chunk.toString();
            this.serverOutput += text;
            this.serverLogStream?.write(text);
        };
        server.stdout!.on('data', onData);
        server.stderr!.on('data', onData);
        let exited: string | undefined;
        server.once('exit', (code, signal) => (exited = `code-server exited (code ${code}, signal ${signal})`));
        const startTimeout = this.options.startTimeoutMs ?? 90_000;
        const port = await until(
            'code-server to listen',
            () => {
                if (exited) throw new Error(exited);
                const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(this.serverOutput);
                return m ? Number(m[1]) : undefined;
            },
            { timeoutMs: startTimeout, intervalMs: 50 }
        ).catch((e: Error) => {
            throw new Error(exited ? `${exited}\n${this.serverOutput}` : e.message);
        });
        this.port = port;
        this.timings.serverMs = Date.now() - tServer;

        // --- Chromium
        const tBrowser = Date.now();
        const headless = this.options.headless ?? process.env.NANGO_E2E_HEADED !== '1';
        this.browser = await chromium.launch({
            executablePath: this.install.chromium,
            headless,
            args: CHROMIUM_ARGS,
            env: {
                ...process.env,
                XDG_CONFIG_HOME: path.join(this.tmp, 'xdg', 'chromium-config'),
                XDG_CACHE_HOME: path.join(this.tmp, 'xdg', 'chromium-cache')
            }
        });
        this.context = await this.browser.newContext({
            viewport: this.options.viewport ?? { width: 1400, height: 900 },
            locale: 'en-US',
            permissions: ['clipboard-read', 'clipboard-write']
        });
        this._page = await this.context.newPage();
        this.timings.browserMs = Date.now() - tBrowser;
        const consoleLog = createWriteStream(path.join(this.artifactsDir, 'browser-console.log')).on('error', () => undefined);
        this._page.on('console', (m) => consoleLog.write(`[${m.type()}] ${m.text()}\n`));
        this._page.on('pageerror', (e) => consoleLog.write(`[pageerror] ${e.stack ?? e.message}\n`));
        this._page.once('close', () => consoleLog.end());

        // --- the workbench
        const tWorkbench = Date.now();
        const key = this.workspace.endsWith('.code-workspace') ? 'workspace' : 'folder';
        this.url = `http://127.0.0.1:${port}/?${key}=${encodeURIComponent(this.workspace)}`;
        if (payload?.length) {
            const remote = (p: string) => `vscode-remote://127.0.0.1:${port}${path.resolve(p)}`;
            this.url += `&payload=${encodeURIComponent(JSON.stringify(payload.map(([k, v]) => [k, /Path$/.test(k) ? remote(v) : v])))}`;
        }
        if (beforeGoto) await beforeGoto(this.page);
        await this.page.goto(this.url);
        if (!waitForWorkbench) return;
        await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: startTimeout });
        await this.page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: startTimeout });
        // User settings are read from the server after the first paint: the dark theme of the
        // deterministic settings shows that they apply (and keeps screenshots consistent).
        if ((this.options.settings?.['workbench.colorTheme'] ?? DETERMINISTIC_SETTINGS['workbench.colorTheme']) === 'Default Dark Modern') {
            await this.page.locator('.monaco-workbench.vs-dark').waitFor({ state: 'visible', timeout: startTimeout });
        }
        // The explorer shows the opened folder once the remote file system answered.
        if (key === 'folder') {
            await this.page
                .locator('.explorer-folders-view .monaco-list-row, .explorer-viewlet .monaco-list-row')
                .first()
                .waitFor({ state: 'visible', timeout: startTimeout });
        }
        this.timings.workbenchMs = Date.now() - tWorkbench;
        this.timings.totalMs = Date.now() - t0;
    }

    // ------------------------------------------------------------------------------ extensions

    private async installExtension(ext: ExtensionToInstall): Promise<void> {
        if ('vsix' in ext) {
            const vsix = path.resolve(ext.vsix);
            if (!existsSync(vsix)) throw new Error(`vsix not found: ${vsix}`);
            const out = await this.runCodeServerCli(['--install-extension', vsix, '--force']);
            if (!/successfully installed/i.test(out)) throw new Error(`Installing ${vsix} failed:\n${out}`);
            return;
        }
        const dir = realpathSync(path.resolve(ext.path));
        const m = readManifest(dir);
        const target = path.join(this.extensionsDir, `${m.publisher}.${m.name}-${m.version}`);
        if (ext.mode === 'copy') {
            mkdirSync(target, { recursive: true });
            cpSync(path.join(dir, 'package.json'), path.join(target, 'package.json'));
            const mainTop = readMain(dir)?.replace(/^\.\//, '').split('/')[0];
            const include = ext.include ?? [...DEFAULT_COPY_INCLUDE, ...(mainTop ? [mainTop] : [])];
            for (const entry of new Set(include)) {
                const from = path.join(dir, entry);
                if (existsSync(from)) cpSync(from, path.join(target, entry), { recursive: true, dereference: true });
                else if (ext.include) throw new Error(`copy mode: ${from} does not exist`);
            }
        } else {
            symlinkSync(dir, target, 'dir');
        }
        const main = readMain(dir);
        if (main && !['.js', '.cjs', '.mjs'].some((x) => existsSync(path.join(target, main.endsWith(x) ? main : main + x)))) {
            throw new Error(`${m.publisher}.${m.name}: main ${main} does not exist in ${target} (build the extension first)`);
        }
    }

    /** Runs code-server's CLI (e.g. --install-extension, --list-extensions) against this session's dirs. */
    async runCodeServerCli(extra: string[]): Promise<string> {
        const child = spawn(process.execPath, [...this.codeServerArgs(), ...extra], {
            cwd: this.tmp,
            env: this.serverEnv(),
            stdio: ['ignore', 'pipe', 'pipe']
        });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
        if (code !== 0) throw new Error(`code-server ${extra.join(' ')} exited with ${code}:\n${out}`);
        return out;
    }

    /**
     * Waits until the extension host has activated `extensionId` (publisher.name), read from the
     * extension host's log, which records every activation.
     */
    async waitForExtensionActivated(extensionId: string, timeoutMs = 60_000): Promise<void> {
        const needle = new RegExp(`ExtensionService#_doActivateExtension ${escapeRegExp(extensionId)}\\b`, 'i');
        await until(
            `extension ${extensionId} to activate (see ${this.userDataDir}/logs/*/exthost*/remoteexthost.log)`,
            () => this.extensionHostLog().some((t) => needle.test(t)),
            { timeoutMs, intervalMs: 200 }
        );
    }

    /** Contents of the extension host log files of this session (server side). */
    extensionHostLog(): string[] {
        const logsRoot = path.join(this.userDataDir, 'logs');
        const out: string[] = [];
        const walk = (dir: string, depth: number) => {
            if (depth > 4 || !existsSync(dir)) return;
            for (const name of readdirSync(dir)) {
                const p = path.join(dir, name);
                const st = statSync(p);
                if (st.isDirectory()) walk(p, depth + 1);
                else if (/exthost\.log$/i.test(name)) out.push(readFileSync(p, 'utf8'));
            }
        };
        walk(logsRoot, 0);
        return out;
    }

    /** Everything code-server printed. */
    serverLog(): string {
        return this.serverOutput;
    }

    // ------------------------------------------------------------------------------ quick input

    /** The quick input widget (palette, quick open, QuickPick, InputBox). */
    get quickInput(): Locator {
        return this.page.locator('.quick-input-widget');
    }
    get quickInputBox(): Locator {
        return this.quickInput.locator('.quick-input-box input');
    }
    /** Rows of the visible quick input list whose label is exactly `label` (or matches the RegExp). */
    quickInputRow(label: string | RegExp): Locator {
        const text = typeof label === 'string' ? exactText(label) : label;
        return this.quickInput.locator('.quick-input-list .monaco-list-row').filter({
            has: this.page.locator('.label-name', { hasText: text })
        });
    }

    /** Opens the palette/quick open with `prefix` ('>' commands, '' files, ':' go to line). */
    private async openQuickAccess(value: string): Promise<void> {
        await this.dismissQuickInput();
        await this.page.keyboard.press('F1');
        await this.quickInputBox.waitFor({ state: 'visible' });
        await this.quickInputBox.fill(value);
    }

    /** Best effort back to a neutral state after a failed step: closes menus, widgets, quick input. */
    async resetUI(): Promise<void> {
        for (let i = 0; i < 3; i++) await this.page.keyboard.press('Escape').catch(() => undefined);
        await this.dismissQuickInput().catch(() => undefined);
    }

    /** Closes a visible quick input (Escape) and waits until it is hidden. */
    async dismissQuickInput(): Promise<void> {
        if (await this.quickInput.isVisible()) {
            await this.quickInputBox.press('Escape');
            await this.quickInput.waitFor({ state: 'hidden' });
        }
    }

    /**
     * Runs a command from the Command Palette by its full title as shown there, e.g.
     * "Nango: New Event Function…" (category + ": " + title). Does not wait for the command to
     * finish: wait for its effect.
     */
    async runCommand(title: string, { timeoutMs = 20_000 }: { timeoutMs?: number } = {}): Promise<void> {
        await this.openQuickAccess('>' + title);
        const row = this.quickInputRow(title).first();
        try {
            await row.waitFor({ state: 'visible', timeout: timeoutMs });
        } catch {
            const shown = await this.quickPickItems().catch(() => []);
            throw new Error(`Command "${title}" is not in the Command Palette. Shown: ${JSON.stringify(shown.slice(0, 15))}`);
        }
        await row.click();
    }

    /** Labels of the rows in the visible quick input. */
    async quickPickItems(): Promise<string[]> {
        await this.quickInput.waitFor({ state: 'visible' });
        return (await this.quickInput.locator('.quick-input-list .monaco-list-row .label-name').allTextContents()).map((s) => s.trim());
    }

    /**
     * A snapshot of the quick input (hidden, or title/placeholder/prompt/items). Accepting a pick or
     * an input box is a round trip through the extension host: a step is "done" when this changes.
     */
    private async quickInputState(): Promise<string> {
        return this.page.evaluate(() => {
            const doc = (globalThis as any).document;
            const w = doc.querySelector('.quick-input-widget');
            if (!w || w.style.display === 'none' || w.offsetParent === null) return 'hidden';
            return JSON.stringify([
                w.querySelector('.quick-input-title')?.textContent ?? '',
                w.querySelector('.quick-input-box input')?.getAttribute('placeholder') ?? '',
                w.querySelector('.quick-input-box input')?.getAttribute('aria-label') ?? '',
                Array.from(w.querySelectorAll('.quick-input-list .monaco-list-row .label-name') as ArrayLike<any>)
                    .map((e) => e.textContent)
                    .join('|')
            ]);
        });
    }

    /** Waits until the quick input is hidden or shows another step than `before`. */
    private async waitForQuickInputStep(before: string, what: string, timeoutMs: number): Promise<void> {
        await until(what, async () => (await this.quickInputState()) !== before, { timeoutMs, intervalMs: 50 });
    }

    /**
     * Picks an item of a QuickPick by its label and waits until the pick was accepted (the quick
     * input closed or moved to its next step). `filter` (default true) types the label into the box
     * first, so that long lists do not hide it.
     */
    async pickQuickPickItem(label: string | RegExp, { filter = true, timeoutMs = 20_000 }: { filter?: boolean; timeoutMs?: number } = {}): Promise<void> {
        await this.quickInput.waitFor({ state: 'visible', timeout: timeoutMs });
        if (filter && typeof label === 'string') await this.quickInputBox.fill(label);
        const row = this.quickInputRow(label).first();
        try {
            await row.waitFor({ state: 'visible', timeout: timeoutMs });
        } catch {
            throw new Error(`QuickPick item ${String(label)} not shown. Shown: ${JSON.stringify(await this.quickPickItems().catch(() => []))}`);
        }
        await this.quickInputBox.fill(''); // the step signature must not depend on the filter text
        if (filter && typeof label === 'string') await this.quickInputBox.fill(label);
        const before = await this.quickInputState();
        await row.click();
        await this.waitForQuickInputStep(before, `QuickPick item ${String(label)} to be accepted`, timeoutMs);
    }

    /**
     * Answers an InputBox (or types a value into a QuickPick that accepts free text), presses Enter
     * and waits until it was accepted (closed or moved to its next step). `prompt` (optional) is
     * waited for first (title, prompt or placeholder), to be sure it is the right box. Throws with
     * InputRejectedError (with the validation message) if the value is rejected; `inputBoxValidation`
     * checks a value without accepting it.
     */
    async answerInputBox(value: string, { prompt, timeoutMs = 20_000 }: { prompt?: string | RegExp; timeoutMs?: number } = {}): Promise<void> {
        await this.quickInputBox.waitFor({ state: 'visible', timeout: timeoutMs });
        if (prompt !== undefined) await this.waitForInputPrompt(prompt, timeoutMs);
        await this.quickInputBox.fill(value);
        const before = await this.quickInputState();
        await this.quickInputBox.press('Enter');
        // Done when the box closes or moves on; rejected when a validation error stays shown.
        let errorSince = 0;
        await until(
            `input "${value}" to be accepted`,
            async () => {
                if ((await this.quickInputState()) !== before) return true;
                const error = await this.inputBoxError();
                if (!error) errorSince = 0;
                else if (!errorSince) errorSince = Date.now();
                else if (Date.now() - errorSince > 1_500) throw new InputRejectedError(`Input "${value}" rejected: ${error}`);
                return false;
            },
            { timeoutMs, intervalMs: 50 }
        ).catch(async (e: Error) => {
            if (e instanceof InputRejectedError) throw e;
            throw new Error(`${e.message}; the input box says: ${await this.quickInputMessage().catch(() => '?')}`);
        });
    }

    /** The validation error/warning the visible input box shows ('' when none). */
    async inputBoxError(): Promise<string> {
        const box = this.quickInput.locator('.quick-input-box .monaco-inputbox');
        if (!(await box.isVisible())) return '';
        const cls = (await box.getAttribute('class')) ?? '';
        return /\b(error|warning)\b/.test(cls) ? await this.quickInputMessage() : '';
    }

    /**
     * Types `value` into the visible input box without accepting it and returns the validation
     * error VS Code shows for it ('' when valid). Validation is a round trip to the extension host
     * with no "done" signal, so the answer is the state once it stayed unchanged for `stableMs`.
     */
    async inputBoxValidation(value: string, { stableMs = 700, timeoutMs = 10_000 }: { stableMs?: number; timeoutMs?: number } = {}): Promise<string> {
        await this.quickInputBox.waitFor({ state: 'visible' });
        await this.quickInputBox.fill(value);
        let last: string | undefined;
        let since = Date.now();
        return until(
            `validation of "${value}" to settle`,
            async () => {
                const now = await this.inputBoxError();
                if (now !== last) {
                    last = now;
                    since = Date.now();
                }
                return Date.now() - since >= stableMs ? { now } : undefined;
            },
            { timeoutMs, intervalMs: 50 }
        ).then((r) => r.now);
    }

    private async waitForInputPrompt(prompt: string | RegExp, timeoutMs: number): Promise<void> {
        await until(
            `input box with prompt ${String(prompt)}`,
            async () => {
                const msg =
                    (await this.quickInput
                        .locator('.quick-input-message')
                        .textContent()
                        .catch(() => '')) ?? '';
                const placeholder = (await this.quickInputBox.getAttribute('placeholder')) ?? '';
                const title =
                    (await this.quickInput
                        .locator('.quick-input-title')
                        .textContent()
                        .catch(() => '')) ?? '';
                const all = `${title}\n${msg}\n${placeholder}`;
                return typeof prompt === 'string' ? all.includes(prompt) : prompt.test(all);
            },
            { timeoutMs }
        );
    }

    /** Presses Enter in the quick input (accepts a multi-select QuickPick or the focused item). */
    async acceptQuickInput(): Promise<void> {
        await this.quickInputBox.press('Enter');
    }

    /** Message currently shown under the quick input box: an InputBox's prompt or validation error. */
    async quickInputMessage(): Promise<string> {
        const m = this.quickInput.locator('.quick-input-message');
        return (await m.isVisible()) ? ((await m.textContent()) ?? '').trim() : '';
    }

    // ------------------------------------------------------------------------------ editors

    /** The editor of the active editor group. */
    get activeEditor(): Locator {
        return this.page.locator('.part.editor .editor-group-container.active .editor-container .monaco-editor').first();
    }

    /**
     * Opens a workspace file via Quick Open, like a user typing its path after Ctrl+P, and waits for
     * its editor. `file` is relative to the workspace folder (or absolute inside it).
     */
    async openFile(file: string, { timeoutMs = 30_000 }: { timeoutMs?: number } = {}): Promise<void> {
        const rel = path.isAbsolute(file) ? path.relative(this.workspace, file) : file;
        const base = path.basename(rel);
        const dir = path.dirname(rel) === '.' ? '' : path.dirname(rel);
        await this.openQuickAccess(rel);
        const row = this.quickInput
            .locator('.quick-input-list .monaco-list-row')
            .filter({ has: this.page.locator('.label-name', { hasText: exactText(base) }) })
            .filter(dir ? { has: this.page.locator('.label-description', { hasText: new RegExp(`(^|[\\\\/\\s])${escapeRegExp(dir)}\\s*$`) }) } : {})
            .first();
        try {
            await row.waitFor({ state: 'visible', timeout: timeoutMs });
        } catch {
            throw new Error(`Quick Open does not show ${rel}. Shown: ${JSON.stringify(await this.quickPickItems().catch(() => []))}`);
        }
        await row.click();
        await this.waitForActiveTab(base, timeoutMs);
    }

    /** Waits until the active editor tab shows `label` (a file name) and its editor is rendered. */
    async waitForActiveTab(label: string, timeoutMs = 30_000): Promise<void> {
        await this.page
            .locator('.part.editor .editor-group-container.active .tab.active', { has: this.page.locator('.label-name', { hasText: exactText(label) }) })
            .waitFor({ state: 'visible', timeout: timeoutMs });
        await this.activeEditor.locator('.view-lines').waitFor({ state: 'visible', timeout: timeoutMs });
    }

    /** Label of the active tab. */
    async activeTabLabel(): Promise<string> {
        return ((await this.page.locator('.part.editor .editor-group-container.active .tab.active .label-name').first().textContent()) ?? '').trim();
    }

    /** Moves the cursor with "Go to Line/Column" (1-based). */
    async goToLine(line: number, column?: number): Promise<void> {
        await this.openQuickAccess(`:${line}${column ? `:${column}` : ''}`);
        await this.quickInputBox.press('Enter');
        await this.quickInput.waitFor({ state: 'hidden' });
        await this.focusEditor();
    }

    /** Focuses the active editor's text input without moving the cursor. */
    async focusEditor(): Promise<void> {
        const input = this.activeEditor.locator('.native-edit-context, textarea.inputarea').first();
        await input.waitFor({ state: 'attached' });
        await input.focus();
        await until('editor focus', () => this.activeEditor.evaluate((el) => el.classList.contains('focused')), { timeoutMs: 5_000 });
    }

    /** Types text into the active editor at the cursor (auto-closing pairs and indentation apply). */
    async typeInEditor(text: string): Promise<void> {
        await this.focusEditor();
        await this.page.keyboard.type(text);
    }

    /** Presses keys in the focused element, e.g. 'Enter', 'Control+S', 'Escape'. */
    async press(...keys: string[]): Promise<void> {
        for (const k of keys) await this.page.keyboard.press(k);
    }

    /** Saves the active editor (Ctrl+S) and waits until its tab is no longer dirty. */
    async save(): Promise<void> {
        await this.focusEditor();
        await this.page.keyboard.press('Control+S');
        await this.page.locator('.part.editor .editor-group-container.active .tab.active.dirty').waitFor({ state: 'detached' });
    }

    /**
     * Triggers completion (Ctrl+Space) after typing `prefix` and accepts the item whose label is
     * `label` (default: `prefix`), e.g. a snippet. Leaves the editor in snippet mode (press Escape
     * to leave it).
     */
    async insertCompletion(prefix: string, label: string | RegExp = prefix, { timeoutMs = 20_000 }: { timeoutMs?: number } = {}): Promise<void> {
        await this.typeInEditor(prefix);
        const widget = this.page.locator('.editor-widget.suggest-widget');
        const row = widget.locator('.monaco-list-row').filter({
            has: this.page.locator('.label-name', { hasText: typeof label === 'string' ? exactText(label) : label })
        });
        await until(
            `completion item ${String(label)}`,
            async () => {
                if (!(await widget.isVisible())) await this.page.keyboard.press('Control+Space');
                await row.first().waitFor({ state: 'visible', timeout: 2_000 });
                return true;
            },
            { timeoutMs, intervalMs: 250 }
        );
        await row.first().click();
        await widget.waitFor({ state: 'hidden' });
    }

    /** Full text of the active editor (select all + copy via the clipboard; the cursor is restored). */
    async editorText(): Promise<string> {
        await this.focusEditor();
        return this.copyAllFromFocusedEditor();
    }

    /** Only the rendered (visible) lines of the active editor, top to bottom. No clipboard. */
    async visibleEditorLines(): Promise<string[]> {
        return this.activeEditor.locator('.view-lines').evaluate((root) => {
            const lines = Array.from(root.querySelectorAll('.view-line')) as Array<{ style: { top: string }; textContent: string | null }>;
            return lines
                .map((l) => ({ top: parseFloat(l.style.top), text: (l.textContent ?? '').replace(/\u00a0/g, ' ') }))
                .sort((a, b) => a.top - b.top)
                .map((l) => l.text);
        });
    }

    private async copyAllFromFocusedEditor(): Promise<string> {
        const page = this.page;
        await page.evaluate(() => (globalThis as any).navigator.clipboard.writeText('\u0000'));
        await page.keyboard.press('Control+A');
        await page.keyboard.press('Control+C');
        const text = await until(
            'clipboard to receive the copied text',
            async () => {
                const t = (await page.evaluate(() => (globalThis as any).navigator.clipboard.readText())) as string;
                return t === '\u0000' ? undefined : { t };
            },
            { timeoutMs: 5_000, intervalMs: 50 }
        );
        await page.keyboard.press('Control+U'); // cursorUndo: back to the selection before select-all
        return text.t.replace(/\r\n/g, '\n');
    }

    // ------------------------------------------------------------------------------ code lens

    /** Code lens links of the active editor whose text contains `text` (e.g. '▶ Dry run'). */
    codeLens(text: string | RegExp): Locator {
        return this.activeEditor.locator('.codelens-decoration a', { hasText: text });
    }

    /** Texts of all code lens links rendered in the active editor. */
    async codeLensTitles(): Promise<string[]> {
        return (await this.activeEditor.locator('.codelens-decoration a').allTextContents()).map((s) => s.trim());
    }

    async waitForCodeLens(text: string | RegExp, timeoutMs = 30_000): Promise<Locator> {
        const lens = this.codeLens(text).first();
        try {
            await lens.waitFor({ state: 'visible', timeout: timeoutMs });
        } catch {
            throw new Error(`No code lens ${String(text)} in the active editor after ${timeoutMs} ms. Shown: ${JSON.stringify(await this.codeLensTitles())}`);
        }
        return lens;
    }

    async clickCodeLens(text: string | RegExp, timeoutMs = 30_000): Promise<void> {
        await (await this.waitForCodeLens(text, timeoutMs)).click();
    }

    // ------------------------------------------------------------------------------ problems / quick fix

    /** Opens and focuses the Problems view. */
    async openProblems(): Promise<void> {
        const view = this.page.locator('.part.panel .markers-panel');
        if (!(await view.isVisible())) {
            await this.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
        }
        await view.waitFor({ state: 'visible' });
    }

    /** Entries of the Problems view (opens it). File rows are folded into `file` of their markers. */
    async readProblems(): Promise<Problem[]> {
        await this.openProblems();
        return this.page.locator('.part.panel .markers-panel').evaluate(readProblemsInBrowser);
    }

    /** Waits for a problem matching `match` (a message substring/RegExp or a predicate). */
    async waitForProblem(match: string | RegExp | ((p: Problem) => boolean), timeoutMs = 30_000): Promise<Problem> {
        const pred = typeof match === 'function' ? match : (p: Problem) => (typeof match === 'string' ? p.message.includes(match) : match.test(p.message));
        let last: Problem[] = [];
        try {
            return await until('problem', async () => (last = await this.readProblems()).find(pred), { timeoutMs, intervalMs: 250 });
        } catch (e) {
            (e as Error).message += `; Problems view shows: ${JSON.stringify(last.map((p) => `${p.file}:${p.line} ${p.message}`))}`;
            throw e;
        }
    }

    /** Waits until no problem matches `match`. */
    async waitForNoProblem(match: string | RegExp | ((p: Problem) => boolean), timeoutMs = 30_000): Promise<void> {
        const pred = typeof match === 'function' ? match : (p: Problem) => (typeof match === 'string' ? p.message.includes(match) : match.test(p.message));
        await until('problem to disappear', async () => !(await this.readProblems()).some(pred), { timeoutMs, intervalMs: 250 });
    }

    /**
     * Applies the quick fix titled `title` at the cursor (Ctrl+. on the current line; use
     * goToLine first). Waits until the code action menu closed.
     */
    async applyQuickFix(
        title: string | RegExp,
        { line, column, timeoutMs = 20_000 }: { line?: number; column?: number; timeoutMs?: number } = {}
    ): Promise<void> {
        const matches = (label: string) => (typeof title === 'string' ? label.trim() === title : title.test(label));
        let labels: string[] = [];
        try {
            labels = await until(
                `quick fix ${String(title)}`,
                async () => {
                    const shown = await this.openCodeActionMenu({ line, column, timeoutMs });
                    if (shown.some(matches)) return shown;
                    labels = shown;
                    await this.closeCodeActionMenu();
                    return undefined;
                },
                { timeoutMs, intervalMs: 250 }
            );
        } catch {
            throw new Error(`Quick fix ${String(title)} not offered at the cursor. Offered: ${JSON.stringify(labels)}`);
        }
        // Keyboard, not a click: the action widget's pointer block swallows clicks right after it opens.
        const actions = this.page.locator('.action-widget .monaco-list-row.action');
        const target = labels.findIndex(matches);
        await until(
            `quick fix ${String(title)} to be focused`,
            async () => {
                const focused = (await actions.evaluateAll((rows) => rows.findIndex((r) => r.classList.contains('focused')))) as number;
                if (focused === target) return true;
                await this.page.keyboard.press(focused < target ? 'ArrowDown' : 'ArrowUp');
                return false;
            },
            { timeoutMs: 5_000, intervalMs: 50 }
        );
        await this.page.keyboard.press('Enter');
        await this.page.locator('.action-widget').waitFor({ state: 'hidden' });
    }

    /** Titles offered by the quick fix menu at the cursor (menu closed afterwards). */
    async quickFixTitles({ line, column, timeoutMs = 20_000 }: { line?: number; column?: number; timeoutMs?: number } = {}): Promise<string[]> {
        const labels = await this.openCodeActionMenu({ line, column, timeoutMs });
        await this.closeCodeActionMenu();
        return labels;
    }

    /**
     * Ctrl+. at the cursor (after goToLine when `line` is given) until the code action menu opens;
     * returns the labels of its actions. "No code actions available" is retried: the first request
     * after opening a file can come back empty while language features are still starting.
     */
    private async openCodeActionMenu({ line, column, timeoutMs = 20_000 }: { line?: number; column?: number; timeoutMs?: number }): Promise<string[]> {
        if (line !== undefined) await this.goToLine(line, column);
        const menu = this.page.locator('.action-widget');
        const actions = menu.locator('.monaco-list-row.action');
        const noActions = this.activeEditor.locator('.monaco-editor-overlaymessage', { hasText: 'No code actions available' });
        await until(
            'the code action menu',
            async () => {
                await this.focusEditor();
                await this.page.keyboard.press('Control+.');
                const outcome = await Promise.race([
                    actions
                        .first()
                        .waitFor({ state: 'visible', timeout: 5_000 })
                        .then(() => 'menu'),
                    noActions.waitFor({ state: 'visible', timeout: 5_000 }).then(() => 'none')
                ]).catch(() => 'timeout');
                if (outcome === 'menu') return true;
                await this.page.keyboard.press('Escape');
                await noActions.waitFor({ state: 'hidden' }).catch(() => undefined);
                return false;
            },
            { timeoutMs, intervalMs: 250 }
        );
        return (await actions.evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''))) as string[];
    }

    private async closeCodeActionMenu(): Promise<void> {
        const menu = this.page.locator('.action-widget');
        if (await menu.isVisible()) {
            await this.page.keyboard.press('Escape');
            await menu.waitFor({ state: 'hidden' });
        }
    }

    // ------------------------------------------------------------------------------ output

    /** Shows an Output channel by name ("Output: Show Output Channels..." and pick). */
    async showOutput(channel: string): Promise<void> {
        const editor = this.page.locator('.part.panel .output-view .monaco-editor').first();
        if ((await editor.isVisible()) && (await this.shownOutputChannel()) === channel) return;
        await this.runCommand('Output: Show Output Channels...');
        await this.pickQuickPickItem(channel);
        await editor.waitFor({ state: 'visible' });
        await until(`output channel "${channel}" to be shown`, async () => (await this.shownOutputChannel()) === channel, { timeoutMs: 10_000 });
    }

    /** Name of the channel selected in the Output view's channel dropdown (undefined if hidden). */
    async shownOutputChannel(): Promise<string | undefined> {
        if (!(await this.page.locator('.part.panel .output-view').first().isVisible())) return undefined;
        const names = (await this.page
            .locator('.part.panel select.monaco-select-box')
            .evaluateAll((els) =>
                els.filter((e) => (e as any).offsetParent !== null).map((e) => (e as any).options[(e as any).selectedIndex]?.text ?? '')
            )) as string[];
        // With the Output view active, the only visible dropdown in the panel title is its channel.
        return names.length === 1 ? names[0] : undefined;
    }

    /** Full text of an Output channel as the Output view shows it (selects it first). */
    async readOutput(channel: string): Promise<string> {
        await this.showOutput(channel);
        const input = this.page
            .locator('.part.panel .output-view .monaco-editor .native-edit-context, .part.panel .output-view .monaco-editor textarea.inputarea')
            .first();
        await input.focus();
        return this.copyAllFromFocusedEditor();
    }

    /** Waits until the Output channel contains `text`; returns the whole channel text. */
    async waitForOutput(channel: string, text: string | RegExp, timeoutMs = 30_000): Promise<string> {
        let last = '';
        try {
            return await until(
                `output channel "${channel}" to contain ${String(text)}`,
                async () => {
                    last = await this.readOutput(channel);
                    return (typeof text === 'string' ? last.includes(text) : text.test(last)) ? last : undefined;
                },
                { timeoutMs, intervalMs: 300 }
            );
        } catch (e) {
            (e as Error).message += `\n--- "${channel}" shows ---\n${last}`;
            throw e;
        }
    }

    // ------------------------------------------------------------------------------ notifications

    /** Visible notification toasts containing `text`. */
    notification(text: string | RegExp): Locator {
        return this.page.locator('.notifications-toasts .notification-toast', { hasText: text });
    }

    async waitForNotification(text: string | RegExp, timeoutMs = 30_000): Promise<Locator> {
        const n = this.notification(text).first();
        await n.waitFor({ state: 'visible', timeout: timeoutMs });
        return n;
    }

    /** Clicks a button (e.g. "Show output") of the notification containing `text`. */
    async clickNotificationButton(text: string | RegExp, button: string): Promise<void> {
        const n = await this.waitForNotification(text);
        await n
            .locator('.monaco-button', { hasText: exactText(button) })
            .first()
            .click();
    }

    /** The visible modal dialog (showWarningMessage(…, { modal: true }) …). */
    get dialog(): Locator {
        return this.page.locator('.monaco-dialog-box');
    }

    /** Waits for a modal dialog whose text matches `text`, and returns its text (message and detail). */
    async waitForDialog(text: string | RegExp, timeoutMs = 30_000): Promise<string> {
        const box = this.page.locator('.monaco-dialog-box', { hasText: text }).first();
        await box.waitFor({ state: 'visible', timeout: timeoutMs });
        return box.innerText();
    }

    /** Clicks a button of the visible modal dialog and waits until the dialog is gone. */
    async clickDialogButton(button: string, timeoutMs = 20_000): Promise<void> {
        await this.dialog
            .locator('.dialog-buttons .monaco-button', { hasText: exactText(button) })
            .first()
            .click({ timeout: timeoutMs });
        await this.dialog.waitFor({ state: 'hidden', timeout: timeoutMs });
    }

    // ------------------------------------------------------------------------------ artifacts

    /** Screenshot of the page into test-results/e2e/<session name>/<name>.png (or an absolute path). */
    async screenshot(name: string): Promise<string> {
        const file = path.resolve(this.artifactsDir, name.endsWith('.png') ? name : `${name}.png`);
        mkdirSync(path.dirname(file), { recursive: true });
        await this.page.screenshot({ path: file });
        return file;
    }

    /** Copies this session's VS Code logs (server, extension host, …) into its artifacts folder. */
    saveLogs(): string {
        const to = path.join(this.artifactsDir, 'vscode-logs');
        const from = path.join(this.userDataDir, 'logs');
        if (existsSync(from)) cpSync(from, to, { recursive: true });
        return to;
    }

    // ------------------------------------------------------------------------------ shutdown

    /** Closes the browser, kills code-server's whole process tree, removes temp dirs. Idempotent. */
    async close(): Promise<void> {
        if (this.closed) return;
        this.closed = true;
        try {
            await this.context?.close().catch(() => undefined);
            await this.browser?.close().catch(() => undefined);
        } finally {
            await this.stopServer();
            this.serverLogStream?.end();
            liveSessions.delete(this);
            if (!(this.options.keepTemp || process.env.NANGO_E2E_KEEP === '1')) rmSync(this.tmp, { recursive: true, force: true });
        }
    }

    private async stopServer(): Promise<void> {
        const pgid = this.server?.pid;
        if (pgid === undefined) return;
        const remaining = () => sessionProcesses(this.marker, pgid);
        try {
            process.kill(-pgid, 'SIGTERM');
        } catch {
            /* group already gone */
        }
        killAll(remaining(), 'SIGTERM');
        try {
            await until('code-server processes to exit', () => remaining().length === 0, { timeoutMs: 5_000, intervalMs: 50 });
        } catch {
            killAll(remaining(), 'SIGKILL');
            await until('code-server processes to die (SIGKILL)', () => remaining().length === 0, { timeoutMs: 5_000, intervalMs: 50 });
        }
        await this.serverExit;
    }

    /** Processes of this session still alive (code-server's group and anything carrying its marker). */
    leftoverProcesses(): number[] {
        return sessionProcesses(this.marker, this.server?.pid);
    }

    /** Synchronous last resort for process exit: SIGKILL everything of this session. */
    killSync(): void {
        const pgid = this.server?.pid;
        if (pgid !== undefined) {
            try {
                process.kill(-pgid, 'SIGKILL');
            } catch {
                /* gone */
            }
        }
        killAll(sessionProcesses(this.marker, pgid), 'SIGKILL');
    }
}

/**
 * Copies a workspace folder (default: examples/nango-integrations) into a fresh temp folder, so that
 * tests can edit it: `node_modules` is symlinked rather than copied; the emulator's run state
 * (.nango-emulator/state.json and cache/, git-ignored) is left out, its fixtures are kept.
 * Returns the temp folder (removed at process exit at the latest); the copy is
 * `<temp>/<basename of src>` (open the temp folder or the copy).
 */
export function copyWorkspace(
    src = path.join(repoRoot, 'examples', 'nango-integrations'),
    {
        exclude = /^(node_modules|\.nango-emulator[\\/](state\.json|cache))([\\/]|$)/,
        linkNodeModules = true
    }: { exclude?: RegExp; linkNodeModules?: boolean } = {}
): string {
    if (!existsSync(src)) throw new Error(`workspace to copy not found: ${src}`);
    const dir = removeAtExit(realpathSync(mkdtempSync(path.join(os.tmpdir(), 'nango-e2e-ws-'))));
    const dest = path.join(dir, path.basename(src));
    cpSync(src, dest, { recursive: true, filter: (p) => !exclude.test(path.relative(src, p)) });
    const modules = path.join(src, 'node_modules');
    if (linkNodeModules && existsSync(modules)) symlinkSync(modules, path.join(dest, 'node_modules'), 'dir');
    return dir;
}

/**
 * Writes `files` (path → content) under a fresh temp folder and returns it (removed at process exit
 * at the latest).
 */
export function makeTempWorkspace(files: Record<string, string>, prefix = 'nango-e2e-ws-'): string {
    const dir = removeAtExit(realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix))));
    for (const [rel, content] of Object.entries(files)) {
        const p = path.join(dir, rel);
        mkdirSync(path.dirname(p), { recursive: true });
        writeFileSync(p, content);
    }
    return dir;
}
