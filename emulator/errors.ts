// Errors the emulator reports to users. `code` is stable (tests and the extension match on it);
// the message names the file, the field and the fix.
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
