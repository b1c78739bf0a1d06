// The `nango` task provider: "Tasks: Run Task" lists `nango: compile` and `nango: deploy <env>` per
// nango-integrations folder, and tasks.json entries of type "nango" resolve to the same tasks (see
// src/tasks/tasks.ts for what they run). Each runs in a pseudoterminal that spawns the tool itself,
// so `err - <file>` lines can show absolute paths for the `$nango-compile` matchers, and a deploy's
// confirmation (prod, the emulator CLI) is asked in the terminal: type y.
import type { ChildProcess } from 'node:child_process';
import * as vscode from 'vscode';
import { forTerminal, quote, runTool } from '../deploy/tool-process';
import { emulatorDeployOutcome } from '../deploy/outcome';
import type { NangoProjects } from '../projects';
import { countFunctions } from '../workspace/function-kinds';
import {
    ErrorPathRewriter,
    NANGO_TASK_TYPE,
    PROBLEM_MATCHERS,
    processProbe,
    providedTasks,
    resolveDefinition,
    taskRun,
    type NangoTaskDefinition,
    type TaskProject,
    type TaskRun,
    type TaskRunFailure
} from './tasks';

/** Runs `run()` (decided when the task starts) in a pseudoterminal; closes with the tool's exit code. */
function taskTerminal(root: string, run: () => TaskRun | TaskRunFailure | { ok: false; message: string; fix?: undefined }): vscode.Pseudoterminal {
    const write = new vscode.EventEmitter<string>();
    const close = new vscode.EventEmitter<number>();
    let child: ChildProcess | undefined;
    let closed = false;
    let answer: ((text: string) => void) | undefined;
    let typed = '';
    const print = (text: string): void => write.fire(forTerminal(text));
    const finish = (code: number): void => {
        if (closed) return;
        closed = true;
        close.fire(code);
        write.dispose();
        close.dispose();
    };
    const start = (spec: TaskRun): void => {
        print(`> ${[spec.command, ...spec.args].map(quote).join(' ')}\n\n`);
        const out = new ErrorPathRewriter(root);
        const err = new ErrorPathRewriter(root);
        let stdout = '';
        let stderr = '';
        const end = (code: number | undefined): void => {
            print(out.end() + err.end());
            if (spec.emulatorJson) {
                for (const line of emulatorDeployOutcome(code, stdout, stderr, spec.environment ?? '').lines)
                    print(new ErrorPathRewriter(root).push(`${line}\n`));
            }
            finish(code ?? 1);
        };
        child = runTool(spec, {
            stdout: (text) => {
                stdout += text;
                if (!spec.emulatorJson) print(out.push(text));
            },
            stderr: (text) => {
                stderr += text;
                print(err.push(text));
            },
            end
        });
    };
    return {
        onDidWrite: write.event,
        onDidClose: close.event,
        open: () => {
            let spec: ReturnType<typeof run>;
            try {
                spec = run();
            } catch (e) {
                spec = { ok: false, message: e instanceof Error ? e.message : String(e) };
            }
            if (!spec.ok) {
                print(`✖ ${spec.message}${spec.fix ? `\n  ${spec.fix}` : ''}\n`);
                return finish(2);
            }
            for (const line of spec.header) print(`${line}\n`);
            const confirmation = spec.confirmation;
            if (!confirmation) return start(spec);
            print(`\n${confirmation.message}\n${confirmation.detail}\nType y and Enter to ${confirmation.button.toLowerCase()}; anything else cancels: `);
            const ready = spec;
            answer = (text) => {
                answer = undefined;
                if (/^\s*y(es)?\s*$/i.test(text)) return start(ready);
                print('Cancelled: nothing was deployed.\n');
                finish(1);
            };
        },
        handleInput: (data) => {
            if (answer) {
                for (const ch of data) {
                    if (ch === '\r' || ch === '\n') {
                        print('\n');
                        const text = typed;
                        typed = '';
                        answer?.(text);
                        return;
                    }
                    if (ch === '\x7f') {
                        if (typed) print('\b \b');
                        typed = typed.slice(0, -1);
                    } else if (ch >= ' ') {
                        typed += ch;
                        print(ch);
                    }
                }
                return;
            }
            if (!child?.stdin?.writable) return;
            // Not a TTY: echo, and send Enter as a line break (nango asks before destructive changes).
            const text = data.replace(/\r/g, '\n');
            print(text);
            child.stdin.write(text);
        },
        close: () => {
            child?.kill('SIGTERM');
            finish(1);
        }
    };
}

export class NangoTaskProvider implements vscode.TaskProvider {
    constructor(
        private readonly projects: NangoProjects,
        /** The extension's dist/emulator/cli.js. */
        private readonly emulatorCli: string,
        private readonly ready: Promise<void>
    ) {}

    private taskProjects(): TaskProject[] {
        return this.projects.all().flatMap((m) => {
            const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(m.root));
            if (!folder) return [];
            const defaultEnvironment = vscode.workspace.getConfiguration('nango', vscode.Uri.file(m.root)).get<string>('defaultEnvironment', 'dev');
            return [{ root: m.root, folder: folder.uri.fsPath, integrations: m.integrations(), defaultEnvironment }];
        });
    }

    async provideTasks(): Promise<vscode.Task[]> {
        await this.ready.catch(() => undefined);
        const projects = this.taskProjects();
        return providedTasks(projects).flatMap((t) => {
            const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(t.root));
            const project = projects.find((p) => p.root === t.root);
            if (!project) return [];
            const task = this.task(t.definition, folder ?? vscode.TaskScope.Workspace, t.name, project);
            task.detail = t.detail;
            if (t.build) task.group = vscode.TaskGroup.Build;
            return [task];
        });
    }

    async resolveTask(task: vscode.Task): Promise<vscode.Task> {
        await this.ready.catch(() => undefined);
        const folder = typeof task.scope === 'object' ? task.scope.uri.fsPath : undefined;
        const resolved = resolveDefinition(task.definition, folder, this.taskProjects());
        const scope = task.scope ?? vscode.TaskScope.Workspace;
        if (!resolved.ok) {
            // Runs, and says in its terminal what is wrong with the tasks.json entry.
            const failing = new vscode.Task(
                task.definition,
                scope,
                task.name || 'invalid',
                NANGO_TASK_TYPE,
                new vscode.CustomExecution(async () => taskTerminal(folder ?? '', () => ({ ok: false, message: resolved.message }))),
                [...PROBLEM_MATCHERS]
            );
            return failing;
        }
        // VS Code requires the resolved task to keep the entry's own definition object.
        return this.task(task.definition as NangoTaskDefinition, scope, task.name || resolved.name, resolved.project, resolved.definition);
    }

    private task(
        definition: NangoTaskDefinition,
        scope: vscode.WorkspaceFolder | vscode.TaskScope,
        name: string,
        project: TaskProject,
        effective: NangoTaskDefinition = definition
    ): vscode.Task {
        const execution = new vscode.CustomExecution(async () =>
            taskTerminal(project.root, () =>
                taskRun(
                    effective,
                    project,
                    { functions: this.importedFunctions(project.root), emulatorCli: this.emulatorCli, node: process.execPath },
                    processProbe()
                )
            )
        );
        const task = new vscode.Task(definition, scope, name, NANGO_TASK_TYPE, execution, [...PROBLEM_MATCHERS]);
        task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, clear: true };
        return task;
    }

    /** What index.ts imports, read from disk (what the CLI will read). */
    private importedFunctions(root: string): ReturnType<typeof countFunctions> {
        const model = this.projects.all().find((m) => m.root === root);
        if (!model) return { syncs: 0, actions: 0, onEvents: 0 };
        const files = model.indexImports().flatMap((i) => (i.kind !== 'type-only' && i.resolvedFile ? [i.resolvedFile] : []));
        return countFunctions(
            root,
            files.map((file) => ({ file, text: processProbe().read(file) }))
        );
    }
}

/** Registers the provider; `emulatorCli` is the extension's dist/emulator/cli.js. */
export function registerNangoTasks(projects: NangoProjects, emulatorCli: string, ready: Promise<void>): vscode.Disposable {
    return vscode.tasks.registerTaskProvider(NANGO_TASK_TYPE, new NangoTaskProvider(projects, emulatorCli, ready));
}
