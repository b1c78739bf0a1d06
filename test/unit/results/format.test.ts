// What the editor shows at the handler's code after a run: the request lines, their after-text, the
// hover and the lens line's outcome; and what the results view lists.
import assert from 'node:assert/strict';
import type { RunResult } from '../../../emulator/core/result';
import {
    callLinesIn,
    hoverMarkdown,
    inlineText,
    lineText,
    lineTone,
    outcomeLensTitle,
    toneOf,
    type RunRequestEntry,
    type SdkCallEntry
} from '../../../src/results/format';
import { resultNodes } from '../../../src/results/tree';

const FILE = '/p/github/on-events/validate.ts';
const HELPER = '/p/github/helpers/identity.ts';

function request(over: Partial<RunRequestEntry>): RunRequestEntry {
    return {
        method: 'GET',
        url: 'https://api.github.com/user',
        status: 200,
        durationMs: 34.4,
        account: 'octo',
        matchedBy: '.nango-emulator/fixtures.json integrations.github.responses[0]',
        callSite: { file: FILE, line: 12, column: 33 },
        handler: 'github/validate',
        ...over
    };
}

function sdkCall(over: Partial<SdkCallEntry>): SdkCallEntry {
    return {
        method: 'updateMetadata',
        summary: '{ webhookId }',
        durationMs: 2.2,
        callSite: { file: FILE, line: 30, column: 15 },
        handler: 'github/validate',
        ...over
    };
}

function result(over: Partial<RunResult>): RunResult {
    return {
        ok: true,
        operation: 'reconnect',
        event: 'validate-connection',
        events: ['validate-connection'],
        integration: 'github',
        connectionId: 'gh-1',
        account: 'octo',
        outcome: 'reconnected',
        status: 'active',
        handlers: [
            { integration: 'github', name: 'validate', file: FILE, event: 'validate-connection', ok: true, startedAtMs: 0, durationMs: 50, awaited: true }
        ],
        logs: [],
        requests: [],
        metadata: { before: null, after: null },
        durationMs: 120,
        error: null,
        warnings: [],
        ...over
    };
}

describe('results at the code', () => {
    it("groups a run's requests by the line of this file that made them; a helper module's lines are its own", () => {
        const r = result({
            requests: [
                request({ callSite: { file: FILE, line: 20, column: 5 } }),
                request({ callSite: { file: FILE, line: 12, column: 33 } }),
                request({ callSite: { file: FILE, line: 20, column: 5 }, status: 200 }),
                request({ callSite: { file: HELPER, line: 3, column: 11 } }),
                request({ callSite: undefined })
            ]
        });
        assert.deepEqual(
            callLinesIn(r, FILE).map((l) => [l.line, l.requests.length]),
            [
                [12, 1],
                [20, 2]
            ]
        );
        assert.deepEqual(
            callLinesIn(r, HELPER).map((l) => l.line),
            [3]
        );
    });

    it('the after-text says method, path, status and duration; retries and pages list their statuses', () => {
        assert.equal(inlineText([request({})]), 'GET /user → 200 · 34 ms');
        assert.equal(
            inlineText([
                request({ url: 'https://x.test/flaky?a=1', status: 503, durationMs: 10 }),
                request({ url: 'https://x.test/flaky?a=1', status: 200, durationMs: 12 })
            ]),
            'GET /flaky?a=1 → 503, 200 · 2 requests · 22 ms'
        );
        assert.equal(inlineText([request({ unmatched: true, status: null, matchedBy: undefined })]), 'GET /user → no fixture · 34 ms');
    });

    it('metadata and connection calls show at their line: method, keys, duration; the hover and the view list them', () => {
        const r = result({
            requests: [request({ callSite: { file: FILE, line: 30, column: 40 } })],
            sdkCalls: [
                sdkCall({ method: 'getMetadata', summary: '→ { organizationId, webhookId }', durationMs: 0.2, callSite: { file: FILE, line: 25, column: 32 } }),
                sdkCall({}),
                sdkCall({ method: 'setMetadata', summary: 'threw MetadataValidationError', failed: true, callSite: { file: FILE, line: 31, column: 15 } })
            ]
        });
        const lines = callLinesIn(r, FILE);
        assert.deepEqual(
            lines.map((l) => [l.line, lineText(l), lineTone(l)]),
            [
                [25, 'getMetadata → { organizationId, webhookId } · <1 ms', 'ok'],
                [30, 'GET /user → 200 · 34 ms; updateMetadata { webhookId } · 2 ms', 'ok'],
                [31, 'setMetadata threw MetadataValidationError · 2 ms', 'error']
            ]
        );
        assert.equal(lineText({ line: 9, column: 1, requests: [], sdkCalls: [sdkCall({}), sdkCall({})] }), 'updateMetadata { webhookId } · 2 calls · 4 ms');
        const hover = hoverMarkdown(lines[1]!.requests, lines[1]!.sdkCalls);
        assert.match(hover, /^\*Nango emulator: provider request and SDK call of the last run\*/);
        assert.ok(hover.includes('**updateMetadata** `{ webhookId }` · 2 ms'), hover);
        const group = resultNodes(r, [], false).find((n) => n.label === 'SDK calls');
        assert.deepEqual(
            group?.children?.map((c) => [c.label, c.description, c.icon]),
            [
                ['getMetadata → { organizationId, webhookId }', '<1 ms · validate.ts:25', 'symbol-method'],
                ['updateMetadata { webhookId }', '2 ms · validate.ts:30', 'symbol-method'],
                ['setMetadata threw MetadataValidationError', '2 ms · validate.ts:31', 'error']
            ]
        );
        assert.equal(
            resultNodes(result({}), [], false).find((n) => n.label === 'SDK calls'),
            undefined
        );
    });

    it('an unmatched or unanswered request is an error, a 4xx a warning', () => {
        assert.equal(toneOf([request({})]), 'ok');
        assert.equal(toneOf([request({ status: 404 })]), 'warning');
        assert.equal(toneOf([request({}), request({ unmatched: true, status: null })]), 'error');
    });

    it('the hover shows method, URL, status, duration, account, the fixture that answered and the (redacted) bodies, cut', () => {
        const text = hoverMarkdown([
            request({
                matchedBy: '/home/me/proj/nango-integrations/.nango-emulator/fixtures.json integrations.github.responses[0]',
                requestHeaders: { authorization: '«redacted»' },
                requestBody: { token: '«redacted»' },
                responseBody: { id: 1, bio: 'x'.repeat(3000) }
            })
        ]);
        assert.match(text, /\*\*GET\*\* `https:\/\/api\.github\.com\/user`/);
        assert.match(text, /status \*\*200\*\* · 34 ms · account `octo`/);
        assert.ok(text.includes('answered by `.nango-emulator/fixtures.json integrations.github.responses[0]`'), text);
        assert.match(text, /"token": "«redacted»"/);
        assert.match(text, /… \(\d+ more characters\)/);
        assert.ok(text.length < 4000, `hover of ${text.length} characters`);
    });

    it('the lens line: passed with status and duration; rejected with the reason; failed with the error; edited since', () => {
        assert.equal(outcomeLensTitle(result({}), false), '$(pass) passed · active · 120 ms');
        const rejected = result({
            ok: false,
            outcome: 'refresh_exhausted',
            status: 'refresh_exhausted',
            error: {
                type: 'ActionError',
                message: 'GitHub account switched',
                payload: { message: 'GitHub account switched', expected: 1, got: 2 },
                handler: 'github/validate'
            },
            authError: { type: 'connection_validation_failed', message: 'GitHub account switched' }
        });
        assert.equal(outcomeLensTitle(rejected, false), '$(warning) rejected: GitHub account switched');
        const failed = result({
            ok: false,
            error: { type: 'TypeError', message: "Cannot read properties of null (reading 'id')", handler: 'github/validate' }
        });
        assert.equal(outcomeLensTitle(failed, true), "$(error) failed: TypeError: Cannot read properties of null (reading 'id') (file edited since)");
    });

    it('the results view: the outcome says the status once; the ActionError payload without its repeated message; requests, logs, metadata per key', () => {
        const r = result({
            ok: false,
            outcome: 'refresh_exhausted',
            status: 'refresh_exhausted',
            error: {
                type: 'ActionError',
                message: 'GitHub account switched',
                payload: { message: 'GitHub account switched', expected: 1, got: 2 },
                handler: 'github/validate',
                location: { file: FILE, line: 15, column: 13 }
            },
            authError: {
                type: 'connection_validation_failed',
                message: 'GitHub account switched',
                payload: { message: 'GitHub account switched', expected: 1, got: 2 }
            },
            requests: [request({}), request({ unmatched: true, status: null, url: 'https://api.github.com/nope' })],
            logs: [
                { level: 'warn', message: 'switch!', at: 3, source: 'nango', handler: 'github/validate' },
                { level: 'info', message: 'hello', at: 1, source: 'console', hiddenInNango: 'console output is not kept by Nango', handler: 'github/validate' }
            ],
            metadata: { before: { accountId: 1 }, after: { accountId: 1, checked: true } }
        });
        const [outcome, error, requests, logs, metadata] = resultNodes(r, [{ key: 'checked', kind: 'added', after: true }], false);
        assert.equal(outcome!.label, 'Reconnect rejected as intended');
        assert.equal(outcome!.description, 'github/validate · refresh_exhausted · 120 ms');
        assert.match(outcome!.tooltip!, /rejected by validate-connection: GitHub account switched \(payload \{"expected":1,"got":2\}\)/);
        assert.equal(error!.label, 'ActionError: GitHub account switched');
        assert.deepEqual(error!.location, { file: FILE, line: 15, column: 13 });
        assert.deepEqual(
            error!.children!.map((c) => `${c.label}=${c.description}`),
            ['expected=1', 'got=2']
        );
        assert.deepEqual(
            requests!.children!.map((c) => [c.label, c.description, c.icon]),
            [
                ['GET /user', '200 · 34 ms · octo · validate.ts:12', 'globe'],
                ['GET /nope', 'no fixture · 34 ms · octo · validate.ts:12', 'error']
            ]
        );
        assert.deepEqual(
            logs!.children!.map((c) => [c.icon, c.label, c.description]),
            [
                ['warning', 'switch!', 'warn · 3 ms'],
                ['info', 'hello', 'info · 1 ms · console · console output is not kept by Nango']
            ]
        );
        assert.deepEqual(
            metadata!.children!.map((c) => [c.label, c.description]),
            [['checked', 'added: true']]
        );
    });

    it('a crash inside validate-connection is not called intended', () => {
        const r = result({
            ok: false,
            outcome: 'refresh_exhausted',
            status: 'refresh_exhausted',
            error: { type: 'TypeError', message: 'x is undefined', handler: 'github/validate' },
            authError: { type: 'connection_validation_failed', message: 'x is undefined' }
        });
        assert.equal(resultNodes(r, [], true)[0]!.label, 'Reconnect rejected: validate-connection crashed with TypeError');
        assert.match(resultNodes(r, [], true)[0]!.description!, /file edited since/);
    });
});
