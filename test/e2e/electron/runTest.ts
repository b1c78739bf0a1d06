/**
 * The same extension, tested inside DESKTOP VS Code with @vscode/test-electron: mocha runs inside the
 * extension host, so tests can use the `vscode` API directly (test/e2e/electron/suite/*.electron.test.ts).
 *
 * NOT run on the project's CI machines: @vscode/test-electron downloads VS Code from
 * update.code.visualstudio.com, which they cannot reach (they use the code-server harness in
 * test/e2e/harness.ts instead). Use it on a machine that can download VS Code, or point it at an
 * installed one:
 *
 *   npm i -D @vscode/test-electron@^2.5.2     # not a devDependency yet; 3.x needs Node 22
 *   npm run build
 *   npx tsx test/e2e/electron/runTest.ts                                   # downloads VS Code
 *   VSCODE_EXECUTABLE_PATH=/usr/share/code/code npx tsx test/e2e/electron/runTest.ts
 *   VSCODE_VERSION=stable npx tsx test/e2e/electron/runTest.ts             # default: 1.100.3
 *
 * On a Linux machine without a display, wrap it in `xvfb-run -a`.
 * The suite is bundled with esbuild into .vscode-test/e2e-suite/ (git-ignored); the extension under
 * test is the repo itself (--extensionDevelopmentPath), with dist/ from `npm run build`.
 * The SAME suite runs here, without desktop VS Code, in code-server: ./runInCodeServer.ts.
 */
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { bundleExtensionHostSuite, repoRoot } from './bundle';
import { makeSuiteWorkspace } from './workspace';

interface RunTestsOptions {
    version?: string;
    vscodeExecutablePath?: string;
    extensionDevelopmentPath: string;
    extensionTestsPath: string;
    launchArgs?: string[];
    extensionTestsEnv?: Record<string, string | undefined>;
}

async function main(): Promise<number> {
    // A variable specifier: the repo type-checks without @vscode/test-electron installed.
    const specifier = '@vscode/test-electron';
    let runTests: (o: RunTestsOptions) => Promise<number>;
    try {
        ({ runTests } = (await import(specifier)) as { runTests: typeof runTests });
    } catch {
        console.error('@vscode/test-electron is not installed: npm i -D @vscode/test-electron@^2.5.2');
        return 2;
    }
    if (!existsSync(path.join(repoRoot, 'dist', 'extension.js'))) {
        console.error('dist/extension.js is missing: npm run build');
        return 2;
    }

    const extensionTestsPath = await bundleExtensionHostSuite();
    const workspace = makeSuiteWorkspace();
    try {
        return await runTests({
            version: process.env.VSCODE_VERSION ?? '1.100.3',
            vscodeExecutablePath: process.env.VSCODE_EXECUTABLE_PATH || undefined,
            extensionDevelopmentPath: repoRoot,
            extensionTestsPath,
            launchArgs: [workspace, '--disable-extensions', '--skip-welcome', '--skip-release-notes', '--disable-workspace-trust'],
            extensionTestsEnv: { NANGO_E2E_REPO_ROOT: repoRoot, NANGO_E2E_WORKSPACE: workspace }
        });
    } finally {
        rmSync(workspace, { recursive: true, force: true });
    }
}

main().then(
    (code) => process.exit(code),
    (err: unknown) => {
        console.error('VS Code tests failed:', err);
        process.exit(1);
    }
);
