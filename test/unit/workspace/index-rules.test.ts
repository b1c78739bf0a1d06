import assert from 'node:assert/strict';
import { ProblemCode } from '../../../src/workspace/types';
import { Project, at, fixTitled, handlerSource, only, textAt } from './helpers';

describe('workspace rules across index.ts and handlers', () => {
    describe(ProblemCode.HandlerNotImported, () => {
        it('is silent when index.ts imports every handler', () => {
            const project = new Project({
                'index.ts': "import './salesforce/on-events/setup';\n",
                'salesforce/on-events/setup.ts': handlerSource()
            });
            assert.deepEqual(project.problems(), []);
        });

        it('reports an unimported handler on its createOnEvent call, with index.ts as related location', () => {
            const project = new Project({
                'index.ts': "import './salesforce/on-events/setup';\n",
                'salesforce/on-events/setup.ts': handlerSource(),
                'salesforce/on-events/cleanup.ts': handlerSource('pre-connection-deletion')
            });
            const problem = only(project.problems(ProblemCode.HandlerNotImported));
            assert.equal(problem.file, at('salesforce/on-events/cleanup.ts'));
            assert.equal(problem.severity, 'error');
            assert.equal(textAt(project.text('salesforce/on-events/cleanup.ts'), problem.range), 'createOnEvent');
            assert.match(problem.message, /salesforce\/on-events\/cleanup\.ts is not imported by index\.ts/);
            assert.match(problem.message, /import '\.\/salesforce\/on-events\/cleanup';/);
            assert.match(problem.docsUrl ?? '', /^https:\/\/nango\.dev\/docs\//);
            assert.equal(only(problem.related).location.file, at('index.ts'));
            assert.equal(problem.fixes.length, 1, 'one missing import: no "add all" fix');
        });

        it('"Add import to index.ts" inserts after the last import and the problem disappears', () => {
            const project = new Project({
                'index.ts': "// Functions Nango builds\nimport './salesforce/on-events/setup';\n\nexport const unrelated = 1;\n",
                'salesforce/on-events/setup.ts': handlerSource(),
                'salesforce/on-events/cleanup.ts': handlerSource('pre-connection-deletion')
            });
            const problem = only(project.problems(ProblemCode.HandlerNotImported));
            const fix = fixTitled(problem, 'Add import to index.ts');
            assert.equal(fix.isPreferred, true);
            project.apply(fix);
            assert.equal(
                project.text('index.ts'),
                "// Functions Nango builds\nimport './salesforce/on-events/setup';\nimport './salesforce/on-events/cleanup';\n\nexport const unrelated = 1;\n"
            );
            assert.deepEqual(project.problems(), []);
        });

        it('matches double quotes, no semicolons, .js extensions and CRLF line breaks', () => {
            const project = new Project({
                'index.ts': 'import "./github/syncs/issues.js"\r\nimport "./salesforce/on-events/setup.js" // setup\r\n',
                'github/syncs/issues.ts': 'export default 1;\n',
                'salesforce/on-events/setup.ts': handlerSource(),
                'hubspot/on-events/cleanup.ts': handlerSource('pre-connection-deletion')
            });
            project.apply(fixTitled(only(project.problems(ProblemCode.HandlerNotImported)), 'Add import to index.ts'));
            assert.equal(
                project.text('index.ts'),
                'import "./github/syncs/issues.js"\r\nimport "./salesforce/on-events/setup.js" // setup\r\nimport "./hubspot/on-events/cleanup.js"\r\n'
            );
            assert.deepEqual(project.problems(), []);
        });

        it('adds the first import above the code of an index.ts without imports', () => {
            const project = new Project({
                'index.ts': '/* header */\nexport {};\n',
                'salesforce/on-events/setup.ts': handlerSource()
            });
            project.apply(fixTitled(only(project.problems(ProblemCode.HandlerNotImported)), 'Add import to index.ts'));
            assert.equal(project.text('index.ts'), "/* header */\nimport './salesforce/on-events/setup';\nexport {};\n");
            assert.deepEqual(project.problems(), []);
        });

        it('appends to an index.ts that has only comments and no final line break', () => {
            const project = new Project({ 'index.ts': '// nothing yet', 'salesforce/on-events/setup.ts': handlerSource() });
            project.apply(fixTitled(only(project.problems(ProblemCode.HandlerNotImported)), 'Add import to index.ts'));
            assert.equal(project.text('index.ts'), "// nothing yet\nimport './salesforce/on-events/setup';\n");
        });

        it('creates index.ts when the project has none', () => {
            const project = new Project({ 'package.json': '{"dependencies":{"nango":"0.71.10"}}', 'salesforce/on-events/setup.ts': handlerSource() });
            const problem = only(project.problems(ProblemCode.HandlerNotImported));
            assert.match(problem.message, /no index\.ts/);
            assert.deepEqual(problem.related, []);
            const fix = fixTitled(problem, 'Add import to index.ts');
            assert.deepEqual(fix.createFiles, [{ file: at('index.ts'), contents: "import './salesforce/on-events/setup';\n" }]);
            project.apply(fix);
            assert.deepEqual(project.problems(), []);
        });

        it('offers one fix that adds every missing import at once', () => {
            const project = new Project({
                'index.ts': '',
                'a/on-events/one.ts': handlerSource(),
                'b/on-events/two.ts': handlerSource('validate-connection')
            });
            const problems = project.problems(ProblemCode.HandlerNotImported);
            assert.equal(problems.length, 2);
            project.apply(fixTitled(problems[0]!, 'Add all 2 missing imports to index.ts'));
            assert.equal(project.text('index.ts'), "import './a/on-events/one';\nimport './b/on-events/two';\n");
            assert.deepEqual(project.problems(), []);
        });

        it('does not count a type-only import as importing the handler', () => {
            const project = new Project({
                'index.ts': "import type { Metadata } from './salesforce/on-events/setup';\n",
                'salesforce/on-events/setup.ts': handlerSource()
            });
            assert.equal(only(project.problems()).code, ProblemCode.HandlerNotImported);
        });

        it('ignores files that are not handlers: nested folders, .d.ts, node_modules, syncs', () => {
            const project = new Project({
                'index.ts': '',
                'salesforce/on-events/helpers/util.ts': 'export const x = 1;\n',
                'salesforce/on-events/types.d.ts': 'export type T = 1;\n',
                'node_modules/x/on-events/y.ts': handlerSource(),
                'salesforce/syncs/contacts.ts': 'export default 1;\n'
            });
            assert.deepEqual(project.problems(), []);
        });
    });

    describe(ProblemCode.ImportNotFound, () => {
        it('is silent for existing files, package imports and files outside the root', () => {
            const project = new Project({
                'index.ts': "import 'zod';\nimport '../shared/setup';\nimport './salesforce/on-events/setup.js';\nimport './github/syncs/issues';\n",
                'salesforce/on-events/setup.ts': handlerSource(),
                'github/syncs/issues.ts': 'export default 1;\n'
            });
            assert.deepEqual(project.problems(), []);
        });

        it('reports an import of a missing file; "Remove import" deletes its line', () => {
            const project = new Project({
                'index.ts': "import './salesforce/on-events/setup';\nimport './salesforce/on-events/gone';\nexport {};\n",
                'salesforce/on-events/setup.ts': handlerSource()
            });
            const problem = only(project.problems(ProblemCode.ImportNotFound));
            assert.equal(problem.file, at('index.ts'));
            assert.equal(problem.severity, 'error');
            assert.equal(textAt(project.text('index.ts'), problem.range), "import './salesforce/on-events/gone';");
            assert.match(problem.message, /salesforce\/on-events\/gone\.ts does not exist/);
            assert.deepEqual(
                problem.fixes.map((f) => f.title),
                ['Remove import']
            );
            project.apply(fixTitled(problem, 'Remove import'));
            assert.equal(project.text('index.ts'), "import './salesforce/on-events/setup';\nexport {};\n");
            assert.deepEqual(project.problems(), []);
        });

        it('removes the last line of a file without leaving a dangling line break', () => {
            const project = new Project({ 'index.ts': "import 'zod';\nimport './x/on-events/gone';" });
            project.apply(fixTitled(only(project.problems(ProblemCode.ImportNotFound)), 'Remove import'));
            assert.equal(project.text('index.ts'), "import 'zod';");
        });

        it('offers "Fix path" to a handler of the same name elsewhere, keeping the extension style', () => {
            const project = new Project({
                'index.ts': "import './salesforce/on-events/setup.js';\n",
                'salesforce-sandbox/on-events/setup.ts': handlerSource()
            });
            const problem = only(project.problems(ProblemCode.ImportNotFound));
            assert.match(problem.message, /salesforce-sandbox\/on-events\/setup\.ts/);
            const fix = fixTitled(problem, "Fix path: './salesforce-sandbox/on-events/setup.js'");
            assert.equal(fix.isPreferred, true);
            assert.equal(only(problem.related).location.file, at('salesforce-sandbox/on-events/setup.ts'));
            project.apply(fix);
            assert.equal(project.text('index.ts'), "import './salesforce-sandbox/on-events/setup.js';\n");
            assert.deepEqual(project.problems(), []);
        });

        it('offers one "Fix path" per candidate, none preferred, and never a file already imported', () => {
            const project = new Project({
                'index.ts': "import './a/on-events/setup';\nimport './gone/on-events/setup';\n",
                'a/on-events/setup.ts': handlerSource(),
                'b/on-events/setup.ts': handlerSource(),
                'c/on-events/setup.ts': handlerSource(),
                'c/helpers/setup.ts': 'export const helper = 1;\n'
            });
            const problem = only(project.problems(ProblemCode.ImportNotFound));
            assert.deepEqual(
                problem.fixes.map((f) => [f.title, f.isPreferred ?? false]),
                [
                    ["Fix path: './b/on-events/setup'", false],
                    ["Fix path: './c/on-events/setup'", false],
                    ['Remove import', false]
                ]
            );
        });

        it('offers the new path after a rename, even when the name changed', () => {
            const project = new Project({
                'index.ts': "import './salesforce/on-events/setup';\n",
                'salesforce/on-events/setup.ts': handlerSource()
            });
            project.model.rename(at('salesforce/on-events/setup.ts'), at('salesforce/on-events/register-webhook.ts'));
            const missing = only(project.problems(ProblemCode.ImportNotFound));
            const fix = fixTitled(missing, "Fix path: './salesforce/on-events/register-webhook'");
            assert.equal(fix.isPreferred, true);
            // The renamed handler is unimported meanwhile; fixing the path settles both.
            assert.equal(project.problems(ProblemCode.HandlerNotImported).length, 1);
            project.files.delete(at('salesforce/on-events/setup.ts'));
            project.files.set(at('salesforce/on-events/register-webhook.ts'), handlerSource());
            project.apply(fix);
            assert.deepEqual(project.problems(), []);
        });

        it('follows a folder rename to the files under it', () => {
            const project = new Project({
                'index.ts': "import './salesforce/on-events/setup';\nimport './salesforce/syncs/contacts';\n",
                'salesforce/on-events/setup.ts': handlerSource(),
                'salesforce/syncs/contacts.ts': 'export default 1;\n'
            });
            project.model.rename(at('salesforce'), at('salesforce-prod'));
            const problems = project.problems(ProblemCode.ImportNotFound);
            assert.deepEqual(
                problems.map((p) => p.fixes[0]!.title),
                ["Fix path: './salesforce-prod/on-events/setup'", "Fix path: './salesforce-prod/syncs/contacts'"]
            );
        });
    });

    describe(ProblemCode.DuplicateImport, () => {
        it('is silent when every file is imported once', () => {
            const project = new Project({
                'index.ts': "import './a/on-events/one';\nimport './b/on-events/one';\n",
                'a/on-events/one.ts': handlerSource(),
                'b/on-events/one.ts': handlerSource()
            });
            assert.deepEqual(project.problems(), []);
        });

        it('warns on the second import of a file, however it is spelled, and removes it', () => {
            const project = new Project({
                'index.ts': "import './a/on-events/one';\nimport './b/on-events/two';\nimport './a/on-events/one.js'; // again\n",
                'a/on-events/one.ts': handlerSource(),
                'b/on-events/two.ts': handlerSource()
            });
            const problem = only(project.problems(ProblemCode.DuplicateImport));
            assert.equal(problem.severity, 'warning');
            assert.equal(problem.range.start.line, 2);
            assert.match(problem.message, /line 1/);
            assert.equal(only(problem.related).location.range.start.line, 0);
            const fix = fixTitled(problem, 'Remove duplicate import');
            assert.equal(fix.isPreferred, true);
            project.apply(fix);
            assert.equal(project.text('index.ts'), "import './a/on-events/one';\nimport './b/on-events/two';\n");
            assert.deepEqual(project.problems(), []);
        });

        it('does not flag an import with bindings, which may be needed, nor a type-only one', () => {
            const project = new Project({
                'index.ts':
                    "import './a/on-events/one';\nimport type { X } from './a/on-events/one';\nimport { helper } from './a/on-events/one';\nexport { helper };\n",
                'a/on-events/one.ts': handlerSource()
            });
            assert.deepEqual(project.problems(), []);
        });

        it('removes a duplicate that shares its line with another statement', () => {
            const project = new Project({
                'index.ts': "import './a/on-events/one'; import './a/on-events/one';\n",
                'a/on-events/one.ts': handlerSource()
            });
            project.apply(fixTitled(only(project.problems(ProblemCode.DuplicateImport)), 'Remove duplicate import'));
            assert.equal(project.text('index.ts'), "import './a/on-events/one';\n");
            assert.deepEqual(project.problems(), []);
        });
    });
});
