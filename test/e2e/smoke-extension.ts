/**
 * A throwaway extension generated at test time, so that the harness is proven against a real VS Code
 * independently of the real extension. It exercises every kind of UI the real extension uses:
 * - activates on startup; command `e2eSmoke.hello` ("E2E Smoke: Hello") writes to the output
 *   channel "E2E Smoke" and shows a notification with a "Show Output" button;
 * - a LogOutputChannel "E2E Smoke Log" (like "Nango Emulator");
 * - `e2eSmoke.ask`: a QuickPick then an InputBox, the answers go to the output channel;
 * - a code lens "▶ Smoke run" above each line containing `smokeTarget(` in TypeScript files;
 *   clicking it writes "lens clicked on line N" to the output channel;
 * - a warning diagnostic "Smoke: missing import" (source "smoke", code "missing-import") on each
 *   line containing `MISSING_IMPORT`, and the quick fix "Add smoke import" that inserts
 *   `import './smoke';` at the top and replaces MISSING_IMPORT by FIXED;
 * - a TypeScript snippet, prefix `smokesnip`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const SMOKE_EXTENSION_ID = 'nango-e2e.e2e-smoke';

const extensionJs = String.raw`
const vscode = require('vscode');

function activate(context) {
    const out = vscode.window.createOutputChannel('E2E Smoke');
    const log = vscode.window.createOutputChannel('E2E Smoke Log', { log: true });
    out.appendLine('e2e smoke extension activated (VS Code ' + vscode.version + ')');
    log.info('activated in ' + vscode.env.appName + ' ' + vscode.version);

    context.subscriptions.push(out, log,
        vscode.commands.registerCommand('e2eSmoke.hello', async () => {
            out.appendLine('Hello from e2eSmoke.hello');
            log.info('hello command ran');
            const choice = await vscode.window.showInformationMessage('E2E Smoke says hello', 'Show Output');
            if (choice === 'Show Output') out.show(true);
        }),
        vscode.commands.registerCommand('e2eSmoke.ask', async () => {
            const picked = await vscode.window.showQuickPick(['alpha', 'beta', 'gamma'], { placeHolder: 'Pick a letter' });
            if (!picked) { out.appendLine('ask cancelled'); return; }
            const name = await vscode.window.showInputBox({ prompt: 'Name your thing', validateInput: (v) => v.includes(' ') ? 'No spaces allowed' : undefined });
            out.appendLine('asked: picked=' + picked + ' name=' + name);
        }),
        vscode.commands.registerCommand('e2eSmoke.lens', (line) => {
            out.appendLine('lens clicked on line ' + (line + 1));
            out.show(true);
        })
    );

    context.subscriptions.push(vscode.languages.registerCodeLensProvider({ language: 'typescript' }, {
        provideCodeLenses(doc) {
            const lenses = [];
            for (let i = 0; i < doc.lineCount; i++) {
                if (doc.lineAt(i).text.includes('smokeTarget(')) {
                    const range = new vscode.Range(i, 0, i, 0);
                    lenses.push(new vscode.CodeLens(range, { title: '▶ Smoke run', command: 'e2eSmoke.lens', arguments: [i] }));
                    lenses.push(new vscode.CodeLens(range, { title: 'Smoke debug', command: 'e2eSmoke.lens', arguments: [i] }));
                }
            }
            return lenses;
        }
    }));

    const diagnostics = vscode.languages.createDiagnosticCollection('smoke');
    context.subscriptions.push(diagnostics);
    const refresh = (doc) => {
        if (doc.languageId !== 'typescript') return;
        const found = [];
        for (let i = 0; i < doc.lineCount; i++) {
            const col = doc.lineAt(i).text.indexOf('MISSING_IMPORT');
            if (col >= 0) {
                const d = new vscode.Diagnostic(new vscode.Range(i, col, i, col + 'MISSING_IMPORT'.length), 'Smoke: missing import', vscode.DiagnosticSeverity.Warning);
                d.source = 'smoke';
                d.code = 'missing-import';
                found.push(d);
            }
        }
        diagnostics.set(doc.uri, found);
    };
    vscode.workspace.textDocuments.forEach(refresh);
    context.subscriptions.push(
        vscode.workspace.onDidOpenTextDocument(refresh),
        vscode.workspace.onDidChangeTextDocument((e) => refresh(e.document))
    );

    context.subscriptions.push(vscode.languages.registerCodeActionsProvider({ language: 'typescript' }, {
        provideCodeActions(doc, range, ctx) {
            return ctx.diagnostics.filter((d) => d.source === 'smoke').map((d) => {
                const fix = new vscode.CodeAction('Add smoke import', vscode.CodeActionKind.QuickFix);
                fix.diagnostics = [d];
                fix.isPreferred = true;
                fix.edit = new vscode.WorkspaceEdit();
                fix.edit.replace(doc.uri, d.range, 'FIXED');
                fix.edit.insert(doc.uri, new vscode.Position(0, 0), "import './smoke';\n");
                return fix;
            });
        }
    }, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }));
}

function deactivate() {}
module.exports = { activate, deactivate };
`;

const packageJson = {
    name: 'e2e-smoke',
    publisher: 'nango-e2e',
    displayName: 'E2E Smoke',
    description: 'Throwaway extension that proves the e2e harness',
    version: '0.0.1',
    license: 'MIT',
    engines: { vscode: '^1.100.0' },
    main: './extension.js',
    activationEvents: ['onStartupFinished'],
    capabilities: { untrustedWorkspaces: { supported: true } },
    contributes: {
        commands: [
            { command: 'e2eSmoke.hello', title: 'Hello', category: 'E2E Smoke' },
            { command: 'e2eSmoke.ask', title: 'Ask Something…', category: 'E2E Smoke' }
        ],
        snippets: [{ language: 'typescript', path: './snippets/smoke.code-snippets' }]
    }
};

const snippets = {
    'Smoke snippet': {
        prefix: 'smokesnip',
        body: ["export const ${1:smokeValue} = '${2:hello}';", '$0'],
        description: 'e2e smoke snippet'
    }
};

/** Writes the extension into `dir` (created) and returns `dir`. */
export function writeSmokeExtension(dir: string): string {
    mkdirSync(path.join(dir, 'snippets'), { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify(packageJson, null, 2));
    writeFileSync(path.join(dir, 'extension.js'), extensionJs);
    writeFileSync(path.join(dir, 'snippets', 'smoke.code-snippets'), JSON.stringify(snippets, null, 2));
    writeFileSync(path.join(dir, 'README.md'), '# E2E Smoke\n\nGenerated by test/e2e/smoke-extension.ts.\n');
    writeFileSync(path.join(dir, 'LICENSE'), 'MIT\n');
    return dir;
}
