// The last run's results, kept per file they belong to: each handler that ran and each file whose
// code made a provider request (a helper module the handler imports). Editing one of those files marks
// its results stale, so nothing is shown at lines that may have moved.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunResult } from '../../emulator/core/result';
import { filesOf } from './format';

export interface RecordedRun {
    result: RunResult;
    /** Files edited since the run: their inline results are gone, the rest says "edited since". */
    edited: Set<string>;
}

export class RunResultsStore implements vscode.Disposable {
    private readonly changed = new vscode.EventEmitter<void>();
    readonly onDidChange = this.changed.event;
    private readonly byFile = new Map<string, RecordedRun>();
    private last: RecordedRun | undefined;
    private readonly subscriptions: vscode.Disposable[];

    constructor() {
        this.subscriptions = [
            this.changed,
            vscode.workspace.onDidChangeTextDocument((e) => {
                if (e.contentChanges.length && e.document.uri.scheme === 'file') this.markEdited(e.document.uri.fsPath);
            })
        ];
    }

    dispose(): void {
        for (const s of this.subscriptions) s.dispose();
    }

    record(result: RunResult): void {
        const run: RecordedRun = { result, edited: new Set() };
        for (const file of filesOf(result)) this.byFile.set(file, run);
        this.last = run;
        this.changed.fire();
    }

    /** The last run that has results for this file. */
    forFile(file: string): RecordedRun | undefined {
        return this.byFile.get(path.normalize(file));
    }

    latest(): RecordedRun | undefined {
        return this.last;
    }

    isEdited(run: RecordedRun, file: string): boolean {
        return run.edited.has(path.normalize(file));
    }

    private markEdited(file: string): void {
        const key = path.normalize(file);
        const run = this.byFile.get(key);
        if (!run || run.edited.has(key)) return;
        run.edited.add(key);
        this.changed.fire();
    }
}
