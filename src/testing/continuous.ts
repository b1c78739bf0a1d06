// Continuous run in the Testing view (TestRunProfile.supportsContinuousRun): while it is on, each
// change to a project's handlers, what they import, its fixtures or its scenario files re-runs the
// scenarios it affects, among those the run covers, as `nango-emulator test --watch` does (the rule
// is the emulator's: emulator/scenarios/affected.ts, loaded through the core bundle). Changes made
// during a run wait for it to end.
import * as vscode from 'vscode';
import type { Scenario } from '../../emulator/scenarios';
import type { FixturesSnapshot } from '../../emulator/scenarios/affected';
import { loadCore } from '../loadCore';

export interface ContinuousRunHost {
    /** The projects the run covers. */
    roots(): string[];
    /** The scenarios of a root the run covers, as the files are now. */
    scenariosOf(root: string): Scenario[];
    /** Runs these scenarios of a root and reports them (a test run of their own). */
    run(root: string, scenarios: Scenario[], signal: AbortSignal): Promise<void>;
}

/** Watches until the token is cancelled; resolves then. */
export function runContinuously(host: ContinuousRunHost, token: vscode.CancellationToken, settleMs = 50): Promise<void> {
    const core = loadCore();
    const abort = new AbortController();
    const pending = new Map<string, Set<string>>();
    const fixturesBefore = new Map<string, FixturesSnapshot>(host.roots().map((root) => [root, core.fixturesSnapshot(root)]));
    let running = false;
    let timer: NodeJS.Timeout | undefined;

    const next = async (): Promise<void> => {
        if (running || !pending.size || abort.signal.aborted) return;
        running = true;
        const batch = [...pending];
        pending.clear();
        try {
            for (const [root, files] of batch) {
                const fixturesAfter = core.fixturesSnapshot(root);
                const affected = core.affectedScenarios({
                    root,
                    scenarios: host.scenariosOf(root),
                    changed: [...files],
                    fixturesBefore: fixturesBefore.get(root) ?? {},
                    fixturesAfter
                });
                fixturesBefore.set(root, fixturesAfter);
                if (affected.length && !abort.signal.aborted) await host.run(root, affected, abort.signal);
            }
        } finally {
            running = false;
        }
        void next();
    };

    const watchers = host.roots().map((root) => {
        const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(root), '**/*.{ts,mts,cts,js,mjs,cjs,json}'));
        const changed = (uri: vscode.Uri): void => {
            if (!core.isWatchedProjectFile(root, uri.fsPath)) return;
            pending.set(root, (pending.get(root) ?? new Set()).add(uri.fsPath));
            clearTimeout(timer);
            // An editor's save is several events: run once they settle.
            timer = setTimeout(() => void next(), settleMs);
        };
        return vscode.Disposable.from(watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed), watcher.onDidDelete(changed));
    });

    return new Promise((resolve) => {
        const stop = (): void => {
            clearTimeout(timer);
            abort.abort();
            for (const w of watchers) w.dispose();
            resolve();
        };
        if (token.isCancellationRequested) return stop();
        token.onCancellationRequested(stop);
    });
}
