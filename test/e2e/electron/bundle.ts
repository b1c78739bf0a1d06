/**
 * Bundles the extension-host suites (suite/index.ts + suite/*.electron.test.ts + suite/*.multiroot.test.ts) to CommonJS for VS Code
 * to load with `extensionTestsPath`. `vscode` and `mocha` stay external (the extension host provides
 * `vscode`; mocha resolves from the repo's node_modules, so the output must stay inside the repo).
 */
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..', '..');

/** Returns the path of the bundled runner (index.js) to pass as extensionTestsPath. */
export async function bundleExtensionHostSuite(outdir = path.join(repoRoot, '.vscode-test', 'e2e-suite')): Promise<string> {
    rmSync(outdir, { recursive: true, force: true });
    const suiteDir = path.join(here, 'suite');
    const entryPoints = readdirSync(suiteDir)
        .filter((f) => f === 'index.ts' || /\.(electron|multiroot)\.test\.ts$/.test(f))
        .map((f) => path.join(suiteDir, f));
    await esbuild.build({
        entryPoints,
        outdir,
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        sourcemap: true,
        external: ['vscode', 'mocha'],
        logLevel: 'warning'
    });
    return path.join(outdir, 'index.js');
}
