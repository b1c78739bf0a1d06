// "▶ Dry run" (and per event "▶ First connect", "▶ Reconnect…", "▶ Delete") plus "Debug" above each
// createOnEvent(...) call. In an untrusted workspace the lens says why runs are off. The setting
// nango.codeLens.enabled turns them all off (and back on without a reload).
import * as vscode from 'vscode';
import { toRange } from '../convert';
import { LENS_TITLES, lensKinds } from '../runs/plan';
import type { NangoProjects } from '../projects';
import { affectsCodeLens, codeLensEnabled } from '../settings';

export const COMMAND_RUN_HANDLER = 'nango.runHandler';
export const COMMAND_DEBUG_HANDLER = 'nango.debugHandler';

export class DryRunCodeLenses implements vscode.CodeLensProvider, vscode.Disposable {
    private readonly changed = new vscode.EventEmitter<void>();
    readonly onDidChangeCodeLenses = this.changed.event;
    private readonly subscriptions: vscode.Disposable[];

    constructor(private readonly projects: NangoProjects) {
        this.subscriptions = [
            this.changed,
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
        return lenses;
    }
}
