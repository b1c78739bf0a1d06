/**
 * The real extension in a real VS Code (code-server 1.100 + headless Chromium), used as a user would:
 * open the example project, see the "not imported" diagnostic and apply its quick fix, see the Dry run
 * code lenses, reconnect to another org and read the result in the output, create a new event
 * function from the palette, insert a snippet, deploy the event functions (to `nango-emulator serve`,
 * whose port is fixed at launch for the extension host's NANGO_HOSTPORT). Screenshots land in test-results/e2e/extension/.
 *
 * Needs `npm run package` (the .vsix under test) and `bash scripts/e2e/setup-vscode.sh`.
 * Run: npx mocha --config test/e2e/.mocharc.json
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, serveEmulator } from './emulatorServe';
import { launchVSCode, repoRoot, until, type VSCodeSession } from './harness';

/** Waits until a file on disk matches: the editor saves asynchronously. */
function waitForFile(file: string, pattern: RegExp): Promise<unknown> {
    return until(`${file} to match ${pattern}`, () => pattern.test(readFileSync(file, 'utf8')), { timeoutMs: 15_000 });
}

/** Waits until a toast has finished sliding in, so that its screenshot shows it whole. */
async function settled(toast: import('playwright-core').Locator): Promise<void> {
    let last = '';
    await until(
        'the notification to stop moving',
        async () => {
            const box = JSON.stringify(await toast.boundingBox());
            const same = box === last;
            last = box;
            await new Promise((r) => setTimeout(r, 150));
            return same;
        },
        { timeoutMs: 5_000 }
    );
}

const EXTENSION_ID = 'nango-event-functions.nango-event-functions';
const example = path.join(repoRoot, 'examples/nango-integrations');

const vsix = path.join(repoRoot, 'nango-event-functions.vsix');

/**
 * A copy of the example project, installed as a user's is (its node_modules, with the nango package
 * and so esbuild), whose index.ts forgets one handler.
 */
function exampleWorkspace(): string {
    if (!existsSync(path.join(example, 'node_modules/nango'))) execFileSync('bash', [path.join(repoRoot, 'scripts/check-examples.sh')], { stdio: 'inherit' });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nango-e2e-example-'));
    const root = path.join(dir, 'nango-integrations');
    cpSync(example, root, { recursive: true, filter: (src) => !/node_modules|state\.json|[\\/](cache|locks)([\\/]|$)/.test(path.relative(example, src)) });
    symlinkSync(path.join(example, 'node_modules'), path.join(root, 'node_modules'), 'dir');
    const index = path.join(root, 'index.ts');
    writeFileSync(index, readFileSync(index, 'utf8').replace("import './github/on-events/seed-metadata';\n", ''));
    return dir;
}

describe('the Nango extension in a real VS Code', function () {
    let vscode: VSCodeSession | undefined;
    let workspace: string;
    let root: string;
    /** Where "Nango: Deploy…" sends the deploy (NANGO_HOSTPORT): the last test serves it. */
    let deployPort: number;

    before(async function () {
        workspace = exampleWorkspace();
        root = path.join(workspace, 'nango-integrations');
        // The packaged extension, exactly as users install it (npm run package makes it).
        if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run "npm run package" first`);
        deployPort = await freePort();
        vscode = await launchVSCode({
            workspace,
            extensions: [{ vsix }],
            name: 'extension',
            env: { NANGO_HOSTPORT: `http://127.0.0.1:${deployPort}`, NANGO_SECRET_KEY_DEV: 'e2e-secret-key-dev' }
        });
        await vscode.waitForExtensionActivated(EXTENSION_ID);
    });
    afterEach(async function () {
        const v = vscode;
        if (this.currentTest?.state === 'failed' && v) {
            const slug = (this.currentTest.title || 'test').replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
            await v.screenshot(path.join(v.artifactsDir, `FAILED-${slug}.png`)).catch(() => undefined);
            v.saveLogs();
            await v.resetUI();
        }
    });
    after(async function () {
        await vscode?.close();
        rmSync(workspace, { recursive: true, force: true });
    });

    it('activates cheaply and builds the workspace model in the background', async function () {
        const v = vscode!;
        const text = await v.waitForOutput('Nango Emulator', /workspace model ready in/);
        const activation = /activated in ([\d.]+) ms \(module load ([\d.]+) ms\)/.exec(text);
        const model = /workspace model ready in ([\d.]+) ms: .*\((\d+) event functions\)/.exec(text);
        assert.ok(activation && model, text);
        assert.equal(model[2], '5');
        // A figure for the benchmark (npm run bench reads it), not a timed assertion.
        writeFileSync(
            path.join(v.artifactsDir, 'activation.json'),
            JSON.stringify({ activationMs: Number(activation[1]), moduleLoadMs: Number(activation[2]), modelReadyMs: Number(model[1]) })
        );
    });

    it('flags a handler that index.ts does not import, and the quick fix adds the import', async function () {
        const v = vscode!;
        await v.openFile(path.join(root, 'github/on-events/seed-metadata.ts'));
        const problem = await v.waitForProblem(/not imported|does not import/i);
        assert.match(problem.message, /seed-metadata/);
        assert.equal(problem.source, 'nango');
        await v.screenshot('diagnostic-not-imported');
        await v.applyQuickFix('Add import to index.ts', { line: problem.line, column: problem.column });
        await v.waitForNoProblem(/not imported|does not import/i);
        // The fix edits index.ts in an editor (undoable); save it as a user would.
        await v.openFile(path.join(root, 'index.ts'));
        assert.match(await v.editorText(), /import '\.\/github\/on-events\/seed-metadata';/);
        await v.save();
        await waitForFile(path.join(root, 'index.ts'), /import '\.\/github\/on-events\/seed-metadata';/);
    });

    it('shows the Dry run code lenses above createOnEvent', async function () {
        const v = vscode!;
        await v.openFile(path.join(root, 'salesforce/on-events/validate-connection.ts'));
        await v.waitForCodeLens('▶ Reconnect…');
        const titles = await v.codeLensTitles();
        for (const t of ['▶ First connect', '▶ Reconnect…', '▶ Dry run', 'Debug'])
            assert.ok(
                titles.some((x) => x.includes(t)),
                `missing lens ${t} in ${JSON.stringify(titles)}`
            );
        await v.screenshot('code-lens');
        // Showing an event function started the folder's emulator server, before any run: the first
        // click's quick pick does not wait for a process to start.
        const output = await v.waitForOutput('Nango Emulator', /emulator server for .* listening on/);
        assert.doesNotMatch(output, /timing: |dryrun \(/);
    });

    it('reconnects to another org from the lens and shows the rejection in the output', async function () {
        const v = vscode!;
        await v.clickCodeLens('▶ Reconnect…');
        await v.pickQuickPickItem('sf-acme');
        await v.pickQuickPickItem('globex');
        const text = await v.waitForOutput('Nango Emulator', /status: {2}refresh_exhausted/, 60_000);
        assert.match(text, /Salesforce org mismatch: expected 00D5g00000AcmeXEAR, got 00D8c00000GlbxYEAQ/);
        assert.match(text, /GET {4}https:\/\/globex\.my\.salesforce\.com\/services\/oauth2\/userinfo → 200/);
        assert.doesNotMatch(text, /access_token|fake-access/i);
        await v.waitForNotification(/rejected by validate-connection: Salesforce org mismatch.*As in Nango, the connection is now refresh_exhausted/);
        await v.screenshot('dry-run-result');
    });

    it('shows emulated connections and the last run in the Nango Emulator view', async function () {
        const v = vscode!;
        // The view lives in its own activity-bar container "Nango" (package.json viewsContainers); the
        // sidebar shows that container's composite, whose element id is the container's view id.
        await v.runCommand('Nango: Focus on Nango Emulator View');
        const view = v.page.locator('.part.sidebar [id="workbench.view.extension.nango"]').first();
        let seen = '';
        const text = await until(
            'the view to show the last run and the reconnected connection',
            async () => {
                const t = (seen = await view.innerText());
                return /Last run: dryrun sf-acme/.test(t) && /sf-acme\s*globex · refresh_exhausted/.test(t) ? t : undefined;
            },
            { timeoutMs: 20_000 }
        ).catch((err: Error) => {
            throw new Error(`${err.message}\nThe view shows:\n${seen}`);
        });
        assert.match(text, /rejected · refresh_exhausted/);
        assert.match(text, /metadata unchanged/);
        await v.screenshot('emulator-view');
    });

    it('lists the shipped scenarios in the Testing view and runs them all green', async function () {
        const v = vscode!;
        await v.runCommand('Test: Run All Tests');
        await v.runCommand('Testing: Focus on Test Explorer View');
        const sidebar = v.page.locator('.part.sidebar');
        // The summary reads "passed/total" once every scenario step has run.
        const text = await until(
            'every scenario to pass',
            async () => {
                const t = await sidebar.innerText();
                const m = /\b(\d+)\/(\d+)\b/.exec(t);
                return m && Number(m[1]) > 0 && m[1] === m[2] ? t : undefined;
            },
            { timeoutMs: 120_000 }
        );
        assert.match(text, /salesforce\.json/);
        assert.match(text, /github\.json/);
        await v.screenshot('test-explorer');
    });

    it('creates a new event function from the palette and imports it', async function () {
        const v = vscode!;
        await v.runCommand('Nango: New Event Function…');
        await v.pickQuickPickItem('salesforce');
        await v.pickQuickPickItem('post-connection-creation');
        await v.answerInputBox('sync-org-settings');
        await v.waitForActiveTab('sync-org-settings.ts');
        assert.match(await v.editorText(), /event: 'post-connection-creation'/);
        await waitForFile(path.join(root, 'index.ts'), /import '\.\/salesforce\/on-events\/sync-org-settings';/);
        await v.screenshot('new-event-function');
    });

    it('inserts the pre-connection-deletion snippet', async function () {
        const v = vscode!;
        const file = path.join(root, 'github/on-events/cleanup.ts');
        writeFileSync(file, '');
        await v.openFile(file);
        await v.insertCompletion('nango-pre-connection-deletion');
        const text = await v.editorText();
        assert.match(text, /import \{ createOnEvent \} from 'nango';/);
        assert.match(text, /event: 'pre-connection-deletion'/);
        await v.screenshot('snippet');
    });

    it("flags an import Nango's runtime refuses before the run, and the dry run fails with Nango's rule", async function () {
        const v = vscode!;
        const file = path.join(root, 'salesforce/on-events/read-settings.ts');
        const index = path.join(root, 'index.ts');
        const indexBefore = readFileSync(index, 'utf8');
        writeFileSync(
            file,
            [
                "import { createOnEvent } from 'nango';",
                "import fs from 'fs';",
                '',
                'export default createOnEvent({',
                "    description: 'Reads webhook settings from a file (which Nango cannot do)',",
                "    event: 'post-connection-creation',",
                '    exec: async (nango) => {',
                "        const settings = JSON.parse(fs.readFileSync('settings.json', 'utf8')) as { url: string };",
                "        await nango.post({ endpoint: '/webhooks', data: { url: settings.url } });",
                '    }',
                '});',
                ''
            ].join('\n')
        );
        writeFileSync(index, `${indexBefore}import './salesforce/on-events/read-settings';\n`);
        try {
            await v.openFile(file);
            const problem = await v.waitForProblem(/Import of package 'fs' is not allowed/);
            assert.equal(problem.source, 'nango');
            assert.equal(problem.line, 2);
            await v.screenshot('diagnostic-fs-import-refused');
            await v.openFile(file);
            await v.clickCodeLens('▶ Dry run');
            await v.pickQuickPickItem('sf-acme');
            const text = await v.waitForOutput('Nango Emulator', /read-settings\.ts:2:\d+: Import of package 'fs' is not allowed/, 60_000);
            assert.match(text, /nango compile refuses it/);
            assert.match(text, /Event functions have no file system/);
            await v.waitForNotification(/Import of package 'fs' is not allowed/);
            await v.screenshot('dry-run-fs-import-refused');
        } finally {
            rmSync(file, { force: true });
            writeFileSync(index, indexBefore);
        }
    });

    it("deploys the event functions through Nango's deploy API: errors in the Problems panel first, then a confirmation", async function () {
        const v = vscode!;
        // An event function index.ts does not import: an error in the Problems panel, which the deploy names first.
        const draft = path.join(root, 'github/on-events/draft-deploy.ts');
        writeFileSync(
            draft,
            "import { createOnEvent } from 'nango';\n\nexport default createOnEvent({\n    description: 'Not imported yet',\n    event: 'post-connection-creation',\n    exec: async () => {}\n});\n"
        );
        // Run alone (--grep), index.ts still lacks the import the first test adds: the 5 example functions are deployed either way.
        const index = path.join(root, 'index.ts');
        const indexBefore = readFileSync(index, 'utf8');
        if (!indexBefore.includes("import './github/on-events/seed-metadata';"))
            writeFileSync(index, `${indexBefore}import './github/on-events/seed-metadata';\n`);
        const server = await serveEmulator(root, deployPort);
        try {
            await v.openFile(draft);
            await v.waitForProblem(/draft-deploy.*not imported/);
            await v.runCommand('Nango: Deploy…');
            await v.pickQuickPickItem('dev');
            const gate = await v.waitForNotification(/The Problems panel has \d+ errors? in \d+ files? of this project/);
            assert.match(await gate.innerText(), /Fix them first/);
            await settled(gate);
            await v.screenshot('deploy-problems-gate');
            await v.clickNotificationButton(/The Problems panel has/, 'Deploy anyway');
            // Event functions only: not the real `nango deploy` (0.71.10 refuses them), and the dialog says so.
            const dialog = await v.waitForDialog(/Deploy \d+ event functions to dev\?/);
            assert.match(dialog, /nango deploy 0\.71\.10 refuses projects without syncs or actions; deploying the event functions through Nango's deploy API/);
            assert.match(dialog, /NANGO_SECRET_KEY_DEV environment variable/);
            await v.screenshot('deploy-confirmation');
            await v.clickDialogButton('Deploy');
            // The notification quotes the emulator CLI's own result line (success, or its error), never "see the terminal".
            const done = await v.waitForNotification(/nango-emulator deploy dev(: deployed| failed: )/, 120_000);
            const text = await done.innerText();
            assert.doesNotMatch(text, /see the terminal/);
            await settled(done);
            await v.screenshot('deploy-notification');
            const res = await fetch(`${server.url}/_emulator/deployments`);
            const body = (await res.json()) as {
                deployments: Array<{ environment: string; onEventScripts: Array<{ providerConfigKey: string; name: string; event: string }> }>;
            };
            assert.equal(body.deployments.length, 1, JSON.stringify(body));
            const deployed = body.deployments[0]!.onEventScripts.map((s) => `${s.providerConfigKey}/${s.name}:${s.event}`);
            for (const expected of [
                'salesforce/validate-connection:validate-connection',
                'salesforce/post-connection-setup:post-connection-creation',
                'salesforce/pre-connection-cleanup:pre-connection-deletion',
                'github/validate-scopes:validate-connection',
                'github/seed-metadata:post-connection-creation'
            ]) {
                assert.ok(deployed.includes(expected), `${expected} not deployed: ${JSON.stringify(deployed)}`);
            }
            // What index.ts does not import is not deployed.
            assert.ok(!deployed.some((d) => d.includes('draft-deploy')), JSON.stringify(deployed));
        } finally {
            await server.stop();
            rmSync(draft, { force: true });
            writeFileSync(index, indexBefore);
        }
    });
});
