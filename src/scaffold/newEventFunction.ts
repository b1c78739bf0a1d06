// "Nango: New Event Function…": pick the project (when several), the integration (or type a new one),
// the event, and the file name; creates <integration>/on-events/<name>.ts from the scaffold and adds
// its import to index.ts in one undoable edit, then opens it with the description selected.
import * as vscode from 'vscode';
import { toRange, toWorkspaceEdit } from '../convert';
import type { NangoProjects } from '../projects';
import { loadCore } from '../loadCore';
import type { WorkspaceModel } from '../workspace';

async function pickModel(projects: NangoProjects): Promise<WorkspaceModel | undefined> {
    const models = projects.all();
    if (models.length <= 1) return models[0];
    const active = vscode.window.activeTextEditor?.document.uri.fsPath;
    const preferred = active ? projects.modelFor(active) : undefined;
    const picked = await vscode.window.showQuickPick(
        models
            .map((m) => ({ label: vscode.workspace.asRelativePath(m.root), description: m === preferred ? 'active editor' : undefined, model: m }))
            .sort((a, b) => Number(b.model === preferred) - Number(a.model === preferred)),
        { title: 'New event function: which nango-integrations folder?' }
    );
    return picked?.model;
}

/** QuickPick of existing integrations that also accepts a new name typed in its filter box. */
function pickIntegration(model: WorkspaceModel): Promise<string | undefined> {
    const { validateIntegrationName } = loadCore();
    return new Promise((resolve) => {
        const qp = vscode.window.createQuickPick<vscode.QuickPickItem>();
        qp.title = 'New event function: integration';
        qp.placeholder = 'Pick an integration, or type the ID of a new one (as in your Nango dashboard)';
        qp.ignoreFocusOut = true;
        const existing = model.integrations().map((name) => ({ label: name, description: 'existing integration' }));
        const refresh = (): void => {
            const typed = qp.value.trim();
            const error = typed && !existing.some((i) => i.label === typed) ? validateIntegrationName(typed, model) : undefined;
            const newItem = typed && !existing.some((i) => i.label === typed) ? [{ label: typed, description: error ? `⚠ ${error}` : 'new integration' }] : [];
            qp.items = [...newItem, ...existing];
        };
        refresh();
        qp.onDidChangeValue(refresh);
        qp.onDidAccept(() => {
            const choice = qp.selectedItems[0]?.label ?? qp.value.trim();
            const error = validateIntegrationName(choice, model);
            if (error) {
                // Stay open: the item already shows the problem; say it louder too.
                void vscode.window.showWarningMessage(error);
                return;
            }
            resolve(choice);
            qp.hide();
        });
        qp.onDidHide(() => {
            resolve(undefined);
            qp.dispose();
        });
        qp.show();
    });
}

export async function newEventFunction(projects: NangoProjects): Promise<vscode.Uri | undefined> {
    const { EVENT_FUNCTION_TEMPLATES, planNewEventFunction, suggestFunctionName, validateFunctionName } = loadCore();
    const model = await pickModel(projects);
    if (!model) {
        void vscode.window.showErrorMessage('No nango-integrations folder in this workspace. Open one, or set "nango.integrationsPath".');
        return undefined;
    }
    const integration = await pickIntegration(model);
    if (!integration) return undefined;
    const template = await vscode.window.showQuickPick(
        EVENT_FUNCTION_TEMPLATES.map((t) => ({ label: t.label, detail: t.detail, id: t.id })),
        { title: `New event function for ${integration}: event`, placeHolder: 'When should it run?', ignoreFocusOut: true }
    );
    if (!template) return undefined;
    const name = await vscode.window.showInputBox({
        title: `New event function for ${integration}: file name`,
        prompt: `Creates ${integration}/on-events/<name>.ts and imports it from index.ts`,
        value: suggestFunctionName(integration, template.id, model),
        validateInput: (value) => validateFunctionName(value, integration, model),
        ignoreFocusOut: true
    });
    if (name === undefined) return undefined;
    const plan = planNewEventFunction(model, { integration, name, template: template.id });
    const applied = await vscode.workspace.applyEdit(toWorkspaceEdit({ title: 'New event function', edits: plan.edits, createFiles: plan.createFiles }));
    if (!applied) {
        void vscode.window.showErrorMessage(`Could not create ${plan.file}.`);
        return undefined;
    }
    const uri = vscode.Uri.file(plan.file);
    const indexDoc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === model.indexFile);
    if (indexDoc?.isDirty) await indexDoc.save();
    const range = toRange(plan.selection);
    await vscode.window.showTextDocument(uri, { selection: range });
    return uri;
}
