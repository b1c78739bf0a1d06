// "Nango: Deploy…": pick the environment, check its secret key right away, then that there is
// something to deploy, the tool and errors in the Problems panel ("Deploy anyway"), then the scope
// (one integration, for the real CLI), confirm (prod, and the emulator CLI's deploy), and run it as a
// task whose terminal shows the output. The notification quotes the tool's own error line.
// The tool (src/deploy/plan.ts): the project's `nango deploy` when index.ts imports syncs or actions,
// else the bundled `nango-emulator deploy --json` (nango 0.71.10 refuses event functions alone).
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { emulatorDeployOutcome, nangoDeployOutcome } from './outcome';
import { runDeployTask, TASK_TYPE } from './task';
import { planDeploy, preflightDeploy, type DeployDiagnostic, type DeployEnvironmentProbe, type DeployFailure, type DeployRequest } from './plan';
import type { NangoProjects } from '../projects';
import type { WorkspaceModel } from '../workspace';
import { countFunctions } from '../workspace/function-kinds';
import { processProbe } from '../tasks/tasks';

export { TASK_TYPE };

const probe: DeployEnvironmentProbe = processProbe();

/** The text of a file: its editor buffer (saved or not) when open, else the disk. */
function currentText(file: string): string | undefined {
    return vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === file)?.getText() ?? probe.read(file);
}

function importedFunctions(model: WorkspaceModel): ReturnType<typeof countFunctions> {
    const files = model.indexImports().flatMap((i) => (i.kind !== 'type-only' && i.resolvedFile ? [i.resolvedFile] : []));
    return countFunctions(
        model.root,
        files.map((file) => ({ file, text: currentText(file) }))
    );
}

const SEVERITY: Record<vscode.DiagnosticSeverity, DeployDiagnostic['severity']> = {
    [vscode.DiagnosticSeverity.Error]: 'error',
    [vscode.DiagnosticSeverity.Warning]: 'warning',
    [vscode.DiagnosticSeverity.Information]: 'information',
    [vscode.DiagnosticSeverity.Hint]: 'hint'
};

function problemsPanel(): DeployDiagnostic[] {
    return vscode.languages
        .getDiagnostics()
        .filter(([uri]) => uri.scheme === 'file')
        .flatMap(([uri, list]) => list.map((d) => ({ file: uri.fsPath, line: d.range.start.line + 1, message: d.message, severity: SEVERITY[d.severity] })));
}

/** Shows a failed check; resolves true when the user chose to deploy anyway. */
async function showFailure(failure: DeployFailure, root: string, environment: string): Promise<boolean> {
    if (failure.reason === 'project_errors') {
        const choice = await vscode.window.showWarningMessage(`${failure.message} ${failure.fix}`, 'Show Problems', 'Deploy anyway');
        if (choice === 'Show Problems') await vscode.commands.executeCommand('workbench.actions.view.problems');
        return choice === 'Deploy anyway';
    }
    const action = failure.reason === 'secret_missing' ? 'Open .env' : failure.reason === 'cli_missing' ? 'Copy command' : undefined;
    const choice = await vscode.window.showErrorMessage(`${failure.message} ${failure.fix}`, ...(action ? [action] : []));
    if (choice === 'Open .env') {
        const envFile = vscode.Uri.joinPath(vscode.Uri.file(root), '.env');
        if (!existsSync(envFile.fsPath))
            await vscode.workspace.fs.writeFile(envFile, new TextEncoder().encode(`NANGO_SECRET_KEY_${environment.toUpperCase()}=\n`));
        await vscode.window.showTextDocument(envFile);
    } else if (choice === 'Copy command') {
        await vscode.env.clipboard.writeText('npm install --save-dev nango');
    }
    return false;
}

/** `emulatorCli`: the extension's bundled dist/emulator/cli.js. */
export async function deploy(projects: NangoProjects, emulatorCli: string): Promise<void> {
    const models = projects.all();
    if (!models.length) {
        void vscode.window.showErrorMessage('No nango-integrations folder in this workspace to deploy. Open one, or set "nango.integrationsPath".');
        return;
    }
    const [only] = models;
    const model =
        models.length === 1 && only
            ? only
            : (
                  await vscode.window.showQuickPick(
                      models.map((m) => ({ label: vscode.workspace.asRelativePath(m.root), model: m })),
                      { title: 'Deploy which nango-integrations folder?' }
                  )
              )?.model;
    if (!model) return;
    const defaultEnvironment = vscode.workspace.getConfiguration('nango', vscode.Uri.file(model.root)).get<string>('defaultEnvironment', 'dev');
    const environments = [...new Set([defaultEnvironment, 'dev', 'prod'])];
    const picked = await vscode.window.showQuickPick(
        environments.map((e) => ({
            label: e,
            description: e === 'prod' ? 'production: asks for confirmation' : e === defaultEnvironment ? 'default' : undefined
        })),
        { title: 'Nango: Deploy to which environment?' }
    );
    if (!picked) return;
    const environment = picked.label;
    // The checks run now, before anything else is asked: the secret key first.
    const request: DeployRequest = {
        root: model.root,
        environment,
        functions: importedFunctions(model),
        emulatorCli,
        node: process.execPath,
        diagnostics: problemsPanel()
    };
    let checked = preflightDeploy(request, probe);
    if (!checked.ok && checked.reason === 'project_errors') {
        if (!(await showFailure(checked, model.root, environment))) return;
        request.ignoreErrors = true;
        checked = preflightDeploy(request, probe);
    }
    if (!checked.ok) return void (await showFailure(checked, model.root, environment));
    if (checked.tool === 'nango') {
        const scope = await vscode.window.showQuickPick(
            [
                { label: 'All integrations', integration: undefined as string | undefined },
                ...model.integrations().map((i) => ({ label: i, integration: i as string | undefined, description: 'only this integration' }))
            ],
            {
                title: `Nango: Deploy to ${environment}: what?`
            }
        );
        if (!scope) return;
        if (scope.integration) request.integration = scope.integration;
    }
    const plan = planDeploy(request, probe);
    if (!plan.ok) return void (await showFailure(plan, model.root, environment));
    if (plan.confirmation) {
        const confirm = await vscode.window.showWarningMessage(
            plan.confirmation.message,
            { modal: true, detail: plan.confirmation.detail },
            plan.confirmation.button
        );
        if (confirm !== plan.confirmation.button) return;
    }
    const run = await runDeployTask({
        command: plan.command,
        args: plan.args,
        cwd: plan.cwd,
        env: plan.env,
        label: plan.label,
        header: [`${plan.label}: ${plan.detail}.`, `The secret key comes from ${plan.secretFrom}.`],
        definition: { type: TASK_TYPE, command: 'deploy', environment, tool: plan.tool, ...(request.integration ? { integration: request.integration } : {}) },
        folder: vscode.workspace.getWorkspaceFolder(vscode.Uri.file(model.root)) ?? vscode.TaskScope.Workspace,
        quietStdout: plan.tool === 'emulator',
        ...(plan.tool === 'emulator' ? { render: (r) => emulatorDeployOutcome(r.exitCode, r.stdout, r.stderr, environment).lines } : {})
    });
    if (run.cancelled) return;
    const outcome =
        plan.tool === 'emulator' ? emulatorDeployOutcome(run.exitCode, run.stdout, run.stderr, environment) : nangoDeployOutcome(run.exitCode, run.output);
    if (outcome.ok) void vscode.window.showInformationMessage(`${plan.label}: ${outcome.summary}.`);
    else void vscode.window.showErrorMessage(`${plan.label} failed: ${outcome.summary}`);
}
