// One path rule for fixture responses and scenario request expectations (emulator/fakes/path-pattern.ts):
// the same pattern means the same thing in fixtures.json (msw handlers) and in a scenario's "requests".
import assert from 'node:assert/strict';
import { getResponse } from 'msw';
import { ResponseSchema } from '../../../emulator/fixtures/fixtures';
import { matchesPathTail, patternUnder } from '../../../emulator/fakes/path-pattern';
import { pathMatches } from '../../../emulator/scenarios';
import { fixtureHandlers } from '../../../emulator/worker/provider-fakes';

const BASE = 'https://api.test/v1';

/** Whether a fixture response with this path answers GET <url>, through the msw handlers runs use. */
async function fixtureAnswers(pattern: string, url: string): Promise<boolean> {
    const accounts = [{ id: 'acme', credentials: { type: 'API_KEY' as const, apiKey: 'k' }, identity: {}, baseUrl: BASE, auth: { headers: {}, query: {} } }];
    const responses = [ResponseSchema.parse({ method: 'GET', path: pattern, body: { ok: true } })];
    const handlers = fixtureHandlers({ accounts, responses, integration: 'x', fixturesFile: 'fixtures.json' }, new Map());
    return (await getResponse(handlers, new Request(url))) !== undefined;
}

// [pattern, path after the base URL, matches]
const CASES: [string, string, boolean][] = [
    ['/webhooks/:id', '/webhooks/wh-1', true],
    ['/webhooks/:id', '/webhooks', false],
    ['/webhooks/:id', '/webhooks/wh-1/events', false],
    // "*" is msw's: anything, across slashes too, or nothing after the slash.
    ['/webhooks/*', '/webhooks/wh-1', true],
    ['/webhooks/*', '/webhooks/wh-1/events', true],
    ['/webhooks/*', '/webhooks/', true],
    ['/webhooks/*', '/webhooks', false],
    ['/files/*/content', '/files/a/b/content', true],
    ['/files/*/content', '/files/a/b/meta', false],
    ['/users', '/users?page=2', true],
    ['/users', '/USERS', true],
    ['/auth.test', '/authxtest', false]
];

describe('path patterns: one rule for fixtures and scenario expectations', () => {
    for (const [pattern, rest, expected] of CASES) {
        it(`${pattern} ${expected ? 'matches' : 'does not match'} ${rest} in both places`, async () => {
            const url = BASE + rest;
            assert.equal(await fixtureAnswers(pattern, url), expected, 'fixture response');
            assert.equal(pathMatches(pattern, url), expected, 'scenario expectation (path)');
            assert.equal(pathMatches(patternUnder(BASE, pattern), url), expected, 'scenario expectation (whole URL)');
        });
    }

    it('a scenario path matches the end of the URL path from a segment boundary; a whole URL matches all of it', () => {
        assert.equal(matchesPathTail('/auth.test', 'https://slack.com/api/auth.test'), true);
        assert.equal(matchesPathTail('auth.test', 'https://slack.com/api/auth.test'), true);
        assert.equal(matchesPathTail('/test', 'https://slack.com/api/auth.test'), false);
        assert.equal(matchesPathTail('/*', 'https://slack.com/api/auth.test'), true);
        assert.equal(matchesPathTail('/api/*', 'https://slack.com/v2/api/a/b'), true);
        assert.equal(matchesPathTail('https://slack.com/*', 'https://slack.com/api/auth.test'), true);
        assert.equal(matchesPathTail('https://other.test/*', 'https://slack.com/api/auth.test'), false);
        assert.equal(matchesPathTail('https://slack.com/auth.test', 'https://slack.com/api/auth.test'), false);
        assert.equal(matchesPathTail('/x', 'not a url'), false);
        // A pattern msw cannot read matches nothing rather than failing the run.
        assert.equal(matchesPathTail('/a/(', 'https://x.test/a/('), false);
    });
});
