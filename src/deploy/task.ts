// Runs a deploy command as a VS Code task whose terminal shows the process output live, like a
// ProcessExecution, but through a CustomExecution whose pseudoterminal spawns the process itself: the
// output of a ProcessExecution cannot be read back, and the notification must quote the tool's own
// error line. Keystrokes go to the process's stdin (nango asks before destructive changes).
import type { ChildProcess } from 'node:child_process';
import * as vscode from 'vscode';
import { forTerminal, quote, runTool } from './tool-process';

export const TASK_TYPE = 'nango';

export interface DeployTaskSpec {
    command: string;
    args: string[];
    cwd: string;
    env: Record<string, string>;
    label: string;
    /** Lines printed before the command (why this tool). */
    header: string[];
    definition: vscode.TaskDefinition;
    folder: vscode.WorkspaceFolder | vscode.TaskScope.Workspace;
    /** stdout is not shown live (it is JSON, rendered by `render` at the end). */
    quietStdout?: boolean;
    /** Lines to print once the process ended. */
    render?: (run: DeployTaskRun) => string[];
}

export interface DeployTaskRun {
    exitCode: number | undefined;
    stdout: string;
    stderr: string;
    /** stdout and stderr interleaved, as shown. */
    output: string;
    /** The terminal was closed (or the task terminated) before the process ended. */
    cancelled: boolean;
}

export async function runDeployTask(spec: DeployTaskSpec): Promise<DeployTaskRun> {
    let settle!: (run: DeployTaskRun) => void;
    const done = new Promise<DeployTaskRun>((resolve) => (settle = resolve));
    const execution = new vscode.CustomExecution(async () => {
        const write = new vscode.EventEmitter<string>();
        const close = new vscode.EventEmitter<number>();
        let child: ChildProcess | undefined;
        const run: DeployTaskRun = { exitCode: undefined, stdout: '', stderr: '', output: '', cancelled: false };
        let finished = false;
        const finish = (): void => {
            if (finished) return;
            finished = true;
            for (const line of spec.render?.(run) ?? []) write.fire(forTerminal(`${line}\n`));
            close.fire(run.exitCode ?? 1);
            write.dispose();
            close.dispose();
            settle(run);
        };
        const pty: vscode.Pseudoterminal = {
            onDidWrite: write.event,
            onDidClose: close.event,
            open: () => {
                for (const line of spec.header) write.fire(forTerminal(`${line}\n`));
                write.fire(forTerminal(`> ${[spec.command, ...spec.args].map(quote).join(' ')}\n\n`));
                child = runTool(spec, {
                    stdout: (text) => {
                        run.stdout += text;
                        run.output += text;
                        if (!spec.quietStdout) write.fire(forTerminal(text));
                    },
                    stderr: (text) => {
                        run.stderr += text;
                        run.output += text;
                        write.fire(forTerminal(text));
                    },
                    end: (code) => {
                        run.exitCode = code;
                        finish();
                    }
                });
            },
            handleInput: (data) => {
                if (!child?.stdin?.writable) return;
                // Not a TTY: echo, and send Enter as a line break.
                const text = data.replace(/\r/g, '\n');
                write.fire(forTerminal(text));
                child.stdin.write(text);
            },
            close: () => {
                if (finished) return;
                run.cancelled = true;
                child?.kill('SIGTERM');
                finish();
            }
        };
        return pty;
    });
    const task = new vscode.Task(spec.definition, spec.folder, spec.label, 'nango', execution);
    task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, clear: true, panel: vscode.TaskPanelKind.Dedicated };
    const started = await vscode.tasks.executeTask(task);
    // Terminating the task from the UI closes the pseudoterminal (close() above) and so settles.
    const ended = vscode.tasks.onDidEndTask((e) => {
        if (e.execution !== started) return;
        ended.dispose();
        // Settles if the task ended without the pseudoterminal ever opening.
        setTimeout(() => settle({ exitCode: undefined, stdout: '', stderr: '', output: '', cancelled: true }), 1000);
    });
    return done.finally(() => ended.dispose());
}
