import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createMemoryFileSystem, nodeFileSystem, overlayFileSystem } from '../../../src/workspace/file-system';
import { WorkspaceModel, modelForFile } from '../../../src/workspace/model';
import { ProblemCode } from '../../../src/workspace/types';
import { ROOT, at, handlerSource, only } from './helpers';

function codes(model: WorkspaceModel): string[] {
    return [...model.problems().values()]
        .flat()
        .map((p) => p.code)
        .sort();
}

describe('WorkspaceModel', () => {
    describe('contents', () => {
        const model = WorkspaceModel.fromFiles(ROOT, {
            [at('index.ts')]: "import './salesforce/on-events/setup';\nimport 'zod';\nimport './gone';\n",
            [at('salesforce/on-events/setup.ts')]: handlerSource('validate-connection'),
            [at('salesforce/syncs/contacts.ts')]: 'export default 1;\n',
            [at('github/actions/star.ts')]: 'export default 1;\n',
            [at('hubspot/on-events/bad.ts')]: 'export const x = 1;\n',
            [at('helpers/util.ts')]: 'export const y = 1;\n'
        });

        it('lists integrations: folders holding on-events/, syncs/ or actions/', () => {
            assert.deepEqual(model.integrations(), ['github', 'hubspot', 'salesforce']);
        });

        it('describes each handler', () => {
            const setup = model.handler(at('salesforce/on-events/setup.ts'));
            assert.ok(setup);
            assert.equal(setup.integration, 'salesforce');
            assert.equal(setup.name, 'setup');
            assert.equal(setup.event, 'validate-connection');
            assert.equal(setup.description, 'A test handler');
            assert.equal(setup.hasMetadataSchema, true);
            assert.equal(setup.exportsCreateOnEvent, true);
            assert.equal(setup.importSpecifier, './salesforce/on-events/setup');
            assert.deepEqual(setup.createOnEventRange, { start: { line: 5, character: 15 }, end: { line: 12, character: 2 } });

            const bad = model.handler(at('hubspot/on-events/bad.ts'));
            assert.ok(bad);
            assert.equal(bad.exportsCreateOnEvent, false);
            assert.equal(bad.createOnEventRange, undefined);
            assert.equal(bad.event, undefined);
            assert.deepEqual(
                model.handlers().map((h) => h.name),
                ['bad', 'setup']
            );
        });

        it('resolves the imports of index.ts', () => {
            assert.deepEqual(
                model.indexImports().map((i) => [i.specifier, i.resolvedFile, i.expectedFile, i.range.start.line]),
                [
                    ['./salesforce/on-events/setup', at('salesforce/on-events/setup.ts'), at('salesforce/on-events/setup.ts'), 0],
                    ['zod', undefined, undefined, 1],
                    ['./gone', undefined, at('gone.ts'), 2]
                ]
            );
        });

        it('groups problems by file and knows the role of each path', () => {
            assert.deepEqual([...model.problems().keys()].sort(), [at('hubspot/on-events/bad.ts'), at('index.ts')]);
            assert.equal(model.roleOf(at('index.ts')), 'index');
            assert.equal(model.roleOf(at('hubspot/on-events/bad.ts')), 'handler');
            assert.equal(model.roleOf(at('helpers/util.ts')), 'other');
            assert.equal(model.roleOf(at('node_modules/nango/index.ts')), 'outside');
            assert.equal(model.roleOf('/elsewhere/index.ts'), 'outside');
        });
    });

    describe('incremental updates', () => {
        function fresh(): WorkspaceModel {
            return WorkspaceModel.fromFiles(ROOT, {
                [at('index.ts')]: "import './a/on-events/one';\n",
                [at('a/on-events/one.ts')]: handlerSource()
            });
        }

        it("reports a change only when a file's text changed", () => {
            const model = fresh();
            const version = model.version;
            assert.equal(model.update(at('a/on-events/one.ts'), handlerSource()), false);
            assert.equal(model.version, version);
            assert.equal(model.update(at('a/on-events/one.ts'), handlerSource('bogus')), true);
            assert.ok(model.version > version);
            assert.deepEqual(codes(model), [ProblemCode.InvalidEvent]);
        });

        it('computes problems once per version', () => {
            const model = fresh();
            const first = model.problems();
            assert.equal(model.problems(), first);
            model.update(at('a/on-events/one.ts'), handlerSource('validate-connection'));
            assert.notEqual(model.problems(), first);
        });

        it('update of an unsaved buffer, then remove', () => {
            const model = fresh();
            model.update(at('b/on-events/two.ts'), handlerSource());
            assert.deepEqual(codes(model), [ProblemCode.HandlerNotImported]);
            assert.equal(model.remove(at('b/on-events/two.ts')), true);
            assert.deepEqual(codes(model), []);
            assert.equal(model.remove(at('b/on-events/two.ts')), false);
        });

        it('removing an imported handler makes its import dangle; removing a folder removes its files', () => {
            const model = fresh();
            model.remove(at('a/on-events/one.ts'));
            assert.deepEqual(codes(model), [ProblemCode.ImportNotFound]);
            model.update(at('a/on-events/one.ts'), handlerSource());
            model.remove(at('a'));
            assert.deepEqual(codes(model), [ProblemCode.ImportNotFound]);
            assert.deepEqual(model.handlers(), []);
        });

        it('removing index.ts reports every handler as unimported, with a fix that recreates it', () => {
            const model = fresh();
            model.remove(at('index.ts'));
            assert.equal(model.hasIndexFile(), false);
            const problem = only([...model.problems().values()].flat());
            assert.equal(problem.code, ProblemCode.HandlerNotImported);
            assert.equal(problem.fixes[0]!.createFiles?.[0]?.file, at('index.ts'));
        });

        it('rename keeps the parse, moves diagnostics and returns nothing to read', () => {
            const model = fresh();
            model.update(at('a/on-events/two.ts'), handlerSource('bogus'));
            assert.deepEqual(model.rename(at('a/on-events/two.ts'), at('b/on-events/three.ts')), []);
            assert.equal(model.handler(at('a/on-events/two.ts')), undefined);
            const moved = model.handler(at('b/on-events/three.ts'));
            assert.equal(moved?.integration, 'b');
            assert.equal(moved?.name, 'three');
            assert.deepEqual(
                model
                    .problems()
                    .get(at('b/on-events/three.ts'))
                    ?.map((p) => p.code)
                    .sort(),
                [ProblemCode.HandlerNotImported, ProblemCode.InvalidEvent]
            );
            assert.equal(model.problems().has(at('a/on-events/two.ts')), false);
        });

        it('rename out of on-events stops treating a file as a handler, and back needs its text', () => {
            const model = fresh();
            model.update(at('a/helpers/tool.ts'), 'export const tool = 1;\n');
            assert.deepEqual(model.rename(at('a/on-events/one.ts'), at('a/one.ts')), []);
            assert.deepEqual(model.handlers(), []);
            assert.deepEqual(codes(model), [ProblemCode.ImportNotFound]);
            assert.deepEqual(model.rename(at('a/helpers/tool.ts'), at('a/on-events/tool.ts')), [at('a/on-events/tool.ts')]);
            assert.equal(model.rename('/elsewhere/x.ts', at('a/on-events/x.ts')).length, 1, 'moved in from outside: unknown');
        });

        it('importEditsForRename rewrites imports of a moved file or folder', () => {
            const model = WorkspaceModel.fromFiles(ROOT, {
                [at('index.ts')]: "import './a/on-events/one.js';\nimport './a/syncs/s';\nimport './b/on-events/two';\n",
                [at('a/on-events/one.ts')]: handlerSource(),
                [at('a/syncs/s.ts')]: 'export default 1;\n',
                [at('b/on-events/two.ts')]: handlerSource()
            });
            assert.deepEqual(
                model.importEditsForRename(at('a'), at('c')).map((e) => [e.range.start.line, e.newText]),
                [
                    [0, './c/on-events/one.js'],
                    [1, './c/syncs/s']
                ]
            );
            assert.deepEqual(
                model.importEditsForRename(at('b/on-events/two.ts'), at('b/on-events/renamed.ts')).map((e) => e.newText),
                ['./b/on-events/renamed']
            );
        });
    });

    describe('loading through a file system', () => {
        it('loads from memory, answers unsaved buffers through an overlay, and refreshes', async () => {
            const disk = createMemoryFileSystem({
                [at('index.ts')]: "import './a/on-events/one';\n",
                [at('a/on-events/one.ts')]: handlerSource(),
                [at('node_modules/x/on-events/y.ts')]: handlerSource('bogus'),
                [at('.nango/a/on-events/z.ts')]: handlerSource('bogus')
            });
            const unsaved = new Map([[at('a/on-events/one.ts'), handlerSource('bogus')]]);
            const model = await WorkspaceModel.load(
                ROOT,
                overlayFileSystem(disk, (file) => unsaved.get(file))
            );
            assert.deepEqual(codes(model), [ProblemCode.InvalidEvent]);
            assert.equal(model.handlers().length, 1);
            unsaved.clear();
            await model.refresh(at('a/on-events/one.ts'));
            assert.deepEqual(codes(model), []);
        });

        it('loads a real folder and follows creates, changes and deletes on disk', async () => {
            const temp = await mkdtemp(path.join(os.tmpdir(), 'nango-model-'));
            try {
                const root = path.join(temp, 'nango-integrations');
                await mkdir(path.join(root, 'a', 'on-events'), { recursive: true });
                await writeFile(path.join(root, 'index.ts'), "import './a/on-events/one';\n");
                await writeFile(path.join(root, 'a', 'on-events', 'one.ts'), handlerSource());
                const model = await WorkspaceModel.load(root, nodeFileSystem);
                assert.deepEqual(codes(model), []);

                await mkdir(path.join(root, 'b', 'on-events'), { recursive: true });
                await writeFile(path.join(root, 'b', 'on-events', 'two.ts'), handlerSource('bogus'));
                await model.refresh(path.join(root, 'b'));
                assert.deepEqual(codes(model), [ProblemCode.HandlerNotImported, ProblemCode.InvalidEvent]);

                await unlink(path.join(root, 'a', 'on-events', 'one.ts'));
                await model.refresh(path.join(root, 'a', 'on-events', 'one.ts'));
                assert.deepEqual(codes(model), [ProblemCode.HandlerNotImported, ProblemCode.ImportNotFound, ProblemCode.InvalidEvent]);

                await rm(path.join(root, 'b'), { recursive: true });
                await model.refresh(root);
                assert.deepEqual(codes(model), [ProblemCode.ImportNotFound]);
            } finally {
                await rm(temp, { recursive: true, force: true });
            }
        });
    });

    it('builds a model of 1,000 handlers and updates the problems of the one edited', () => {
        const files: [string, string][] = [];
        const imports: string[] = [];
        for (let i = 0; i < 1000; i++) {
            const file = at(`integration-${i % 50}/on-events/handler-${i}.ts`);
            files.push([file, handlerSource(i % 2 ? 'validate-connection' : 'pre-connection-deletion')]);
            imports.push(`import './integration-${i % 50}/on-events/handler-${i}';`);
        }
        files.push([at('index.ts'), imports.join('\n') + '\n']);
        const model = WorkspaceModel.fromFiles(ROOT, files);
        assert.equal(model.handlers().length, 1000);
        assert.equal(model.integrations().length, 50);
        assert.equal(model.problems().size, 0);
        model.update(at('integration-7/on-events/handler-7.ts'), handlerSource('bogus'));
        assert.deepEqual([...model.problems().keys()], [at('integration-7/on-events/handler-7.ts')]);
    });

    it('modelForFile picks the model whose root holds the file', () => {
        const outer = WorkspaceModel.fromFiles('/ws', {});
        const inner = WorkspaceModel.fromFiles('/ws/nested/nango-integrations', {});
        assert.equal(modelForFile([outer, inner], '/ws/nested/nango-integrations/a/on-events/x.ts'), inner);
        assert.equal(modelForFile([outer, inner], '/ws/other.ts'), outer);
        assert.equal(modelForFile([outer, inner], '/elsewhere/x.ts'), undefined);
    });
});
