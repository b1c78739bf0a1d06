import type { Position, Range } from './types';

/**
 * Converts between string offsets and {line, character} positions. Line breaks are \n, \r\n and
 * \r, as in VS Code (TypeScript's own line map also breaks on U+2028/9, which VS Code does not).
 */
export class LineMap {
    private readonly lineStarts: number[];

    constructor(readonly text: string) {
        const starts = [0];
        for (let i = 0; i < text.length; i++) {
            const code = text.charCodeAt(i);
            if (code === 13 /* \r */) {
                if (text.charCodeAt(i + 1) === 10) i++;
                starts.push(i + 1);
            } else if (code === 10 /* \n */) {
                starts.push(i + 1);
            }
        }
        this.lineStarts = starts;
    }

    get lineCount(): number {
        return this.lineStarts.length;
    }

    positionAt(offset: number): Position {
        const clamped = Math.max(0, Math.min(offset, this.text.length));
        let low = 0;
        let high = this.lineStarts.length - 1;
        while (low < high) {
            const mid = (low + high + 1) >> 1;
            if ((this.lineStarts[mid] ?? 0) <= clamped) low = mid;
            else high = mid - 1;
        }
        return { line: low, character: clamped - (this.lineStarts[low] ?? 0) };
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
