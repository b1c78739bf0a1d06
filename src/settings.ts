// The extension's settings, read in one place. Defaults come from the emulator's own limits.
import * as vscode from 'vscode';
import { DEFAULT_TIMEOUT_MS } from '../emulator/core/limits';

/** `nango.emulator.timeoutMs` for the project at `root` (default: Nango's own 300 s limit). */
export function emulatorTimeoutMs(root: string): number {
    return vscode.workspace.getConfiguration('nango', vscode.Uri.file(root)).get<number>('emulator.timeoutMs', DEFAULT_TIMEOUT_MS);
}

/** `nango.codeLens.enabled` for `uri` (default: on). */
export function codeLensEnabled(uri: vscode.Uri): boolean {
    return vscode.workspace.getConfiguration('nango', uri).get<boolean>('codeLens.enabled', true);
}

/** True when `event` changes a setting that turns the code lenses on or off. */
export function affectsCodeLens(event: vscode.ConfigurationChangeEvent): boolean {
    return event.affectsConfiguration('nango.codeLens.enabled');
}
