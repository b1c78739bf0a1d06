/**
 * Runs the extension-host suite (./suite: mocha inside the extension host, real `vscode` API) in the
 * code-server VS Code of this machine instead of a downloaded desktop VS Code (see ./runTest.ts).
 * The extension under test is the repo (loaded as a development extension), so build first:
 *
 *   bash scripts/e2e/setup-vscode.sh && npm run build && npx tsx test/e2e/electron/runInCodeServer.ts
 *
 * Prints the mocha report; exits non-zero when a test fails or the suite cannot run. Artifacts
 * (code-server log, extension host log lines, report) go to test-results/e2e/extension-host-suite/.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { runExtensionTests } from '../harness';
import { bundleExtensionHostSuite, repoRoot } from './bundle';
import { makeSuiteWorkspace } from './workspace';

async function main(): Promise<number> {
    if (!existsSync(path.join(repoRoot, 'dist', 'extension.js'))) {
        console.error('dist/extension.js is missing: npm run build');
        return 2;
    }
    const extensionTestsPath = await bundleExtensionHostSuite();
    const workspace = makeSuiteWorkspace();
    const name = 'extension-host-suite';
    const report = path.join(repoRoot, 'test-results', 'e2e', `${name}-report.txt`);
    try {
        const result = await runExtensionTests({
            extensionDevelopmentPath: repoRoot,
            extensionTestsPath,
            workspace,
            name,
            env: { NANGO_E2E_REPO_ROOT: repoRoot, NANGO_E2E_WORKSPACE: workspace, NANGO_E2E_REPORT_FILE: report }
        });
        console.log(existsSync(report) ? readFileSync(report, 'utf8') : '(no mocha report: the suite did not start)');
        if (result.exitCode !== 0) {
            console.error(result.log.filter((l) => /^error/.test(l)).slice(-20).join('\n'));
            console.error(`extension host suite failed (exit ${result.exitCode}); logs in test-results/e2e/${name}/`);
        }
        console.log(`code-server ${result.timings.totalMs} ms, tests ${result.timings.testsMs} ms`);
        return result.exitCode;
    } finally {
        rmSync(workspace, { recursive: true, force: true });
    }
}

main().then(
    (code) => process.exit(code),
    (err: unknown) => {
        console.error('extension host suite could not run:', err);
        process.exit(1);
    }
);
