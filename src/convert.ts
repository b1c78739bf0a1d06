// Plain workspace-model data → VS Code objects. The only place that knows both shapes.
import * as vscode from 'vscode';
import type { Problem, QuickFix, Range, Severity } from './workspace';

export function toRange(r: Range): vscode.Range {
    return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
    error: vscode.DiagnosticSeverity.Error,
    warning: vscode.DiagnosticSeverity.Warning,
    information: vscode.DiagnosticSeverity.Information,
    hint: vscode.DiagnosticSeverity.Hint
};

/** A diagnostic that remembers its problem, so code actions can offer its fixes. */
export class NangoDiagnostic extends vscode.Diagnostic {
    constructor(readonly problem: Problem) {
        super(toRange(problem.range), problem.message, SEVERITY[problem.severity]);
        this.source = problem.source;
        this.code = problem.docsUrl ? { value: problem.code, target: vscode.Uri.parse(problem.docsUrl) } : problem.code;
        this.relatedInformation = problem.related.map(
            (r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.file(r.location.file), toRange(r.location.range)), r.message)
        );
    }
}

export function toWorkspaceEdit(fix: QuickFix): vscode.WorkspaceEdit {
    const edit = new vscode.WorkspaceEdit();
    for (const created of fix.createFiles ?? []) {
        edit.createFile(vscode.Uri.file(created.file), { ignoreIfExists: true, contents: new TextEncoder().encode(created.contents) });
    }
    for (const e of fix.edits) edit.replace(vscode.Uri.file(e.file), toRange(e.range), e.newText);
    return edit;
}
