// JUnit XML for CI: structure, counts, escaping.
import assert from 'node:assert/strict';
import path from 'node:path';
import { scenariosJunitXml } from '../../../emulator/scenarios/junit';
import { parseScenarioText, type ScenarioResult, type Scenario, type SourceLocation } from '../../../emulator/scenarios';
import { FIXTURES, handlerSource, makeProject, salesforceFixtures, type TestProject } from './helpers';

describe('JUnit report', () => {
    let project: TestProject;
    let scenarios: Scenario[];
    let file: string;
    before(() => {
        project = makeProject({ [FIXTURES]: salesforceFixtures(), 'salesforce/on-events/validate.ts': handlerSource('validate-connection', 'return;') });
        file = path.join(project.root, '.nango-emulator/scenarios/sf.json');
        const steps = [{ action: 'connect', account: 'acme' }, { action: 'delete' }];
        const info = parseScenarioText(
            project.root,
            file,
            JSON.stringify({
                scenarios: [
                    { name: 'passes <fine> & "well"', integration: 'salesforce', steps },
                    { name: "fails 'here'", integration: 'salesforce', steps },
                    { name: 'cannot run', integration: 'salesforce', steps },
                    { name: 'cancelled', integration: 'salesforce', steps }
                ]
            })
        );
        assert.deepEqual(info.problems, []);
        scenarios = info.scenarios;
    });
    after(() => project.cleanup());

    const at: SourceLocation = { file: '/p/sf.json', line: 12, column: 5, endLine: 12, endColumn: 30 };
    const results = (): ScenarioResult[] => {
        const [ok, failed, error, cancelled] = scenarios;
        const step = (index: number, status: 'passed' | 'failed' | 'skipped' | 'cancelled', extra: object = {}) => ({
            index,
            title: index ? 'delete' : 'connect as acme',
            action: index ? ('delete' as const) : ('connect' as const),
            status,
            location: at,
            failures: [],
            durationMs: status === 'skipped' ? 0 : 120,
            ...extra
        });
        return [
            { scenario: ok!, status: 'passed', ok: true, steps: [step(0, 'passed'), step(1, 'passed')], durationMs: 1234.4 },
            {
                scenario: failed!,
                status: 'failed',
                ok: false,
                steps: [
                    step(0, 'failed', { failures: [{ expectation: 'metadata.x', message: 'metadata.x: expected "<a>" & got "]]>\u0001"', location: at }] }),
                    step(1, 'skipped')
                ],
                durationMs: 250
            },
            {
                scenario: error!,
                status: 'error',
                ok: false,
                error: { code: 'fixtures_invalid', message: 'fixtures.json: integrations: bad <value>' },
                steps: [step(0, 'skipped'), step(1, 'skipped')],
                durationMs: 3
            },
            { scenario: cancelled!, status: 'cancelled', ok: false, steps: [step(0, 'cancelled'), step(1, 'skipped')], durationMs: 10 }
        ];
    };

    it('one suite per scenario file, one test case per scenario, with the counts CI reads', () => {
        const xml = scenariosJunitXml(results(), [], { root: project.root });
        assert.match(
            xml,
            /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="nango-emulator scenarios" tests="4" failures="1" errors="1" skipped="1">/
        );
        assert.match(
            xml,
            /<testsuite name="\.nango-emulator\/scenarios\/sf\.json" timestamp="[^"]+" time="1\.497" tests="4" failures="1" errors="1" skipped="1">/
        );
        assert.equal(xml.match(/<testcase /g)?.length, 4);
        assert.match(
            xml,
            /<testcase classname="\.nango-emulator\/scenarios\/sf\.json salesforce" name="passes &lt;fine> &amp; &quot;well&quot;" file="\.nango-emulator\/scenarios\/sf\.json" time="1\.234">/
        );
        assert.match(xml, /<error message="fixtures\.json: integrations: bad &lt;value>" type="fixtures_invalid">/);
        assert.match(xml, /name="cancelled"[^>]*>\s*<skipped\/>/);
    });

    it("a failure names the step and its first failed expectation; the details list every step with the expectation's place; text is escaped", () => {
        const xml = scenariosJunitXml(results(), [], { root: project.root });
        const failure = /<testcase [^>]*name="fails 'here'"[^>]*>\s*<failure message="([^"]*)" type="expectation"><!\[CDATA\[([\s\S]*?)\]\]><\/failure>/.exec(
            xml
        );
        assert.ok(failure, xml);
        // The control character is dropped (not allowed in XML 1.0); "]]>" is split across CDATA sections.
        assert.equal(failure[1], 'step 1 (connect as acme): metadata.x: expected &quot;&lt;a>&quot; &amp; got &quot;]]>&quot;');
        assert.ok(!xml.includes('\u0001'));
        assert.match(xml, /got "]]]]><!\[CDATA\[>"\n {6}at \/p\/sf\.json:12:5\n- step 2: delete \(skipped\)\]\]><\/failure>/);
    });

    it('scenario files with problems are test cases in error, so CI shows them', () => {
        const problem = {
            file: path.join(project.root, '.nango-emulator/scenarios/broken.json'),
            field: 'scenarios.0.steps.0.action',
            message: 'action: use one of "connect"',
            location: { ...at, file: 'broken.json', line: 7, column: 17 }
        };
        const xml = scenariosJunitXml([], [problem, { ...problem, field: 'scenarios.1.name', message: 'duplicate' }], { root: project.root });
        assert.match(xml, /<testsuites name="nango-emulator scenarios" tests="1" failures="0" errors="1" skipped="0">/);
        assert.match(
            xml,
            /<testcase classname="\.nango-emulator\/scenarios\/broken\.json" name="scenario file" file="\.nango-emulator\/scenarios\/broken\.json">\s*<error message="2 problems in \.nango-emulator\/scenarios\/broken\.json: scenarios\.0\.steps\.0\.action: action: use one of &quot;connect&quot;" type="scenario_invalid"><!\[CDATA\[broken\.json:7:17: scenarios\.0\.steps\.0\.action: action: use one of "connect"\nbroken\.json:7:17: scenarios\.1\.name: duplicate\]\]><\/error>/
        );
    });
});
