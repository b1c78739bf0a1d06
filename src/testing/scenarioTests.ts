// Scenarios (.nango-emulator/scenarios/*.json) in VS Code's Testing view: one test per scenario, one
// child per step. The files are read here (parsing only, for the tree and its diagnostics); running and
// debugging go to the folder's emulator server, which streams each step's result back. Failures show
// at the expectation that failed.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Scenario, ScenarioProblem, ScenarioResult, SourceLocation, StepResult } from '../../emulator/scenarios';
import { loadCore } from '../loadCore';
import type { NangoProjects } from '../projects';
import type { EmulatorClient, ScenarioEvent } from '../runs/client';
import { attachConfiguration, freePort, whileDebugging } from '../runs/debug';
import { runContinuously } from './continuous';

function toRange(l: SourceLocation): vscode.Range {
    return new vscode.Range(l.line - 1, l.column - 1, l.endLine - 1, l.endColumn - 1);
}

function locationOf(l: SourceLocation): vscode.Location {
    return new vscode.Location(vscode.Uri.file(l.file), toRange(l));
}

export class ScenarioTests implements vscode.Disposable {
    /** The Testing view's controller (the extension's API hands it to tests). */
    readonly controller = vscode.tests.createTestController('nango.scenarios', 'Nango scenarios');
    private readonly scenarios = new Map<string, { root: string; scenario: Scenario; item: vscode.TestItem }>();
    private readonly disposables: vscode.Disposable[] = [this.controller];
    private readonly problems = vscode.languages.createDiagnosticCollection('nango-scenarios');

    constructor(
        private readonly projects: NangoProjects,
        private readonly client: EmulatorClient,
        private readonly emulatorDir: string,
        private readonly onDidRun: (root: string) => void
    ) {
        this.controller.resolveHandler = async () => this.reload();
        this.controller.refreshHandler = async () => this.reload();
        // Continuous run: re-runs what each change affects until it is turned off (continuous.ts).
        this.controller.createRunProfile('Run', vscode.TestRunProfileKind.Run, (request, token) => this.run(request, token), true, undefined, true);
        this.controller.createRunProfile('Debug', vscode.TestRunProfileKind.Debug, (request, token) => this.run(request, token, true), true);
        const watcher = vscode.workspace.createFileSystemWatcher('**/.nango-emulator/{scenarios/**/*.json,fixtures.json}');
        this.disposables.push(
            watcher,
            this.problems,
            watcher.onDidChange(() => this.reload()),
            watcher.onDidCreate(() => this.reload()),
            watcher.onDidDelete(() => this.reload()),
            projects.onDidChange((m) => (m ? undefined : this.reload()))
        );
    }

    /** Reads every project's scenarios into the test tree; invalid files show as diagnostics. */
    reload(): void {
        const { loadScenarios } = loadCore();
        this.scenarios.clear();
        const roots: vscode.TestItem[] = [];
        const problems = new Map<string, vscode.Diagnostic[]>();
        const models = this.projects.all();
        for (const model of models) {
            // Several projects (a multi-root window): each one's files under an item of its own, so two
            // github.json files are told apart; one project: its files at the top, as before.
            const project = models.length > 1 ? this.projectItem(model.root) : undefined;
            const add = (item: vscode.TestItem): void => (project ? project.children.add(item) : void roots.push(item));
            if (project) roots.push(project);
            let loaded;
            try {
                loaded = loadScenarios(model.root);
            } catch (err) {
                const item = this.controller.createTestItem(`error:${model.root}`, `${path.basename(model.root)}: ${(err as Error).message.split('\n')[0]}`);
                item.error = (err as Error).message;
                add(item);
                continue;
            }
            for (const p of loaded.problems) problems.set(p.file, [...(problems.get(p.file) ?? []), toDiagnostic(p)]);
            for (const file of loaded.files) {
                if (!file.scenarios.length) continue;
                const fileItem = this.controller.createTestItem(file.file, path.relative(loaded.dir, file.file), vscode.Uri.file(file.file));
                for (const scenario of file.scenarios) {
                    const item = this.controller.createTestItem(scenario.id, scenario.name, vscode.Uri.file(scenario.file));
                    item.range = toRange(scenario.location);
                    item.description = scenario.integration;
                    if (scenario.description) item.description += ` · ${scenario.description}`;
                    for (const step of scenario.steps) {
                        const stepItem = this.controller.createTestItem(
                            `${scenario.id}/${step.index}`,
                            `${step.index + 1}. ${step.title}`,
                            vscode.Uri.file(step.location.file)
                        );
                        stepItem.range = toRange(step.location);
                        item.children.add(stepItem);
                    }
                    fileItem.children.add(item);
                    this.scenarios.set(scenario.id, { root: model.root, scenario, item });
                }
                add(fileItem);
            }
        }
        this.controller.items.replace(roots);
        this.problems.clear();
        for (const [file, list] of problems) this.problems.set(vscode.Uri.file(file), list);
    }

    /** A project in a multi-root window: named after its workspace folder, with its path beside. */
    private projectItem(root: string): vscode.TestItem {
        const uri = vscode.Uri.file(root);
        const item = this.controller.createTestItem(`project:${root}`, vscode.workspace.getWorkspaceFolder(uri)?.name ?? path.basename(root), uri);
        item.description = vscode.workspace.asRelativePath(root, true);
        return item;
    }

    /** The scenarios a request covers (a file, a scenario or a step selects its scenario). */
    private selected(request: vscode.TestRunRequest): vscode.TestItem[] {
        const out = new Map<string, vscode.TestItem>();
        const visit = (item: vscode.TestItem): void => {
            if (this.scenarios.has(item.id)) out.set(item.id, item);
            else if (item.parent && this.scenarios.has(item.parent.id)) out.set(item.parent.id, item.parent);
            else item.children.forEach(visit);
        };
        if (request.include) request.include.forEach(visit);
        else this.controller.items.forEach(visit);
        for (const ex of request.exclude ?? []) out.delete(ex.id);
        return [...out.values()];
    }

    private async run(request: vscode.TestRunRequest, token: vscode.CancellationToken, debug = false): Promise<void> {
        if (!vscode.workspace.isTrusted) {
            void vscode.window.showWarningMessage('Scenarios execute your event function code, so they are off until you trust this workspace.');
            return;
        }
        if (request.continuous && !debug) return this.runContinuously(request, token);
        const run = this.controller.createTestRun(request);
        const abort = new AbortController();
        const cancel = token.onCancellationRequested(() => abort.abort());
        try {
            for (const [root, items] of this.byRoot(this.selected(request))) {
                if (abort.signal.aborted) break;
                if (!debug) {
                    await this.runItems(run, root, items, abort.signal);
                    continue;
                }
                // Each scenario runs in a worker of its own: one debug session each, attached to it.
                for (const item of items) {
                    if (abort.signal.aborted) break;
                    const port = await freePort();
                    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(root));
                    await whileDebugging(folder, attachConfiguration(`Nango: debug ${item.label}`, port, this.emulatorDir), (ended) =>
                        this.runItems(run, root, [item], AbortSignal.any([abort.signal, ended]), port)
                    );
                }
            }
        } finally {
            cancel.dispose();
            run.end();
        }
    }

    /**
     * Until the token is cancelled, each change re-runs the affected scenarios among those the request
     * covers. The tree is read again after scenario files change, so the request's items are matched by
     * id (a file's id covers the scenarios added to it later).
     */
    private async runContinuously(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
        const covered = new Set<string>(this.selected(request).map((i) => i.id));
        for (const item of request.include ?? []) covered.add(item.id);
        const excluded = new Set((request.exclude ?? []).map((i) => i.id));
        const inRequest = (s: Scenario): boolean => !excluded.has(s.id) && (!request.include || covered.has(s.id) || covered.has(s.file));
        const roots = (): string[] => [...new Set([...this.scenarios.values()].map((e) => e.root))];
        await runContinuously(
            {
                roots,
                scenariosOf: (root) => {
                    // The tree's own watcher reloads too, maybe not yet: read the files as they are now.
                    this.reload();
                    return [...this.scenarios.values()].filter((e) => e.root === root && inRequest(e.scenario)).map((e) => e.scenario);
                },
                run: async (root, scenarios, signal) => {
                    const items = scenarios.flatMap((s) => this.scenarios.get(s.id)?.item ?? []);
                    const run = this.controller.createTestRun(new vscode.TestRunRequest(items, undefined, request.profile, true));
                    for (const item of items) run.enqueued(item);
                    try {
                        await this.runItems(run, root, items, signal);
                    } finally {
                        run.end();
                    }
                }
            },
            token
        );
    }

    private byRoot(items: vscode.TestItem[]): Map<string, vscode.TestItem[]> {
        const out = new Map<string, vscode.TestItem[]>();
        for (const item of items) {
            const entry = this.scenarios.get(item.id);
            if (entry) out.set(entry.root, [...(out.get(entry.root) ?? []), item]);
        }
        return out;
    }

    /** Sends the scenarios to the root's emulator server and reports its stream as it comes. */
    private async runItems(run: vscode.TestRun, root: string, items: vscode.TestItem[], signal: AbortSignal, inspectPort?: number): Promise<void> {
        const byId = new Map(items.map((i) => [i.id, i]));
        const stepItem = (id: string, index: number): vscode.TestItem | undefined => byId.get(id)?.children.get(`${id}/${index}`);
        const onEvent = (e: ScenarioEvent): void => {
            switch (e.type) {
                case 'scenario-start': {
                    const item = byId.get(e.id);
                    if (item) run.started(item);
                    return;
                }
                case 'step-start': {
                    const item = stepItem(e.id, e.index);
                    if (item) run.started(item);
                    return;
                }
                case 'step':
                    return this.reportStep(run, stepItem(e.id, e.step.index), e.step);
                case 'log':
                    return run.appendOutput(`[${e.entry.level}] ${e.entry.message}\r\n`, undefined, byId.get(e.id));
                case 'scenario': {
                    const item = byId.get(e.id);
                    if (item) this.reportScenario(run, item, e.result);
                    return;
                }
                case 'error':
                    for (const item of items) run.errored(item, new vscode.TestMessage(`${e.error.type}: ${e.error.message}`));
                    return;
                case 'end':
                    return;
            }
        };
        try {
            await this.client.runScenarios(root, [...byId.keys()], { signal, onEvent, ...(inspectPort === undefined ? {} : { inspectPort }) });
        } catch (err) {
            if (!signal.aborted) for (const item of items) run.errored(item, new vscode.TestMessage((err as Error).message));
        }
        this.onDidRun(root);
    }

    private reportStep(run: vscode.TestRun, item: vscode.TestItem | undefined, step: StepResult): void {
        if (!item) return;
        if (step.status === 'passed') return run.passed(item, step.durationMs);
        if (step.status === 'skipped') return run.skipped(item);
        if (step.status === 'cancelled') return run.skipped(item);
        const messages = step.failures.map((f) => {
            const m =
                f.expected !== undefined || f.actual !== undefined
                    ? vscode.TestMessage.diff(f.message, JSON.stringify(f.expected, null, 2) ?? 'undefined', JSON.stringify(f.actual, null, 2) ?? 'undefined')
                    : new vscode.TestMessage(f.message);
            m.location = locationOf(f.location);
            return m;
        });
        if (step.error) {
            const m = new vscode.TestMessage(`${step.error.code}: ${step.error.message}`);
            m.location = locationOf(step.location);
            messages.push(m);
        }
        run.failed(item, messages.length ? messages : [new vscode.TestMessage(`${step.title} failed`)], step.durationMs);
    }

    private reportScenario(run: vscode.TestRun, item: vscode.TestItem, result: ScenarioResult): void {
        if (result.status === 'passed') run.passed(item, result.durationMs);
        else if (result.status === 'cancelled') run.skipped(item);
        else if (result.status === 'error')
            run.errored(
                item,
                new vscode.TestMessage(result.error ? `${result.error.code}: ${result.error.message}` : 'the scenario could not run'),
                result.durationMs
            );
        else {
            const failed = result.steps.find((s) => s.status === 'failed');
            const m = new vscode.TestMessage(
                failed
                    ? `step ${failed.index + 1} (${failed.title}) failed: ${failed.failures.map((f) => f.message).join('; ') || failed.error?.message || ''}`
                    : 'failed'
            );
            if (failed) m.location = locationOf(failed.failures[0]?.location ?? failed.location);
            run.failed(item, m, result.durationMs);
        }
    }

    dispose(): void {
        for (const d of this.disposables) d.dispose();
    }
}

function toDiagnostic(p: ScenarioProblem): vscode.Diagnostic {
    const d = new vscode.Diagnostic(toRange(p.location), `${p.field}: ${p.message}`, vscode.DiagnosticSeverity.Error);
    d.source = 'nango';
    d.code = 'scenario-invalid';
    return d;
}
