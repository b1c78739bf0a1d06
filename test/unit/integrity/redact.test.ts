// Secrets leave the process in whatever encoding they took on the way out: an API key sent in a query
// string is URL- or form-encoded, a key with `"` or `\` is JSON-escaped, Basic credentials are Base64.
// Every channel (run results, the unmatched-request error, the server's access log and request journal,
// JUnit) must carry none of these forms. Real runs, a real server, a real report.
import assert from 'node:assert/strict';
import path from 'node:path';
import { scenariosJunitXml } from '../../../emulator/scenarios/junit';
import { Emulator } from '../../../emulator/core/lifecycle';
import { REDACTED, Redactor, secretsOf } from '../../../emulator/core/redact';
import { parseScenarioText, runScenario, type ScenarioResult } from '../../../emulator/scenarios';
import { FIXTURES, makeProject, type TestProject } from '../emulator/project';
import { startTestServer, type TestServer } from '../server/helpers';

/** An API key with every character an encoder treats specially. */
const KEY = 'sk-Live"Q\\uote/Pl+us Sp&ce=1%41x:$';
const BASIC = { username: 'svc-user', password: 'B4sic#Pa55:w0rd' };

/** Every form a secret can take on the way out. */
function encodings(secret: string): Record<string, string> {
    return {
        raw: secret,
        encodeURIComponent: encodeURIComponent(secret),
        form: new URLSearchParams({ x: secret }).toString().slice(2),
        url: new URL(`https://h.test/?x=${secret.replace(/[#&]/g, encodeURIComponent)}`).search.slice(3),
        json: JSON.stringify(secret).slice(1, -1),
        'json twice': JSON.stringify(JSON.stringify(secret).slice(1, -1)).slice(1, -1),
        base64: Buffer.from(secret).toString('base64'),
        base64url: Buffer.from(secret).toString('base64url'),
        upper: secret.toUpperCase(),
        xml: secret.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')
    };
}

function assertNoSecret(channel: string, text: string, secrets: string[] = [KEY]): void {
    for (const secret of secrets) {
        for (const [name, form] of Object.entries(encodings(secret)))
            assert.equal(text.includes(form), false, `${channel} carries the ${name} form of a secret: ${form}\n${text.slice(0, 3000)}`);
    }
}

const LEAKY = `
import { createOnEvent } from 'nango';
export default createOnEvent({
    description: 'sends its API key in query strings and logs it',
    event: 'validate-connection',
    exec: async (nango) => {
        const connection = await nango.getConnection();
        const key = (connection.credentials as { apiKey: string }).apiKey;
        await nango.log('key ' + key + ' json ' + JSON.stringify({ key }) + ' url ' + encodeURIComponent(key) + ' form ' + new URLSearchParams({ key }).toString());
        await nango.get({ endpoint: '/items', params: { api_key: key } });
        await nango.get({ endpoint: '/missing', params: { api_key: key } });
    }
});
`;

function fixtures(): object {
    return {
        integrations: {
            keyed: {
                provider: 'keyed-api',
                baseUrl: 'https://api.keyed.test',
                accounts: {
                    main: { credentials: { type: 'API_KEY', apiKey: KEY } },
                    basic: { credentials: { type: 'BASIC', ...BASIC } }
                },
                responses: [{ method: 'GET', path: '/items', body: { items: [] } }]
            }
        },
        connections: [{ id: 'k-1', integration: 'keyed', account: 'main' }]
    };
}

describe('redaction of every encoding, on every channel', function () {
    this.timeout(60_000);

    describe('Redactor', () => {
        const redactor = new Redactor([...secretsOf({ type: 'API_KEY', apiKey: KEY }), ...secretsOf({ type: 'BASIC', ...BASIC })]);

        for (const [name, form] of Object.entries(encodings(KEY))) {
            it(`redacts the ${name} form`, () => {
                const out = redactor.text(`before ${form} after`);
                assert.equal(out, `before ${REDACTED} after`);
            });
        }

        it('redacts Basic credentials: the header value, the pair and the password inside other Base64', () => {
            const pair = `${BASIC.username}:${BASIC.password}`;
            assert.equal(redactor.text(`Authorization: Basic ${Buffer.from(pair).toString('base64')}`), `Authorization: Basic ${REDACTED}`);
            assert.equal(redactor.text(`https://${pair}@h.test/`), `https://${REDACTED}@h.test/`);
            const other = redactor.text(`Basic ${Buffer.from(`someone-else:${BASIC.password}`).toString('base64')}`);
            assert.ok(other.includes(REDACTED), other);
            assertNoSecret('Base64 of another pair', other, [BASIC.password]);
        });

        it('redacts keys and nested strings of values, and leaves short values and other text alone', () => {
            const out = redactor.value({ [KEY]: 1, list: [[{ note: `x ${encodeURIComponent(KEY)}` }]], fine: 'nothing here' });
            assert.deepEqual(out, { [REDACTED]: 1, list: [[{ note: `x ${REDACTED}` }]], fine: 'nothing here' });
            assert.equal(new Redactor(['abc']).text('abc abc'), 'abc abc');
        });

        it('stays fast on large text', () => {
            const text = 'lorem ipsum dolor sit amet '.repeat(80_000);
            const started = performance.now();
            assert.equal(redactor.text(text), text);
            assert.ok(performance.now() - started < 2000);
        });
    });

    describe('dry runs', () => {
        let project: TestProject;
        before(() => {
            project = makeProject({ [FIXTURES]: fixtures(), 'keyed/on-events/leak.ts': LEAKY });
        });
        after(() => project.cleanup());

        it('keeps the key out of the run result: logs, requests[].url, bodies and the unmatched-request error', async () => {
            const emulator = new Emulator(project.root, { timeoutMs: 20_000, captureBodies: true });
            try {
                const result = await emulator.dryrun('keyed/leak', { connectionId: 'k-1' });
                const text = JSON.stringify(result);
                assert.equal(result.ok, false);
                assert.match(text, /No fixture matches GET https:\/\/api\.keyed\.test\/missing\?api_key=«redacted»/);
                assert.ok(
                    result.requests.some((r) => r.url === `https://api.keyed.test/items?api_key=${REDACTED}`),
                    JSON.stringify(result.requests)
                );
                assertNoSecret('the run result', text);
            } finally {
                emulator.dispose();
            }
        });

        it('keeps the key out of JUnit reports', async () => {
            const file = path.join(project.root, '.nango-emulator/scenarios/leak.json');
            const info = parseScenarioText(
                project.root,
                file,
                JSON.stringify({
                    scenarios: [{ name: 'leaks', integration: 'keyed', steps: [{ action: 'dryrun', function: 'keyed/leak', connection: 'k-1' }] }]
                })
            );
            assert.deepEqual(info.problems, []);
            const ran = await runScenario(project.root, info.scenarios[0]!, { timeoutMs: 20_000 });
            // What runs do not redact: names and messages written by hand, errors thrown before a run.
            const handWritten: ScenarioResult = {
                ...ran,
                status: 'error',
                ok: false,
                error: { code: 'internal_error', message: Object.values(encodings(KEY)).join(' | ') }
            };
            const xml = scenariosJunitXml([ran, handWritten], [], { root: project.root });
            assert.match(xml, /«redacted»/);
            assertNoSecret('the JUnit report', xml);
        });
    });

    describe('the emulator server', () => {
        let s: TestServer;
        before(async () => {
            const project = makeProject({ [FIXTURES]: fixtures(), 'keyed/on-events/leak.ts': LEAKY });
            s = await startTestServer(project.root, { timeoutMs: 20_000 });
        });
        after(() => s.stop());

        const proxyHeaders = { 'connection-id': 'k-1', 'provider-config-key': 'keyed' };

        it('keeps the key out of /proxy answers, the access log, /_emulator/requests and /_emulator/run', async () => {
            for (const form of [encodeURIComponent(KEY), new URLSearchParams({ x: KEY }).toString().slice(2)]) {
                const ok = await s.call('GET', `/proxy/items?api_key=${form}`, { headers: proxyHeaders });
                assert.equal(ok.status, 200, ok.text);
                const missing = await s.call('GET', `/proxy/missing?api_key=${form}`, { headers: proxyHeaders });
                assert.equal(missing.status, 501);
                assert.match(missing.text, /api_key=«redacted»/);
                assertNoSecret('the unmatched-request answer', missing.text);
            }
            const run = await s.call('POST', '/_emulator/run', { body: { operation: 'dryrun', function: 'keyed/leak', connectionId: 'k-1' } });
            assert.equal(run.status, 200, run.text);
            assertNoSecret('POST /_emulator/run', run.text);

            const journal = await s.call('GET', '/_emulator/requests');
            assert.match(journal.text, /"url":"https:\/\/api\.keyed\.test\/items\?api_key=«redacted»"/);
            assertNoSecret('GET /_emulator/requests', journal.text);
            assert.ok(
                s.logs.some((l) => l.includes('api_key=«redacted»')),
                s.logs.join('\n')
            );
            assertNoSecret('the access log', s.logs.join('\n'));
        });
    });
});
