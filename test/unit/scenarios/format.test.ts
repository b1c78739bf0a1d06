// The scenario file format: what loads, and every mistake reported with file, line, column, field and fix.
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadScenarios, parseScenarioText, selectScenarios, type ScenarioProblem } from '../../../emulator/scenarios';
import { FIXTURES, handlerSource, lineOf, makeProject, salesforceFixtures, type TestProject } from './helpers';

describe('scenario files', () => {
    let project: TestProject;
    let file: string;
    before(() => {
        project = makeProject({
            [FIXTURES]: salesforceFixtures(),
            'salesforce/on-events/validate.ts': handlerSource('validate-connection', 'return;'),
            'github/on-events/check.ts': handlerSource('validate-connection', 'return;')
        });
        file = path.join(project.root, '.nango-emulator/scenarios/sf.json');
    });
    after(() => project.cleanup());

    const parse = (value: unknown): { text: string; problems: ScenarioProblem[]; info: ReturnType<typeof parseScenarioText> } => {
        const text = typeof value === 'string' ? value : JSON.stringify(value, null, 4);
        const info = parseScenarioText(project.root, file, text);
        return { text, problems: info.problems, info };
    };
    const scenario = (steps: unknown[], extra: object = {}): object => ({ scenarios: [{ name: 'story', integration: 'salesforce', steps, ...extra }] });
    const only = (problems: ScenarioProblem[]): ScenarioProblem => {
        assert.equal(problems.length, 1, JSON.stringify(problems, null, 2));
        return problems[0]!;
    };

    it('loads a valid file: ids, titles, connections, the implicit "ok: true" of a step without expectations', () => {
        const { info, text } = parse(
            scenario(
                [
                    { action: 'connect', account: 'acme' },
                    { action: 'reconnect', account: 'globex', expect: { outcome: 'refresh_exhausted' } },
                    { action: 'dryrun', function: 'validate', account: 'globex', reconnect: true, connection: 'sf-1' },
                    { action: 'delete', name: 'clean up' },
                    { action: 'reset' }
                ],
                { connection: 'sf-story' }
            )
        );
        assert.deepEqual(info.problems, []);
        const [s] = info.scenarios;
        assert.equal(s!.id, 'sf.json#story');
        assert.equal(s!.connection, 'sf-story');
        assert.deepEqual(
            s!.steps.map((st) => [st.title, st.connection, st.implicitOk]),
            [
                ['connect as acme', 'sf-story', true],
                ['reconnect as globex', 'sf-story', false],
                ['dryrun validate sf-1 (reconnect as globex)', 'sf-1', true],
                ['clean up', 'sf-story', true],
                ['reset to the fixtures', 'sf-story', false]
            ]
        );
        assert.equal(s!.steps[0]!.location.line, lineOf(text, '"action": "connect"') - 1);
        assert.equal(s!.steps[1]!.locations['/expect/outcome']!.line, lineOf(text, '"outcome"'));
        assert.deepEqual(s!.location, {
            file,
            line: lineOf(text, '"name": "story"') - 1,
            column: 9,
            endLine: lineOf(text, '"connection": "sf-story"') + 1,
            endColumn: 10
        });
    });

    it('the default connection is "scenario-connection"', () => {
        assert.equal(parse(scenario([{ action: 'delete' }])).info.scenarios[0]!.connection, 'scenario-connection');
    });

    it('malformed JSON: line, column and what to fix', () => {
        const p = only(parse('{\n    "scenarios": [\n        { "name": "x", },\n    ]\n}').problems);
        assert.equal(p.field, '(top level)');
        assert.deepEqual([p.location.line, p.location.column], [3, 22]);
        assert.match(p.message, /^not valid JSON: a comma with nothing after it before "}": remove the trailing comma$/);
        assert.equal(p.file, file);
    });

    it('an unknown action names the field, its line and the actions there are', () => {
        const { text, problems } = parse(
            scenario([
                { action: 'connect', account: 'acme' },
                { action: 'conect', account: 'acme' }
            ])
        );
        const p = only(problems);
        assert.equal(p.field, 'scenarios.0.steps.1.action');
        assert.equal(p.message, 'action: use one of "connect", "reconnect", "delete", "dryrun", "reset"');
        assert.equal(p.location.line, lineOf(text, '"conect"'));
    });

    it('a missing field is reported at the object that lacks it', () => {
        const { text, problems } = parse(scenario([{ action: 'connect' }]));
        const p = only(problems);
        assert.equal(p.field, 'scenarios.0.steps.0.account');
        assert.equal(p.message, 'expected account (a string)');
        assert.equal(p.location.line, lineOf(text, '"action": "connect"') - 1);
    });

    it('an unknown field lists the fields allowed there', () => {
        const { text, problems } = parse(scenario([{ action: 'delete', expect: { outcom: 'deleted' } }]));
        const p = only(problems);
        assert.equal(p.field, 'scenarios.0.steps.0.expect');
        assert.match(
            p.message,
            /^unknown field "outcom" in expect: remove it, or use one of "ok", "outcome", "status", "events", "metadata", "metadataEquals", "requests", "requestCount", "unmatchedRequests", "logs", "error"$/
        );
        assert.equal(p.location.line, lineOf(text, '"expect"'));
    });

    it('a wrong value of an enumerated field lists the values', () => {
        const p = only(parse(scenario([{ action: 'delete', expect: { outcome: 'removed' } }])).problems);
        assert.equal(p.field, 'scenarios.0.steps.0.expect.outcome');
        assert.match(p.message, /^outcome: use one of "created", "connection_validation_failed", "reconnected", "refresh_exhausted", "deleted", "ran"$/);
    });

    it('a bad regular expression in a pattern', () => {
        const { text, problems } = parse(scenario([{ action: 'delete', expect: { logs: ['fine', '/(unclosed/'] } }]));
        const p = only(problems);
        assert.equal(p.field, 'scenarios.0.steps.0.expect.logs.1');
        assert.match(p.message, /^not a valid regular expression \(.+\): fix it, or write plain text \(matched as a substring\)$/);
        assert.equal(p.location.line, lineOf(text, '"/(unclosed/"'));
    });

    it('an unknown integration or account is named with the ones the fixtures define', () => {
        const a = only(parse({ scenarios: [{ name: 'x', integration: 'hubspot', steps: [{ action: 'delete' }] }] }).problems);
        assert.equal(a.field, 'scenarios.0.integration');
        assert.match(a.message, /^unknown integration "hubspot": use one of "salesforce"/);
        const { text, problems } = parse(
            scenario([
                { action: 'connect', account: 'acme' },
                { action: 'reconnect', account: 'initech' }
            ])
        );
        const b = only(problems);
        assert.equal(b.field, 'scenarios.0.steps.1.account');
        assert.equal(b.message, 'integration "salesforce" has no account "initech": use one of "acme", "globex"');
        assert.equal(b.location.line, lineOf(text, '"initech"'));
    });

    it("a dryrun function must exist and belong to the scenario's integration", () => {
        const missing = only(parse(scenario([{ action: 'dryrun', function: 'nope' }])).problems);
        assert.equal(missing.field, 'scenarios.0.steps.0.function');
        assert.match(missing.message, /no event function "nope" .*found: github\/check, salesforce\/validate/);
        const other = only(parse(scenario([{ action: 'dryrun', function: 'github/check' }])).problems);
        assert.match(other.message, /^"github\/check" is an event function of "github", not of this scenario's integration "salesforce"/);
    });

    it('"responses" of a step or a scenario are checked like fixtures.json\'s: the format, and their accounts', () => {
        const { text, problems } = parse(
            scenario(
                [
                    {
                        action: 'delete',
                        responses: [
                            { method: 'GET', path: '/x', account: 'initech' },
                            { method: 'GET', path: '/y', fault: {} }
                        ]
                    }
                ],
                { responses: [{ method: 'FETCH', path: '/z' }] }
            )
        );
        assert.deepEqual(
            problems.map((p) => [p.field, p.location.line]),
            [
                ['scenarios.0.responses.0.method', lineOf(text, '"FETCH"')],
                ['scenarios.0.steps.0.responses.1.fault', lineOf(text, '"fault"')]
            ]
        );
        assert.match(problems[1]!.message, /a fault needs one of "status"/);
        const accounts = only(parse(scenario([{ action: 'delete', responses: [{ method: 'GET', path: '/x', account: ['acme', 'initech'] }] }])).problems);
        assert.equal(accounts.field, 'scenarios.0.steps.0.responses.0.account');
        assert.equal(accounts.message, 'integration "salesforce" has no account "initech": use one of "acme", "globex"');
        const ok = parse(
            scenario([{ action: 'connect', account: 'acme', responses: [{ method: 'get', path: '/x', fault: { status: 503, times: 1 } }] }], {
                responses: [{ method: 'GET', path: '/y' }]
            })
        ).info;
        assert.deepEqual(
            ok.scenarios[0]!.steps[0]!.responses.map((r) => r.path),
            ['/x', '/y']
        );
        assert.deepEqual(ok.scenarios[0]!.steps[0]!.responseLabels, [`${file} scenarios.0.steps.0.responses[0]`, `${file} scenarios.0.responses[0]`]);
    });

    it('duplicate scenario names, no steps, no scenarios, not an object', () => {
        const dup = only(
            parse({
                scenarios: [
                    { name: 'a', integration: 'salesforce', steps: [{ action: 'delete' }] },
                    { name: 'a', integration: 'salesforce', steps: [{ action: 'delete' }] }
                ]
            }).problems
        );
        assert.equal(dup.field, 'scenarios.1.name');
        assert.match(dup.message, /duplicate scenario name "a"/);
        assert.match(only(parse(scenario([])).problems).message, /^steps: add at least one step$/);
        assert.match(only(parse({ scenarios: [] }).problems).message, /^scenarios: add at least one scenario$/);
        const top = only(parse([]).problems);
        assert.equal(top.field, '(top level)');
    });

    it('a file with problems yields no scenarios; loadScenarios walks the folder, skipping other files', () => {
        const local = makeProject({
            [FIXTURES]: salesforceFixtures(),
            'salesforce/on-events/validate.ts': handlerSource('validate-connection', 'return;'),
            '.nango-emulator/scenarios/a.json': scenario([{ action: 'delete' }]),
            '.nango-emulator/scenarios/nested/b.json': { scenarios: [{ name: 'other', integration: 'salesforce', steps: [{ action: 'reset' }] }] },
            '.nango-emulator/scenarios/broken.json': scenario([{ action: 'jump' }]),
            '.nango-emulator/scenarios/notes.md': '# not a scenario'
        });
        try {
            const loaded = loadScenarios(local.root);
            assert.deepEqual(
                loaded.files.map((f) => path.relative(loaded.dir, f.file)),
                ['a.json', 'broken.json', path.join('nested', 'b.json')]
            );
            assert.deepEqual(
                loaded.scenarios.map((s) => s.id),
                ['a.json#story', 'nested/b.json#other']
            );
            assert.deepEqual(
                loaded.problems.map((p) => [path.basename(p.file), p.field]),
                [['broken.json', 'scenarios.0.steps.0.action']]
            );

            const pick = (...targets: string[]) => selectScenarios(loaded, targets);
            assert.deepEqual(pick().scenarios.length, 2);
            assert.deepEqual(
                pick('a').scenarios.map((s) => s.name),
                ['story']
            );
            assert.deepEqual(
                pick(path.join(loaded.dir, 'nested/b.json')).scenarios.map((s) => s.name),
                ['other']
            );
            assert.deepEqual(
                pick('other').scenarios.map((s) => s.name),
                ['other']
            );
            assert.deepEqual(
                pick('a.json#story', 'story').scenarios.map((s) => s.name),
                ['story']
            );
            assert.deepEqual(pick('broken'), { scenarios: [], unknown: [] });
            assert.deepEqual(pick('missing', 'story').unknown, ['missing']);
        } finally {
            local.cleanup();
        }
    });

    it('fixtures that do not load put no problem in the scenario files: they are reported at their own field', () => {
        const fixtures = salesforceFixtures() as { connections?: { account: string }[] };
        const broken = { ...fixtures, connections: [{ id: 'sf-1', integration: 'salesforce', account: 'nobody' }] };
        const local = makeProject({
            [FIXTURES]: broken,
            'salesforce/on-events/validate.ts': handlerSource('validate-connection', 'return;'),
            '.nango-emulator/scenarios/a.json': scenario([{ action: 'reset' }])
        });
        try {
            const loaded = loadScenarios(local.root);
            assert.deepEqual(loaded.problems, []);
            assert.deepEqual(
                loaded.scenarios.map((s) => s.id),
                ['a.json#story']
            );
        } finally {
            local.cleanup();
        }
    });
});
