// What the editor says about a run: passed, rejected by validate-connection (the validator did its
// job; a warning, not an error), or failed, with the status once and an ActionError's payload shown.
import assert from 'node:assert/strict';
import type { RunResult } from '../../../emulator/core/result';
import { verdictOf } from '../../../src/runs/verdict';

function result(over: Partial<RunResult>): RunResult {
    return {
        ok: true,
        operation: 'dryrun',
        event: 'validate-connection',
        events: ['validate-connection'],
        integration: 'salesforce',
        connectionId: 'sf-acme',
        account: 'globex',
        outcome: 'ran',
        status: 'active',
        handlers: [
            {
                integration: 'salesforce',
                name: 'validate-connection',
                file: '/p/v.ts',
                event: 'validate-connection',
                ok: true,
                startedAtMs: 0,
                durationMs: 12,
                awaited: true
            }
        ],
        logs: [],
        requests: [],
        metadata: { before: null, after: null },
        durationMs: 40,
        error: null,
        warnings: [],
        ...over
    };
}

describe('the verdict of a run', () => {
    it('a pass says what ran, where, and the status', () => {
        const v = verdictOf(result({}));
        assert.equal(v.kind, 'passed');
        assert.equal(v.short, 'passed · active');
        assert.equal(v.message, 'Dry run passed: salesforce/validate-connection on sf-acme as globex (active, 40 ms).');
    });

    it('a reconnect that validate-connection rejects is a rejection with its reason, payload and consequence, the status said once', () => {
        const error = {
            type: 'ActionError',
            message: 'Salesforce org mismatch',
            payload: { expected: '00DA', got: '00DG' },
            handler: 'salesforce/validate-connection'
        };
        const v = verdictOf(
            result({
                ok: false,
                outcome: 'refresh_exhausted',
                status: 'refresh_exhausted',
                error,
                authError: { type: 'connection_validation_failed', message: 'Salesforce org mismatch', payload: { expected: '00DA', got: '00DG' } }
            })
        );
        assert.equal(v.kind, 'rejected');
        assert.equal(v.short, 'rejected · refresh_exhausted');
        assert.match(
            v.message,
            /^Dry run of salesforce\/validate-connection on sf-acme as globex rejected by validate-connection: Salesforce org mismatch \(payload \{"expected":"00DA","got":"00DG"\}\)\. As in Nango, the connection is now refresh_exhausted\.$/
        );
        assert.equal(v.message.split('refresh_exhausted').length - 1, 1);
    });

    it('a dry run with an account that validate-connection refuses is a rejection too', () => {
        const error = { type: 'ActionError', message: 'Salesforce org mismatch', handler: 'salesforce/validate-connection' };
        const v = verdictOf(result({ ok: false, outcome: 'refresh_exhausted', status: 'refresh_exhausted', error }));
        assert.equal(v.kind, 'rejected');
        assert.match(v.message, /rejected by validate-connection: Salesforce org mismatch\. As in Nango, the connection is now refresh_exhausted\.$/);
    });

    it('a rejected first connect says the connection was not created', () => {
        const v = verdictOf(
            result({ ok: false, operation: 'connect', status: 'not_created', authError: { type: 'connection_validation_failed', message: 'missing scope' } })
        );
        assert.match(v.message, /^First connect of .* rejected by validate-connection: missing scope\. As in Nango, the connection was not created\.$/);
    });

    it("an ActionError's payload is shown without the message key it repeats", () => {
        const payload = { message: 'Salesforce org mismatch', expected: '00DA', got: '00DG' };
        const error = { type: 'ActionError', message: 'Salesforce org mismatch', payload, handler: 'salesforce/validate-connection' };
        const v = verdictOf(
            result({
                ok: false,
                outcome: 'refresh_exhausted',
                status: 'refresh_exhausted',
                error,
                authError: { type: 'connection_validation_failed', message: error.message, payload }
            })
        );
        assert.match(v.message, /: Salesforce org mismatch \(payload \{"expected":"00DA","got":"00DG"\}\)\. /);
        assert.equal(v.message.split('Salesforce org mismatch').length - 1, 1);
    });

    it('a payload of only the message adds nothing; a message key that says something else is kept', () => {
        const only = verdictOf(result({ ok: false, error: { type: 'ActionError', message: 'boom', payload: { message: 'boom' }, handler: 'salesforce/v' } }));
        assert.equal(only.message, 'Dry run failed: salesforce/v: ActionError: boom');
        const other = verdictOf(
            result({ ok: false, error: { type: 'ActionError', message: 'boom', payload: { message: 'details differ' }, handler: 'salesforce/v' } })
        );
        assert.equal(other.message, 'Dry run failed: salesforce/v: ActionError: boom (payload {"message":"details differ"})');
    });

    it('a crash is a failure naming the handler, the error type and the message', () => {
        const v = verdictOf(
            result({ ok: false, error: { type: 'timeout', message: 'did not finish within 100 ms', handler: 'salesforce/validate-connection' } })
        );
        assert.equal(v.kind, 'failed');
        assert.equal(v.short, 'failed · timeout');
        assert.equal(v.message, 'Dry run failed: salesforce/validate-connection: timeout: did not finish within 100 ms');
    });
});
