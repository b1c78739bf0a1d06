// Errors the emulator reports to users. `code` is stable (tests and the extension match on it);
// the message names the file, the field and the fix.
import type { HandlerErrorInfo } from './protocol';

export type EmulatorErrorCode =
    | 'fixtures_missing'
    | 'fixtures_invalid_json'
    | 'fixtures_invalid'
    | 'user_handlers_invalid'
    | 'unknown_integration'
    | 'unknown_account'
    | 'unknown_connection'
    | 'unknown_function'
    | 'connection_exists'
    | 'connection_busy'
    | 'state_invalid'
    | 'handler_compile_failed'
    | 'handler_invalid'
    | 'handler_not_imported'
    | 'typecheck_failed'
    | 'bad_usage';

export class EmulatorError extends Error {
    override readonly name = 'EmulatorError';
    constructor(
        readonly code: EmulatorErrorCode,
        message: string
    ) {
        super(message);
    }
}

/**
 * Failures the emulator itself describes when it loads a handler: its checks of the default export
 * (worker/handler-module.ts) and the worker's limits (runner.ts). Their messages already name the file
 * and the fix; any other error type was thrown by the file's top-level code.
 */
const EMULATOR_LOAD_FAILURES: ReadonlySet<string> = new Set(['InvalidHandlerError', 'NonErrorThrown', 'timeout', 'cancelled', 'memory_limit', 'worker_exit']);

/** Why a handler file could not be loaded (`error`: what the worker reported, if anything). */
export function handlerLoadError(file: string, error: HandlerErrorInfo | undefined): EmulatorError {
    if (!error) return new EmulatorError('handler_invalid', `${file}: could not be loaded`);
    if (EMULATOR_LOAD_FAILURES.has(error.type)) return new EmulatorError('handler_invalid', error.message);
    const where = error.location ? `${error.location.file}:${error.location.line}:${error.location.column}` : file;
    const message = error.message.endsWith('.') ? error.message.slice(0, -1) : error.message;
    return new EmulatorError(
        'handler_invalid',
        `${where}: loading the file threw ${error.type}: ${message}. Top-level code runs when the file is loaded, before any event (in Nango too): fix it, or move it into exec.`
    );
}
