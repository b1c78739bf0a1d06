// The "Run Results" view in the Nango container: one run (the last one, or the one a lens asked for)
// as its outcome, error with the ActionError payload, provider requests, logs with level icons, the
// metadata change and warnings. Rows with a place in the code open it.
import * as vscode from 'vscode';
import { loadCore } from '../loadCore';
import type { RecordedRun, RunResultsStore } from './store';
import { resultNodes, type ResultNode } from './tree';

export const RESULTS_VIEW = 'nango.results';

export class RunResultsView implements vscode.TreeDataProvider<ResultNode>, vscode.Disposable {
    private readonly changed = new vscode.EventEmitter<ResultNode | undefined>();
    readonly onDidChangeTreeData = this.changed.event;
    /** The run shown; the latest one unless a lens picked a file's run. */
    private shown: RecordedRun | undefined;
    private seenLatest: RecordedRun | undefined;
    private readonly subscriptions: vscode.Disposable[];

    constructor(private readonly store: RunResultsStore) {
        this.subscriptions = [
            this.changed,
            store.onDidChange(() => {
                // A new run replaces what is shown; an edit only changes its "edited since" mark.
                if (store.latest() !== this.seenLatest) this.shown = this.seenLatest = store.latest();
                this.changed.fire(undefined);
            })
        ];
    }

    dispose(): void {
        for (const s of this.subscriptions) s.dispose();
    }

    /** Shows the last run of `file` (a lens), else the latest run. */
    show(file?: string): void {
        this.shown = (file ? this.store.forFile(file) : undefined) ?? this.store.latest();
        this.changed.fire(undefined);
    }

    /** The rows as the view shows them (the extension's API gives them to tests). */
    nodes(): ResultNode[] {
        const run = this.shown;
        if (!run) return [];
        return resultNodes(run.result, loadCore().diffMetadata(run.result.metadata.before, run.result.metadata.after), run.edited.size > 0);
    }

    getTreeItem(node: ResultNode): vscode.TreeItem {
        const item = new vscode.TreeItem(
            node.label,
            node.children?.length
                ? node.expanded
                    ? vscode.TreeItemCollapsibleState.Expanded
                    : vscode.TreeItemCollapsibleState.Collapsed
                : vscode.TreeItemCollapsibleState.None
        );
        if (node.description) item.description = node.description;
        if (node.tooltip) item.tooltip = new vscode.MarkdownString(node.tooltip);
        item.iconPath = new vscode.ThemeIcon(node.icon, iconColor(node.icon));
        if (node.location) {
            const { file, line, column } = node.location;
            const at = new vscode.Position(line - 1, Math.max(0, column - 1));
            item.command = { command: 'vscode.open', title: 'Go to the code', arguments: [vscode.Uri.file(file), { selection: new vscode.Range(at, at) }] };
        }
        return item;
    }

    getChildren(node?: ResultNode): ResultNode[] {
        return node ? (node.children ?? []) : this.nodes();
    }
}

function iconColor(icon: ResultNode['icon']): vscode.ThemeColor | undefined {
    if (icon === 'error') return new vscode.ThemeColor('problemsErrorIcon.foreground');
    if (icon === 'warning') return new vscode.ThemeColor('problemsWarningIcon.foreground');
    if (icon === 'pass') return new vscode.ThemeColor('testing.iconPassed');
    return undefined;
}
