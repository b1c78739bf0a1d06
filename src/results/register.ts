// Wires the results at the code: every run the controller shows is recorded; the call lines, their
// hover, the lens line and the "Run Results" view read it from there.
import * as vscode from 'vscode';
import type { OperationResult } from '../../emulator/core/operation';
import { InlineResults } from './inline';
import { RunResultsStore } from './store';
import { RESULTS_VIEW, RunResultsView } from './view';

export const COMMAND_SHOW_RESULTS = 'nango.showResults';

export interface RunResults {
    store: RunResultsStore;
    view: RunResultsView;
}

export function registerRunResults(
    context: vscode.ExtensionContext,
    selector: vscode.DocumentSelector,
    onDidRun: vscode.Event<{ root: string; result: OperationResult }>
): RunResults {
    const store = new RunResultsStore();
    const view = new RunResultsView(store);
    const inline = new InlineResults(store);
    const tree = vscode.window.createTreeView(RESULTS_VIEW, { treeDataProvider: view, showCollapseAll: true });
    context.subscriptions.push(
        store,
        view,
        inline,
        tree,
        vscode.languages.registerHoverProvider(selector, inline),
        onDidRun(({ result }) => {
            if (result.operation !== 'reset') store.record(result);
        }),
        vscode.commands.registerCommand(COMMAND_SHOW_RESULTS, async (file?: string) => {
            view.show(file);
            await vscode.commands.executeCommand(`${RESULTS_VIEW}.focus`);
        })
    );
    return { store, view };
}
