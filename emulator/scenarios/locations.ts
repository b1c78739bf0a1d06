// Source locations in scenario files: line/column indexes of JSON text (via jsonc-parser's tree), so
// every problem and failed expectation can name the place it is written.
import type { Node as JsonNode } from 'jsonc-parser/lib/esm/main.js';

/** A place in a scenario file; lines and columns start at 1. */
export interface SourceLocation {
    file: string;
    line: number;
    column: number;
    endLine: number;
    endColumn: number;
}

/** A mistake in a scenario file: where, which field, and what to do. */
export interface ScenarioProblem {
    file: string;
    location: SourceLocation;
    /** Dotted path of the field, e.g. "scenarios.0.steps.2.expect.outcome"; "(top level)" for the file itself. */
    field: string;
    message: string;
}

export class LineIndex {
    private readonly starts: number[] = [0];
    constructor(
        readonly file: string,
        text: string
    ) {
        for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.starts.push(i + 1);
    }
    private position(offset: number): { line: number; column: number } {
        let lo = 0;
        let hi = this.starts.length - 1;
        while (lo < hi) {
            const mid = (lo + hi + 1) >> 1;
            if ((this.starts[mid] ?? 0) <= offset) lo = mid;
            else hi = mid - 1;
        }
        return { line: lo + 1, column: offset - (this.starts[lo] ?? 0) + 1 };
    }
    location(offset: number, length: number): SourceLocation {
        const start = this.position(offset);
        const end = this.position(offset + length);
        return { file: this.file, line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
    }
}

/** The node of a property (key and value) or array item at `pointer` path, else the closest ancestor found. */
export function nodeAt(root: JsonNode, at: readonly (string | number)[]): JsonNode {
    let node = root;
    for (const key of at) {
        let next: JsonNode | undefined;
        if (node.type === 'property') node = node.children?.[1] ?? node;
        if (node.type === 'object' && typeof key === 'string') next = node.children?.find((p) => p.children?.[0]?.value === key);
        else if (node.type === 'array' && typeof key === 'number') next = node.children?.[key];
        if (!next) return node;
        node = next;
    }
    return node;
}

export function pointer(at: readonly (string | number)[]): string {
    return at.map((k) => '/' + String(k).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** Every property and array item under `node`, by JSON pointer relative to it: where each expectation is written. */
export function indexLocations(
    node: JsonNode,
    lines: LineIndex,
    prefix: (string | number)[] = [],
    out: Record<string, SourceLocation> = {}
): Record<string, SourceLocation> {
    out[pointer(prefix)] ??= lines.location(node.offset, node.length);
    const value = node.type === 'property' ? node.children?.[1] : node;
    if (!value) return out;
    if (value.type === 'object') {
        for (const prop of value.children ?? []) {
            const key = prop.children?.[0]?.value;
            if (typeof key === 'string') indexLocations(prop, lines, [...prefix, key], out);
        }
    } else if (value.type === 'array') {
        (value.children ?? []).forEach((item, i) => indexLocations(item, lines, [...prefix, i], out));
    }
    return out;
}
