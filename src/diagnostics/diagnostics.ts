// Publishes the workspace model's problems as diagnostics and offers their fixes as quick fixes.
// A fix that edits another file than the one it is offered in (e.g. "Add import to index.ts" on an
// event function) saves that file afterwards, so the problem is fixed on disk, where nango reads it.
import * as vscode from 'vscode';
import { NangoDiagnostic, toRange, toWorkspaceEdit } from '../convert';
import type { NangoProjects } from '../projects';
import type { Problem, QuickFix } from '../workspace';

/** Internal (not in the palette): saves the open documents of these files that have unsaved changes. */
export const COMMAND_SAVE_FILES = 'nango.saveFiles';

export async function saveFiles(files: readonly string[] = []): Promise<void> {
    for (const file of files) {
        const document = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file);
        if (document?.isDirty && !(await document.save())) void vscode.window.showWarningMessage(`Could not save ${vscode.workspace.asRelativePath(file)}.`);
    }
}

/**
 * The files a fix edits besides `document` that have no unsaved changes now: the fix saves them
 * after applying. One the user is editing (dirty) stays unsaved, so the fix never saves their work.
 */
function filesToSave(fix: QuickFix, document: vscode.TextDocument): string[] {
    const files = new Set([...fix.edits.map((e) => e.file), ...(fix.createFiles ?? []).map((c) => c.file)]);
    files.delete(document.uri.fsPath);
    return [...files].filter((file) => !vscode.workspace.textDocuments.some((d) => d.uri.fsPath === file && d.isDirty));
}

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

    /** `problemsOf`: the problems published for a file (the workspace model's, or fixtures.json's). */
    constructor(private readonly problemsOf: (file: string) => readonly Problem[]) {}

    static forModels(projects: NangoProjects): NangoQuickFixes {
        return new NangoQuickFixes((file) => projects.modelFor(file)?.problems().get(file) ?? []);
    }

    provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
        const problems = this.problemsOf(document.uri.fsPath);
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
                const save = filesToSave(fix, document);
                if (save.length) action.command = { command: COMMAND_SAVE_FILES, title: 'Save', arguments: [save] };
                actions.push(action);
            }
        }
        return actions;
    }
}
