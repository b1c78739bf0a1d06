import assert from 'node:assert/strict';
import path from 'node:path';
import { applyTextEdits } from '../../../src/workspace/text';
import { WorkspaceModel } from '../../../src/workspace/model';
import type { Problem, ProblemCode, QuickFix } from '../../../src/workspace/types';

export const ROOT = path.resolve('/ws/nango-integrations');

export function at(relative: string): string {
    return path.join(ROOT, ...relative.split('/'));
}

/** A valid handler in the docs' style. */
export function handlerSource(event = 'post-connection-creation', body = "        await nango.log('hello');"): string {
    return [
        "import { createOnEvent } from 'nango';",
        "import * as z from 'zod';",
        '',
        'const Metadata = z.object({ webhookId: z.string().optional() });',
        '',
        'export default createOnEvent({',
        "    description: 'A test handler',",
        `    event: '${event}',`,
        '    metadata: Metadata,',
        '    exec: async (nango) => {',
        body,
        '    }',
        '});',
        ''
    ].join('\n');
}

/** An in-memory project: relative path → text. Edits apply to it, then the model follows. */
export class Project {
    readonly files = new Map<string, string>();
    readonly model: WorkspaceModel;

    constructor(files: Record<string, string>) {
        for (const [relative, text] of Object.entries(files)) this.files.set(at(relative), text);
        this.model = WorkspaceModel.fromFiles(ROOT, this.files);
    }

    text(relative: string): string {
        const text = this.files.get(at(relative));
        assert.ok(text !== undefined, `${relative} does not exist`);
        return text;
    }

    write(relative: string, text: string): void {
        this.files.set(at(relative), text);
        this.model.update(at(relative), text);
    }

    problems(code?: ProblemCode): Problem[] {
        return [...this.model.problems().values()].flat().filter((p) => code === undefined || p.code === code);
    }

    problemsIn(relative: string, code?: ProblemCode): Problem[] {
        return (this.model.problems().get(at(relative)) ?? []).filter((p) => code === undefined || p.code === code);
    }

    /** Applies a quick fix the way VS Code applies a WorkspaceEdit: create files, then edit. */
    apply(fix: QuickFix): void {
        for (const creation of fix.createFiles ?? []) {
            assert.ok(!this.files.has(creation.file), `${creation.file} already exists`);
            this.files.set(creation.file, creation.contents);
            this.model.update(creation.file, creation.contents);
        }
        const byFile = new Map<string, QuickFix['edits'][number][]>();
        for (const edit of fix.edits) byFile.set(edit.file, [...(byFile.get(edit.file) ?? []), edit]);
        for (const [file, edits] of byFile) {
            const before = this.files.get(file);
            assert.ok(before !== undefined, `edit of missing file ${file}`);
            const after = applyTextEdits(before, edits);
            this.files.set(file, after);
            this.model.update(file, after);
        }
    }
}

export function only<T>(items: readonly T[], what = 'item'): T {
    assert.equal(items.length, 1, `expected exactly one ${what}, got ${items.length}: ${JSON.stringify(items, null, 2)}`);
    return items[0]!;
}

export function fixTitled(problem: Problem, title: string): QuickFix {
    const fix = problem.fixes.find((f) => f.title === title);
    assert.ok(fix, `no fix titled '${title}' among ${JSON.stringify(problem.fixes.map((f) => f.title))}`);
    return fix;
}

/** The text a range covers. */
export function textAt(text: string, range: Problem['range']): string {
    const lines = text.split(/\r?\n/);
    if (range.start.line === range.end.line) return lines[range.start.line]!.slice(range.start.character, range.end.character);
    const parts = [lines[range.start.line]!.slice(range.start.character)];
    for (let line = range.start.line + 1; line < range.end.line; line++) parts.push(lines[line]!);
    parts.push(lines[range.end.line]!.slice(0, range.end.character));
    return parts.join('\n');
}
