// Loads dist/core.js (src/core.ts when run from sources) on first use. The build leaves this require
// alone (external), so core.js is a separate bundle evaluated only when something needs it.
type Core = typeof import('./core');

let core: Core | undefined;

export function loadCore(): Core {
    return (core ??= require('./core.js') as Core);
}
