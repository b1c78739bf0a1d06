import assert from 'node:assert/strict';
import { EVENT_NAMES, ProblemCode } from '../../../src/workspace/types';
import { Project, fixTitled, handlerSource, only, textAt } from './helpers';

const FILE = 'salesforce/on-events/handler.ts';

/** A project whose index imports the one handler, so only the handler's own rules speak. */
function projectWith(handler: string): Project {
    return new Project({ 'index.ts': `import './${FILE.slice(0, -3)}';\n`, [FILE]: handler });
}

describe('workspace rules within a handler', () => {
    describe(`${ProblemCode.InvalidEvent} and ${ProblemCode.MissingEvent}`, () => {
        for (const event of EVENT_NAMES) {
            it(`accepts '${event}'`, () => {
                assert.deepEqual(projectWith(handlerSource(event)).problems(), []);
            });
        }

        it('reports an unknown event on its literal, offering each valid name, the closest preferred', () => {
            const project = projectWith(handlerSource('post-connection-created'));
            const problem = only(project.problems(ProblemCode.InvalidEvent));
            assert.equal(problem.severity, 'error');
            assert.equal(textAt(project.text(FILE), problem.range), "'post-connection-created'");
            assert.match(problem.message, /'post-connection-created' is not a Nango lifecycle event/);
            assert.match(problem.message, /'validate-connection', 'post-connection-creation', 'pre-connection-deletion'/);
            assert.deepEqual(
                problem.fixes.map((f) => [f.title, f.isPreferred ?? false]),
                [
                    ["Change event to 'post-connection-creation'", true],
                    ["Change event to 'pre-connection-deletion'", false],
                    ["Change event to 'validate-connection'", false]
                ]
            );
            project.apply(fixTitled(problem, "Change event to 'post-connection-creation'"));
            assert.match(project.text(FILE), /event: 'post-connection-creation',/);
            assert.deepEqual(project.problems(), []);
        });

        it('keeps double quotes and prefers nothing when the value is far from every name', () => {
            const project = projectWith(handlerSource().replace("event: 'post-connection-creation'", 'event: "on-install"'));
            const problem = only(project.problems(ProblemCode.InvalidEvent));
            assert.ok(problem.fixes.every((f) => !f.isPreferred));
            project.apply(fixTitled(problem, "Change event to 'validate-connection'"));
            assert.match(project.text(FILE), /event: "validate-connection",/);
            assert.deepEqual(project.problems(), []);
        });

        it('reports a non-string event and replaces it with a quoted name', () => {
            const project = projectWith(handlerSource().replace("event: 'post-connection-creation'", 'event: 42'));
            const problem = only(project.problems(ProblemCode.InvalidEvent));
            assert.equal(textAt(project.text(FILE), problem.range), '42');
            project.apply(fixTitled(problem, "Change event to 'pre-connection-deletion'"));
            assert.match(project.text(FILE), /event: 'pre-connection-deletion',/);
            assert.deepEqual(project.problems(), []);
        });

        it('follows a constant to its literal', () => {
            const source = handlerSource()
                .replace("event: 'post-connection-creation'", 'event: EVENT')
                .replace('const Metadata', "const EVENT = 'connection-created';\nconst Metadata");
            const project = projectWith(source);
            const problem = only(project.problems(ProblemCode.InvalidEvent));
            assert.equal(textAt(project.text(FILE), problem.range), "'connection-created'");
        });

        it('does not guess about an event computed at run time or spread in', () => {
            const computed = handlerSource().replace("event: 'post-connection-creation'", "event: process.env['EVENT'] as 'validate-connection'");
            const spread = handlerSource()
                .replace("event: 'post-connection-creation',", '...shared,')
                .replace('const Metadata', 'const shared = {};\nconst Metadata');
            // process.env is itself refused by Nango's runtime (runtime-rules.test.ts); only the event rules matter here.
            const computedProject = projectWith(computed);
            assert.deepEqual([...computedProject.problems(ProblemCode.InvalidEvent), ...computedProject.problems(ProblemCode.MissingEvent)], []);
            assert.deepEqual(
                computedProject.problems().map((p) => p.code),
                [ProblemCode.GlobalNotInRuntime]
            );
            assert.deepEqual(projectWith(spread).problems(), []);
        });

        it('reports a missing event on createOnEvent and adds the property after description', () => {
            const project = projectWith(handlerSource().replace("    event: 'post-connection-creation',\n", ''));
            const problem = only(project.problems(ProblemCode.MissingEvent));
            assert.equal(problem.severity, 'error');
            assert.equal(textAt(project.text(FILE), problem.range), 'createOnEvent');
            assert.equal(problem.fixes.length, 3);
            project.apply(fixTitled(problem, "Add event: 'validate-connection'"));
            assert.equal(project.text(FILE), handlerSource('validate-connection'));
            assert.deepEqual(project.problems(), []);
        });

        it('adds the event to an empty or one-line config', () => {
            const empty = projectWith("import { createOnEvent } from 'nango';\nexport default createOnEvent({});\n");
            empty.apply(fixTitled(only(empty.problems(ProblemCode.MissingEvent)), "Add event: 'pre-connection-deletion'"));
            assert.match(empty.text(FILE), /createOnEvent\(\{ event: 'pre-connection-deletion' \}\)/);
            assert.deepEqual(empty.problems(ProblemCode.MissingEvent), []);

            const oneLine = projectWith("import { createOnEvent } from 'nango';\nexport default createOnEvent({ description: 'd', exec: async () => {} });\n");
            oneLine.apply(fixTitled(only(oneLine.problems(ProblemCode.MissingEvent)), "Add event: 'validate-connection'"));
            assert.match(oneLine.text(FILE), /\{ description: 'd', event: 'validate-connection', exec: async/);
            assert.deepEqual(oneLine.problems(), []);
        });
    });

    describe(ProblemCode.NoCreateOnEventExport, () => {
        it('accepts createOnEvent through an alias, a namespace, a constant or a cast', () => {
            const variants = [
                handlerSource()
                    .replace("import { createOnEvent } from 'nango';", "import { createOnEvent as onEvent } from 'nango';")
                    .replace('export default createOnEvent(', 'export default onEvent('),
                handlerSource()
                    .replace("import { createOnEvent } from 'nango';", "import * as nangoSdk from 'nango';")
                    .replace('export default createOnEvent(', 'export default nangoSdk.createOnEvent('),
                handlerSource().replace('export default createOnEvent(', 'const handler = createOnEvent(') + 'export default handler;\n',
                handlerSource().replace('export default createOnEvent(', 'const handler = createOnEvent(') + 'export { handler as default };\n',
                handlerSource().replace('});\n', '}) satisfies unknown;\n')
            ];
            for (const source of variants) assert.deepEqual(projectWith(source).problems(), [], source);
        });

        it('names createAction and where actions belong', () => {
            const project = projectWith(
                handlerSource()
                    .replace("import { createOnEvent } from 'nango';", "import { createAction } from 'nango';")
                    .replace('createOnEvent(', 'createAction(')
            );
            const problem = only(project.problems(ProblemCode.NoCreateOnEventExport));
            assert.equal(problem.severity, 'error');
            assert.match(problem.message, /The default export is createAction\(\.\.\.\), not createOnEvent\(\.\.\.\)/);
            assert.match(problem.message, /actions live in <integration>\/actions\//);
            assert.equal(textAt(project.text(FILE), problem.range), 'export default createAction({');
        });

        it('names createSync', () => {
            const project = projectWith("import { createSync } from 'nango';\nexport default createSync({} as never);\n");
            assert.match(only(project.problems(ProblemCode.NoCreateOnEventExport)).message, /createSync\(\.\.\.\).*syncs live in <integration>\/syncs\//);
        });

        it('names what else is exported', () => {
            const cases: [string, RegExp][] = [
                ['export default { event: "validate-connection" };\n', /an object literal/],
                ['export default async function handler() {}\n', /a function declaration/],
                ['export default () => {};\n', /a function/],
                ['export default makeHandler();\n', /makeHandler\(\.\.\.\)/],
                ['declare const x: unknown;\nexport default x;\n', /`x`/],
                ["export { default } from './other';\n", /a re-export from '\.\/other'/]
            ];
            for (const [source, expected] of cases)
                assert.match(only(projectWith(source).problems(ProblemCode.NoCreateOnEventExport)).message, expected, source);
        });

        it('reports a missing default export on the first line', () => {
            const project = projectWith("import { createOnEvent } from 'nango';\n");
            const problem = only(project.problems(ProblemCode.NoCreateOnEventExport));
            assert.match(problem.message, /no default export/);
            assert.deepEqual(problem.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 38 } });
        });

        it('points at a createOnEvent exported under another name', () => {
            const project = projectWith(handlerSource().replace('export default createOnEvent(', 'export const setup = createOnEvent('));
            const problem = only(project.problems(ProblemCode.NoCreateOnEventExport));
            assert.match(problem.message, /exported as `setup`, not as the default export/);
            assert.equal(textAt(project.text(FILE), problem.range), 'createOnEvent');
            // Its event is still checked.
            assert.deepEqual(project.problems(ProblemCode.InvalidEvent), []);
        });
    });

    describe(ProblemCode.RecordsUnavailable, () => {
        for (const method of ['batchSave', 'batchUpdate', 'batchDelete']) {
            it(`reports nango.${method}()`, () => {
                const project = projectWith(handlerSource('post-connection-creation', `        await nango.${method}([], 'Contact');`));
                const problem = only(project.problems(ProblemCode.RecordsUnavailable));
                assert.equal(problem.severity, 'error');
                assert.equal(textAt(project.text(FILE), problem.range), `nango.${method}`);
                assert.match(problem.message, new RegExp(`Event functions cannot save records: nango\\.${method}\\(\\)`));
            });
        }

        it('follows the exec parameter name, optional calls, element access and destructuring', () => {
            const source = [
                "import { createOnEvent } from 'nango';",
                'export default createOnEvent({',
                "    description: 'd',",
                "    event: 'post-connection-creation',",
                '    exec: async (n) => {',
                "        await n.batchSave([], 'A');",
                "        await n?.batchUpdate([], 'A');",
                "        await n['batchDelete']([], 'A');",
                '        const { batchSave: save } = n;',
                "        await save([], 'A');",
                '    }',
                '});',
                'async function helper(nango: { batchDelete(r: unknown[], m: string): Promise<void> }) {',
                "    await nango.batchDelete([], 'A');",
                '}',
                'void helper;',
                ''
            ].join('\n');
            const project = projectWith(source);
            assert.deepEqual(
                project.problems(ProblemCode.RecordsUnavailable).map((p) => textAt(source, p.range)),
                ['n.batchSave', 'n?.batchUpdate', "n['batchDelete']", 'save', 'nango.batchDelete']
            );
        });

        it('follows a destructured exec parameter', () => {
            const source =
                "import { createOnEvent } from 'nango';\nexport default createOnEvent({ description: 'd', event: 'validate-connection', exec: async ({ batchSave }) => { await batchSave([], 'A'); } });\n";
            assert.equal(textAt(source, only(projectWith(source).problems(ProblemCode.RecordsUnavailable)).range), 'batchSave');
        });

        it('ignores other receivers and other methods', () => {
            const project = projectWith(
                handlerSource(
                    'post-connection-creation',
                    '        const db = { batchSave: async () => {} };\n        await db.batchSave();\n        await nango.setMetadata({});'
                )
            );
            assert.deepEqual(project.problems(), []);
        });
    });

    describe(ProblemCode.ConnectionConfigAccountCheck, () => {
        const validator = (body: string): string => handlerSource('validate-connection', body);

        it('warns on a comparison of connection.connection_config.x, explaining why and pointing at metadata', () => {
            const source = validator(
                [
                    '        const connection = await nango.getConnection();',
                    '        const metadata = await nango.getMetadata();',
                    '        if (connection.connection_config.org_id !== metadata?.webhookId) {',
                    "            throw new nango.ActionError('account changed');",
                    '        }'
                ].join('\n')
            );
            const project = projectWith(source);
            const problem = only(project.problems(ProblemCode.ConnectionConfigAccountCheck));
            assert.equal(problem.severity, 'warning');
            assert.equal(textAt(source, problem.range), 'connection_config');
            assert.match(problem.message, /on reconnect, Nango upserts the new credentials and overwrites connection_config BEFORE validate-connection runs/);
            assert.match(problem.message, /metadata/);
            assert.match(problem.message, /live identity API call/);
            assert.match(problem.docsUrl ?? '', /event-functions#create-a-connection-validation-function$/);
            assert.equal(textAt(source, only(problem.related).location.range), 'connection.connection_config.org_id !== metadata?.webhookId');
        });

        it('warns on connection_config destructured from getConnection() and compared later', () => {
            const source = validator(
                [
                    '        const { connection_config } = await nango.getConnection();',
                    '        const orgId = connection_config.org_id;',
                    '        const stored = (await nango.getMetadata())?.webhookId;',
                    '        if (stored && stored !== orgId) {',
                    "            throw new nango.ActionError('account changed');",
                    '        }'
                ].join('\n')
            );
            const problem = only(projectWith(source).problems(ProblemCode.ConnectionConfigAccountCheck));
            assert.equal(textAt(source, problem.range), 'connection_config');
            assert.equal(problem.range.start.line, 10);
        });

        it('warns on nested destructuring and on a variable assigned from connection_config', () => {
            const source = validator(
                [
                    '        const { connection_config: { org_id } } = await nango.getConnection();',
                    '        let previous: unknown;',
                    "        previous = (await nango.getConnection())['connection_config'].org_id;",
                    '        const stored = (await nango.getMetadata())?.webhookId;',
                    '        if (org_id !== stored) return;',
                    '        if (stored !== previous) return;'
                ].join('\n')
            );
            const problems = projectWith(source).problems(ProblemCode.ConnectionConfigAccountCheck);
            assert.deepEqual(
                problems.map((p) => [textAt(source, p.range), p.range.start.line]),
                [
                    ['connection_config', 10],
                    ["'connection_config'", 12]
                ]
            );
        });

        it('is silent for reads that are not compared, comparisons with literals, and other events', () => {
            const readOnly = validator(
                "        const { connection_config } = await nango.getConnection();\n        await nango.log(connection_config['instance_url']);"
            );
            const literal = validator(
                "        const connection = await nango.getConnection();\n        if (connection.connection_config['region'] !== 'eu') throw new nango.ActionError('EU only');\n        if (typeof connection.connection_config.x === 'string') return;"
            );
            const setup = handlerSource(
                'post-connection-creation',
                '        const c = await nango.getConnection();\n        if (c.connection_config.a === c.connection_config.b) return;'
            );
            const metadataPattern = validator(
                '        const metadata = await nango.getMetadata();\n        const me = await nango.get({ endpoint: "/me" });\n        if (metadata?.webhookId !== me.data.id) throw new nango.ActionError("switch");'
            );
            for (const source of [readOnly, literal, setup, metadataPattern]) assert.deepEqual(projectWith(source).problems(), [], source);
        });

        it('is silent when connection_config is only read inside a callback', () => {
            const source = validator(
                '        const list = [await nango.getConnection()];\n        const ids = list.map((c) => c.connection_config.id);\n        if (ids.length === list.length) return;'
            );
            assert.deepEqual(projectWith(source).problems(), []);
        });
    });
});
