// The errors the emulated `nango` object throws at a handler: ActionError (also what `import { ActionError }
// from 'nango'` gives, nango-shim.ts), and the emulator's refusals of what Nango refuses too.

/** @nangohq/runner-sdk's ActionError: a handler's deliberate failure, reported with its payload. */
export class ActionError<T = Record<string, unknown>> extends Error {
    type = 'action_script_runtime_error';
    payload?: T;
    constructor(payload?: T) {
        super();
        if (payload) this.payload = payload;
    }
}

/** A call an event function may not make (records, other connections): Nango refuses it too. */
export class EventFunctionRestrictionError extends Error {
    override readonly name = 'EventFunctionRestrictionError';
}

/** Metadata that is not an object: Nango's metadata routes answer 400. */
export class MetadataValidationError extends Error {
    override readonly name = 'MetadataValidationError';
}
