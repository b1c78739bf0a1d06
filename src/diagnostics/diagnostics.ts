// Publishes the workspace model's problems as diagnostics and offers their fixes as quick fixes.
import * as vscode from 'vscode';
import { NangoDiagnostic, toRange, toWorkspaceEdit } from '../convert';
import type { NangoProjects } from '../projects';

export class NangoDiagnostics implements vscode.Disposable {
    private readonly collection = vscode.languages.createDiagnosticCollection('nango');
    private readonly published = new Set<string>();

    constructor(private readonly projects: NangoProjects) {}

    refresh(): void {
        const next = new Map<string, NangoDiagnostic[]>();
        for (const model of this.projects.all()) {
            for (const [file, problems] of model.problems()) {
                if (problems.length) next.set(file, [...(next.get(file) ?? []), ...problems.map((p) => new NangoDiagnostic(p))]);
            }
        }
        for (const file of this.published) if (!next.has(file)) this.collection.delete(vscode.Uri.file(file));
        this.published.clear();
        for (const [file, diagnostics] of next) {
            this.collection.set(vscode.Uri.file(file), diagnostics);
            this.published.add(file);
        }
    }

    dispose(): void {
        this.collection.dispose();
    }
}

/**
 * Diagnostics come back to code-action providers as plain copies, so each is matched to its problem
 * in the model again (same code and range).
 */
export class NangoQuickFixes implements vscode.CodeActionProvider {
    static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

    constructor(private readonly projects: NangoProjects) {}

    provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
        const problems = this.projects.modelFor(document.uri.fsPath)?.problems().get(document.uri.fsPath) ?? [];
        const actions: vscode.CodeAction[] = [];
        for (const diagnostic of context.diagnostics) {
            if (diagnostic.source !== 'nango') continue;
            const code = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
            const problem = problems.find((p) => p.code === code && toRange(p.range).isEqual(diagnostic.range));
            for (const fix of problem?.fixes ?? []) {
                const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
                action.edit = toWorkspaceEdit(fix);
                action.diagnostics = [diagnostic];
                action.isPreferred = fix.isPreferred ?? false;
                actions.push(action);
            }
        }
        return actions;
    }
}
