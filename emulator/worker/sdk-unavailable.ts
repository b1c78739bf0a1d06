// What Nango's SDK has but an event function cannot use: the record writes of syncs and the sync's
// attributes. The emulated `nango` object (sdk.ts) inherits these, so a handler calling them fails as
// it would in Nango, with the fix.
import { EventFunctionRestrictionError } from './sdk-errors';

function cannotSaveRecords(method: string): EventFunctionRestrictionError {
    return new EventFunctionRestrictionError(
        `nango.${method} is not available in event functions: event functions cannot save, update or delete records (only syncs can). Store per-connection state with nango.setMetadata, or move the record writes to a sync.`
    );
}

export abstract class UnavailableInEventFunctions {
    batchSave(): never {
        throw cannotSaveRecords('batchSave');
    }
    batchUpdate(): never {
        throw cannotSaveRecords('batchUpdate');
    }
    batchDelete(): never {
        throw cannotSaveRecords('batchDelete');
    }

    /** Nango: only a sync has attributes; an event function's call throws (runner-sdk/lib/action.ts getFlowAttributes). */
    getFlowAttributes<A = object>(): A | null {
        throw new Error('There is no current sync to get attributes from');
    }
}
