// JUnit XML for CI: one <testsuite> per scenario file, one <testcase> per scenario. A failed scenario's
// <failure> lists every failed expectation with its place in the scenario file; a scenario that could
// not run (bad fixtures, bad state) is an <error>; a file with problems is an <error> test case of its
// own, so CI shows it. Built with junit-report-builder (escaping, CDATA, counts). CI keeps and shows the
// report, so the fixtures' credentials are redacted from it, in every encoding (XML entities included).
import path from 'node:path';
import junit from 'junit-report-builder';
import { loadFixtures } from '../fixtures/fixtures';
import { Redactor, fixtureSecrets } from '../core/redact';
import { describeStep } from './describe';
import type { ScenarioProblem, SourceLocation } from './locations';
import type { ScenarioResult } from './run';

function where(l: SourceLocation): string {
    return `${l.file}:${l.line}:${l.column}`;
}

function seconds(ms: number): number {
    return Math.round(ms) / 1000;
}

export interface JunitOptions {
    /** File paths in the report are made relative to this folder (the nango-integrations root). */
    root: string;
    /** Suite name of the whole report. */
    name?: string;
    /** What to redact; default: every credential of the fixtures under `root`. */
    redactor?: Redactor;
}

/** The credentials of the fixtures under root; none when they cannot be read (the report still gets written). */
function fixturesRedactor(root: string): Redactor {
    try {
        const fixtures = loadFixtures(root);
        return new Redactor(fixtureSecrets(fixtures));
    } catch {
        return new Redactor([]);
    }
}

export function scenariosJunitXml(results: ScenarioResult[], problems: ScenarioProblem[], opts: JunitOptions): string {
    const builder = junit.newBuilder().name(opts.name ?? 'nango-emulator scenarios');
    const rel = (file: string): string => path.relative(opts.root, file).split(path.sep).join('/');
    const suites = new Map<string, ReturnType<typeof builder.testSuite>>();
    const suite = (file: string): ReturnType<typeof builder.testSuite> => {
        let s = suites.get(file);
        if (!s) {
            s = builder.testSuite().name(rel(file)).timestamp(new Date());
            suites.set(file, s);
        }
        return s;
    };
    const problemsByFile = new Map<string, ScenarioProblem[]>();
    for (const p of problems) problemsByFile.set(p.file, [...(problemsByFile.get(p.file) ?? []), p]);
    for (const [file, list] of problemsByFile) {
        const first = list[0];
        if (!first) continue;
        suite(file)
            .testCase()
            .className(rel(file))
            .name('scenario file')
            .file(rel(file))
            .error(
                `${list.length} problem${list.length === 1 ? '' : 's'} in ${rel(file)}: ${first.field}: ${first.message}`,
                'scenario_invalid',
                list.map((p) => `${where(p.location)}: ${p.field}: ${p.message}`).join('\n')
            );
    }
    for (const r of results) {
        const tc = suite(r.scenario.file)
            .testCase()
            .className(`${rel(r.scenario.file)} ${r.scenario.integration}`)
            .name(r.scenario.name)
            .file(rel(r.scenario.file))
            .time(seconds(r.durationMs));
        const details = r.steps.flatMap(describeStep).join('\n');
        if (r.status === 'failed') {
            const failed = r.steps.find((st) => st.status === 'failed');
            const first = failed?.error ? `${failed.error.code}: ${failed.error.message}` : (failed?.failures[0]?.message ?? 'failed');
            tc.failure(`step ${(failed?.index ?? 0) + 1} (${failed?.title ?? '?'}): ${first}`, failed?.error ? failed.error.code : 'expectation').stacktrace(
                details
            );
        } else if (r.status === 'error') {
            tc.error(r.error?.message ?? 'the scenario could not run', r.error?.code ?? 'error', details);
        } else if (r.status === 'cancelled') {
            tc.skipped();
        }
        tc.standardOutput(details);
    }
    // Suite times: the sum of their scenarios.
    for (const [file, s] of suites) {
        s.time(seconds(results.filter((r) => r.scenario.file === file).reduce((t, r) => t + r.durationMs, 0)));
    }
    // Results are redacted when runs build them; scenario names, expectations and errors written by hand
    // or thrown before a run are not: redact the whole report.
    return (opts.redactor ?? fixturesRedactor(opts.root)).text(builder.build());
}
