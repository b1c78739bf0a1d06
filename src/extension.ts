// The extension: wires VS Code events to the pure workspace model and the emulator, and renders what
// they return. Activation stays cheap: the model loads in the background, and nothing runs user code.
import * as vscode from 'vscode';
import { COMMAND_DEBUG_HANDLER, COMMAND_RUN_HANDLER, DryRunCodeLenses } from './codeLens';
import { deploy } from './commands/deploy';
import { DryRunController } from './commands/dryRun';
import { newEventFunction } from './commands/newEventFunction';
import { NangoDiagnostics, NangoQuickFixes } from './diagnostics';
import type { DryRunKind } from './plans/dryRun';
import { NangoProjects } from './projects';
import { Emulator } from '../emulator/lifecycle';

const TS_FILES: vscode.DocumentSelector = [{ scheme: 'file', language: 'typescript' }];

export interface NangoExtensionApi {
    /** Resolves when the workspace model is built (tests wait on it). */
    ready: Promise<void>;
    projects: NangoProjects;
}

export function activate(context: vscode.ExtensionContext): NangoExtensionApi {
    const output = vscode.window.createOutputChannel('Nango Emulator', { log: true });
    const projects = new NangoProjects();
    const diagnostics = new NangoDiagnostics(projects);
    const runs = new DryRunController(context, projects, output);

    context.subscriptions.push(
        output,
        projects,
        diagnostics,
        projects.onDidChange(() => diagnostics.refresh()),
        vscode.languages.registerCodeLensProvider(TS_FILES, new DryRunCodeLenses(projects)),
        vscode.languages.registerCodeActionsProvider(TS_FILES, new NangoQuickFixes(projects), NangoQuickFixes.metadata),
        vscode.commands.registerCommand(COMMAND_RUN_HANDLER, (file: string, kind: DryRunKind) => runs.run(file, kind)),
        vscode.commands.registerCommand(COMMAND_DEBUG_HANDLER, (file: string) => runs.debug(file)),
        vscode.commands.registerCommand('nango.dryRun', () => runs.pickHandlerAndRun()),
        vscode.commands.registerCommand('nango.newEventFunction', () => newEventFunction(projects)),
        vscode.commands.registerCommand('nango.deploy', () => deploy(projects)),
        vscode.commands.registerCommand('nango.showOutput', () => output.show()),
        vscode.commands.registerCommand('nango.resetEmulator', () => resetEmulator(projects, output))
    );

    const ready = projects.start().then(() => diagnostics.refresh());
    ready.catch((err: unknown) => output.error(`Could not read the nango-integrations folders: ${err instanceof Error ? err.message : String(err)}`));
    return { ready, projects };
}

async function resetEmulator(projects: NangoProjects, output: vscode.LogOutputChannel): Promise<void> {
    for (const model of projects.all()) {
        const emulator = new Emulator(model.root);
        try {
            const state = emulator.reset();
            output.info(`Emulator state of ${model.root} reset from ${emulator.fixturesFile} (${Object.keys(state.connections).length} connections)`);
        } catch (err) {
            output.error((err as Error).message);
            void vscode.window.showErrorMessage((err as Error).message.split('\n')[0]!, 'Show output').then((c) => c && output.show(true));
            return;
        } finally {
            emulator.dispose();
        }
    }
    void vscode.window.showInformationMessage('Nango emulator reset to the fixtures.');
}

export function deactivate(): void {
    // Everything is disposed through context.subscriptions.
}
