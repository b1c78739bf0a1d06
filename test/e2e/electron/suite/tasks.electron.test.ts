// The `nango` task provider (src/tasks/provider.ts): what "Tasks: Run Task" lists for the project.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, projectUri, until } from './util';

describe('nango tasks', function () {
    before(async function () {
        await activateExtension();
    });

    it('lists compile and deploy tasks for the nango-integrations folder', async function () {
        const tasks = await vscode.tasks.fetchTasks({ type: 'nango' });
        const byName = new Map(tasks.map((t) => [t.name, t]));
        assert.deepEqual([...byName.keys()].sort(), ['compile', 'deploy dev', 'deploy prod']);
        for (const t of tasks) {
            assert.equal(t.definition['project'], 'nango-integrations', t.name);
            assert.equal((t.scope as vscode.WorkspaceFolder | undefined)?.uri.fsPath, vscode.workspace.workspaceFolders?.[0]?.uri.fsPath, t.name);
        }
        assert.equal(byName.get('compile')!.definition['command'], 'compile');
        assert.equal(byName.get('compile')!.group?.id, vscode.TaskGroup.Build.id);
        assert.deepEqual(
            ['deploy dev', 'deploy prod'].map((n) => [byName.get(n)!.definition['command'], byName.get(n)!.definition['environment']]),
            [
                ['deploy', 'dev'],
                ['deploy', 'prod']
            ]
        );
    });

    /** Runs the provided compile task; resolves with its exit code. */
    async function compile(): Promise<number | undefined> {
        const task = (await vscode.tasks.fetchTasks({ type: 'nango' })).find((t) => t.name === 'compile');
        assert.ok(task, 'no compile task');
        const ended = new Promise<number | undefined>((resolve) => {
            const sub = vscode.tasks.onDidEndTaskProcess((e) => {
                if (e.execution.task.name !== 'compile') return;
                sub.dispose();
                resolve(e.exitCode);
            });
        });
        await vscode.tasks.executeTask(task);
        return ended;
    }

    it('"nango: compile" turns a TypeScript error into a problem at its line, and a clean compile clears it', async function () {
        this.timeout(180_000);
        const uri = projectUri('github/on-events/seed-metadata.ts');
        const doc = await vscode.workspace.openTextDocument(uri);
        const original = doc.getText();
        const line = original.split(/\r?\n/).findIndex((l) => l.startsWith('export default'));
        const edit = new vscode.WorkspaceEdit();
        edit.insert(uri, new vscode.Position(line, 0), 'const broken: number = "not a number";\n');
        assert.equal(await vscode.workspace.applyEdit(edit), true);
        await doc.save();
        try {
            assert.notEqual(await compile(), 0);
            const problems = await until(
                'a "nango compile" problem',
                () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'nango compile'),
                (ds) => ds.length > 0
            );
            assert.ok(
                problems.some((d) => d.range.start.line === line && /Type 'string' is not assignable to type 'number'/.test(d.message)),
                JSON.stringify(problems.map((d) => [d.range.start.line, d.message]))
            );
        } finally {
            const undo = new vscode.WorkspaceEdit();
            undo.replace(uri, new vscode.Range(0, 0, doc.lineCount, 0), original);
            await vscode.workspace.applyEdit(undo);
            await doc.save();
        }
        assert.equal(await compile(), 0);
        await until(
            'the "nango compile" problems to clear',
            () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'nango compile'),
            (ds) => ds.length === 0
        );
    });
});
