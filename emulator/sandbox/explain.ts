// A handler that trips over one of Nango's runtime rules fails with the engine's terse message
// ("fetch is not defined", "Module 'fs' is not allowed"). These add why: it is Nango's rule, not the
// emulator's, and what to use instead.
import { MISSING_GLOBALS, NANGO_SOURCES, RUNTIME_GLOBALS, moduleAdvice } from './rules';

const PROVIDED = RUNTIME_GLOBALS.join(', ');

/** The explained message for an error raised by a runtime rule, or undefined for any other error. */
export function explainRuntimeError(name: string, message: string): string | undefined {
    const refused = /^Module '([^']+)' is not allowed/.exec(message);
    if (refused?.[1]) {
        return `${message}: Nango's runtime only lets event functions require url, crypto, zod, botbuilder, soap and unzipper (${NANGO_SOURCES.runner}). ${capitalize(moduleAdvice(refused[1]))}.`;
    }
    const undefinedName = name === 'ReferenceError' ? /^(\S+) is not defined$/.exec(message)?.[1] : undefined;
    if (undefinedName && Object.hasOwn(MISSING_GLOBALS, undefinedName)) {
        return `${message}: Nango's runtime has no global ${undefinedName} (its context provides ${PROVIDED} besides the language's own; ${NANGO_SOURCES.runner}). Instead, ${MISSING_GLOBALS[undefinedName]}.`;
    }
    if (name === 'EvalError' && /Code generation from strings disallowed/.test(message)) {
        return `${message}: eval, new Function and string timers are blocked in Nango's runtime (codeGeneration.strings is false; ${NANGO_SOURCES.runner}). Parse data with JSON.parse and write code as code.`;
    }
    if (/A dynamic import callback was not specified/.test(message)) {
        return `${message}: import() has no module loader in Nango's runtime (its vm script is run without one; ${NANGO_SOURCES.runner}). Use a static import of a module the runtime provides (url, crypto, zod, …).`;
    }
    if (/Wasm code generation disallowed/.test(message)) {
        return `${message}: WebAssembly is blocked in Nango's runtime (codeGeneration.wasm is false; ${NANGO_SOURCES.runner}).`;
    }
    return undefined;
}

function capitalize(text: string): string {
    return text.charAt(0).toUpperCase() + text.slice(1);
}
