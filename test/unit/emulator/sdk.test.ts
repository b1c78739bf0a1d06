import assert from 'node:assert/strict';
import type { RunResult } from '../../../emulator/core/result';
import { ACME_TOKEN, salesforceFixtures } from './project';
import { runBody } from './run-body';

const messages = (r: RunResult) => r.logs.map((l) => l.message);

describe('the nango object', () => {
    describe('proxy and its shortcuts', () => {
        it('builds the URL from the provider base URL (connection_config interpolated), endpoint and params; adds the auth header', async () => {
            const r = await runBody(
                `const res = await nango.get({ endpoint: '/services/data/v60.0/query', params: { q: 'SELECT Id FROM Account', limit: 2 }, headers: { 'X-Custom': 'yes' } });
                 await nango.log(JSON.stringify(res.data), res.status, res.headers['content-type']);`,
                {
                    fixtures: salesforceFixtures({
                        responses: [
                            { method: 'GET', path: '/services/data/v60.0/query', query: { q: 'SELECT Id FROM Account' }, body: { totalSize: 0, auth: 'seen' } }
                        ]
                    }),
                    captureBodies: true
                }
            );
            assert.equal(r.ok, true, JSON.stringify(r.error));
            assert.equal(r.requests[0]!.url, 'https://acme.my.salesforce.com/services/data/v60.0/query?q=SELECT+Id+FROM+Account&limit=2');
            assert.equal(r.requests[0]!.account, 'acme');
            assert.equal(r.requests[0]!.requestHeaders!['x-custom'], 'yes');
            // The auth header was sent (that is how the account was recognised) but never shows in results.
            assert.equal(r.requests[0]!.requestHeaders!['authorization'], '«redacted»');
            assert.deepEqual(messages(r), ['{"totalSize":0,"auth":"seen"} 200 application/json']);
        });

        it('post/put/patch/delete send the method and a JSON body; templates see the body and path params', async () => {
            const r = await runBody(
                `const a = await nango.post({ endpoint: '/webhooks', data: { url: 'https://x.test/h' } });
                 await nango.log(a.status, a.data.id, a.data.url);
                 const b = await nango.delete({ endpoint: '/webhooks/wh-acme' });
                 await nango.log(b.status, JSON.stringify(b.data));`
            );
            assert.equal(r.ok, true, JSON.stringify(r.error));
            assert.deepEqual(messages(r), ['201 wh-acme https://x.test/h', '204 ""']);
        });

        it('a non-2xx status throws an axios-style error with response.status and response.data', async () => {
            const r = await runBody(
                `try { await nango.delete({ endpoint: '/webhooks/missing' }); } catch (e: any) {
                    await nango.log(e.name, e.isAxiosError, e.response.status, e.response.data[0].message, e.message);
                 }`
            );
            assert.equal(r.ok, true, JSON.stringify(r.error));
            assert.deepEqual(messages(r), ['AxiosError true 404 webhook missing not found Request failed with status code 404']);
        });

        it('retries 5xx when config.retries asks for it', async () => {
            const fixtures = salesforceFixtures({
                responses: [
                    { method: 'GET', path: '/flaky', query: { attempt: 'x' }, status: 200, body: {} },
                    { method: 'GET', path: '/flaky', status: 503, body: { error: 'unavailable' }, headers: { 'retry-after': '0' } }
                ]
            });
            const r = await runBody(
                `try { await nango.get({ endpoint: '/flaky', retries: 2 }); } catch (e: any) { await nango.log('gave up', e.response.status); }`,
                { fixtures }
            );
            assert.equal(r.requests.length, 3);
            assert.equal(messages(r).at(-1), 'gave up 503');
        });

        it('baseUrlOverride replaces the provider base URL', async () => {
            const fixtures = salesforceFixtures({ responses: [{ method: 'GET', path: 'https://login.salesforce.com/id/me', body: { ok: 1 } }] });
            const r = await runBody(
                `const res = await nango.get({ baseUrlOverride: 'https://login.salesforce.com', endpoint: '/id/me' }); await nango.log(res.data.ok);`,
                { fixtures }
            );
            assert.equal(r.ok, true, JSON.stringify(r.error));
            assert.equal(r.requests[0]!.url, 'https://login.salesforce.com/id/me');
        });

        it('paginate follows a cursor', async () => {
            const fixtures = salesforceFixtures({
                responses: [
                    { method: 'GET', path: '/items', query: { after: 'p2' }, body: { results: [3], paging: {} } },
                    { method: 'GET', path: '/items', body: { results: [1, 2], paging: { next: { after: 'p2' } } } }
                ]
            });
            const r = await runBody(
                `const all: number[] = [];
                 for await (const page of nango.paginate<number>({ endpoint: '/items', paginate: { type: 'cursor', cursor_path_in_response: 'paging.next.after', cursor_name_in_request: 'after', response_path: 'results' } })) all.push(...page);
                 await nango.log(all.join(','));`,
                { fixtures }
            );
            assert.equal(r.ok, true, JSON.stringify(r.error));
            assert.deepEqual(messages(r), ['1,2,3']);
        });
    });

    describe('connection, integration and environment', () => {
        it('getConnection, getToken, getIntegration, getWebhookURL and getEnvironmentVariables answer from fixtures and state', async () => {
            const r = await runBody(
                `const c = await nango.getConnection();
                 await nango.log(c.connection_id, c.provider_config_key, c.provider, c.connection_config.instance_url, JSON.stringify(c.metadata));
                 const token = await nango.getToken();
                 await nango.log(token === '${ACME_TOKEN}' ? 'token ok' : 'token wrong');
                 const i = await nango.getIntegration();
                 await nango.log(i.unique_key, i.provider, i.display_name);
                 await nango.log(await nango.getWebhookURL());
                 await nango.log(JSON.stringify(await nango.getEnvironmentVariables()));`
            );
            assert.equal(r.ok, true, JSON.stringify(r.error));
            assert.deepEqual(messages(r), [
                'sf-1 salesforce salesforce https://acme.my.salesforce.com {"organizationId":"00DACME"}',
                'token ok',
                'salesforce salesforce Salesforce',
                'https://api.example.test/webhooks/nango',
                '[{"name":"WEBHOOK_SECRET","value":"not-a-secret-value"}]'
            ]);
        });
    });

    describe('metadata', () => {
        it('setMetadata replaces, updateMetadata merges; getMetadata reads the latest write', async () => {
            const r = await runBody(
                `await nango.setMetadata({ organizationId: 'o1' });
                 await nango.updateMetadata({ webhookId: 'w1' });
                 await nango.log(JSON.stringify(await nango.getMetadata()));`,
                { metadata: `z.object({ organizationId: z.string().optional(), webhookId: z.string().optional() })` }
            );
            assert.equal(r.ok, true, JSON.stringify(r.error));
            assert.deepEqual(messages(r), ['{"organizationId":"o1","webhookId":"w1"}']);
            assert.deepEqual(r.metadata.after, { organizationId: 'o1', webhookId: 'w1' });
        });

        it("a value off the handler's schema is stored, as Nango's metadata API stores any object, with a warning naming the field (controllers/connection/connectionId/metadata/postMetadata.ts)", async () => {
            const r = await runBody(`await nango.setMetadata({ organizationId: 42 } as any);`, { metadata: `z.object({ organizationId: z.string() })` });
            assert.equal(r.ok, true, JSON.stringify(r.error));
            assert.deepEqual(r.metadata.after, { organizationId: 42 });
            const warning = r.logs.find((l) => l.source === 'emulator' && l.level === 'warn');
            assert.match(
                warning?.message ?? '',
                /nango\.setMetadata: the metadata does not match the "metadata" schema of .*fn\.ts \(organizationId: .*string.*\)\. Nango stores it anyway/
            );
        });

        it("a value that is not an object fails, as Nango's API refuses it", async () => {
            const r = await runBody(`await nango.setMetadata([1, 2] as any);`);
            assert.equal(r.ok, false);
            assert.equal(r.error!.type, 'MetadataValidationError');
            assert.match(r.error!.message, /nango\.setMetadata: metadata must be an object, got an array/);
        });
    });

    describe('logging', () => {
        it("nango.log takes a level; console output is shown too, with a note that Nango's runtime drops it", async () => {
            const r = await runBody(
                `await nango.log('a'); await nango.log('b', { level: 'warn' }); await nango.log('c', { x: 1 }, { level: 'error' }); console.log('d', { y: 2 });`
            );
            assert.deepEqual(
                r.logs.map((l) => [l.level, l.message, l.source]),
                [
                    ['info', 'a', 'nango'],
                    ['warn', 'b', 'nango'],
                    ['error', 'c {"x":1}', 'nango'],
                    [
                        'warn',
                        "console output never reaches Nango's logs (its runtime drops it): use await nango.log(...) for what you want to see there.",
                        'emulator'
                    ],
                    ['info', 'd {"y":2}', 'console']
                ]
            );
        });

        it('marks what Nango would not keep: info below the default level warn, and all console output (environment.service.ts getSdkLogger, runner/lib/exec.ts)', async () => {
            const r = await runBody(
                `await nango.log('a'); await nango.log('b', { level: 'warn' }); await nango.log('c', { level: 'debug' }); console.error('d');`
            );
            assert.deepEqual(
                r.logs.filter((l) => l.source !== 'emulator').map((l) => [l.message, l.hiddenInNango ?? 'kept']),
                [
                    ['a', 'hidden in Nango: level info < warn'],
                    ['b', 'kept'],
                    ['c', 'hidden in Nango: level debug < warn'],
                    ['d', 'console output is not kept by Nango']
                ]
            );
        });

        it('NANGO_LOGGER_LEVEL among the environment variables and nango.setLogger set the level, as in Nango (runner-sdk/lib/action.ts setLogger)', async () => {
            const r = await runBody(
                `await nango.log('a'); nango.setLogger({ level: 'error' }); await nango.log('b', { level: 'warn' }); nango.setLogger({ level: 'off' }); nango.setLogger({ level: 'debug' }); await nango.log('c', { level: 'error' });`,
                { environment: { NANGO_LOGGER_LEVEL: 'info' } }
            );
            assert.deepEqual(
                r.logs.map((l) => [l.message, l.hiddenInNango ?? 'kept']),
                [
                    ['a', 'kept'],
                    ['b', 'hidden in Nango: level warn < error (nango.setLogger)'],
                    ['c', 'hidden in Nango: logging is off']
                ]
            );
        });
    });

    describe('what event functions cannot do', () => {
        for (const method of ['batchSave', 'batchUpdate', 'batchDelete']) {
            it(`${method} fails with a clear message`, async () => {
                const r = await runBody(`await (nango as any).${method}([{ id: '1' }], 'Contact');`);
                assert.equal(r.ok, false);
                assert.equal(r.error!.type, 'EventFunctionRestrictionError');
                assert.match(
                    r.error!.message,
                    new RegExp(`nango\\.${method} is not available in event functions: event functions cannot save, update or delete records`)
                );
            });
        }
    });

    describe('secrets', () => {
        it('never appear in the result: logs, console, errors, requests, metadata', async () => {
            const r = await runBody(
                `const token = await nango.getToken();
                 await nango.log('token is', token);
                 console.log(JSON.stringify(await nango.getConnection()));
                 await nango.get({ endpoint: '/services/oauth2/userinfo', params: { t: String(token) } });
                 await nango.updateMetadata({ copied: 'x' + token });
                 throw new Error('failed with ' + token);`,
                { captureBodies: true }
            );
            const json = JSON.stringify(r);
            assert.equal(r.ok, false);
            for (const secret of [ACME_TOKEN, 'acme-refresh-token-789']) assert.ok(!json.includes(secret), `${secret} leaked: ${json}`);
            assert.match(r.logs[0]!.message, /token is «redacted»/);
            assert.match(r.error!.message, /failed with «redacted»/);
        });
    });

    describe('errors', () => {
        it('ActionError with a string payload (as the docs write it) reports the string', async () => {
            const r = await runBody(`throw new nango.ActionError('Salesforce org mismatch' as any);`);
            assert.equal(r.error!.type, 'ActionError');
            assert.equal(r.error!.message, 'Salesforce org mismatch');
        });

        it("stack traces point at the handler's TypeScript lines", async () => {
            const r = await runBody(`const x = 1;\n        throw new Error('boom ' + x);`);
            assert.equal(r.error!.message, 'boom 1');
            assert.match(r.error!.location!.file, /salesforce\/on-events\/fn\.ts$/);
            assert.equal(r.error!.location!.line, 9);
            assert.doesNotMatch(r.error!.stack!, /emulator\/worker/);
        });

        it('a throw of a non-Error value is named as such', async () => {
            const r = await runBody(`throw 'plain string';`);
            assert.equal(r.error!.type, 'NonErrorThrown');
            assert.match(r.error!.message, /threw a string \("plain string"\), not an Error/);
        });

        it('a request no fixture matches fails the run, naming the method, URL and how to add the fixture', async () => {
            const r = await runBody(`await nango.get({ endpoint: '/services/data/v60.0/sobjects' });`);
            assert.equal(r.ok, false);
            assert.equal(r.error!.type, 'UnmatchedRequestError');
            assert.match(
                r.error!.message,
                /No fixture matches GET https:\/\/acme\.my\.salesforce\.com\/services\/data\/v60\.0\/sobjects\..*Add a response to .*fixtures\.json under integrations\.salesforce\.responses, e\.g\. \{"method":"GET","path":"\/services\/data\/v60\.0\/sobjects"/
            );
            assert.equal(r.requests[0]!.unmatched, true);
        });

        it('even when the handler swallows it, an unmatched request fails the run', async () => {
            const r = await runBody(`try { await nango.get({ endpoint: '/nope' }); } catch {}`);
            assert.equal(r.ok, false);
            assert.equal(r.error!.type, 'UnmatchedRequest');
        });

        it("direct fetch and node http calls fail as in Nango's runtime, and never reach the network", async () => {
            const viaFetch = await runBody(`await fetch('https://example.com/direct');`);
            assert.equal(viaFetch.error!.type, 'ReferenceError');
            assert.match(viaFetch.error!.message, /^fetch is not defined: Nango's runtime has no global fetch/);
            const viaHttps = await runBody(`const https = await import('node:https'); https.get('https://example.org/x');`);
            assert.equal(viaHttps.error!.type, 'TypeError');
            assert.match(viaHttps.error!.message, /^A dynamic import callback was not specified\.: import\(\) has no module loader in Nango's runtime/);
            assert.deepEqual([...viaFetch.requests, ...viaHttps.requests], []);
        });

        it('a handler that never finishes is stopped at the timeout', async () => {
            const r = await runBody(`await new Promise(() => {});`, { timeoutMs: 500 });
            assert.equal(r.ok, false);
            assert.equal(r.error!.type, 'timeout');
            assert.match(r.error!.message, /did not finish within 500 ms and was stopped/);
        });

        it('a busy loop is stopped at the timeout too', async () => {
            const r = await runBody(`while (true) {}`, { timeoutMs: 500 });
            assert.equal(r.error!.type, 'timeout');
        });

        it("process.exit is out of reach: Nango's runtime has no process", async () => {
            const r = await runBody(`process.exit(3);`);
            assert.equal(r.error!.type, 'ReferenceError');
            assert.match(r.error!.message, /^process is not defined: Nango's runtime has no global process/);
        });

        it('an unhandled promise rejection fails the run', async () => {
            const r = await runBody(`Promise.reject(new Error('lost')); await new Promise((r) => setTimeout(r, 50));`);
            assert.equal(r.ok, false);
            assert.match(r.error!.message, /unhandled promise rejection: lost/);
        });

        it('user msw handlers from .nango-emulator/handlers.ts answer before fixtures', async () => {
            const r = await runBody(`const res = await nango.get({ endpoint: '/custom' }); await nango.log(res.data.from);`, {
                files: {
                    '.nango-emulator/handlers.ts': `import { http, HttpResponse } from 'msw';
export default [http.get('https://acme.my.salesforce.com/custom', () => HttpResponse.json({ from: 'user handler' }))];`
                }
            });
            assert.equal(r.ok, true, JSON.stringify(r.error));
            assert.deepEqual(messages(r), ['user handler']);
        });
    });
});
