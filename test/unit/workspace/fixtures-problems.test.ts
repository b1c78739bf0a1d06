// fixtures.json problems at their field (what the editor underlines and offers to fix), from the
// emulator's own check: the same refusals a run would give, at the place to change.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fixturesFieldProblems } from '../../../emulator/fixtures/field-problems';
import { applyTextEdits, fixturesProblems, LineMap, type Problem } from '../../../src/workspace';

const exampleFixtures = path.resolve(__dirname, '../../../examples/nango-integrations/.nango-emulator/fixtures.json');
const FILE = '/project/.nango-emulator/fixtures.json';

function check(text: string): Problem[] {
    return fixturesProblems(FILE, text, fixturesFieldProblems(text));
}

/** The text a problem underlines. */
function underlined(text: string, p: Problem): string {
    const lines = new LineMap(text);
    return text.slice(lines.offsetAt(p.range.start), lines.offsetAt(p.range.end));
}

/** The example's fixtures, formatted as people write them, after `change`. */
function fixtures(change: (f: Record<string, any>) => void): string {
    const f = JSON.parse(readFileSync(exampleFixtures, 'utf8')) as Record<string, any>;
    change(f);
    return JSON.stringify(f, null, 4);
}

describe('fixtures.json problems at their field', () => {
    it('the example has none', () => {
        assert.deepEqual(check(readFileSync(exampleFixtures, 'utf8')), []);
    });

    it("a connection's unknown account: underlined where written, with one fix per account of its integration", () => {
        const text = fixtures((f) => (f.connections[1].account = 'globx'));
        const [p, ...rest] = check(text);
        assert.equal(rest.length, 0);
        assert.ok(p);
        assert.equal(underlined(text, p), '"globx"');
        assert.equal(p.severity, 'error');
        assert.match(p.message, /^connections\.1\.account: unknown account "globx" of integration "salesforce": use one of "acme", "acme-ops", "globex"$/);
        assert.deepEqual(
            p.fixes.map((f) => f.title),
            ['Use account "acme"', 'Use account "acme-ops"', 'Use account "globex"']
        );
        const fixed = applyTextEdits(text, p.fixes[2]?.edits ?? []);
        assert.deepEqual(check(fixed), []);
        assert.equal(JSON.parse(fixed).connections[1].account, 'globex');
    });

    it("an unknown account in a response's account list: the element, not the list", () => {
        const text = fixtures((f) => (f.integrations.salesforce.responses[1].account = ['acme', 'acme-opps']));
        const [p, ...rest] = check(text);
        assert.equal(rest.length, 0);
        assert.ok(p);
        assert.equal(underlined(text, p), '"acme-opps"');
        assert.match(p.message, /^integrations\.salesforce\.responses\.1\.account\.1: unknown account "acme-opps"/);
        assert.equal(p.fixes[1]?.title, 'Use account "acme-ops"');
    });

    it('an unknown integration of a connection offers the integrations', () => {
        const text = fixtures((f) => (f.connections[0].integration = 'salesforse'));
        const [p] = check(text);
        assert.ok(p);
        assert.equal(underlined(text, p), '"salesforse"');
        assert.deepEqual(
            p.fixes.map((f) => f.title),
            ['Use integration "salesforce"', 'Use integration "github"']
        );
    });

    it('a duplicate connection id: the second one, with no fix to guess', () => {
        const text = fixtures((f) => (f.connections[1].id = f.connections[0].id));
        const [p, ...rest] = check(text);
        assert.equal(rest.length, 0);
        assert.ok(p);
        assert.equal(p.range.start.line, new LineMap(text).positionAt(text.indexOf('"sf-acme"', text.indexOf('"sf-acme"') + 1)).line);
        assert.match(p.message, /duplicate connection id "sf-acme"/);
        assert.deepEqual(p.fixes, []);
    });

    it("credentials the provider's auth mode cannot hold: at credentials.type", () => {
        const text = fixtures((f) => (f.integrations.github.accounts['octo-admin'].credentials = { type: 'API_KEY', apiKey: 'k' }));
        const [p, ...rest] = check(text);
        assert.equal(rest.length, 0);
        assert.ok(p);
        assert.equal(underlined(text, p), '"API_KEY"');
        assert.match(p.message, /^integrations\.github\.accounts\.octo-admin\.credentials\.type: provider "github" uses auth mode OAUTH2/);
    });

    it('leaves syntax and structure to the JSON language service and the schema (shown once, not twice)', () => {
        assert.deepEqual(check('{ "integrations": '), []);
        assert.deepEqual(check(fixtures((f) => (f.integrations.github.colour = 'blue'))), []);
        // "add at least one provider account" is the schema's minProperties; the accounts it leaves unknown are ours.
        const problems = check(fixtures((f) => (f.integrations.github.accounts = {})));
        assert.ok(problems.length > 0);
        assert.ok(
            problems.every((p) => /unknown account/.test(p.message)),
            problems.map((p) => p.message).join('\n')
        );
    });
});
