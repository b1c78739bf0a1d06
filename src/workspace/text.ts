import type { Position, Range } from './types';

/**
 * Converts between string offsets and {line, character} positions. Line breaks are \n, \r\n and
 * \r, as in VS Code (TypeScript's own line map also breaks on U+2028/9, which VS Code does not).
 */
export class LineMap {
    private readonly lineStarts: number[];
    /** The line of the last positionAt answer. */
    private lastLine = 0;

    constructor(readonly text: string) {
        // indexOf jumps from break to break natively: a loop over every character costs several times more.
        const starts = [0];
        let lf = text.indexOf('\n');
        let cr = text.indexOf('\r');
        while (lf >= 0 || cr >= 0) {
            let next: number;
            if (cr < 0 || (lf >= 0 && lf < cr)) next = lf + 1;
            else next = text.charCodeAt(cr + 1) === 10 ? cr + 2 : cr + 1;
            starts.push(next);
            if (lf >= 0 && lf < next) lf = text.indexOf('\n', next);
            if (cr >= 0 && cr < next) cr = text.indexOf('\r', next);
        }
        this.lineStarts = starts;
    }

    get lineCount(): number {
        return this.lineStarts.length;
    }

    positionAt(offset: number): Position {
        const clamped = Math.max(0, Math.min(offset, this.text.length));
        const starts = this.lineStarts;
        // The line holding `clamped`: the last one starting at or before it. Callers mostly go
        // forward through the text, so the line of the last answer and the next one are tried first.
        let line = this.lastLine;
        if (!this.holds(line, clamped) && !this.holds(++line, clamped)) {
            let low = 0;
            let high = starts.length - 1;
            while (low < high) {
                const mid = (low + high + 1) >> 1;
                if ((starts[mid] ?? 0) <= clamped) low = mid;
                else high = mid - 1;
            }
            line = low;
        }
        this.lastLine = line;
        return { line, character: clamped - (starts[line] ?? 0) };
    }

    /** Whether `offset` is on `line`. */
    private holds(line: number, offset: number): boolean {
        const start = this.lineStarts[line];
        const next = this.lineStarts[line + 1];
        return start !== undefined && start <= offset && (next === undefined || offset < next);
    }

    offsetAt(position: Position): number {
        if (position.line < 0) return 0;
        if (position.line >= this.lineStarts.length) return this.text.length;
        const start = this.lineStarts[position.line] ?? 0;
        return Math.min(start + Math.max(0, position.character), this.lineEndOffset(position.line));
    }

    /** Offset of the first character of `line`. */
    lineStartOffset(line: number): number {
        return this.lineStarts[Math.max(0, Math.min(line, this.lineStarts.length - 1))] ?? 0;
    }

    /** Offset just before the line break that ends `line` (or the end of the text). */
    lineEndOffset(line: number): number {
        const next = this.lineStarts[line + 1];
        if (next === undefined) return this.text.length;
        let end = next;
        if (this.text.charCodeAt(end - 1) === 10) end--;
        if (this.text.charCodeAt(end - 1) === 13) end--;
        return end;
    }

    range(startOffset: number, endOffset: number): Range {
        return { start: this.positionAt(startOffset), end: this.positionAt(endOffset) };
    }

    /** The whole of `line` without its line break. */
    lineRange(line: number): Range {
        return this.range(this.lineStartOffset(line), this.lineEndOffset(line));
    }
}

/** The line break a file already uses, so inserted lines match it. */
export function detectEol(text: string): '\n' | '\r\n' {
    const lf = text.indexOf('\n');
    return lf > 0 && text.charCodeAt(lf - 1) === 13 ? '\r\n' : '\n';
}

export function comparePositions(a: Position, b: Position): number {
    return a.line !== b.line ? a.line - b.line : a.character - b.character;
}

export const emptyRange: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/**
 * One frozen empty list for the many empty lists of facts and problems a full build keeps (five or
 * six a handler): every object kept alive adds to the garbage collector's work.
 */
const NOTHING: readonly never[] = Object.freeze([]);

/** `list`, or the shared empty list when it is empty. */
export function shareIfEmpty<T>(list: readonly T[]): readonly T[] {
    return list.length === 0 ? NOTHING : list;
}

/**
 * Applies non-overlapping edits to `text` (as VS Code applies a WorkspaceEdit to one document):
 * all ranges refer to the original text. Throws on overlapping edits, which would be a bug.
 */
export function applyTextEdits(text: string, edits: readonly { readonly range: Range; readonly newText: string }[]): string {
    const lines = new LineMap(text);
    const resolved = edits
        .map((edit, order) => ({ start: lines.offsetAt(edit.range.start), end: lines.offsetAt(edit.range.end), newText: edit.newText, order }))
        .sort((a, b) => a.start - b.start || a.end - b.end || a.order - b.order);
    let result = '';
    let cursor = 0;
    for (const edit of resolved) {
        if (edit.start < cursor) throw new Error(`Overlapping edits at offset ${edit.start}`);
        result += text.slice(cursor, edit.start) + edit.newText;
        cursor = edit.end;
    }
    return result + text.slice(cursor);
}
