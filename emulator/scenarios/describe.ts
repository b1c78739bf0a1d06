// Describing scenarios in plain text: problems of scenario files and what each step did, in the one
// shape the console, the JUnit report and the editor all print.
import type { ScenarioProblem, SourceLocation } from './locations';
import type { StepResult } from './run';

/** "file:line:column: field: message", the shape every scenario problem is printed in. */
export function describeProblem(p: ScenarioProblem): string {
    return `${p.file}:${p.location.line}:${p.location.column}: ${p.field}: ${p.message}`;
}

/** What a step did and why it failed, as plain text lines: for reports (console, JUnit, the editor). */
export function describeStep(step: StepResult): string[] {
    const at = (l: SourceLocation): string => `${l.file}:${l.line}:${l.column}`;
    const mark = step.status === 'passed' ? '✔' : step.status === 'skipped' ? '-' : step.status === 'cancelled' ? '○' : '✖';
    const lines = [`${mark} step ${step.index + 1}: ${step.title} (${step.status}${step.status === 'skipped' ? '' : `, ${step.durationMs} ms`})`];
    if (step.error) lines.push(`    ${step.error.code}: ${step.error.message}`, `      at ${at(step.location)}`);
    for (const f of step.failures) lines.push(`    ${f.message}`, `      at ${at(f.location)}`);
    return lines;
}
