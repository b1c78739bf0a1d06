import { existsSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { copyWorkspace } from '../harness';
import { repoRoot } from './bundle';

/** A temp copy of examples/nango-integrations (see copyWorkspace), or an empty folder without it. */
export function makeSuiteWorkspace(): string {
    const example = path.join(repoRoot, 'examples', 'nango-integrations');
    if (existsSync(example)) return copyWorkspace(example);
    const workspace = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'nango-exthost-ws-')));
    writeFileSync(path.join(workspace, 'README.md'), '# empty test workspace\n');
    return workspace;
}
