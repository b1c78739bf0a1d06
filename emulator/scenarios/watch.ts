// Watching a project for `nango-emulator test --watch`: every folder of the project is watched
// (node's fs.watch, one per folder, so node_modules, build output and the emulator's own cache and
// state are never walked or watched), changes are gathered for a moment (an editor's save is several
// events), and each batch re-runs only the scenarios it affects (affected.ts). A change during a run
// waits for it to end.
import { readdirSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { affectedScenarios, fixturesSnapshot, isSkippedFolder, isWatchedProjectFile } from './affected';
import type { Scenario } from './format';

const FILE_NAME = /\.(ts|mts|cts|js|mjs|cjs|json)$/;

export interface ProjectWatcher {
    close(): void;
}

/** Calls onChange with the files (absolute paths) changed since the last call, gathered for `settleMs`. */
export function watchProjectFiles(root: string, onChange: (files: string[]) => void, settleMs = 20): ProjectWatcher {
    const watchers = new Map<string, FSWatcher>();
    const pending = new Set<string>();
    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    const add = (dir: string): void => {
        if (closed || watchers.has(dir)) return;
        let watcher: FSWatcher;
        try {
            watcher = watch(dir, (_event, name) => {
                if (!name) return;
                const file = path.join(dir, name.toString());
                // A new folder (or one renamed into place): watch it and what it holds.
                if (!FILE_NAME.test(file)) return isSkippedFolder(name.toString()) ? undefined : walk(file);
                if (!isWatchedProjectFile(root, file)) return;
                pending.add(file);
                clearTimeout(timer);
                timer = setTimeout(() => {
                    const files = [...pending];
                    pending.clear();
                    if (!closed) onChange(files);
                }, settleMs);
            });
        } catch {
            return; // gone already, or not a folder
        }
        watcher.on('error', () => {
            watcher.close();
            watchers.delete(dir);
        });
        watchers.set(dir, watcher);
    };
    const walk = (dir: string): void => {
        let entries;
        try {
            entries = readdirSync(dir, { withFileTypes: true });
        } catch {
            return;
        }
        add(dir);
        for (const e of entries) if (e.isDirectory() && !isSkippedFolder(e.name)) walk(path.join(dir, e.name));
    };
    walk(root);
    return {
        close: () => {
            closed = true;
            clearTimeout(timer);
            for (const w of watchers.values()) w.close();
            watchers.clear();
        }
    };
}

export interface ScenarioWatchOptions {
    root: string;
    /** The scenarios the watch covers, read again after each change; throws on bad input. */
    load: () => Scenario[];
    /** Runs and reports the affected scenarios; `changed`: the files that changed. */
    run: (scenarios: Scenario[], changed: string[]) => Promise<void>;
    /** A change that could not be handled (bad fixtures, a scenario file being written…). */
    onError: (err: unknown, changed: string[]) => void;
    settleMs?: number;
}

/** Re-runs the affected scenarios after each change until closed. */
export function watchScenarios(opts: ScenarioWatchOptions): ProjectWatcher {
    let fixturesBefore = fixturesSnapshot(opts.root);
    let running = false;
    const queued = new Set<string>();
    const next = async (): Promise<void> => {
        if (running || !queued.size) return;
        running = true;
        const changed = [...queued];
        queued.clear();
        try {
            const fixturesAfter = fixturesSnapshot(opts.root);
            const scenarios = affectedScenarios({ root: opts.root, scenarios: opts.load(), changed, fixturesBefore, fixturesAfter });
            fixturesBefore = fixturesAfter;
            if (scenarios.length) await opts.run(scenarios, changed);
        } catch (err) {
            opts.onError(err, changed);
        } finally {
            running = false;
        }
        void next();
    };
    return watchProjectFiles(
        opts.root,
        (files) => {
            for (const f of files) queued.add(f);
            void next();
        },
        opts.settleMs
    );
}
