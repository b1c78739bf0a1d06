// A copy of the example project that nango compile can run in: the example's node_modules linked in
// (npm run test:examples installs it) and an empty .nango folder (nango's verification.service.js
// ensureZeroYaml refuses a folder without one: "Not inside a Nango folder").
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { copyExample, example } from '../server/helpers';

export function compilableExample(prefix = 'nango-emu-deploy-'): string {
    const modules = path.join(example, 'node_modules');
    if (!existsSync(path.join(modules, 'nango', 'dist', 'index.js'))) throw new Error(`${modules} has no nango: run "npm run test:examples" first`);
    const dir = copyExample(prefix);
    symlinkSync(modules, path.join(dir, 'node_modules'), 'dir');
    mkdirSync(path.join(dir, '.nango'), { recursive: true });
    return dir;
}
