/**
 * Smoke test of the e2e harness: a real VS Code 1.100 (code-server) + headless Chromium, with a
 * throwaway extension generated at test time (test/e2e/smoke-extension.ts). It proves the workbench
 * loads, the extension host activates an extension from --extensions-dir (symlinked, copied, or
 * installed from a .vsix), and that every harness helper the real extension's tests need works:
 * palette commands, output channels, notifications, Quick Open, code lenses, Problems + quick fix,
 * QuickPick + InputBox, snippet completion, screenshots, clean shutdown.
 *
 * Needs `bash scripts/e2e/setup-vscode.sh` first. Run: npx mocha --config test/e2e/.mocharc.json
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchVSCode, makeTempWorkspace, removeAtExit, runExtensionTests, type VSCodeSession } from './harness';
import { SMOKE_EXTENSION_ID, writeSmokeExtension } from './smoke-extension';
import { writeVsix } from './vsix';

const workspaceFiles = {
    'src/hello.ts':
        "// the smoke extension puts a code lens above the next line\nsmokeTarget('hello');\nexport {};\ndeclare const smokeTarget: (s: string) => void;\n",
    'src/needs.ts': '// line 1\nconst x = 1; // MISSING_IMPORT\nexport { x };\n',
    'src/empty.ts': '',
    'README.md': '# e2e smoke workspace\n'
};

/** On failure: screenshot and VS Code logs into test-results/e2e/<session>/. */
function keepArtifactsOnFailure(get: () => VSCodeSession | undefined) {
    afterEach(async function () {
        const s = get();
        if (this.currentTest?.state === 'failed' && s) {
            const slug = (this.currentTest.title || 'test').replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
            await s.screenshot(path.join(s.artifactsDir, `FAILED-${slug}.png`)).catch(() => undefined);
            s.saveLogs();
            await s.resetUI();
        }
    });
}

describe('e2e harness: real VS Code + throwaway extension (symlinked)', function () {
    let vscode: VSCodeSession | undefined;
    let tmp: string;
    let workspace: string;

    before(async function () {
        tmp = removeAtExit(mkdtempSync(path.join(os.tmpdir(), 'nango-e2e-smoke-')));
        const extension = writeSmokeExtension(path.join(tmp, 'e2e-smoke'));
        workspace = makeTempWorkspace(workspaceFiles);
        vscode = await launchVSCode({ workspace, extensions: [{ path: extension }], name: 'workbench-smoke' });
        console.log(
            `      VS Code ${vscode.install.vscodeVersion} (code-server ${vscode.install.codeServerVersion}) started: ${JSON.stringify(vscode.timings)}`
        );
    });
    keepArtifactsOnFailure(() => vscode);
    after(async function () {
        await vscode?.close();
        rmSync(tmp, { recursive: true, force: true });
        rmSync(workspace, { recursive: true, force: true });
    });

    it('loads the workbench with the folder open', async function () {
        const v = vscode!;
        assert.match(v.install.vscodeVersion, /^1\.100\./);
        await v.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'src' }).first().waitFor();
        const shot = await v.screenshot('workbench');
        assert.ok(statSync(shot).size > 10_000, 'screenshot is not empty');
    });

    it('activates the extension in the extension host', async function () {
        await vscode!.waitForExtensionActivated(SMOKE_EXTENSION_ID);
    });

    it('runs a palette command whose text shows in its output channel', async function () {
        const v = vscode!;
        await v.runCommand('E2E Smoke: Hello');
        await v.clickNotificationButton('E2E Smoke says hello', 'Show Output');
        const text = await v.waitForOutput('E2E Smoke', 'Hello from e2eSmoke.hello');
        assert.match(text, /e2e smoke extension activated \(VS Code 1\.100\.\d+\)/);
        await v.screenshot('output-channel');
    });

    it('reads a LogOutputChannel', async function () {
        const text = await vscode!.waitForOutput('E2E Smoke Log', 'hello command ran');
        assert.match(text, /\[info\] hello command ran/);
    });

    it('opens a file with Quick Open and clicks a code lens', async function () {
        const v = vscode!;
        await v.openFile('src/hello.ts');
        assert.equal(await v.activeTabLabel(), 'hello.ts');
        await v.waitForCodeLens('▶ Smoke run');
        assert.deepEqual(await v.codeLensTitles(), ['▶ Smoke run', 'Smoke debug']);
        await v.screenshot('code-lens');
        await v.clickCodeLens('▶ Smoke run');
        await v.waitForOutput('E2E Smoke', 'lens clicked on line 2');
    });

    it('shows a problem and applies its quick fix', async function () {
        const v = vscode!;
        await v.openFile('src/needs.ts');
        const problem = await v.waitForProblem('Smoke: missing import');
        assert.equal(problem.severity, 'warning');
        assert.equal(problem.file, 'needs.ts');
        assert.equal(problem.line, 2);
        assert.equal(problem.folder, 'src');
        assert.equal(problem.source, 'smoke');
        assert.equal(problem.code, 'missing-import');
        assert.ok((await v.quickFixTitles({ line: 2, column: 20 })).includes('Add smoke import'));
        await v.applyQuickFix('Add smoke import', { line: 2, column: 20 });
        await v.waitForNoProblem('Smoke: missing import');
        const text = await v.editorText();
        assert.equal(text, "import './smoke';\n// line 1\nconst x = 1; // FIXED\nexport { x };\n");
        await v.save();
    });

    it('answers a QuickPick and an InputBox (with validation)', async function () {
        const v = vscode!;
        await v.runCommand('E2E Smoke: Ask Something…');
        assert.deepEqual(await v.quickPickItems(), ['alpha', 'beta', 'gamma']);
        await v.pickQuickPickItem('beta');
        await assert.rejects(v.answerInputBox('has space', { prompt: 'Name your thing' }), /rejected: No spaces allowed/);
        assert.equal(await v.inputBoxValidation('still invalid'), 'No spaces allowed');
        assert.equal(await v.inputBoxValidation('valid'), '');
        await v.answerInputBox('thing');
        await v.waitForOutput('E2E Smoke', 'asked: picked=beta name=thing');
    });

    it('inserts a snippet through completion', async function () {
        const v = vscode!;
        await v.openFile('src/empty.ts');
        await v.insertCompletion('smokesnip');
        await v.typeInEditor('myValue');
        await v.press('Escape');
        assert.equal(await v.editorText(), "export const myValue = 'hello';\n");
        assert.deepEqual((await v.visibleEditorLines()).slice(0, 1), ["export const myValue = 'hello';"]);
    });
});

for (const mode of ['copy', 'vsix'] as const) {
    describe(`e2e harness: extension installed by ${mode}${mode === 'copy' ? ', restricted mode' : ''}`, function () {
        let vscode: VSCodeSession | undefined;
        let tmp: string;
        let workspace: string;

        before(async function () {
            tmp = removeAtExit(mkdtempSync(path.join(os.tmpdir(), 'nango-e2e-smoke-')));
            const extension = writeSmokeExtension(path.join(tmp, 'e2e-smoke'));
            workspace = makeTempWorkspace(workspaceFiles);
            vscode = await launchVSCode({
                workspace,
                extensions: [mode === 'vsix' ? { vsix: writeVsix(extension, path.join(tmp, 'e2e-smoke-0.0.1.vsix')) } : { path: extension, mode: 'copy' }],
                trusted: mode !== 'copy',
                name: `workbench-smoke-${mode}`
            });
            console.log(`      started: ${JSON.stringify(vscode.timings)}`);
        });
        keepArtifactsOnFailure(() => vscode);
        after(async function () {
            await vscode?.close();
            rmSync(tmp, { recursive: true, force: true });
            rmSync(workspace, { recursive: true, force: true });
        });

        it('activates the extension and runs its command', async function () {
            const v = vscode!;
            if (mode === 'copy') {
                await v.page.locator('.part.statusbar', { hasText: 'Restricted Mode' }).waitFor();
                assert.ok(existsSync(path.join(v.extensionsDir, `${SMOKE_EXTENSION_ID}-0.0.1`, 'extension.js')));
            } else {
                assert.match(await v.runCodeServerCli(['--list-extensions']), new RegExp(SMOKE_EXTENSION_ID));
            }
            await v.waitForExtensionActivated(SMOKE_EXTENSION_ID);
            await v.runCommand('E2E Smoke: Hello');
            await v.waitForOutput('E2E Smoke', 'Hello from e2eSmoke.hello');
            await v.screenshot(`installed-by-${mode}`);
        });

        it('stops cleanly: no process left, port closed', async function () {
            const v = vscode!;
            assert.ok(v.leftoverProcesses().length > 0, 'code-server runs before close');
            await v.close();
            assert.deepEqual(v.leftoverProcesses(), []);
            await assert.rejects(fetch(`http://127.0.0.1:${v.port}/healthz`));
        });
    });
}

describe('e2e harness: an extension-host test suite run inside code-server', function () {
    let tmp: string;
    let extension: string;
    let testsPath: string;
    let workspace: string;

    before(function () {
        tmp = removeAtExit(mkdtempSync(path.join(os.tmpdir(), 'nango-e2e-exthost-')));
        extension = writeSmokeExtension(path.join(tmp, 'e2e-smoke'));
        mkdirSync(path.join(tmp, 'tests'));
        // What @vscode/test-electron would load: a module whose run() resolves or rejects.
        testsPath = path.join(tmp, 'tests', 'index.js');
        writeFileSync(
            testsPath,
            `const vscode = require('vscode');
const assert = require('node:assert/strict');
exports.run = async function () {
    const ext = vscode.extensions.getExtension('${SMOKE_EXTENSION_ID}');
    assert.ok(ext, 'smoke extension loaded as development extension');
    await ext.activate();
    assert.ok((await vscode.commands.getCommands(true)).includes('e2eSmoke.hello'));
    assert.equal(vscode.workspace.workspaceFolders?.length, 1);
    console.log('exthost smoke ok in ' + vscode.env.appName + ' ' + vscode.version);
    if (process.env.SMOKE_FAIL === '1') throw new Error('deliberate failure');
};
`
        );
        workspace = makeTempWorkspace(workspaceFiles);
    });
    after(function () {
        rmSync(tmp, { recursive: true, force: true });
        rmSync(workspace, { recursive: true, force: true });
    });

    it('reports success (exit 0) with the log of the suite', async function () {
        const r = await runExtensionTests({ extensionDevelopmentPath: extension, extensionTestsPath: testsPath, workspace, name: 'exthost-pass' });
        assert.equal(r.exitCode, 0, r.log.join('\n'));
        assert.ok(
            r.log.some((l) => /exthost smoke ok in code-server 1\.100\./.test(l)),
            r.log.join('\n')
        );
        console.log(`      exit ${r.exitCode}: ${JSON.stringify(r.timings)}`);
    });

    it('reports failure (exit 1) with the error', async function () {
        const r = await runExtensionTests({
            extensionDevelopmentPath: extension,
            extensionTestsPath: testsPath,
            workspace,
            name: 'exthost-fail',
            env: { SMOKE_FAIL: '1' }
        });
        assert.equal(r.exitCode, 1);
        assert.ok(
            r.log.some((l) => l.includes('deliberate failure')),
            r.log.join('\n')
        );
    });
});
