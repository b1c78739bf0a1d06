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

/** A dry run as another account than the connection's, without --reconnect. */
export function accountMismatchError(connectionId: string, authorizedAs: string, asked: string): EmulatorError {
    return new EmulatorError(
        'bad_usage',
        `connection "${connectionId}" is authorized as account "${authorizedAs}". Add --reconnect to re-authorize it as "${asked}" before the run.`
    );
}

/** A dry run on a connection that does not exist, with no --account to create it. */
export function noConnectionToRunOn(connectionId: string, accounts: string[]): EmulatorError {
    return new EmulatorError(
        'unknown_connection',
        `connection "${connectionId}" does not exist. Pass --account <account> to create it as a first connect (accounts: ${accounts.join(', ')}), or use an existing connection (see "nango-emulator connections").`
    );
}

/** A pre-connection-deletion dry run on a connection that does not exist. */
export function nothingToDelete(integration: string, connectionId: string, account: string): EmulatorError {
    return new EmulatorError(
        'unknown_connection',
        `connection "${connectionId}" does not exist, so there is nothing to delete. Connect it first ("nango-emulator connect ${integration} --connection ${connectionId} --account ${account}").`
    );
}

/** An operation on a connection that is not live; `live`: the connections that are. */
export function unknownConnection(integration: string, connectionId: string, live: ReadonlyArray<{ id: string; integration: string }>): EmulatorError {
    const known = live.map((x) => `${x.id} (${x.integration})`).join(', ') || 'none';
    return new EmulatorError(
        'unknown_connection',
        `no connection "${connectionId}" (live connections: ${known}). Create it with "nango-emulator connect ${integration} --connection ${connectionId} --account <account>".`
    );
}

/** A connection named with an integration it does not belong to. */
export function otherIntegration(connection: { id: string; integration: string }, integration: string): EmulatorError {
    return new EmulatorError('bad_usage', `connection "${connection.id}" belongs to integration "${connection.integration}", not "${integration}".`);
}
