// Keeps one WorkspaceModel per nango-integrations folder of the open workspace, fed from disk and
// from unsaved editor buffers, updated incrementally on edits, creates, deletes and renames.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { toRange } from './convert';
import { loadCore } from './loadCore';
import type { WorkspaceFileSystem, WorkspaceModel } from './workspace';

export class NangoProjects implements vscode.Disposable {
    private models: WorkspaceModel[] = [];
    private readonly changed = new vscode.EventEmitter<WorkspaceModel | undefined>();
    /** Fires after a model changed (undefined: the set of roots changed). */
    readonly onDidChange = this.changed.event;
    private readonly disposables: vscode.Disposable[] = [this.changed];
    private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();

    private fs: WorkspaceFileSystem | undefined;

    async start(): Promise<void> {
        // Yield first: the parser loads after activation has returned, not during it.
        await new Promise((resolve) => setImmediate(resolve));
        const { nodeFileSystem, overlayFileSystem } = loadCore();
        this.fs = overlayFileSystem(nodeFileSystem, (file) =>
            vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === file)?.getText()
        );
        await this.discover();
        const watcher = vscode.workspace.createFileSystemWatcher('**/*.{ts,json}');
        this.disposables.push(
            watcher,
            watcher.onDidCreate((uri) => void this.onDiskChange(uri)),
            watcher.onDidChange((uri) => void this.onDiskChange(uri)),
            watcher.onDidDelete((uri) => this.onDelete(uri)),
            vscode.workspace.onDidChangeTextDocument((e) => this.onEdit(e.document)),
            vscode.workspace.onDidCloseTextDocument((d) => void this.onDiskChange(d.uri)),
            vscode.workspace.onWillRenameFiles((e) => e.waitUntil(Promise.resolve(this.importEditsForRenames(e)))),
            vscode.workspace.onDidRenameFiles((e) => void this.onRename(e)),
            vscode.workspace.onDidChangeWorkspaceFolders(() => void this.discover()),
            vscode.workspace.onDidChangeConfiguration((e) => {
                if (e.affectsConfiguration('nango.integrationsPath')) void this.discover();
            })
        );
    }

    all(): readonly WorkspaceModel[] {
        return this.models;
    }

    modelFor(file: string): WorkspaceModel | undefined {
        return this.models.length ? loadCore().modelForFile(this.models, file) : undefined;
    }

    private async discover(): Promise<void> {
        const fs = this.fs;
        if (!fs) return;
        const { findNangoRoots, WorkspaceModel } = loadCore();
        const roots = new Set<string>();
        for (const folder of vscode.workspace.workspaceFolders ?? []) {
            if (folder.uri.scheme !== 'file') continue;
            const configured = vscode.workspace.getConfiguration('nango', folder.uri).get<string>('integrationsPath');
            if (configured) roots.add(path.resolve(folder.uri.fsPath, configured));
            else for (const root of await findNangoRoots(folder.uri.fsPath, fs)) roots.add(root);
        }
        const kept = this.models.filter((m) => roots.has(m.root));
        const added = await Promise.all([...roots].filter((r) => !kept.some((m) => m.root === r)).map((r) => WorkspaceModel.load(r, fs)));
        this.models = [...kept, ...added].sort((a, b) => b.root.length - a.root.length);
        await vscode.commands.executeCommand('setContext', 'nango.hasProject', this.models.length > 0);
        this.changed.fire(undefined);
    }

    private onEdit(document: vscode.TextDocument): void {
        if (document.uri.scheme !== 'file') return;
        const model = this.modelFor(document.uri.fsPath);
        if (!model || model.roleOf(document.uri.fsPath) === 'outside') return;
        // Parse at most once per burst of keystrokes.
        const file = document.uri.fsPath;
        clearTimeout(this.pending.get(file));
        this.pending.set(
            file,
            setTimeout(() => {
                this.pending.delete(file);
                if (model.update(file, document.getText())) this.changed.fire(model);
            }, 150)
        );
    }

    private async onDiskChange(uri: vscode.Uri): Promise<void> {
        if (uri.scheme !== 'file') return;
        const file = uri.fsPath;
        if (path.basename(file) === 'package.json' || path.basename(file) === 'index.ts') {
            if (!this.modelFor(file)) return void this.discover();
        }
        const model = this.modelFor(file);
        if (!model || model.roleOf(file) === 'outside') return;
        const before = model.version;
        await model.refresh(file);
        if (model.version !== before) this.changed.fire(model);
    }

    private onDelete(uri: vscode.Uri): void {
        const model = this.modelFor(uri.fsPath);
        if (model && model.remove(uri.fsPath)) this.changed.fire(model);
    }

    /** A handler moved or renamed in the explorer keeps its index.ts import pointing at it. */
    private importEditsForRenames(e: vscode.FileWillRenameEvent): vscode.WorkspaceEdit {
        const edit = new vscode.WorkspaceEdit();
        for (const { oldUri, newUri } of e.files) {
            for (const change of this.modelFor(oldUri.fsPath)?.importEditsForRename(oldUri.fsPath, newUri.fsPath) ?? []) {
                edit.replace(vscode.Uri.file(change.file), toRange(change.range), change.newText);
            }
        }
        return edit;
    }

    private async onRename(e: vscode.FileRenameEvent): Promise<void> {
        for (const { oldUri, newUri } of e.files) {
            const model = this.modelFor(oldUri.fsPath) ?? this.modelFor(newUri.fsPath);
            if (!model) continue;
            for (const unresolved of model.rename(oldUri.fsPath, newUri.fsPath)) await model.refresh(unresolved);
            this.changed.fire(model);
        }
    }

    dispose(): void {
        for (const t of this.pending.values()) clearTimeout(t);
        for (const d of this.disposables) d.dispose();
    }
}
