// Each kind of expectation, passing and failing, with the place of the failed expectation in the file.
import assert from 'node:assert/strict';
import path from 'node:path';
import type { RunResult } from '../../../emulator/core/result';
import { compilePattern, evaluateExpectations, parseScenarioText, pathMatches, type ExpectationFailure } from '../../../emulator/scenarios';
import { FIXTURES, handlerSource, lineOf, makeProject, salesforceFixtures, type TestProject } from './helpers';

function result(patch: Partial<RunResult> = {}): RunResult {
    return {
        ok: true,
        operation: 'connect',
        event: null,
        events: ['validate-connection', 'post-connection-creation'],
        integration: 'salesforce',
        connectionId: 'sf-story',
        account: 'acme',
        outcome: 'created',
        status: 'active',
        handlers: [],
        logs: [
            { level: 'info', message: 'Locked the connection to org 00DACME', at: 3, source: 'nango', handler: 'salesforce/validate' },
            {
                level: 'warn',
                message: 'GET https://acme.my.salesforce.com/x: 503, retrying (reason: status_code_503)',
                at: 5,
                source: 'emulator',
                handler: 'salesforce/setup'
            },
            {
                level: 'warn',
                message: 'GET https://acme.my.salesforce.com/x: 503, retrying (reason: status_code_503)',
                at: 9,
                source: 'emulator',
                handler: 'salesforce/setup'
            }
        ],
        requests: [
            {
                method: 'GET',
                url: 'https://acme.my.salesforce.com/services/oauth2/userinfo',
                status: 200,
                durationMs: 2,
                account: 'acme',
                handler: 'salesforce/validate'
            },
            {
                method: 'POST',
                url: 'https://acme.my.salesforce.com/services/data/v60.0/webhooks',
                status: 201,
                durationMs: 2,
                account: 'acme',
                handler: 'salesforce/setup'
            },
            { method: 'DELETE', url: 'https://acme.my.salesforce.com/webhooks/wh-1', status: 204, durationMs: 2, account: 'acme', handler: 'salesforce/setup' },
            { method: 'GET', url: 'https://acme.my.salesforce.com/hang', status: null, durationMs: 200, account: 'acme', handler: 'salesforce/setup' },
            { method: 'GET', url: 'https://elsewhere.test/x', status: null, durationMs: 1, unmatched: true, handler: 'salesforce/setup' }
        ],
        metadata: { before: {}, after: { organizationId: '00DACME', webhook: { id: 'wh-1', events: ['a', 'b'] } } },
        durationMs: 12,
        error: null,
        warnings: [],
        ...patch
    };
}

const FAILED: Partial<RunResult> = {
    ok: false,
    outcome: 'refresh_exhausted',
    status: 'refresh_exhausted',
    error: { type: 'ActionError', message: 'Salesforce org mismatch: expected 00DACME, got 00DGLOBEX', handler: 'salesforce/validate' }
};

describe('scenario expectations', () => {
    let project: TestProject;
    let file: string;
    before(() => {
        project = makeProject({ [FIXTURES]: salesforceFixtures(), 'salesforce/on-events/validate.ts': handlerSource('validate-connection', 'return;') });
        file = path.join(project.root, '.nango-emulator/scenarios/sf.json');
    });
    after(() => project.cleanup());

    /** Evaluates `expect` (a one-step scenario) against `r`; returns the failures and the file's text. */
    function check(expect: object | undefined, r: RunResult): { failures: ExpectationFailure[]; text: string } {
        const text = JSON.stringify(
            { scenarios: [{ name: 's', integration: 'salesforce', steps: [{ action: 'connect', account: 'acme', ...(expect ? { expect } : {}) }] }] },
            null,
            4
        );
        const info = parseScenarioText(project.root, file, text);
        assert.deepEqual(info.problems, []);
        return { failures: evaluateExpectations(info.scenarios[0]!.steps[0]!, r), text };
    }
    const passes = (expect: object | undefined, r = result()): void => assert.deepEqual(check(expect, r).failures, []);
    /** One failure, at the line of `at` in the file (plus `delta`: -1 for the "{" of a list item above it), with a message matching `message`. */
    const failsAt = (expect: object | undefined, r: RunResult, at: string, message: RegExp, delta = 0): ExpectationFailure => {
        const { failures, text } = check(expect, r);
        assert.equal(failures.length, 1, JSON.stringify(failures, null, 2));
        const f = failures[0]!;
        assert.match(f.message, message);
        assert.equal(f.location.line, lineOf(text, at) + delta, `${f.message} reported at line ${f.location.line}`);
        assert.equal(f.location.file, file);
        return f;
    };

    it('no "expect": the step must succeed (reported at the step)', () => {
        passes(undefined);
        const { failures, text } = check(undefined, result(FAILED));
        assert.equal(failures.length, 1);
        assert.match(
            failures[0]!.message,
            /^the step failed \(salesforce\/validate: ActionError: Salesforce org mismatch.*\); a step without "expect" must succeed: fix the handler, or write what the step should give under "expect"$/
        );
        // The step's object starts on the line before its "action".
        assert.equal(failures[0]!.location.line, lineOf(text, '"action": "connect"') - 1);
    });

    it('ok, outcome, status, events', () => {
        passes({ ok: true, outcome: 'created', status: 'active', events: ['validate-connection', 'post-connection-creation'] });
        passes({ ok: false, outcome: 'refresh_exhausted', status: 'refresh_exhausted' }, result(FAILED));
        failsAt({ ok: true }, result(FAILED), '"ok"', /^ok: expected true, got false \(salesforce\/validate: ActionError: Salesforce org mismatch/);
        failsAt(
            { outcome: 'reconnected' },
            result(FAILED),
            '"outcome"',
            /^outcome: expected "reconnected", got "refresh_exhausted" \(salesforce\/validate: ActionError/
        );
        failsAt({ status: 'active' }, result(FAILED), '"status"', /^status: expected "active", got "refresh_exhausted"/);
        failsAt(
            { events: ['validate-connection'] },
            result(),
            '"events"',
            /^events: expected \["validate-connection"\], got \["validate-connection","post-connection-creation"\]$/
        );
    });

    it('metadata: a partial match, key by key, reported at the key that differs', () => {
        passes({ metadata: { organizationId: '00DACME' } });
        passes({ metadata: { webhook: { id: 'wh-1' } } });
        passes({ metadata: { webhook: { events: ['a', 'b'] } } });
        const f = failsAt(
            { metadata: { organizationId: '00DACME', webhook: { id: 'wh-2' } } },
            result(),
            '"id": "wh-2"',
            /^metadata\.webhook\.id: expected "wh-2", got "wh-1"$/
        );
        assert.equal(f.expectation, 'metadata.webhook.id');
        failsAt({ metadata: { webhook: { events: ['a'] } } }, result(), '"events"', /^metadata\.webhook\.events: expected \["a"\], got \["a","b"\]$/);
        failsAt({ metadata: { accountId: 7 } }, result(), '"accountId"', /^metadata\.accountId: expected 7, but the key is missing/);
        failsAt(
            { metadata: { organizationId: '00DACME' } },
            result({ ...FAILED, outcome: 'connection_validation_failed', status: 'not_created', metadata: { before: {}, after: null } }),
            '"metadata"',
            /^metadata: the connection was not created, so it has no metadata/
        );
    });

    it('metadataEquals: the whole metadata (null: not created)', () => {
        passes({ metadataEquals: { organizationId: '00DACME', webhook: { id: 'wh-1', events: ['a', 'b'] } } });
        passes({ metadataEquals: null }, result({ metadata: { before: {}, after: null } }));
        failsAt(
            { metadataEquals: { organizationId: '00DACME' } },
            result(),
            '"metadataEquals"',
            /^metadataEquals: expected \{"organizationId":"00DACME"\}, got \{"organizationId":"00DACME","webhook"/
        );
    });

    it('requests: method, path (a suffix of the URL path, ":x" one segment and "*" anything, or a whole URL), status, account, count', () => {
        passes({ requests: [{ method: 'GET', path: '/services/oauth2/userinfo', status: 200, account: 'acme', count: 1 }] });
        passes({ requests: [{ method: 'post', path: '/webhooks' }, { path: '/webhooks/:id', status: 204 }, { path: '/services/*/userinfo' }] });
        passes({ requests: [{ path: 'https://acme.my.salesforce.com/webhooks/wh-1' }, { path: '/hang', status: null }, { method: 'PUT', count: 0 }] });
        const f = failsAt(
            {
                requests: [
                    { method: 'GET', path: '/services/oauth2/userinfo' },
                    { method: 'DELETE', path: '/webhooks/:id', status: 404, count: 1 }
                ]
            },
            result(),
            '"method": "DELETE"',
            /^requests\[1\]: expected 1 DELETE \/webhooks\/:id \(status 404\) request, found 0\. Requests made: GET https:\/\/acme\.my\.salesforce\.com\/services\/oauth2\/userinfo → 200; POST .* → 201; DELETE https:\/\/acme\.my\.salesforce\.com\/webhooks\/wh-1 → 204; GET .*\/hang → no answer; GET https:\/\/elsewhere\.test\/x → unmatched$/,
            -1
        );
        assert.equal(f.expectation, 'requests[1]');
        failsAt(
            { requests: [{ path: '/userinfo', account: 'globex' }] },
            result(),
            '"path": "/userinfo"',
            /^requests\[0\]: expected at least one \/userinfo \(account globex\) request, found 0/,
            -1
        );
        failsAt({ requests: [{ method: 'GET', count: 1 }] }, result(), '"method": "GET"', /^requests\[0\]: expected 1 GET request, found 3/, -1);
        failsAt({ requests: [{ path: 'https://other.my.salesforce.com/webhooks/wh-1' }] }, result(), '"path"', /found 0/, -1);
    });

    it('requestCount and unmatchedRequests', () => {
        passes({ requestCount: 5, unmatchedRequests: 1 });
        failsAt({ requestCount: 4 }, result(), '"requestCount"', /^requestCount: expected 4 provider requests, got 5: GET https:\/\/acme/);
        failsAt(
            { unmatchedRequests: 0 },
            result(),
            '"unmatchedRequests"',
            /^unmatchedRequests: expected 0, got 1 \(GET https:\/\/elsewhere\.test\/x: add fixtures for them\)$/
        );
    });

    it('logs: a substring or "/regex/", optionally a level and an exact count', () => {
        passes({
            logs: [
                'Locked the connection',
                '/org \\d?0{2}DACME$/',
                { message: 'retrying', level: 'warn', count: 2 },
                { message: 'nothing like this', count: 0 }
            ]
        });
        failsAt(
            { logs: ['Locked the connection', 'locked the connection'] },
            result(),
            '"locked the connection"',
            /^logs\[1\]: expected a log line matching "locked the connection", found 0\. Logs: \[info\] Locked the connection to org 00DACME \| \[warn\] GET/
        );
        failsAt(
            { logs: [{ message: 'Locked', level: 'error' }] },
            result(),
            '"message": "Locked"',
            /^logs\[0\]: expected a log line matching "Locked" at level error, found 0/,
            -1
        );
        failsAt(
            { logs: [{ message: '/retrying \\(reason: status_code_503\\)/', count: 1 }] },
            result(),
            '"message": "/retrying',
            /^logs\[0\]: expected 1 log line matching \/retrying \\\(reason: status_code_503\\\)\/, found 2/,
            -1
        );
    });

    it('error: null for none; type, message pattern and handler', () => {
        passes({ error: null });
        passes({ error: { type: 'ActionError', message: 'org mismatch', handler: 'validate' } }, result(FAILED));
        passes({ error: { message: '/^Salesforce org mismatch: expected 00DACME/', handler: 'salesforce/validate' } }, result(FAILED));
        failsAt({ error: null }, result(FAILED), '"error"', /^error: expected none, got salesforce\/validate: ActionError: Salesforce org mismatch/);
        failsAt(
            { error: { type: 'ActionError' } },
            result(),
            '"error"',
            /^error: expected an error of type ActionError, but no handler failed \(outcome "created"\)$/
        );
        failsAt({ error: { type: 'AxiosError' } }, result(FAILED), '"type": "AxiosError"', /^error\.type: expected "AxiosError", got "ActionError"/);
        failsAt({ error: { message: 'timeout' } }, result(FAILED), '"message": "timeout"', /^error\.message: expected "timeout", got "Salesforce org mismatch/);
        failsAt({ error: { handler: 'setup' } }, result(FAILED), '"handler": "setup"', /^error\.handler: expected "setup", got "salesforce\/validate"$/);
    });

    it('every failed expectation of a step is reported, each at its own place', () => {
        const { failures, text } = check({ ok: true, status: 'active', metadata: { organizationId: 'x' } }, result(FAILED));
        assert.deepEqual(
            failures.map((f) => [f.expectation, f.location.line]),
            [
                ['ok', lineOf(text, '"ok"')],
                ['status', lineOf(text, '"status"')],
                ['metadata.organizationId', lineOf(text, '"organizationId"')]
            ]
        );
    });

    it('patterns and paths', () => {
        assert.equal(compilePattern('a.b').test('a.b'), true);
        assert.equal(compilePattern('a.b').test('axb'), false);
        assert.equal(compilePattern('/a.b/').test('axb'), true);
        assert.equal(compilePattern('/^A/i').test('abc'), true);
        assert.equal(compilePattern('/x/g').test('x') && compilePattern('/x/g').test('x'), true);
        assert.equal(pathMatches('/auth.test', 'https://slack.com/api/auth.test'), true);
        assert.equal(pathMatches('/api/auth.test', 'https://slack.com/api/auth.test?x=1'), true);
        assert.equal(pathMatches('/test', 'https://slack.com/api/auth.test'), false);
        assert.equal(pathMatches('/webhooks/:id', 'https://x.test/webhooks/a%20b'), true);
        assert.equal(pathMatches('/webhooks/:id', 'https://x.test/webhooks'), false);
        assert.equal(pathMatches('https://x.test/a', 'https://x.test/b/a'), false);
        assert.equal(pathMatches('https://x.test/b/*', 'https://x.test/b/a'), true);
        // "*" as in fixtures (msw): anything, slashes included (path-pattern.test.ts pins both sides).
        assert.equal(pathMatches('/b/*', 'https://x.test/b/a/c'), true);
        assert.equal(pathMatches('/b/:id', 'https://x.test/b/a/c'), false);
    });
});
