// Each provider request says where the handler made it (file, line, column of its TypeScript), so the
// editor can show the request's status on that line. The lines below are those of the handler runBody
// writes: the body starts on line 8 of salesforce/on-events/fn.ts.
import assert from 'node:assert/strict';
import path from 'node:path';
import type { RunResult } from '../../../emulator/core/result';
import { salesforceFixtures } from './project';
import { runBody } from './run-body';

const BODY_FIRST_LINE = 8;
const fileOf = (r: RunResult, i: number): string => path.basename(r.requests[i]!.callSite?.file ?? '(none)');

describe('call sites of provider requests', () => {
    it('a nango.get / nango.post in the handler: its line and the column of the call', async () => {
        const r = await runBody(
            `const me = await nango.get({ endpoint: '/services/oauth2/userinfo' });
        await nango.post({ endpoint: '/webhooks', data: { url: 'https://x.test/' + me.data.user_id } });`,
            { captureBodies: true }
        );
        assert.equal(r.ok, true, JSON.stringify(r.error));
        assert.equal(r.requests.length, 2);
        assert.equal(fileOf(r, 0), 'fn.ts');
        assert.deepEqual(
            r.requests.map((q) => q.callSite?.line),
            [BODY_FIRST_LINE, BODY_FIRST_LINE + 1]
        );
        // `nango.get(` starts after "const me = await " (col 18 of the line as written: 0-indentation).
        assert.equal(r.requests[0]!.callSite?.column, 'const me = await '.length + 1 + 'nango.'.length);
        // The emulator's own tag never shows among the recorded headers.
        assert.ok(!Object.keys(r.requests[0]!.requestHeaders ?? {}).some((h) => h.startsWith('x-nango-emulator')));
    });

    it('a request made by a helper module the handler imports: the call site is in that module', async () => {
        const r = await runBody(
            `const { whoAmI } = await import('../../helpers/identity.js');
        await whoAmI(nango);`,
            {
                files: {
                    'helpers/identity.ts': `export async function whoAmI(nango: any) {
    const res = await nango.get({ endpoint: '/services/oauth2/userinfo' });
    return res.data;
}
`
                }
            }
        );
        assert.equal(r.ok, true, JSON.stringify(r.error));
        assert.equal(fileOf(r, 0), 'identity.ts');
        assert.equal(r.requests[0]!.callSite?.line, 2);
    });

    it('every attempt of a retried call and every page of nango.paginate points at the call', async () => {
        const fixtures = salesforceFixtures({
            responses: [
                { method: 'GET', path: '/flaky', status: 503, body: {}, headers: { 'retry-after': '0' } },
                { method: 'GET', path: '/items', query: { cursor: 'c2' }, body: { items: [2], next: null } },
                { method: 'GET', path: '/items', body: { items: [1], next: 'c2' } }
            ]
        });
        const r = await runBody(
            `await nango.get({ endpoint: '/flaky', retries: 1 }).catch(() => undefined);
        for await (const page of nango.paginate({ endpoint: '/items', paginate: { type: 'cursor', cursor_path_in_response: 'next', cursor_name_in_request: 'cursor', response_path: 'items' } })) {
            await nango.log(page.length);
        }`,
            { fixtures }
        );
        assert.equal(r.ok, true, JSON.stringify(r.error));
        assert.deepEqual(
            r.requests.map((q) => [q.url.replace(/^https:\/\/[^/]+/, ''), q.status, q.callSite?.line]),
            [
                ['/flaky', 503, BODY_FIRST_LINE],
                ['/flaky', 503, BODY_FIRST_LINE],
                ['/items', 200, BODY_FIRST_LINE + 1],
                ['/items?cursor=c2', 200, BODY_FIRST_LINE + 1]
            ]
        );
    });

    it('metadata and connection calls: their line and what they read or wrote, as keys, never a value', async () => {
        const r = await runBody(
            `const before = await nango.getMetadata();
        await nango.updateMetadata({ webhookId: 'wh-private-4242' });
        const connection = await nango.getConnection();
        await nango.setMetadata(null as never).catch(() => undefined);
        await nango.log(String(Object.keys(before ?? {}).length + connection.connection_id.length));`
        );
        assert.equal(r.ok, true, JSON.stringify(r.error));
        assert.deepEqual(
            r.sdkCalls?.map((c) => [c.method, path.basename(c.callSite?.file ?? '(none)'), c.callSite?.line, c.summary, c.failed ?? false]),
            [
                ['getMetadata', 'fn.ts', BODY_FIRST_LINE, '→ { organizationId }', false],
                ['updateMetadata', 'fn.ts', BODY_FIRST_LINE + 1, '{ webhookId }', false],
                ['getConnection', 'fn.ts', BODY_FIRST_LINE + 2, '→ sf-1', false],
                ['setMetadata', 'fn.ts', BODY_FIRST_LINE + 3, 'threw MetadataValidationError', true]
            ]
        );
        // The metadata's values (the fixture's org id, the written webhook id) never leave the worker in a summary.
        const shown = JSON.stringify(r.sdkCalls);
        assert.ok(!shown.includes('wh-private-4242') && !shown.includes('00DACME'), shown);
        assert.equal(r.requests.length, 0);
    });

    it('an unmatched request keeps its call site, and the user msw handlers never see the emulator tag', async () => {
        const r = await runBody(`await nango.get({ endpoint: '/nothing-here' });`, {
            files: {
                '.nango-emulator/handlers.ts': `import { http, HttpResponse } from 'msw';
export default [http.get('https://acme.my.salesforce.com/seen', ({ request }) => HttpResponse.json({ tags: [...request.headers.keys()].filter((k) => k.startsWith('x-nango')) }))];
`
            }
        });
        assert.equal(r.ok, false);
        assert.equal(r.requests[0]!.unmatched, true);
        assert.equal(r.requests[0]!.callSite?.line, BODY_FIRST_LINE);

        const seen = await runBody(
            `const res = await nango.get({ endpoint: '/seen' });
        await nango.log(JSON.stringify(res.data));`,
            {
                files: {
                    '.nango-emulator/handlers.ts': `import { http, HttpResponse } from 'msw';
export default [http.get('https://acme.my.salesforce.com/seen', ({ request }) => HttpResponse.json({ tags: [...request.headers.keys()].filter((k) => k.startsWith('x-nango')) }))];
`
                }
            }
        );
        assert.equal(seen.ok, true, JSON.stringify(seen.error));
        assert.deepEqual(
            seen.logs.map((l) => l.message),
            ['{"tags":[]}']
        );
        assert.equal(seen.requests[0]!.callSite?.line, BODY_FIRST_LINE);
    });
});
