// The logic behind "Nango: New Event Function…": the adapter asks (integration, template, name)
// through QuickPick/InputBox, validating with these functions, then applies the plan as one edit.
import path from 'node:path';
import type { WorkspaceModel } from './model';
import { FUNCTION_FOLDERS, handlerFilePath, isSkippedFolder } from './paths';
import { renderScaffold, templateById } from './scaffold';
import type { TemplateId } from './scaffold';
import { LineMap } from './text';
import type { FileCreation, Range, TextEdit } from './types';

const KEBAB_CASE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function listIntegrations(model: WorkspaceModel): string[] {
    return model.integrations();
}

/**
 * Error message for an integration name typed in the picker, or undefined when it is usable.
 * An existing integration is fine (the file goes into it); a new one must be a kebab-case folder name.
 */
export function validateIntegrationName(input: string, model: WorkspaceModel): string | undefined {
    const name = input.trim();
    if (name === '') return 'Enter an integration name: the integration ID from your Nango dashboard, e.g. salesforce.';
    if (model.integrations().includes(name)) return undefined;
    if (!KEBAB_CASE.test(name)) return `'${name}' is not kebab-case: use lowercase letters, digits and single dashes, e.g. google-calendar.`;
    if (isSkippedFolder(name)) return `'${name}' is a folder Nango and the extension skip (build output): choose another name.`;
    if (model.hasFile(path.join(model.root, name))) return `A file named '${name}' already exists in ${model.root}: choose another name.`;
    return undefined;
}

/** What the user typed, without surrounding spaces or a trailing .ts. */
export function normalizeFunctionName(input: string): string {
    const name = input.trim();
    return name.endsWith('.ts') ? name.slice(0, -'.ts'.length) : name;
}

/** Error message for a new function's file name (without .ts), or undefined when it is usable. */
export function validateFunctionName(input: string, integration: string, model: WorkspaceModel): string | undefined {
    const name = normalizeFunctionName(input);
    if (name === '') return 'Enter a file name for the function, e.g. validate-connection.';
    if (!KEBAB_CASE.test(name)) return `'${name}' is not kebab-case: use lowercase letters, digits and single dashes, e.g. register-webhook.`;
    for (const folder of FUNCTION_FOLDERS) {
        if (model.hasFile(path.join(model.root, integration, folder, `${name}.ts`))) {
            return `${integration}/${folder}/${name}.ts already exists: function names must be unique within an integration. Choose another name.`;
        }
    }
    return undefined;
}

/** A free file name to offer first: the event's name, numbered when taken. */
export function suggestFunctionName(integration: string, template: TemplateId, model: WorkspaceModel): string {
    const base = template === 'same-account-validation' ? 'same-account' : templateById(template).event;
    for (let n = 1; ; n++) {
        const candidate = n === 1 ? base : `${base}-${n}`;
        if (validateFunctionName(candidate, integration, model) === undefined) return candidate;
    }
}

export interface NewEventFunctionRequest {
    readonly integration: string;
    readonly name: string;
    readonly template: TemplateId;
    readonly description?: string;
}

export interface NewEventFunctionPlan {
    /** The handler file to create. */
    readonly file: string;
    readonly contents: string;
    /** The description in the new file: select it so the user types over it. */
    readonly selection: Range;
    /** The handler file, and index.ts when the project has none. */
    readonly createFiles: readonly FileCreation[];
    /** The import added to an existing index.ts. */
    readonly edits: readonly TextEdit[];
}

/** Everything the command writes. Throws when the request does not pass the validators above. */
export function planNewEventFunction(model: WorkspaceModel, request: NewEventFunctionRequest): NewEventFunctionPlan {
    const integration = request.integration.trim();
    const name = normalizeFunctionName(request.name);
    const problem = validateIntegrationName(integration, model) ?? validateFunctionName(name, integration, model);
    if (problem) throw new Error(problem);

    const file = handlerFilePath(model.root, integration, name);
    const scaffold = renderScaffold(request.template, {
        ...(request.description !== undefined ? { description: request.description } : {}),
        eol: model.indexEol()
    });
    const indexChange = model.planImportAdditions([file]);
    return {
        file,
        contents: scaffold.text,
        selection: new LineMap(scaffold.text).range(scaffold.description.start, scaffold.description.end),
        createFiles: [{ file, contents: scaffold.text }, ...indexChange.createFiles],
        edits: indexChange.edits
    };
}
