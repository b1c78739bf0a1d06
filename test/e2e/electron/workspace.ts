/**
 * The folder the extension-host suite opens: a temp copy of examples/nango-integrations (see
 * copyWorkspace: node_modules symlinked, no emulator state or cache) plus one event function that
 * index.ts does NOT import (UNIMPORTED_HANDLER), so the suite can check the "not imported" diagnostic
 * and its quick fix. The suite finds it through NANGO_E2E_WORKSPACE.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { copyWorkspace } from '../harness';
import { repoRoot } from './bundle';
import { MULTI_ROOT_FOLDERS, SECOND_FOLDER_CONNECTION, UNIMPORTED_HANDLER, UNIMPORTED_HANDLER_SOURCE } from './suite/workspaceFiles';

/** Returns the workspace folder (it contains nango-integrations/). */
export function makeSuiteWorkspace(): string {
    const workspace = copyWorkspace(path.join(repoRoot, 'examples', 'nango-integrations'));
    const file = path.join(workspace, 'nango-integrations', UNIMPORTED_HANDLER);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, UNIMPORTED_HANDLER_SOURCE);
    return workspace;
}

/**
 * The workspace of the multi-root suite: a .code-workspace file with two folders, each a copy of the
 * example with the un-imported handler. The second one's GitHub connection has another id
 * (SECOND_FOLDER_CONNECTION), so a run shows which folder's fixtures and emulator answered it.
 */
export function makeMultiRootWorkspace(): { file: string; folders: string[] } {
    const folders = MULTI_ROOT_FOLDERS.map(() => makeSuiteWorkspace());
    const second = folders[1];
    if (!second) throw new Error('the multi-root workspace needs two folders');
    const emulatorDir = path.join(second, 'nango-integrations', '.nango-emulator');
    const fixtures = path.join(emulatorDir, 'fixtures.json');
    if (!readFileSync(fixtures, 'utf8').includes('"gh-admin"')) throw new Error(`${fixtures} has no connection gh-admin to rename`);
    const scenarios = readdirSync(path.join(emulatorDir, 'scenarios')).map((f) => path.join(emulatorDir, 'scenarios', f));
    for (const file of [fixtures, ...scenarios])
        writeFileSync(file, readFileSync(file, 'utf8').replaceAll('"gh-admin"', JSON.stringify(SECOND_FOLDER_CONNECTION)));
    const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'nango-e2e-multiroot-')));
    const file = path.join(dir, 'two-projects.code-workspace');
    const workspace = { folders: folders.map((folder, i) => ({ name: MULTI_ROOT_FOLDERS[i], path: folder })) };
    writeFileSync(file, JSON.stringify(workspace, null, 4));
    return { file, folders: [...folders, dir] };
}
