// Fault injection in fixture responses (status, delay, timeout, malformed body, times) and the SDK's
// retries, which follow Nango's proxy rule (emulator/fakes/retry.ts).
import assert from 'node:assert/strict';
import { EmulatorError } from '../../../emulator/core/errors';
import { DEFAULT_FAULT_TIMEOUT_MS, parseFixtures } from '../../../emulator/fixtures/fixtures';
import { Emulator } from '../../../emulator/core/lifecycle';
import { emulatorBackoffMs, nangoBackoffMs, nangoRetryDecision, providerReadsRetryHeader } from '../../../emulator/fakes/retry';
import { FIXTURES, handlerSource, makeProject, messages, notes, runBody, salesforceFixtures, slackFixtures } from './helpers';

const sf = (responses: object[]): object => salesforceFixtures({ responses });

describe('fault injection in fixtures', function () {
    this.timeout(30_000);

    it('status faults (401, 403, 5xx) answer with that status and a JSON error body; without "retries" nothing is retried', async () => {
        const r = await runBody(
            `for (const p of ['/a', '/b', '/c']) {
                try { await nango.get({ endpoint: p }); } catch (e: any) { await nango.log(p, e.name, e.response.status, JSON.stringify(e.response.data), e.response.headers['content-type']); }
             }`,
            {
                fixtures: sf([
                    { method: 'GET', path: '/a', body: { fine: true }, fault: { status: 401 } },
                    { method: 'GET', path: '/b', body: { fine: true }, fault: { status: 403 } },
                    { method: 'GET', path: '/c', body: { fine: true }, fault: { status: 500 } }
                ])
            }
        );
        assert.equal(r.ok, true, JSON.stringify(r.error));
        assert.deepEqual(messages(r), [
            '/a AxiosError 401 {"error":"Unauthorized"} application/json',
            '/b AxiosError 403 {"error":"Forbidden"} application/json',
            '/c AxiosError 500 {"error":"Internal Server Error"} application/json'
        ]);
        assert.deepEqual(
            r.requests.map((q) => q.status),
            [401, 403, 500]
        );
        assert.match(r.requests[0]!.matchedBy!, /integrations\.salesforce\.responses\[4\] \(fault 401\)$/);
        assert.deepEqual(notes(r), []);
    });

    it("a fault's body and headers replace the answer; retryAfter sets Retry-After", async () => {
        const r = await runBody(
            `try { await nango.get({ endpoint: '/busy' }); } catch (e: any) { await nango.log(e.response.status, e.response.headers['retry-after'], e.response.headers['x-request-id'], JSON.stringify(e.response.data)); }`,
            {
                fixtures: sf([
                    {
                        method: 'GET',
                        path: '/busy',
                        body: { fine: true },
                        fault: { status: 429, retryAfter: 7, headers: { 'x-request-id': 'req-1' }, body: { message: 'slow down' } }
                    }
                ])
            }
        );
        assert.deepEqual(messages(r), ['429 7 req-1 {"message":"slow down"}']);
    });

    it('times: the first N matching requests of a handler run fail, later ones get the normal answer; each run counts from zero', async () => {
        const project = makeProject({
            [FIXTURES]: sf([{ method: 'GET', path: '/flaky', body: { ok: 1 }, fault: { status: 503, times: 2 } }]),
            'salesforce/on-events/fn.ts': handlerSource(
                'post-connection-creation',
                `const seen: number[] = [];
                 for (let i = 0; i < 4; i++) seen.push(await nango.get({ endpoint: '/flaky' }).then((res) => res.status, (e: any) => e.response.status));
                 await nango.log(seen.join(','));`
            )
        });
        const emulator = new Emulator(project.root, { timeoutMs: 15_000 });
        try {
            const first = await emulator.dryrun('fn', { connectionId: 'sf-1' });
            const second = await emulator.dryrun('fn', { connectionId: 'sf-1' });
            assert.deepEqual(messages(first), ['503,503,200,200']);
            assert.deepEqual(messages(second), ['503,503,200,200']);
            assert.deepEqual(
                first.requests.map((q) => q.matchedBy?.replace(/^.*responses/, 'responses')),
                ['responses[4] (fault 503, 1 of 2)', 'responses[4] (fault 503, 2 of 2)', 'responses[4]', 'responses[4]']
            );
        } finally {
            emulator.dispose();
            project.cleanup();
        }
    });

    it('delayMs answers normally, late', async () => {
        const r = await runBody(
            `const t = Date.now(); const res = await nango.get({ endpoint: '/slow' }); await nango.log(res.status, JSON.stringify(res.data), Date.now() - t >= 290);`,
            {
                fixtures: sf([{ method: 'GET', path: '/slow', body: { ok: 1 }, fault: { delayMs: 300 } }])
            }
        );
        assert.deepEqual(messages(r), ['200 {"ok":1} true']);
        assert.ok(r.requests[0]!.durationMs >= 290, `took ${r.requests[0]!.durationMs} ms`);
    });

    it('timeout: no answer; the SDK call fails like an axios timeout (ECONNABORTED, no response) and the request shows no status', async () => {
        const r = await runBody(
            `for (const p of ['/hang', '/hang-default']) {
                const t = Date.now();
                try { await nango.get({ endpoint: p }); } catch (e: any) {
                    await nango.log(e.name, e.isAxiosError, e.code, e.message, e.response === undefined, e.config.url.endsWith(p), Date.now() - t >= (p === '/hang' ? 190 : ${DEFAULT_FAULT_TIMEOUT_MS - 10}));
                }
             }`,
            {
                fixtures: sf([
                    { method: 'GET', path: '/hang', body: { ok: 1 }, fault: { timeout: 200 } },
                    { method: 'GET', path: '/hang-default', fault: { timeout: true } }
                ])
            }
        );
        assert.equal(r.ok, true, JSON.stringify(r.error));
        assert.deepEqual(messages(r), [
            'AxiosError true ECONNABORTED timeout of 200ms exceeded true true true',
            `AxiosError true ECONNABORTED timeout of ${DEFAULT_FAULT_TIMEOUT_MS}ms exceeded true true true`
        ]);
        assert.deepEqual(
            r.requests.map((q) => q.status),
            [null, null]
        );
        assert.match(r.requests[0]!.matchedBy!, /\(fault timeout\)$/);
    });

    it('a timeout the handler does not catch fails the run with that error', async () => {
        const r = await runBody(`await nango.get({ endpoint: '/hang' });`, { fixtures: sf([{ method: 'GET', path: '/hang', fault: { timeout: 100 } }]) });
        assert.equal(r.ok, false);
        assert.equal(r.error!.type, 'AxiosError');
        assert.match(r.error!.message, /timeout of 100ms exceeded/);
    });

    it('malformedBody: true cuts the JSON body in half, a string is sent as it is; both say they are JSON; the SDK hands the text over, as axios does', async () => {
        const body = { organization_id: '00DACME', name: 'Acme Corporation' };
        const r = await runBody(
            `const a = await nango.get({ endpoint: '/half' });
             await nango.log(a.status, typeof a.data, a.data, a.headers['content-type']);
             try { await nango.get({ endpoint: '/gateway' }); } catch (e: any) { await nango.log(e.response.status, e.response.data, e.response.headers['content-type']); }`,
            {
                fixtures: sf([
                    { method: 'GET', path: '/half', body, fault: { malformedBody: true } },
                    { method: 'GET', path: '/gateway', body, fault: { status: 502, malformedBody: '<html><h1>502 Bad Gateway</h1></html>' } }
                ])
            }
        );
        const text = JSON.stringify(body);
        assert.equal(r.ok, true, JSON.stringify(r.error));
        assert.deepEqual(messages(r), [
            `200 string ${text.slice(0, Math.floor(text.length / 2))} application/json`,
            '502 <html><h1>502 Bad Gateway</h1></html> application/json'
        ]);
    });

    it('a response that is only a fault (no body) is a layer: requests it does not fail go on to the next matching response', async () => {
        const fixtures = salesforceFixtures() as { integrations: { salesforce: { responses: object[] } } };
        fixtures.integrations.salesforce.responses.unshift(
            { method: 'GET', path: '/services/oauth2/userinfo', fault: { status: 503, times: 1 } },
            { method: 'GET', path: '/webhooks-slow', fault: { delayMs: 200 } },
            { method: 'GET', path: '/webhooks-slow', body: { ok: 1 } }
        );
        const r = await runBody(
            `const seen: string[] = [];
             for (let i = 0; i < 3; i++) seen.push(await nango.get({ endpoint: '/services/oauth2/userinfo' }).then((res: any) => res.status + ' ' + res.data.organization_id, (e: any) => String(e.response.status)));
             const t = Date.now();
             const slow = await nango.get({ endpoint: '/webhooks-slow' });
             await nango.log(seen.join(', '), slow.status, JSON.stringify(slow.data), Date.now() - t >= 190);`,
            { fixtures }
        );
        assert.equal(r.ok, true, JSON.stringify(r.error));
        assert.deepEqual(messages(r), ['503, 200 00DACME, 200 00DACME 200 {"ok":1} true']);
        assert.deepEqual(
            r.requests.map((q) => q.matchedBy?.replace(/^.*responses/, 'responses')),
            ['responses[0] (fault 503, 1 of 1)', 'responses[3]', 'responses[3]', 'responses[2]']
        );
    });

    describe('fixture validation', () => {
        const rejects = (fault: object, pattern: RegExp): void => {
            const text = JSON.stringify(sf([{ method: 'GET', path: '/x', fault }]));
            assert.throws(
                () => parseFixtures(text, '/p/fixtures.json'),
                (err: unknown) => err instanceof EmulatorError && err.code === 'fixtures_invalid' && pattern.test(err.message)
            );
        };
        it('a fault needs a kind', () =>
            rejects({ times: 2 }, /integrations\.salesforce\.responses\.4\.fault: a fault needs one of "status" \(e\.g\. 503\), "delayMs", "timeout"/));
        it('a fault status is an error status', () => rejects({ status: 200 }, /responses\.4\.fault\.status: a fault status is an error status \(400-599\)/));
        it('a timeout gets no answer, so no status or body', () =>
            rejects({ timeout: 100, status: 503 }, /responses\.4\.fault\.status: "status" has no effect with "timeout"/));
        it('retryAfter needs a status', () =>
            rejects({ delayMs: 10, retryAfter: 3 }, /responses\.4\.fault\.retryAfter: "retryAfter" belongs to a faulted answer: add "status"/));
        it('body and malformedBody exclude each other', () =>
            rejects({ status: 500, body: {}, malformedBody: true }, /fault\.body: "body" and "malformedBody" both set the body/));
        it('times is a positive whole number', () => rejects({ status: 500, times: 0 }, /fault\.times: .*>=1/));
        it('accepts the documented shapes', () => {
            const f = parseFixtures(
                JSON.stringify(
                    sf([
                        { method: 'GET', path: '/x', fault: { status: 429, retryAfter: 'Wed, 21 Oct 2026 07:28:00 GMT', times: 1 } },
                        { method: 'GET', path: '/y', fault: { timeout: true } }
                    ])
                ),
                '/p/fixtures.json'
            );
            assert.deepEqual(f.integrations['salesforce']!.responses[5]!.fault, { timeout: true });
        });
    });
});

describe("the SDK retries like Nango's proxy", function () {
    this.timeout(30_000);

    it('5xx, 429 and 401 are retried `retries` times, backing off 100 ms, 200 ms … (Nango: 3 s, 6 s …); then the last failure is thrown', async () => {
        const r = await runBody(
            `try { await nango.get({ endpoint: '/down', retries: 2 }); } catch (e: any) { await nango.log('down', e.response.status); }
             try { await nango.get({ endpoint: '/busy', retries: 1 }); } catch (e: any) { await nango.log('busy', e.response.status); }
             try { await nango.get({ endpoint: '/unauthorized', retries: 1 }); } catch (e: any) { await nango.log('unauthorized', e.response.status); }`,
            {
                fixtures: sf([
                    { method: 'GET', path: '/down', fault: { status: 503 } },
                    { method: 'GET', path: '/busy', fault: { status: 429 } },
                    { method: 'GET', path: '/unauthorized', fault: { status: 401 } }
                ])
            }
        );
        assert.deepEqual(messages(r), ['down 503', 'busy 429', 'unauthorized 401']);
        assert.deepEqual(
            r.requests.map((q) => `${new URL(q.url).pathname} ${q.status}`),
            ['/down 503', '/down 503', '/down 503', '/busy 429', '/busy 429', '/unauthorized 401', '/unauthorized 401']
        );
        const n = notes(r);
        assert.equal(n.length, 4);
        // Nango's ProxyRequest log lines (packages/shared/lib/services/proxy/request.ts), then the emulator's note.
        assert.match(
            n[0]!,
            /^Retrying HTTP call \(reason: status_code_503\)\. Waiting for 100ms \[1\/2\] \(GET https:\/\/acme\.my\.salesforce\.com\/down: 503; Nango waits 3000ms here, the emulator shortens its backoff\)$/
        );
        assert.match(n[1]!, /Waiting for 200ms \[2\/2\] \(.*Nango waits 6000ms here/);
        assert.match(n[2]!, /^Retrying HTTP call \(reason: status_code_429\).*\/busy: 429/);
        assert.match(n[3]!, /^Retrying HTTP call \(reason: status_code_401\).*\/unauthorized: 401/);
    });

    it('403 (like other 4xx) is not retried unless retryOn names it', async () => {
        const r = await runBody(
            `try { await nango.get({ endpoint: '/forbidden', retries: 2 }); } catch (e: any) { await nango.log('plain', e.response.status); }
             try { await nango.get({ endpoint: '/forbidden', retries: 2, retryOn: [403] }); } catch (e: any) { await nango.log('retryOn', e.response.status); }`,
            { fixtures: sf([{ method: 'GET', path: '/forbidden', fault: { status: 403 } }]) }
        );
        assert.deepEqual(messages(r), ['plain 403', 'retryOn 403']);
        assert.equal(r.requests.length, 1 + 3);
        const n = notes(r);
        assert.match(n[0]!, /^Skipping retry HTTP call \(reason: not_retryable\) \[1\/2\] \(GET .*\/forbidden: 403\)$/);
        assert.match(n[1]!, /^Retrying HTTP call \(reason: retry_on_403\).*\/forbidden: 403/);
    });

    it('a retry after a fault with times gets the normal answer', async () => {
        const r = await runBody(`const res = await nango.get({ endpoint: '/flaky', retries: 3 }); await nango.log(res.status, JSON.stringify(res.data));`, {
            fixtures: sf([{ method: 'GET', path: '/flaky', body: { ok: 1 }, fault: { status: 502, times: 2 } }])
        });
        assert.deepEqual(messages(r), ['200 {"ok":1}']);
        assert.deepEqual(
            r.requests.map((q) => q.status),
            [502, 502, 200]
        );
    });

    it("Retry-After is honoured where Nango reads it (Slack's catalogue entry names it)", async () => {
        const r = await runBody(
            `const t = Date.now(); const res = await nango.get({ endpoint: '/auth.test', retries: 1 }); await nango.log(res.status, Date.now() - t >= 950);`,
            {
                fixtures: slackFixtures([{ method: 'GET', path: '/auth.test', body: { ok: true }, fault: { status: 429, retryAfter: 1, times: 1 } }]),
                integration: 'slack',
                connection: 'slack-1'
            }
        );
        assert.deepEqual(messages(r), ['200 true']);
        assert.equal(r.requests[0]!.url, 'https://slack.com/api/auth.test');
        assert.deepEqual(notes(r), ['Retrying HTTP call (reason: preconfigured_after). Waiting for 1000ms [1/1] (GET https://slack.com/api/auth.test: 429)']);
    });

    it("Retry-After is not read where Nango does not (Salesforce's entry names no header): backoff, and a note says so", async () => {
        const r = await runBody(
            `const t = Date.now(); const res = await nango.get({ endpoint: '/limited', retries: 1 }); await nango.log(res.status, Date.now() - t < 1000);`,
            {
                fixtures: sf([{ method: 'GET', path: '/limited', body: { ok: true }, fault: { status: 429, retryAfter: 5, times: 1 } }])
            }
        );
        assert.deepEqual(messages(r), ['200 true']);
        assert.match(
            notes(r)[0]!,
            /Waiting for 100ms \[1\/1\] \(GET \S+: 429; Nango waits 3000ms here, the emulator shortens its backoff\. Retry-After is not read: Nango reads it only for providers whose catalogue entry names it, and "salesforce"'s does not\)$/
        );
    });

    it('timeouts are retried (a network error for Nango)', async () => {
        const r = await runBody(`const res = await nango.get({ endpoint: '/hang', retries: 1 }); await nango.log(res.status);`, {
            fixtures: sf([{ method: 'GET', path: '/hang', body: { ok: 1 }, fault: { timeout: 100, times: 1 } }])
        });
        assert.deepEqual(messages(r), ['200']);
        assert.deepEqual(
            r.requests.map((q) => q.status),
            [null, 200]
        );
        assert.match(notes(r)[0]!, /^Retrying HTTP call \(reason: network_error\).*: timeout of 100ms exceeded \(ECONNABORTED\)/);
    });
});

describe("Nango's retry rule (retry.ts)", () => {
    const github = { at: ['x-ratelimit-reset'], remaining: 'x-ratelimit-remaining', error_code: ['403', '5xx', '401', '429'] };

    it('default statuses: 5xx, 429, 401; network failures; nothing else', () => {
        for (const status of [500, 501, 503, 599, 429, 401]) assert.deepEqual(nangoRetryDecision({ status }), { retry: true, reason: `status_code_${status}` });
        for (const status of [400, 403, 404, 409, 422]) assert.deepEqual(nangoRetryDecision({ status }), { retry: false, reason: 'not_retryable' });
        for (const code of ['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'ECONNREFUSED', 'EHOSTUNREACH', 'EAI_AGAIN', 'UND_ERR_SOCKET'])
            assert.deepEqual(nangoRetryDecision({ networkCode: code }), { retry: true, reason: 'network_error' });
        assert.deepEqual(nangoRetryDecision({ networkCode: 'ENOTFOUND' }), { retry: false, reason: 'not_retryable' });
        assert.deepEqual(nangoRetryDecision({ status: 409, retryOn: [409] }), { retry: true, reason: 'retry_on_409' });
    });

    it('a provider\'s error_code list replaces the defaults ("5xx", ranges, exact codes)', () => {
        assert.equal(nangoRetryDecision({ status: 403, providerRetry: github }).reason, 'provider_error_code_403');
        assert.equal(nangoRetryDecision({ status: 502, providerRetry: github }).reason, 'provider_error_code_5xx');
        assert.equal(nangoRetryDecision({ status: 404, providerRetry: github }).retry, false);
        assert.equal(nangoRetryDecision({ status: 501, providerRetry: { error_code: ['500-502'] } }).reason, 'provider_error_code_500-502');
        assert.equal(nangoRetryDecision({ status: 429, providerRetry: { error_code: ['500'] } }).retry, false);
        assert.equal(
            nangoRetryDecision({ status: 400, headers: { 'x-ratelimit-remaining': '0' }, providerRetry: { remaining: 'x-ratelimit-remaining' } }).reason,
            'provider_remaining'
        );
    });

    it('the wait comes from the headers the catalogue names: "after" seconds, "at" epoch seconds or ms; the longest; else backoff', () => {
        const now = Date.UTC(2026, 0, 1);
        assert.deepEqual(nangoRetryDecision({ status: 429, headers: { 'retry-after': '2' }, providerRetry: { after: ['retry-after'] } }), {
            retry: true,
            reason: 'preconfigured_after',
            waitMs: 2000
        });
        assert.equal(nangoRetryDecision({ status: 429, headers: { 'retry-after': '2' } }).waitMs, undefined);
        assert.equal(nangoRetryDecision({ status: 403, headers: { 'x-ratelimit-reset': String(now / 1000 + 30) }, providerRetry: github, now }).waitMs, 30_000);
        assert.equal(nangoRetryDecision({ status: 403, headers: { 'x-ratelimit-reset': String(now + 5000) }, providerRetry: github, now }).waitMs, 5000);
        assert.equal(
            nangoRetryDecision({ status: 403, headers: { 'x-ratelimit-reset': String(now / 1000 - 30) }, providerRetry: github, now }).waitMs,
            undefined
        );
        assert.equal(nangoRetryDecision({ status: 429, headers: { a: '1', b: '3' }, providerRetry: { after: ['a', 'b'] } }).waitMs, 3000);
        assert.equal(
            nangoRetryDecision({
                status: 429,
                body: { error: { message: 'retry in 4 seconds' } },
                providerRetry: { in_body: { strategy: 'after', path: 'error.message', value: 'in (\\d+) seconds' } }
            }).waitMs,
            4000
        );
    });

    it("backoff: Nango's 3 s × 2^attempt (at most 10 minutes); the emulator's is 30 times shorter", () => {
        assert.deepEqual([0, 1, 2, 10].map(nangoBackoffMs), [3000, 6000, 12000, 600_000]);
        assert.deepEqual([0, 1, 2].map(emulatorBackoffMs), [100, 200, 400]);
        assert.equal(providerReadsRetryHeader({ after: ['Retry-After'] }, 'retry-after'), true);
        assert.equal(providerReadsRetryHeader(github, 'retry-after'), false);
        assert.equal(providerReadsRetryHeader(undefined, 'retry-after'), false);
    });
});
