// The "Nango Emulator" view: emulated integrations and their connections with status and metadata,
// refreshed after each run, with actions (connect, reconnect as…, delete, reset, open fixtures) and
// the metadata change of the last run. It reads through the folder's emulator server, like every run.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OperationResult } from '../../emulator/core/operation';
import type { RunResult } from '../../emulator/core/result';
import type { EmulatorClient } from '../runs/client';
import { verdictOf } from '../runs/verdict';
import { loadCore } from '../loadCore';
import type { ConnectionSummary } from '../runs/plan';
import type { NangoProjects } from '../projects';

export type EmulatorNode =
    | { kind: 'project'; root: string }
    | { kind: 'integration'; root: string; integration: string; provider: string; accounts: string[] }
    | { kind: 'connection'; root: string; connection: ConnectionSummary }
    | { kind: 'metadata'; key: string; value: unknown }
    | { kind: 'lastRun'; root: string; result: RunResult }
    | { kind: 'change'; label: string; description: string; icon: string }
    | { kind: 'problem'; root: string; message: string };

function show(value: unknown): string {
    return JSON.stringify(value) ?? 'undefined';
}

export class EmulatorView implements vscode.TreeDataProvider<EmulatorNode>, vscode.Disposable {
    private readonly changed = new vscode.EventEmitter<EmulatorNode | undefined>();
    readonly onDidChangeTreeData = this.changed.event;
    private readonly lastRuns = new Map<string, RunResult>();

    constructor(
        private readonly projects: NangoProjects,
        private readonly client: EmulatorClient
    ) {
        this.subscriptions = [
            this.changed,
            projects.onDidChange((model) => {
                if (!model) this.refresh();
            })
        ];
    }

    private readonly subscriptions: vscode.Disposable[];

    dispose(): void {
        for (const s of this.subscriptions) s.dispose();
    }

    refresh(): void {
        this.changed.fire(undefined);
    }

    /** Called after every run so the view shows the new state and the metadata change. */
    recordRun(root: string, result: OperationResult): void {
        if (result.operation === 'reset') this.lastRuns.delete(root);
        else this.lastRuns.set(root, result);
        this.refresh();
    }

    getTreeItem(node: EmulatorNode): vscode.TreeItem {
        switch (node.kind) {
            case 'project': {
                // Several projects (a multi-root window): named after their workspace folders, as in the Testing view.
                const folder = this.projects.all().length > 1 ? vscode.workspace.getWorkspaceFolder(vscode.Uri.file(node.root)) : undefined;
                const item = new vscode.TreeItem(folder?.name ?? path.basename(node.root), vscode.TreeItemCollapsibleState.Expanded);
                item.description = folder ? vscode.workspace.asRelativePath(node.root, true) : vscode.workspace.asRelativePath(path.dirname(node.root));
                item.contextValue = 'nangoProject';
                item.iconPath = new vscode.ThemeIcon('plug');
                item.tooltip = node.root;
                return item;
            }
            case 'integration': {
                const item = new vscode.TreeItem(node.integration, vscode.TreeItemCollapsibleState.Expanded);
                item.description = `${node.provider} · accounts: ${node.accounts.join(', ')}`;
                item.contextValue = 'nangoIntegration';
                item.iconPath = new vscode.ThemeIcon('extensions');
                return item;
            }
            case 'connection': {
                const c = node.connection;
                const item = new vscode.TreeItem(
                    c.id,
                    Object.keys(c.metadata ?? {}).length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None
                );
                item.description = `${c.account} · ${c.status}`;
                item.contextValue = c.status === 'deleted' ? 'nangoConnectionDeleted' : 'nangoConnection';
                item.iconPath = new vscode.ThemeIcon(
                    c.status === 'active' ? 'pass' : c.status === 'deleted' ? 'trash' : 'warning',
                    c.status === 'refresh_exhausted' ? new vscode.ThemeColor('problemsWarningIcon.foreground') : undefined
                );
                item.tooltip = new vscode.MarkdownString(
                    `**${c.id}** (${c.integration})\n\naccount \`${c.account}\`, status \`${c.status}\`\n\n\`\`\`json\n${JSON.stringify(c.metadata, null, 2)}\n\`\`\``
                );
                return item;
            }
            case 'metadata': {
                const item = new vscode.TreeItem(node.key);
                item.description = show(node.value);
                item.iconPath = new vscode.ThemeIcon('symbol-field');
                return item;
            }
            case 'lastRun': {
                const r = node.result;
                const item = new vscode.TreeItem(`Last run: ${r.operation} ${r.connectionId}`, vscode.TreeItemCollapsibleState.Expanded);
                item.description = verdictOf(r).short;
                item.iconPath = new vscode.ThemeIcon(r.ok ? 'check' : verdictOf(r).kind === 'rejected' ? 'warning' : 'error');
                item.command = { command: 'nango.showOutput', title: 'Show output' };
                return item;
            }
            case 'change': {
                const item = new vscode.TreeItem(node.label);
                item.description = node.description;
                item.iconPath = new vscode.ThemeIcon(node.icon);
                return item;
            }
            case 'problem': {
                const item = new vscode.TreeItem(node.message.split('\n')[0] ?? node.message);
                item.iconPath = new vscode.ThemeIcon('error');
                item.tooltip = node.message;
                item.command = { command: 'nango.openFixtures', title: 'Open fixtures', arguments: [{ kind: 'project', root: node.root }] };
                return item;
            }
        }
    }

    async getChildren(node?: EmulatorNode): Promise<EmulatorNode[]> {
        if (!node) return this.projects.all().map((m) => ({ kind: 'project', root: m.root }));
        switch (node.kind) {
            case 'project': {
                try {
                    const { integrations } = await this.client.integrations(node.root);
                    const last = this.lastRuns.get(node.root);
                    return [
                        ...(last ? [{ kind: 'lastRun', root: node.root, result: last } as EmulatorNode] : []),
                        ...integrations.map((i): EmulatorNode => ({
                            kind: 'integration',
                            root: node.root,
                            integration: i.id,
                            provider: i.provider,
                            accounts: i.accounts.map((a) => a.id)
                        }))
                    ];
                } catch (err) {
                    return [{ kind: 'problem', root: node.root, message: (err as Error).message }];
                }
            }
            case 'integration': {
                try {
                    return (await this.client.connections(node.root))
                        .filter((c) => c.integration === node.integration)
                        .map((c): EmulatorNode => ({
                            kind: 'connection',
                            root: node.root,
                            connection: { id: c.id, integration: c.integration, account: c.account, status: c.status, metadata: c.metadata }
                        }));
                } catch (err) {
                    return [{ kind: 'problem', root: node.root, message: (err as Error).message }];
                }
            }
            case 'connection':
                return Object.entries(node.connection.metadata ?? {}).map(([key, value]) => ({ kind: 'metadata', key, value }));
            case 'lastRun': {
                const { before, after } = node.result.metadata;
                if (node.result.status === 'not_created')
                    return [{ kind: 'change', label: 'connection not created', description: 'no metadata kept', icon: 'circle-slash' }];
                const changes = loadCoreDiff(before, after);
                return changes.length
                    ? changes
                    : [
                          {
                              kind: 'change',
                              label: 'metadata unchanged',
                              description: after === null ? "null (Nango's: nothing has set it)" : '',
                              icon: 'circle-slash'
                          }
                      ];
            }
            default:
                return [];
        }
    }
}

function loadCoreDiff(before: Record<string, unknown> | null, after: Record<string, unknown> | null): EmulatorNode[] {
    return loadCore()
        .diffMetadata(before, after)
        .map((c) =>
            c.kind === 'added'
                ? { kind: 'change', label: `+ ${c.key}`, description: show(c.after), icon: 'diff-added' }
                : c.kind === 'removed'
                  ? { kind: 'change', label: `- ${c.key}`, description: show(c.before), icon: 'diff-removed' }
                  : { kind: 'change', label: `~ ${c.key}`, description: `${show(c.before)} → ${show(c.after)}`, icon: 'diff-modified' }
        );
}
