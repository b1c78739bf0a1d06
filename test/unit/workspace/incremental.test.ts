// The model is kept up to date incrementally: these tests check that an edit changes only the
// problems it must, and that the result is always the one a model built from scratch out of the
// same files reports.
import assert from 'node:assert/strict';
import { analyzeIndex, parseIndex } from '../../../src/workspace/index-analysis';
import { WorkspaceModel } from '../../../src/workspace/model';
import { SortedSet } from '../../../src/workspace/sorted';
import { ProblemCode } from '../../../src/workspace/types';
import { ROOT, at, handlerSource } from './helpers';

/** A small deterministic pseudo-random generator, so a failure can be replayed. */
function random(seed: number): () => number {
    let state = seed;
    return () => {
        state = (state * 1103515245 + 12345) % 2147483648;
        return state / 2147483648;
    };
}

/** Everything a model reports, in order, as plain data. */
function report(model: WorkspaceModel): unknown {
    return JSON.parse(
        JSON.stringify({
            problems: [...model.problems()],
            handlers: model.handlers(),
            imports: model.indexImports(),
            integrations: model.integrations(),
            plan: model.planImportAdditions([at('a/on-events/one.ts')])
        })
    );
}

/** `count` handlers in 10 integrations; index.ts imports all but every `skip`-th one. */
function project(count: number, skip: number): Map<string, string> {
    const files = new Map<string, string>();
    const imports: string[] = [];
    for (let i = 0; i < count; i++) {
        files.set(at(`integration-${i % 10}/on-events/handler-${i}.ts`), handlerSource(i % 7 === 0 ? 'bogus' : 'validate-connection'));
        if (i % skip !== 0) imports.push(`import './integration-${i % 10}/on-events/handler-${i}';`);
    }
    files.set(at('index.ts'), `${imports.join('\n')}\n`);
    return files;
}

describe('incremental workspace model', () => {
    describe('an edit changes only what it must', () => {
        /** The problems of every file, as plain data. */
        const plain = (problems: ReadonlyMap<string, unknown>): unknown => JSON.parse(JSON.stringify([...problems]));
        const fresh = (files: Map<string, string>): unknown => plain(WorkspaceModel.fromFiles(ROOT, files).problems());

        it('an edit of one handler changes the problems of that handler only', () => {
            const files = project(200, 10);
            const model = WorkspaceModel.fromFiles(ROOT, files);
            const before = new Map(model.problems());

            // An imported handler: its own problems change, no other file's.
            files.set(at('integration-1/on-events/handler-1.ts'), handlerSource('bogus'));
            model.update(at('integration-1/on-events/handler-1.ts'), handlerSource('bogus'));
            const after = model.problems();
            assert.deepEqual(
                after.get(at('integration-1/on-events/handler-1.ts'))?.map((p) => p.code),
                [ProblemCode.InvalidEvent]
            );
            for (const [file, problems] of before) assert.deepEqual(after.get(file), problems, file);
            assert.deepEqual(plain(after), fresh(files));

            // A handler index.ts does not import: fixing its event leaves only its not-imported problem.
            files.set(at('integration-0/on-events/handler-0.ts'), handlerSource('pre-connection-deletion'));
            model.update(at('integration-0/on-events/handler-0.ts'), handlerSource('pre-connection-deletion'));
            assert.deepEqual(
                model
                    .problems()
                    .get(at('integration-0/on-events/handler-0.ts'))
                    ?.map((p) => p.code),
                [ProblemCode.HandlerNotImported]
            );
            assert.deepEqual(plain(model.problems()), fresh(files));
        });

        it('an edit of index.ts that changes no import leaves every problem as it was', () => {
            const files = project(200, 10);
            const index = `// Functions\n${files.get(at('index.ts')) ?? ''}`;
            files.set(at('index.ts'), index);
            const model = WorkspaceModel.fromFiles(ROOT, files);
            const before = plain(model.problems());
            model.update(at('index.ts'), index.replace('// Functions', '// The functions Nango deploys'));
            model.update(at('index.ts'), `${index.replace('// Functions', '// The functions Nango deploys')}// end\n`);
            assert.deepEqual(plain(model.problems()), before);

            // A line added above the imports moves where "Add import" inserts.
            const insertLine = (): number | undefined =>
                model.problems().get(at('integration-0/on-events/handler-0.ts'))?.[0]?.fixes[0]?.edits[0]?.range.start.line;
            const line = insertLine();
            assert.ok(line !== undefined);
            files.set(at('index.ts'), `// one more line\n${index}`);
            model.update(at('index.ts'), `// one more line\n${index}`);
            assert.equal(insertLine(), line + 1);
            assert.deepEqual(plain(model.problems()), fresh(files));
        });

        it('importing one more handler updates the "add all" fix of the others', () => {
            const files = project(200, 10);
            const model = WorkspaceModel.fromFiles(ROOT, files);
            model.problems();
            files.set(at('index.ts'), `${files.get(at('index.ts')) ?? ''}import './integration-0/on-events/handler-0';\n`);
            model.update(at('index.ts'), files.get(at('index.ts')) ?? '');
            const problems = [...model.problems().values()].flat().filter((p) => p.code === ProblemCode.HandlerNotImported);
            assert.equal(problems.length, 19);
            assert.equal(problems[0]?.fixes[1]?.title, 'Add all 19 missing imports to index.ts');
            assert.deepEqual(plain(model.problems()), fresh(files));
        });

        it('analyses again only the imports of index.ts that an edit touches; the others are carried over', () => {
            const text = "// header\n\n\nimport './a/on-events/one';\nimport './gone';\n";
            const first = parseIndex(text);
            assert.equal(first.origins, undefined, 'without a previous parse, nothing is carried over');
            const edited = parseIndex(`// header, longer\n// and a new line\n\n\nimport './a/on-events/one';\nimport './gone';\n`, first);
            assert.deepEqual(edited.origins, [0, 1]);
            assert.deepEqual(edited.facts, analyzeIndex(edited.text));
        });

        it('moves the problems of index.ts with the lines an edit above them adds', () => {
            const model = WorkspaceModel.fromFiles(ROOT, { [at('index.ts')]: "// header\n\n\nimport './gone';\nimport './gone';\n" });
            const lines = (): number[] => [...model.problems().values()].flat().map((p) => p.range.start.line);
            assert.deepEqual(lines(), [3, 4, 4]);
            model.update(at('index.ts'), "// header\n// more\n\n\nimport './gone';\nimport './gone';\n");
            assert.deepEqual(lines(), [4, 5, 5]);
        });
        it('follows a renamed file that disappears and comes back in the fixes of an import that lost it', () => {
            const model = WorkspaceModel.fromFiles(ROOT, { [at('index.ts')]: "import './a/on-events/one';\n", [at('a/on-events/one.ts')]: handlerSource() });
            const fixes = (): string[] =>
                [...model.problems().values()]
                    .flat()
                    .filter((p) => p.code === ProblemCode.ImportNotFound)
                    .flatMap((p) => p.fixes.map((f) => f.title));
            model.rename(at('a/on-events/one.ts'), at('b/on-events/renamed.ts'));
            assert.deepEqual(fixes(), ["Fix path: './b/on-events/renamed'", 'Remove import']);
            model.remove(at('b/on-events/renamed.ts'));
            assert.deepEqual(fixes(), ['Remove import']);
            model.update(at('b/on-events/renamed.ts'), handlerSource());
            assert.deepEqual(fixes(), ["Fix path: './b/on-events/renamed'", 'Remove import']);
        });
    });

    describe('reports what a model built from scratch reports', () => {
        const HANDLERS = ['a/on-events/one.ts', 'a/on-events/two.ts', 'b/on-events/one.ts', 'b/on-events/three.ts', 'c/on-events/index.ts'];
        const OTHERS = ['a/syncs/one.ts', 'b/helpers/two.ts', 'c/on-events.ts', 'a/on-events/types.d.ts'];
        const EVENTS = ['validate-connection', 'post-connection-creation', 'pre-connection-deletion', 'bogus'];

        function indexText(next: () => number, present: readonly string[]): string {
            const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
            const extension = pick(['', '', '.js']);
            const lines: string[] = next() < 0.3 ? ['// header', ''] : [];
            for (let i = Math.floor(next() * 6); i > 0; i--) {
                const file = next() < 0.7 && present.length > 0 ? pick(present) : pick([...HANDLERS, ...OTHERS]);
                const specifier = `./${file.replace(/\.(d\.)?ts$/, '').replace(/\/index$/, '')}${extension}`;
                lines.push(
                    pick([
                        `import '${specifier}';`,
                        `import "${specifier}"`,
                        `import type { T } from '${specifier}';`,
                        `export * from '${specifier}';`,
                        "import 'zod';"
                    ])
                );
            }
            return lines.join(pick(['\n', '\r\n'])) + (next() < 0.8 ? '\n' : '');
        }

        it('after any sequence of edits, additions and removals', () => {
            for (let seed = 1; seed <= 25; seed++) {
                const next = random(seed);
                const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
                const files = new Map<string, string>();
                for (const file of HANDLERS) if (next() < 0.6) files.set(at(file), handlerSource(pick(EVENTS)));
                files.set(
                    at('index.ts'),
                    indexText(
                        next,
                        [...files.keys()].map((f) => f.slice(ROOT.length + 1))
                    )
                );
                const model = WorkspaceModel.fromFiles(ROOT, files);
                const steps: string[] = [];
                for (let step = 0; step < 30; step++) {
                    const roll = next();
                    const index = files.get(at('index.ts'));
                    if (roll < 0.3) {
                        const file = at(pick(HANDLERS));
                        files.set(file, handlerSource(pick(EVENTS)));
                        model.update(file, files.get(file)!);
                        steps.push(`write ${file}`);
                    } else if (roll < 0.45 && index !== undefined) {
                        // A small edit anywhere in index.ts: a character, a line break, a comment, an import.
                        const start = Math.floor(next() * (index.length + 1));
                        const end = Math.min(index.length, start + Math.floor(next() * 4));
                        const text = index.slice(0, start) + pick(['', '\n', '// c\n', "import './a/on-events/one';\n", 'x', "'", '\r\n']) + index.slice(end);
                        files.set(at('index.ts'), text);
                        model.update(at('index.ts'), text);
                        steps.push(`edit index.ts: ${JSON.stringify(text)}`);
                    } else if (roll < 0.55) {
                        const text = indexText(
                            next,
                            [...files.keys()].map((f) => f.slice(ROOT.length + 1))
                        );
                        files.set(at('index.ts'), text);
                        model.update(at('index.ts'), text);
                        steps.push(`write index.ts: ${JSON.stringify(text)}`);
                    } else if (roll < 0.75 && files.size > 0) {
                        const file = pick([...files.keys()]);
                        files.delete(file);
                        model.remove(file);
                        steps.push(`remove ${file}`);
                    } else {
                        const file = at(pick(OTHERS));
                        files.set(file, 'export const x = 1;\n');
                        model.update(file, files.get(file)!);
                        steps.push(`write ${file}`);
                    }
                    assert.deepEqual(report(model), report(WorkspaceModel.fromFiles(ROOT, files)), `seed ${seed}, after:\n${steps.join('\n')}`);
                }
            }
        });

        it('parses index.ts from its previous parse to the same facts as from scratch, edit after edit', () => {
            const pieces = [
                "import './a/on-events/x';",
                'import "./b"',
                "import type { T } from './t';",
                "export * from './r';",
                '\n',
                '\r\n',
                '\r',
                ' ',
                '// c',
                '/* b\n */',
                ';',
                "'",
                'import ',
                'export const z = 1;',
                '`',
                '{'
            ];
            for (let seed = 1; seed <= 300; seed++) {
                const next = random(seed);
                const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
                let text = Array.from({ length: Math.floor(next() * 10) }, () => `${pick(pieces)}${pick(['\n', '\r\n', ' ', ''])}`).join('');
                let parse = parseIndex(text);
                for (let step = 0; step < 10; step++) {
                    const start = Math.floor(next() * (text.length + 1));
                    const end = Math.min(text.length, start + Math.floor(next() * (next() < 0.7 ? 3 : 20)));
                    const edited = text.slice(0, start) + (next() < 0.4 ? '' : pick(pieces)) + text.slice(end);
                    if (edited === text) continue;
                    parse = parseIndex(edited, parse);
                    assert.deepEqual(parse.facts, analyzeIndex(edited), `seed ${seed}: ${JSON.stringify(text)} → ${JSON.stringify(edited)}`);
                    text = edited;
                }
            }
        });
    });

    it('SortedSet lists its members sorted, after bulk loads and single changes', () => {
        const set = new SortedSet();
        const members = new Set<string>();
        const next = random(3);
        for (let i = 0; i < 2000; i++) {
            const value = `f${Math.floor(next() * 300)}`;
            if (next() < 0.6) {
                assert.equal(set.add(value), !members.has(value));
                members.add(value);
            } else {
                assert.equal(set.delete(value), members.has(value));
                members.delete(value);
            }
            if (next() < 0.1) assert.deepEqual(set.sorted(), [...members].sort());
        }
        assert.equal(set.size, members.size);
        assert.deepEqual(set.sorted(), [...members].sort());
    });
});
