// Which response answered a provider request (emulator/core/run-request.ts relabelRequest, and the structured
// `matched` the worker's msw handlers record): a scenario step's own responses are named as the step's,
// the fixtures' own by their index in fixtures.json, from data rather than from the `matchedBy` text.
import assert from 'node:assert/strict';
import { getResponse } from 'msw';
import { ResponseSchema } from '../../../emulator/fixtures/fixtures';
import type { MatchedResponse, ProviderRequest } from '../../../emulator/core/protocol';
import { relabelRequest, type ResponseOverlay } from '../../../emulator/core/run-request';
import { fixtureHandlers } from '../../../emulator/worker/provider-fakes';

const BASE = 'https://api.test/v1';
const FIXTURES = '/project/.nango-emulator/fixtures.json';
const SCENARIOS = '/project/.nango-emulator/scenarios/github.json';

const overlay: ResponseOverlay = {
    integration: 'github',
    responses: [ResponseSchema.parse({ method: 'GET', path: '/user', fault: { status: 503 } }), ResponseSchema.parse({ method: 'GET', path: '/repos' })],
    labels: [`${SCENARIOS} scenarios.0.steps.2.responses[0]`, `${SCENARIOS} scenarios.0.responses[0]`]
};

function request(matchedBy: string | undefined, matched: MatchedResponse | undefined): ProviderRequest {
    return {
        method: 'GET',
        url: `${BASE}/user`,
        status: 200,
        durationMs: 1,
        ...(matchedBy !== undefined ? { matchedBy } : {}),
        ...(matched ? { matched } : {})
    };
}

/** What the worker reports for the run's response `index` (overlay first), as provider-fakes.ts words it. */
function fromWorker(index: number, fault?: string): ProviderRequest {
    const label = `${FIXTURES} integrations.github.responses[${index}]`;
    return request(fault ? `${label} (fault ${fault})` : label, { source: 'fixtures', index, ...(fault ? { fault } : {}) });
}

describe('relabelRequest: naming the response that answered a request', () => {
    it("labels a scenario step's own response as the step's, its fault included", () => {
        const out = relabelRequest(fromWorker(0, '503'), FIXTURES, 'github', overlay);
        assert.equal(out.matchedBy, `${SCENARIOS} scenarios.0.steps.2.responses[0] (fault 503)`);
        assert.deepEqual(out.matched, { source: 'overlay', index: 0, fault: '503' });
    });

    it("labels the scenario's responses by their own labels", () => {
        const out = relabelRequest(fromWorker(1), FIXTURES, 'github', overlay);
        assert.equal(out.matchedBy, `${SCENARIOS} scenarios.0.responses[0]`);
        assert.deepEqual(out.matched, { source: 'overlay', index: 1 });
    });

    it("names the integration's own responses by their index in fixtures.json", () => {
        const out = relabelRequest(fromWorker(2), FIXTURES, 'github', overlay);
        assert.equal(out.matchedBy, `${FIXTURES} integrations.github.responses[0]`);
        assert.deepEqual(out.matched, { source: 'fixtures', index: 0 });
        const faulted = relabelRequest(fromWorker(5, 'timeout, 1 of 2'), FIXTURES, 'github', overlay);
        assert.equal(faulted.matchedBy, `${FIXTURES} integrations.github.responses[3] (fault timeout, 1 of 2)`);
    });

    it('leaves requests the user handlers answered, or nothing did, as they are', () => {
        const handlers = request('/project/.nango-emulator/handlers.ts', { source: 'handlers' });
        assert.equal(relabelRequest(handlers, FIXTURES, 'github', overlay), handlers);
        const unmatched: ProviderRequest = { method: 'GET', url: `${BASE}/nope`, status: null, durationMs: 1, unmatched: true };
        assert.equal(relabelRequest(unmatched, FIXTURES, 'github', overlay), unmatched);
    });

    it('reads the structured match, not the text: a fixtures path that looks like a label changes nothing', () => {
        const odd = '/tmp/integrations.github.responses[9]/fixtures.json';
        const entry = request(`${odd} integrations.github.responses[0]`, { source: 'fixtures', index: 0 });
        assert.equal(relabelRequest(entry, odd, 'github', overlay).matchedBy, `${SCENARIOS} scenarios.0.steps.2.responses[0]`);
    });
});

describe('fixture handlers record which response answered, as text and as data', () => {
    it('gives each answered request its matchedBy and its matched index, fault included', async () => {
        const accounts = [
            { id: 'acme', credentials: { type: 'API_KEY' as const, apiKey: 'k' }, identity: {}, baseUrl: BASE, auth: { headers: {}, query: {} } }
        ];
        const responses = [
            ResponseSchema.parse({ method: 'GET', path: '/user', fault: { status: 503, times: 1 } }),
            ResponseSchema.parse({ method: 'GET', path: '/repos', body: [] })
        ];
        const matchedBy = new Map<Request, string>();
        const matched = new Map<Request, MatchedResponse>();
        const handlers = fixtureHandlers({ accounts, responses, integration: 'github', fixturesFile: FIXTURES }, matchedBy, matched);
        const user = new Request(`${BASE}/user`);
        const repos = new Request(`${BASE}/repos`);
        assert.equal((await getResponse(handlers, user))?.status, 503);
        assert.equal((await getResponse(handlers, repos))?.status, 200);
        assert.match(matchedBy.get(user) ?? '', /^\/project\/\.nango-emulator\/fixtures\.json integrations\.github\.responses\[0\] \(fault 503.*\)$/);
        assert.equal(matchedBy.get(repos), `${FIXTURES} integrations.github.responses[1]`);
        const fault = /\(fault (.*)\)$/.exec(matchedBy.get(user) ?? '')?.[1];
        assert.deepEqual(matched.get(user), { source: 'fixtures', index: 0, fault });
        assert.deepEqual(matched.get(repos), { source: 'fixtures', index: 1 });
    });
});
