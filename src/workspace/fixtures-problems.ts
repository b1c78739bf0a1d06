// The emulator's fixtures problems (emulator/fixtures/field-problems.ts) as problems at their field in
// fixtures.json, each with a quick fix per obvious replacement ("Use account "acme"").
import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser/lib/esm/main.js';
import type { FixtureFieldProblem } from '../../emulator/fixtures/field-problems';
import { LineMap } from './text';
import { ProblemCode, problem, type Problem, type QuickFix } from './types';

/** At most this many "Use …" fixes per problem: a long list is no help in a light-bulb menu. */
const MAX_REPLACEMENTS = 5;

export function fixturesProblems(file: string, text: string, found: readonly FixtureFieldProblem[]): Problem[] {
    if (!found.length) return [];
    const tree = parseTree(text);
    const lines = new LineMap(text);
    return found.map((p) => {
        const node = tree ? nodeAt(tree, p.path) : undefined;
        const start = node?.offset ?? 0;
        const range = { start: lines.positionAt(start), end: lines.positionAt(start + (node?.length ?? 0)) };
        const fixes: QuickFix[] =
            node?.type === 'string'
                ? (p.replacements ?? []).slice(0, MAX_REPLACEMENTS).map((value, i) => ({
                      title: `Use ${fieldName(p.path)} "${value}"`,
                      edits: [{ file, range, newText: JSON.stringify(value) }],
                      isPreferred: i === 0 && p.replacements?.length === 1
                  }))
                : [];
        const where = p.path.length ? `${p.path.join('.')}: ` : '';
        return problem({ code: ProblemCode.InvalidFixture, severity: 'error', file, range, message: `${where}${p.message}`, fixes });
    });
}

/**
 * The node to underline: the value at `path` when it is a scalar, the key of an object or array value
 * (underlining a whole object would cover half the file), or the nearest ancestor that exists.
 */
function nodeAt(tree: Node, path: readonly (string | number)[]): Node | undefined {
    for (let n = path.length; n >= 0; n--) {
        const node = findNodeAtLocation(tree, path.slice(0, n));
        if (!node) continue;
        const key = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
        return (node.type === 'object' || node.type === 'array') && key ? key : node;
    }
    return undefined;
}

/** "account" for …connections.0.account and …responses.1.account.0; "value" when the path names none. */
function fieldName(path: readonly (string | number)[]): string {
    const key = [...path].reverse().find((k): k is string => typeof k === 'string');
    return key ?? 'value';
}
