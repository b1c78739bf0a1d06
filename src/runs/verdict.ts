// What a run's result means to the person who started it, in one sentence: passed, rejected by a
// validate-connection (what a validator is for, not a crash), or failed. The notification and the
// Emulator view say it the same way, and say the status once. Pure: no vscode import.
import type { RunResult } from '../../emulator/core/result';

export interface Verdict {
    kind: 'passed' | 'rejected' | 'failed';
    /** For the view's row: "passed · active", "rejected · refresh_exhausted", "failed · timeout". */
    short: string;
    /** For the notification. */
    message: string;
}

const WHAT: Record<RunResult['operation'], string> = { connect: 'First connect', reconnect: 'Reconnect', delete: 'Delete', dryrun: 'Dry run' };

function subject(r: RunResult): string {
    const handler = r.handlers.length === 1 && r.handlers[0] ? `${r.integration}/${r.handlers[0].name}` : r.integration;
    return `${handler} on ${r.connectionId}${r.account ? ` as ${r.account}` : ''}`;
}

/**
 * The part of an ActionError's payload worth showing next to its message: `new ActionError({ message, … })`
 * puts the message in the payload too, so that key is dropped where it only repeats the message.
 * undefined when nothing is left.
 */
export function shownPayload(payload: unknown, message: string): unknown {
    if (payload === undefined || payload === null) return undefined;
    if (typeof payload !== 'object' || Array.isArray(payload)) return payload;
    const { message: repeated, ...rest } = payload as Record<string, unknown>;
    const shown = repeated === message ? rest : (payload as Record<string, unknown>);
    return Object.keys(shown).length ? shown : undefined;
}

function payloadText(payload: unknown, message: string): string {
    const shown = shownPayload(payload, message);
    if (shown === undefined) return '';
    const text = JSON.stringify(shown);
    return text ? ` (payload ${text.length > 200 ? `${text.slice(0, 200)}…` : text})` : '';
}

export function verdictOf(r: RunResult): Verdict {
    const what = WHAT[r.operation];
    if (r.ok) {
        return { kind: 'passed', short: `passed · ${r.status}`, message: `${what} passed: ${subject(r)} (${r.status}, ${r.durationMs} ms).` };
    }
    // A validate-connection that refused the credentials: Nango's auth error (connect, reconnect) or the
    // same outcome of a dry run with an account.
    const rejection = r.authError ?? (r.outcome === 'connection_validation_failed' || r.outcome === 'refresh_exhausted' ? r.error : null);
    if (rejection) {
        const consequence = r.status === 'not_created' ? 'the connection was not created' : `the connection is now ${r.status}`;
        return {
            kind: 'rejected',
            short: `rejected · ${r.status}`,
            message: `${what} of ${subject(r)} rejected by validate-connection: ${rejection.message}${payloadText(rejection.payload, rejection.message)}. As in Nango, ${consequence}.`
        };
    }
    const error = r.error;
    return {
        kind: 'failed',
        short: `failed · ${error?.type ?? r.status}`,
        message: error
            ? `${what} failed: ${error.handler}: ${error.type}: ${error.message}${payloadText(error.payload, error.message)}`
            : `${what} failed: ${subject(r)} (${r.status}).`
    };
}
