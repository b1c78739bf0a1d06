// "Nango: New Event Function…": pick the project (when several), the integration (or type a new one),
// the event, and the file name; creates <integration>/on-events/<name>.ts from the scaffold and adds
// its import to index.ts in one undoable edit, then opens it with the description selected.
// From the Explorer's context menu on an `on-events` folder or an integration folder, the clicked
// folder names the project and the integration, so only the event and the name are asked.
import * as path from 'node:path';
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

/** Context key: the integration folders (absolute paths) whose Explorer context menu offers the command. */
export const INTEGRATION_FOLDERS_CONTEXT = 'nango.integrationFolders';

/** Keeps INTEGRATION_FOLDERS_CONTEXT in step with the projects (package.json's explorer/context `when`). */
export function trackIntegrationFolders(projects: NangoProjects): vscode.Disposable {
    let last: string | undefined;
    const update = (): void => {
        const folders = projects.all().flatMap((m) => m.integrations().map((integration) => path.join(m.root, integration)));
        if (folders.join('\0') === last) return; // onDidChange fires on every edit burst
        last = folders.join('\0');
        void vscode.commands.executeCommand('setContext', INTEGRATION_FOLDERS_CONTEXT, folders);
    };
    update();
    return projects.onDidChange(update);
}

/**
 * The project and integration an Explorer folder names: `<root>/<integration>/on-events` or
 * `<root>/<integration>`. Undefined for any other folder, or a name the integration validator refuses.
 */
function fromFolder(projects: NangoProjects, folder: vscode.Uri): { model: WorkspaceModel; integration: string } | undefined {
    if (folder.scheme !== 'file') return undefined;
    const { validateIntegrationName } = loadCore();
    let dir = path.normalize(folder.fsPath);
    if (path.basename(dir) === 'on-events') dir = path.dirname(dir);
    const model = projects.all().find((m) => path.relative(m.root, path.dirname(dir)) === '');
    const integration = path.basename(dir);
    if (!model || validateIntegrationName(integration, model)) return undefined;
    return { model, integration };
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

/**
 * `folder`: the Explorer folder the command was run on (its context menu passes it), which names the
 * project and integration; without one (palette), or for a folder that names none, both are asked.
 */
export async function newEventFunction(projects: NangoProjects, folder?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const { EVENT_FUNCTION_TEMPLATES, fixturesFileOf, planNewEventFunction, suggestFunctionName, validateFunctionName } = loadCore();
    const clicked = folder instanceof vscode.Uri ? fromFolder(projects, folder) : undefined;
    const model = clicked?.model ?? (await pickModel(projects));
    if (!model) {
        void vscode.window.showErrorMessage('No nango-integrations folder in this workspace. Open one, or set "nango.integrationsPath".');
        return undefined;
    }
    const integration = clicked?.integration ?? (await pickIntegration(model));
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
    // The fixtures tell the integration's provider, and get an answer to its identity call: as the editor has them, else as saved.
    const fixturesFile = fixturesFileOf(model.root);
    const fixturesText =
        vscode.workspace.textDocuments.find((d) => d.uri.fsPath === fixturesFile)?.getText() ??
        (await vscode.workspace.fs.readFile(vscode.Uri.file(fixturesFile)).then(
            (bytes) => new TextDecoder().decode(bytes),
            () => undefined
        ));
    const fixtures = fixturesText === undefined ? {} : { fixtures: { file: fixturesFile, text: fixturesText } };
    const plan = planNewEventFunction(model, { integration, name, template: template.id, ...fixtures });
    const applied = await vscode.workspace.applyEdit(toWorkspaceEdit({ title: 'New event function', edits: plan.edits, createFiles: plan.createFiles }));
    if (!applied) {
        void vscode.window.showErrorMessage(`Could not create ${plan.file}.`);
        return undefined;
    }
    const uri = vscode.Uri.file(plan.file);
    for (const edited of [model.indexFile, fixturesFile]) {
        const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === edited);
        if (doc?.isDirty) await doc.save();
    }
    if (plan.identity && plan.fixtureAccounts.length > 0) {
        void vscode.window.showInformationMessage(
            `Added the answer to ${plan.identity.method} ${plan.identity.endpoint} for ${plan.fixtureAccounts.join(', ')} to ${vscode.workspace.asRelativePath(fixturesFile)}: edit it to what ${plan.provider} really answers.`
        );
    }
    const range = toRange(plan.selection);
    await vscode.window.showTextDocument(uri, { selection: range });
    return uri;
}
