/**
 * The folder the extension-host suite opens: a temp copy of examples/nango-integrations (see
 * copyWorkspace: node_modules symlinked, no emulator state or cache) plus one event function that
 * index.ts does NOT import (UNIMPORTED_HANDLER), so the suite can check the "not imported" diagnostic
 * and its quick fix. The suite finds it through NANGO_E2E_WORKSPACE.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { copyWorkspace } from '../harness';
import { repoRoot } from './bundle';
import { UNIMPORTED_HANDLER, UNIMPORTED_HANDLER_SOURCE } from './suite/workspaceFiles';

/** Returns the workspace folder (it contains nango-integrations/). */
export function makeSuiteWorkspace(): string {
    const workspace = copyWorkspace(path.join(repoRoot, 'examples', 'nango-integrations'));
    const file = path.join(workspace, 'nango-integrations', UNIMPORTED_HANDLER);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, UNIMPORTED_HANDLER_SOURCE);
    return workspace;
}
