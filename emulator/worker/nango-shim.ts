// What `import … from 'nango'` gives a handler inside the emulator: the same three factories the real
// package exports (nango/dist/sdkScripts.js re-exports them from @nangohq/runner-sdk), so handlers need
// no node_modules of their own to run here.
export { ActionError } from './sdk-errors';

export function createOnEvent<T extends object>(params: T): T & { type: 'onEvent' } {
    return { type: 'onEvent', ...params };
}

export function createAction<T extends object>(params: T): T & { type: 'action' } {
    return { type: 'action', ...params };
}

export function createSync<T extends object>(params: T): T & { type: 'sync' } {
    return { type: 'sync', ...params };
}
