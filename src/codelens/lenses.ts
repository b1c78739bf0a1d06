// "▶ Dry run" (and per event "▶ First connect", "▶ Reconnect…", "▶ Delete") plus "Debug" above each
// createOnEvent(...) call, then the last run's outcome (it opens the results view). In an untrusted
// workspace the lens says why runs are off. The setting nango.codeLens.enabled turns them all off (and
// back on without a reload).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { toRange } from '../convert';
import { LENS_TITLES, lensKinds } from '../runs/plan';
import type { NangoProjects } from '../projects';
import { affectsCodeLens, codeLensEnabled } from '../settings';
import { outcomeLensTitle } from '../results/format';
import type { RunResultsStore } from '../results/store';
import { COMMAND_SHOW_RESULTS } from '../results/register';

export const COMMAND_RUN_HANDLER = 'nango.runHandler';
export const COMMAND_DEBUG_HANDLER = 'nango.debugHandler';

export class DryRunCodeLenses implements vscode.CodeLensProvider, vscode.Disposable {
    private readonly changed = new vscode.EventEmitter<void>();
    readonly onDidChangeCodeLenses = this.changed.event;
    private readonly subscriptions: vscode.Disposable[];

    constructor(
        private readonly projects: NangoProjects,
        private readonly results: RunResultsStore
    ) {
        this.subscriptions = [
            this.changed,
            results.onDidChange(() => this.changed.fire()),
            projects.onDidChange(() => this.changed.fire()),
            vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire()),
            vscode.workspace.onDidChangeConfiguration((e) => {
                if (affectsCodeLens(e)) this.changed.fire();
            })
        ];
    }

    dispose(): void {
        for (const s of this.subscriptions) s.dispose();
    }

    provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
        if (!codeLensEnabled(document.uri)) return [];
        const file = document.uri.fsPath;
        const handler = this.projects.modelFor(file)?.handler(file);
        if (!handler?.createOnEventRange) return [];
        const range = toRange(handler.createOnEventRange);
        const at = new vscode.Range(range.start, range.start);
        if (!vscode.workspace.isTrusted) {
            return [
                new vscode.CodeLens(at, {
                    title: '$(shield) Dry run is off: this workspace is not trusted (it would run your code)',
                    command: 'workbench.trust.manage'
                })
            ];
        }
        const lenses = lensKinds(handler.event).map(
            (kind) =>
                new vscode.CodeLens(at, {
                    title: LENS_TITLES[kind],
                    command: COMMAND_RUN_HANDLER,
                    arguments: [file, kind],
                    tooltip: `Run ${handler.integration}/${handler.name} in the local Nango emulator`
                })
        );
        lenses.push(
            new vscode.CodeLens(at, {
                title: 'Debug',
                command: COMMAND_DEBUG_HANDLER,
                arguments: [file],
                tooltip: 'Dry run with the debugger attached: breakpoints in this file hit'
            })
        );
        const run = this.results.forFile(file);
        if (run?.result.handlers.some((h) => path.normalize(h.file) === path.normalize(file))) {
            lenses.push(
                new vscode.CodeLens(at, {
                    title: outcomeLensTitle(run.result, this.results.isEdited(run, file)),
                    command: COMMAND_SHOW_RESULTS,
                    arguments: [file],
                    tooltip: 'The last run of this event function: open its results'
                })
            );
        }
        return lenses;
    }
}
