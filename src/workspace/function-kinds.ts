// What kind of Nango function a file index.ts imports is: what `nango deploy` counts. Its 0.71.10
// refuses a project whose index.ts imports no createSync/createAction ("No syncs or actions to
// deploy"), whatever its createOnEvent functions. Pure: no vscode import, no I/O.
import { segmentsUnder } from './paths';

export type FunctionKind = 'sync' | 'action' | 'on-event';

export interface FunctionCounts {
    readonly syncs: number;
    readonly actions: number;
    readonly onEvents: number;
}

const CREATE_CALL = /\bcreate(Sync|Action|OnEvent)\s*(?:<[^>]*>\s*)?\(/;
const BY_CALL: Record<string, FunctionKind> = { Sync: 'sync', Action: 'action', OnEvent: 'on-event' };
const BY_FOLDER: Record<string, FunctionKind> = { syncs: 'sync', actions: 'action', 'on-events': 'on-event' };

/**
 * The kind of function `file` defines: from its text (the create… call it makes) when it is known,
 * else from its folder (`<integration>/syncs|actions|on-events/<name>.ts`); undefined for other files.
 */
export function functionKind(root: string, file: string, text: string | undefined): FunctionKind | undefined {
    if (text !== undefined) {
        const call = CREATE_CALL.exec(text);
        const name = call?.[1];
        return name === undefined ? undefined : BY_CALL[name];
    }
    const segments = segmentsUnder(root, file);
    const folder = segments?.length === 3 ? segments[1] : undefined;
    return folder === undefined ? undefined : BY_FOLDER[folder];
}

/** How many syncs, actions and event functions the files index.ts imports define (each file once). */
export function countFunctions(root: string, imported: Iterable<{ readonly file: string; readonly text: string | undefined }>): FunctionCounts {
    const seen = new Set<string>();
    const counts = { syncs: 0, actions: 0, onEvents: 0 };
    for (const { file, text } of imported) {
        if (seen.has(file)) continue;
        seen.add(file);
        const kind = functionKind(root, file, text);
        if (kind === 'sync') counts.syncs++;
        else if (kind === 'action') counts.actions++;
        else if (kind === 'on-event') counts.onEvents++;
    }
    return counts;
}
