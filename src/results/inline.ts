// Results at the lines that made provider requests or other SDK calls: an after-text ("GET /user → 200 ·
// 34 ms", "updateMetadata { webhookId } · 2 ms"; in the error colour when no fixture answered or a call
// threw) and a hover with the request and response (bodies redacted by the emulator, cut here). A file edited since the run shows neither: its lines may have moved.
import * as vscode from 'vscode';
import { callLinesIn, hoverMarkdown, lineText, lineTone, type CallLine, type CallTone } from './format';
import type { RunResultsStore } from './store';

const TONE_COLOR: Record<CallTone, string> = {
    ok: 'editorCodeLens.foreground',
    warning: 'editorWarning.foreground',
    error: 'errorForeground'
};

export class InlineResults implements vscode.HoverProvider, vscode.Disposable {
    private readonly types: Record<CallTone, vscode.TextEditorDecorationType>;
    private readonly subscriptions: vscode.Disposable[];

    constructor(private readonly store: RunResultsStore) {
        const type = (tone: CallTone): vscode.TextEditorDecorationType =>
            vscode.window.createTextEditorDecorationType({
                after: { color: new vscode.ThemeColor(TONE_COLOR[tone]), margin: '0 0 0 2em', fontStyle: 'italic' },
                rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed
            });
        this.types = { ok: type('ok'), warning: type('warning'), error: type('error') };
        this.subscriptions = [
            ...Object.values(this.types),
            store.onDidChange(() => this.renderAll()),
            vscode.window.onDidChangeVisibleTextEditors(() => this.renderAll())
        ];
        this.renderAll();
    }

    dispose(): void {
        for (const s of this.subscriptions) s.dispose();
    }

    /** The call lines of a file with results that still match its text. */
    private linesOf(document: vscode.TextDocument): CallLine[] {
        const run = this.store.forFile(document.uri.fsPath);
        if (!run || this.store.isEdited(run, document.uri.fsPath)) return [];
        return callLinesIn(run.result, document.uri.fsPath).filter((l) => l.line <= document.lineCount);
    }

    private renderAll(): void {
        for (const editor of vscode.window.visibleTextEditors) this.render(editor);
    }

    private render(editor: vscode.TextEditor): void {
        const byTone: Record<CallTone, vscode.DecorationOptions[]> = { ok: [], warning: [], error: [] };
        for (const call of this.linesOf(editor.document)) {
            const end = editor.document.lineAt(call.line - 1).range.end;
            byTone[lineTone(call)].push({ range: new vscode.Range(end, end), renderOptions: { after: { contentText: lineText(call) } } });
        }
        for (const tone of Object.keys(byTone) as CallTone[]) editor.setDecorations(this.types[tone], byTone[tone]);
    }

    provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
        const call = this.linesOf(document).find((l) => l.line - 1 === position.line);
        if (!call) return undefined;
        const markdown = new vscode.MarkdownString(hoverMarkdown(call.requests, call.sdkCalls));
        return new vscode.Hover(markdown, document.lineAt(position.line).range);
    }
}
