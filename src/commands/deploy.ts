// "Nango: Deploy…": pick the environment (prod asks for confirmation) and optionally one integration,
// then run the real `nango deploy` as a VS Code task in the nango-integrations folder, so its output
// and exit status show in the terminal. Missing CLI or secret key: say exactly what to install or set.
import { existsSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { planDeploy, type DeployEnvironmentProbe } from '../plans/deploy';
import type { NangoProjects } from '../projects';

export const TASK_TYPE = 'nango';

const probe: DeployEnvironmentProbe = {
    exists: (file) => existsSync(file),
    read: (file) => {
        try {
            return readFileSync(file, 'utf8');
        } catch {
            return undefined;
        }
    },
    env: process.env,
    platform: process.platform
};

export async function deploy(projects: NangoProjects): Promise<void> {
    const models = projects.all();
    if (!models.length) {
        void vscode.window.showErrorMessage('No nango-integrations folder in this workspace to deploy. Open one, or set "nango.integrationsPath".');
        return;
    }
    const model =
        models.length === 1
            ? models[0]!
            : (await vscode.window.showQuickPick(models.map((m) => ({ label: vscode.workspace.asRelativePath(m.root), model: m })), { title: 'Deploy which nango-integrations folder?' }))?.model;
    if (!model) return;
    const defaultEnvironment = vscode.workspace.getConfiguration('nango', vscode.Uri.file(model.root)).get<string>('defaultEnvironment', 'dev');
    const environments = [...new Set([defaultEnvironment, 'dev', 'prod'])];
    const environment = await vscode.window.showQuickPick(
        environments.map((e) => ({ label: e, description: e === 'prod' ? 'production: asks for confirmation' : e === defaultEnvironment ? 'default' : undefined })),
        { title: 'Nango: Deploy to which environment?' }
    );
    if (!environment) return;
    const scope = await vscode.window.showQuickPick([{ label: 'All integrations', integration: undefined as string | undefined }, ...model.integrations().map((i) => ({ label: i, integration: i as string | undefined, description: 'only this integration' }))], {
        title: `Nango: Deploy to ${environment.label}: what?`
    });
    if (!scope) return;
    const plan = planDeploy({ root: model.root, environment: environment.label, ...(scope.integration ? { integration: scope.integration } : {}) }, probe);
    if (!plan.ok) {
        const choice = await vscode.window.showErrorMessage(`${plan.message} ${plan.fix}`, plan.reason === 'secret_missing' ? 'Open .env' : 'Copy command');
        if (choice === 'Open .env') {
            const envFile = vscode.Uri.joinPath(vscode.Uri.file(model.root), '.env');
            if (!existsSync(envFile.fsPath)) await vscode.workspace.fs.writeFile(envFile, new TextEncoder().encode(`NANGO_SECRET_KEY_${environment.label.toUpperCase()}=\n`));
            await vscode.window.showTextDocument(envFile);
        } else if (choice === 'Copy command') {
            await vscode.env.clipboard.writeText('npm install --save-dev nango');
        }
        return;
    }
    if (plan.needsConfirmation) {
        const confirm = await vscode.window.showWarningMessage(`Deploy ${scope.integration ?? 'all integrations'} to PRODUCTION?`, { modal: true, detail: `Runs "${plan.label}" in ${plan.cwd}. The secret key comes from ${plan.secretFrom}.` }, 'Deploy to prod');
        if (confirm !== 'Deploy to prod') return;
    }
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(model.root)) ?? vscode.TaskScope.Workspace;
    const task = new vscode.Task(
        { type: TASK_TYPE, command: 'deploy', environment: environment.label, ...(scope.integration ? { integration: scope.integration } : {}) },
        folder,
        plan.label,
        'nango',
        new vscode.ProcessExecution(plan.command, plan.args, { cwd: plan.cwd })
    );
    task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, clear: true, panel: vscode.TaskPanelKind.Dedicated };
    const execution = await vscode.tasks.executeTask(task);
    const ended = vscode.tasks.onDidEndTaskProcess((e) => {
        if (e.execution !== execution) return;
        ended.dispose();
        if (e.exitCode === 0) void vscode.window.showInformationMessage(`${plan.label}: deployed.`);
        else void vscode.window.showErrorMessage(`${plan.label} failed (exit code ${e.exitCode ?? 'unknown'}): see the terminal for nango's output.`);
    });
}
