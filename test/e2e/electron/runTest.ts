/**
 * The ONE launcher of the extension-host suite (./suite: mocha inside VS Code's extension host, real
 * `vscode` API): @vscode/test-electron's runTests(), with the workspace from ./workspace.ts and the
 * suite bundled by ./bundle.ts into .vscode-test/e2e-suite/ (git-ignored). The extension under test
 * is the repo itself (--extensionDevelopmentPath), with dist/ from `npm run build`.
 *
 * Which VS Code runs it (NANGO_E2E_VSCODE):
 *   - `code-server` (default when scripts/e2e/setup-vscode.sh installed it and VSCODE_EXECUTABLE_PATH
 *     is unset; what `npm run test:e2e` uses on the project's machines, which cannot download VS
 *     Code): runTests() launches ./code-server-stand-in.sh as its `vscodeExecutablePath`; that script
 *     takes VS Code's command line and runs the suite in code-server 4.100.3 (VS Code 1.100.3) with
 *     headless Chromium (runExtensionTests in ../harness.ts).
 *   - `desktop`: desktop VS Code, VSCODE_EXECUTABLE_PATH or else downloaded by test-electron
 *     (VSCODE_VERSION, default 1.100.3) from update.code.visualstudio.com.
 *
 *   npm run build && npx tsx test/e2e/electron/runTest.ts                 # code-server if installed
 *   NANGO_E2E_VSCODE=desktop npx tsx test/e2e/electron/runTest.ts         # downloads VS Code
 *   VSCODE_EXECUTABLE_PATH=/usr/share/code/code npx tsx test/e2e/electron/runTest.ts
 *
 * Desktop VS Code on a Linux machine without a display: wrap it in `xvfb-run -a`.
 * Exits with the suite's exit code (test-electron's TestRunFailedError → its code).
 */
import { runTests } from '@vscode/test-electron';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { findCodeServer } from '../harness';
import { bundleExtensionHostSuite, here, repoRoot } from './bundle';
import { makeMultiRootWorkspace, makeSuiteWorkspace } from './workspace';

const standIn = path.join(here, 'code-server-stand-in.sh');

function codeServerInstalled(): boolean {
    try {
        findCodeServer();
        return true;
    } catch {
        return false;
    }
}

/** The executable runTests() launches, or undefined to let it download desktop VS Code. */
function vscodeExecutable(): { path: string | undefined; label: string } {
    const wanted = process.env.NANGO_E2E_VSCODE;
    if (wanted && wanted !== 'code-server' && wanted !== 'desktop') throw new Error(`NANGO_E2E_VSCODE must be "code-server" or "desktop", not "${wanted}"`);
    const desktop = process.env.VSCODE_EXECUTABLE_PATH || undefined;
    if (wanted === 'code-server' || (!wanted && !desktop && codeServerInstalled())) {
        findCodeServer(); // throws with what to run when it is missing
        return { path: standIn, label: 'code-server (stand-in for desktop VS Code)' };
    }
    return { path: desktop, label: desktop ? `desktop VS Code at ${desktop}` : 'desktop VS Code (downloaded)' };
}

/** Runs one suite (NANGO_E2E_SUITE) with `workspace` open; returns VS Code's exit code. */
async function runSuite(
    executable: { path: string | undefined },
    extensionTestsPath: string,
    suite: 'electron' | 'multiroot',
    workspace: string,
    env: Record<string, string>
): Promise<number> {
    try {
        return await runTests({
            version: process.env.VSCODE_VERSION ?? '1.100.3',
            vscodeExecutablePath: executable.path,
            extensionDevelopmentPath: repoRoot,
            extensionTestsPath,
            // runTests adds --disable-workspace-trust (trusted), --skip-welcome, --no-sandbox, … itself.
            launchArgs: [workspace, '--disable-extensions'],
            extensionTestsEnv: { NANGO_E2E_REPO_ROOT: repoRoot, NANGO_E2E_SUITE: suite, ...env }
        });
    } catch (err) {
        // runTests rejects with TestRunFailedError { code } when VS Code exits non-zero.
        const code = (err as { code?: unknown }).code;
        if (typeof code === 'number') return code;
        throw err;
    }
}

async function main(): Promise<number> {
    if (!existsSync(path.join(repoRoot, 'dist', 'extension.js'))) {
        console.error('dist/extension.js is missing: npm run build');
        return 2;
    }
    const executable = vscodeExecutable();
    console.log(`extension-host suite in ${executable.label}`);
    const extensionTestsPath = await bundleExtensionHostSuite();
    const workspace = makeSuiteWorkspace();
    let code: number;
    try {
        code = await runSuite(executable, extensionTestsPath, 'electron', workspace, { NANGO_E2E_WORKSPACE: workspace });
    } finally {
        rmSync(workspace, { recursive: true, force: true });
    }
    // A second window: two nango-integrations folders in one workspace (.code-workspace).
    console.log('multi-root suite: two folders in one window');
    const multiRoot = makeMultiRootWorkspace();
    try {
        const second = await runSuite(executable, extensionTestsPath, 'multiroot', multiRoot.file, {});
        return code || second;
    } finally {
        for (const dir of multiRoot.folders) rmSync(dir, { recursive: true, force: true });
    }
}

main().then(
    (code) => process.exit(code),
    (err: unknown) => {
        console.error('extension-host suite could not run:', err);
        process.exit(1);
    }
);
