// Problems of each project's .nango-emulator/fixtures.json that the emulator would refuse a run for (an
// unknown account, a duplicate connection id, credentials the provider's auth mode cannot hold), shown
// at the field as the user types, with a quick fix where one is obvious. Syntax and structure are left
// to the JSON language service and the contributed schema (emulator/fixtures/field-problems.ts says why).
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { NangoDiagnostic } from '../convert';
import { loadCore } from '../loadCore';
import type { NangoProjects } from '../projects';
import type { Problem } from '../workspace';
import { NangoQuickFixes } from './diagnostics';

/** The fixtures files, for the quick-fix provider's selector and the watcher. */
export const FIXTURES_GLOB = '**/.nango-emulator/fixtures.json';

export class FixturesDiagnostics implements vscode.Disposable {
    private readonly collection = vscode.languages.createDiagnosticCollection('nango-fixtures');
    private readonly problems = new Map<string, readonly Problem[]>();
    private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
    private readonly disposables: vscode.Disposable[] = [this.collection];

    constructor(private readonly projects: NangoProjects) {
        const watcher = vscode.workspace.createFileSystemWatcher(FIXTURES_GLOB);
        const fromDisk = (uri: vscode.Uri): void => void this.check(uri.fsPath);
        this.disposables.push(
            watcher,
            watcher.onDidCreate(fromDisk),
            watcher.onDidChange(fromDisk),
            watcher.onDidDelete(fromDisk),
            vscode.workspace.onDidChangeTextDocument((e) => this.checkSoon(e.document.uri.fsPath)),
            vscode.workspace.onDidCloseTextDocument((d) => void this.check(d.uri.fsPath)),
            projects.onDidChange((model) => (model ? undefined : void this.checkAll())),
            vscode.languages.registerCodeActionsProvider(
                { scheme: 'file', pattern: FIXTURES_GLOB },
                new NangoQuickFixes((file) => this.problems.get(file) ?? []),
                NangoQuickFixes.metadata
            )
        );
    }

    /** Checks the fixtures file of every project (after the set of projects changed). */
    async checkAll(): Promise<void> {
        const files = new Set(this.projects.all().map((m) => loadCore().fixturesPath(m.root)));
        for (const file of this.problems.keys()) if (!files.has(file)) this.publish(file, []);
        await Promise.all([...files].map((file) => this.check(file)));
    }

    private checkSoon(file: string): void {
        if (!this.isFixturesFile(file)) return;
        clearTimeout(this.pending.get(file));
        this.pending.set(
            file,
            setTimeout(() => {
                this.pending.delete(file);
                void this.check(file);
            }, 150)
        );
    }

    /** Checks one file: its unsaved text when open in an editor, else what is on disk. */
    private async check(file: string): Promise<void> {
        if (!this.isFixturesFile(file)) return;
        const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === file);
        const text = open ? open.getText() : await readFile(file, 'utf8').catch(() => undefined);
        if (text === undefined) return this.publish(file, []);
        const { fixturesFieldProblems, fixturesProblems } = loadCore();
        this.publish(file, fixturesProblems(file, text, fixturesFieldProblems(text)));
    }

    private publish(file: string, problems: readonly Problem[]): void {
        if (problems.length) this.problems.set(file, problems);
        else this.problems.delete(file);
        this.collection.set(
            vscode.Uri.file(file),
            problems.map((p) => new NangoDiagnostic(p))
        );
    }

    private isFixturesFile(file: string): boolean {
        return this.projects.all().some((m) => loadCore().fixturesPath(m.root) === file);
    }

    dispose(): void {
        for (const t of this.pending.values()) clearTimeout(t);
        for (const d of this.disposables) d.dispose();
    }
}
