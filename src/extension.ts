// The extension: wires VS Code events to the pure workspace model and the emulator, and renders what
// they return. Activation stays cheap: the model loads in the background, and nothing runs user code.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { emulatorTimeoutMs } from './settings';
import { COMMAND_DEBUG_HANDLER, COMMAND_RUN_HANDLER, DryRunCodeLenses } from './codelens/lenses';
import { deploy } from './deploy/command';
import { DryRunController } from './runs/controller';
import { newEventFunction, trackIntegrationFolders } from './scaffold/newEventFunction';
import { COMMAND_SAVE_FILES, NangoDiagnostics, NangoQuickFixes, saveFiles } from './diagnostics/diagnostics';
import { FixturesDiagnostics } from './diagnostics/fixtures';
import { EmulatorView, type EmulatorNode } from './view/emulatorView';
import { ScenarioTests } from './testing/scenarioTests';
import type { DryRunKind } from './runs/plan';
import { NangoProjects } from './projects';
import { EmulatorClient } from './runs/client';
import { registerNangoTasks } from './tasks/provider';
import { registerRunResults } from './results/register';
import type { ResultNode } from './results/tree';

// Set by the bundle's first line (scripts/build.mjs), so the figure includes loading this module.
declare const __nangoExtensionLoadStart: number | undefined;
declare const __nangoExtensionLoadEnd: number | undefined;

const TS_FILES: vscode.DocumentSelector = [{ scheme: 'file', language: 'typescript' }];

export interface NangoExtensionApi {
    /** Resolves when the workspace model is built (tests wait on it). */
    ready: Promise<void>;
    projects: NangoProjects;
    /** The "Run Results" view's rows (tests read what the view shows). */
    resultRows(): ResultNode[];
    /** The "Nango Emulator" view's data, as the view shows it (tests read it). */
    emulatorView: vscode.TreeDataProvider<EmulatorNode>;
    /** The Testing view's scenarios (tests read the tree and what runs report). */
    scenarioTests: vscode.TestController;
}

export function activate(context: vscode.ExtensionContext): NangoExtensionApi {
    const activateStart = performance.now();
    const output = vscode.window.createOutputChannel('Nango Emulator', { log: true });
    const projects = new NangoProjects();
    const diagnostics = new NangoDiagnostics(projects);
    const cliPath = context.asAbsolutePath(path.join('dist', 'emulator', 'cli.js'));
    // The one way to the emulator: every run, reset, view read, scenario and debug session goes through it.
    const client = new EmulatorClient(cliPath, emulatorTimeoutMs, (m) => output.info(m));
    const runs = new DryRunController(context, projects, output, client);
    const view = new EmulatorView(projects, client);
    const results = registerRunResults(context, TS_FILES, runs.onDidRun);
    const lenses = new DryRunCodeLenses(projects, results.store);
    const scenarios = new ScenarioTests(projects, client, runs.emulatorDir, () => view.refresh());

    context.subscriptions.push(
        output,
        client,
        runs,
        view,
        projects,
        diagnostics,
        projects.onDidChange(() => diagnostics.refresh()),
        new FixturesDiagnostics(projects),
        lenses,
        vscode.languages.registerCodeLensProvider(TS_FILES, lenses),
        vscode.languages.registerCodeActionsProvider(TS_FILES, NangoQuickFixes.forModels(projects), NangoQuickFixes.metadata),
        vscode.commands.registerCommand(COMMAND_SAVE_FILES, (files?: string[]) => saveFiles(files)),
        vscode.commands.registerCommand(COMMAND_RUN_HANDLER, (file: string, kind: DryRunKind) => runs.run(file, kind)),
        vscode.commands.registerCommand(COMMAND_DEBUG_HANDLER, (file: string) => runs.debug(file)),
        vscode.commands.registerCommand('nango.dryRun', () => runs.pickHandlerAndRun()),
        vscode.commands.registerCommand('nango.newEventFunction', (folder?: vscode.Uri) => newEventFunction(projects, folder)),
        trackIntegrationFolders(projects),
        vscode.commands.registerCommand('nango.deploy', () => deploy(projects, cliPath)),
        vscode.commands.registerCommand('nango.showOutput', () => output.show()),
        vscode.commands.registerCommand('nango.resetEmulator', async (node?: EmulatorNode) => {
            await runs.reset(node?.kind === 'project' ? node.root : undefined);
            view.refresh();
        }),
        vscode.window.createTreeView('nango.emulator', { treeDataProvider: view, showCollapseAll: true }),
        runs.onDidRun(({ root, result }) => view.recordRun(root, result)),
        scenarios,
        vscode.commands.registerCommand('nango.view.refresh', () => view.refresh()),
        vscode.commands.registerCommand('nango.openFixtures', async (node?: EmulatorNode) => {
            const root = node && 'root' in node ? node.root : projects.all()[0]?.root;
            if (root) await vscode.window.showTextDocument(vscode.Uri.file(path.join(root, '.nango-emulator', 'fixtures.json')));
        }),
        vscode.commands.registerCommand('nango.view.connect', async (node: EmulatorNode) => {
            if (node.kind !== 'integration') return;
            const account = await runs.pickAccount(node.root, node.integration, undefined, `Connect ${node.integration}: first connect`);
            if (!account) return;
            const connectionId = await vscode.window.showInputBox({
                title: `Connect ${node.integration} as ${account}`,
                prompt: 'Connection id',
                value: `${node.integration}-${account}`,
                validateInput: (v) => (/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(v) ? undefined : 'Use letters, digits, ".", "_" or "-".')
            });
            if (connectionId) await runs.lifecycle(node.root, { operation: 'connect', integration: node.integration, connectionId, account });
        }),
        vscode.commands.registerCommand('nango.view.reconnect', async (node: EmulatorNode) => {
            if (node.kind !== 'connection') return;
            const account = await runs.pickAccount(
                node.root,
                node.connection.integration,
                node.connection.account,
                `Reconnect ${node.connection.id} as… (another account simulates an account switch)`
            );
            if (account)
                await runs.lifecycle(node.root, {
                    operation: 'reconnect',
                    integration: node.connection.integration,
                    connectionId: node.connection.id,
                    account
                });
        }),
        vscode.commands.registerCommand('nango.view.delete', async (node: EmulatorNode) => {
            if (node.kind !== 'connection') return;
            const ok = await vscode.window.showWarningMessage(
                `Delete emulated connection ${node.connection.id}? Its pre-connection-deletion handlers run first.`,
                { modal: true },
                'Delete'
            );
            if (ok === 'Delete')
                await runs.lifecycle(node.root, { operation: 'delete', integration: node.connection.integration, connectionId: node.connection.id });
        })
    );

    // Module evaluation plus activate(); VS Code's own work between the two is not ours to count.
    const moduleLoadMs =
        typeof __nangoExtensionLoadStart === 'number' && typeof __nangoExtensionLoadEnd === 'number' ? __nangoExtensionLoadEnd - __nangoExtensionLoadStart : 0;
    output.info(
        `activated in ${(moduleLoadMs + performance.now() - activateStart).toFixed(1)} ms (module load ${moduleLoadMs.toFixed(1)} ms); reading nango-integrations folders in the background`
    );
    const modelStart = performance.now();
    const ready = projects.start().then(() => {
        diagnostics.refresh();
        scenarios.reload();
        output.info(
            `workspace model ready in ${(performance.now() - modelStart).toFixed(1)} ms: ${
                projects
                    .all()
                    .map((m) => `${m.root} (${m.handlers().length} event functions)`)
                    .join(', ') || 'no nango-integrations folder'
            }`
        );
    });
    ready.catch((err: unknown) => output.error(`Could not read the nango-integrations folders: ${err instanceof Error ? err.message : String(err)}`));
    context.subscriptions.push(registerNangoTasks(projects, cliPath, ready), runs.startServersAhead(ready));
    return { ready, projects, resultRows: () => results.view.nodes(), emulatorView: view, scenarioTests: scenarios.controller };
}

export function deactivate(): void {
    // Everything is disposed through context.subscriptions.
}
