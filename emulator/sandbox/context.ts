// One run's copy of Nango's runtime: a fresh vm context built as Nango's runner builds it
// (packages/runner/lib/exec.ts, NangoHQ/nango at 2f4c0af): `require` limited to Nango's modules,
// Nango's globals only, code generation from strings and wasm blocked, the compiled CommonJS code
// wrapped in the same function. Nothing a handler defines in it outlives the run.
import * as nodeCrypto from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as nodeUrl from 'node:url';
import vm from 'node:vm';
import * as zod from 'zod';
import { readOnlyShared } from './facade';
import { moduleRefusedMessage, type RUNTIME_MODULES } from './rules';
import { CompiledSourceMap } from './source-map';

export type ConsoleLevel = 'debug' | 'info' | 'warn' | 'error';

export interface SandboxOptions {
    /** The compiled CommonJS handler (esbuild output with an inline source map). */
    code: string;
    compiledFile: string;
    /** Where botbuilder, soap and unzipper are looked up: the emulator does not ship them. */
    projectRoot: string;
    onConsole: (level: ConsoleLevel, args: unknown[]) => void;
}

export interface Sandbox {
    /** Runs the module's top-level code in the context and returns its exports. */
    evaluate(): unknown;
    /** Maps stack frames of the compiled code back to the user's TypeScript. */
    sourceMap: CompiledSourceMap | undefined;
    /** Ends the run: pending timers are cleared so nothing of it fires during a later run. */
    dispose(): void;
}

// Nango's wrapper. Its head shares the first line with the code (esbuild's prelude, which maps to none
// of the user's code), so every line of the code keeps its number in the compiled file: positions V8
// reports (stack traces, and the debugger's breakpoints and paused locations, which a debugger maps
// through the inline source map as they are) are positions in the compiled file. Only the first line's
// columns move, by the head's length. The tail starts on a line of its own: the code ends with a comment.
const WRAPPER_HEAD = '(function() { var module = { exports: {} }; var exports = module.exports; ';
const WRAPPER_TAIL = '\n    return module.exports;\n})();\n';

// Shared with every run: Nango passes the same host objects into every context. Error cannot be
// changed through the context: Error.prepareStackTrace would hand a handler the worker's own frames.
const sharedError = readOnlyShared(Error, 'Error');

const optionalModules = new Map<string, unknown>();
/** botbuilder, soap and unzipper: provided by Nango's runner; here, by the project when it installed them. */
function projectModule(name: string, projectRoot: string): unknown {
    const key = `${projectRoot}\0${name}`;
    if (!optionalModules.has(key)) {
        try {
            optionalModules.set(key, createRequire(path.join(projectRoot, 'package.json'))(name));
        } catch {
            throw new Error(
                `${moduleRefusedMessage(name)} here yet: Nango's runtime provides '${name}', but the emulator does not ship it. Run "npm install ${name}" in ${projectRoot} to use it locally.`
            );
        }
    }
    return optionalModules.get(key);
}

/** A fresh copy per run, so changing a module's exports changes them for this run only. */
function moduleFor(name: string, projectRoot: string): unknown {
    switch (name as (typeof RUNTIME_MODULES)[number]) {
        case 'url':
            return { ...nodeUrl };
        case 'crypto':
            return { ...nodeCrypto };
        case 'zod':
            return { ...zod };
        case 'botbuilder':
        case 'soap':
        case 'unzipper':
            return projectModule(name, projectRoot);
        default:
            throw new Error(moduleRefusedMessage(name));
    }
}

const CONSOLE_LEVELS: Readonly<Record<string, ConsoleLevel>> = { log: 'info', info: 'info', debug: 'debug', trace: 'debug', warn: 'warn', error: 'error' };

export function createSandbox(options: SandboxOptions): Sandbox {
    const timers = new Set<NodeJS.Timeout>();
    let open = true;
    const sandboxSetTimeout = (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): NodeJS.Timeout => {
        const timer = setTimeout(
            (...a: unknown[]) => {
                timers.delete(timer);
                if (open) callback(...a);
            },
            ms,
            ...args
        );
        timers.add(timer);
        return timer;
    };
    const sandbox: Record<string, unknown> = {
        constructor: undefined,
        // Nango's console drops everything; the emulator shows it, marked as output Nango never keeps.
        console: new Proxy(
            {},
            {
                get: (_target, method) => {
                    const level = typeof method === 'string' ? CONSOLE_LEVELS[method] : undefined;
                    return level ? (...args: unknown[]) => open && options.onConsole(level, args) : () => undefined;
                }
            }
        ),
        require: (name: string) => moduleFor(name, options.projectRoot),
        Buffer,
        setTimeout: sandboxSetTimeout,
        Error: sharedError,
        URL,
        URLSearchParams
    };
    Object.setPrototypeOf(sandbox, null);
    const context = vm.createContext(sandbox, { codeGeneration: { strings: false, wasm: false } });
    const script = new vm.Script(`${WRAPPER_HEAD}${options.code}${WRAPPER_TAIL}`, { filename: options.compiledFile });
    const sourceMap = CompiledSourceMap.fromCode(options.code, options.compiledFile, WRAPPER_HEAD.length);
    const dispose = (): void => {
        open = false;
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
    };
    return { evaluate: () => script.runInContext(context) as unknown, sourceMap, dispose };
}
