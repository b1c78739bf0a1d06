// Node flags of the worker process that runs handler code: a second wall behind the vm context.
// Code generation from strings is off for the whole process, so no host function's constructor can
// compile code outside the context; where Node's permission model exists, the process may read only
// what it needs (its own code, the project's compiled handlers and node_modules) and may write nothing,
// start no process and load no addon.
import path from 'node:path';

/** Node's permission flag: `--permission` from Node 22.13/23.5, `--experimental-permission` in 20 and 21. */
function permissionFlag(): string | undefined {
    // Electron's node mode (desktop VS Code) does not take the permission model; the vm and the
    // code generation block still hold there.
    if (process.versions['electron']) return undefined;
    const flags = process.allowedNodeEnvironmentFlags;
    if (flags.has('--permission')) return '--permission';
    if (flags.has('--experimental-permission')) return '--experimental-permission';
    return undefined;
}

/** A folder the worker may read. `dir/*` is the one spelling every Node version takes (20 aborts on both). */
function readable(dir: string): string {
    return `--allow-fs-read=${path.join(path.resolve(dir), '*')}`;
}

/**
 * `inspector`: the run is under a debugger. Node's permission model turns the inspector off without a
 * word, so a debugged worker goes without it; the vm context and the code generation block still hold.
 */
export function sandboxWorkerFlags(readableDirs: readonly string[], opts: { inspector?: boolean } = {}): string[] {
    const flags = ['--disallow-code-generation-from-strings'];
    const permission = opts.inspector ? undefined : permissionFlag();
    if (permission) {
        // --allow-worker: the worker's watchdog thread (it ends the process when the parent is gone).
        flags.push(permission, '--allow-worker', ...readableDirs.map(readable));
    }
    return flags;
}
