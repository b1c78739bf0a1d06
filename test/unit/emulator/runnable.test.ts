// What Nango would build before any handler runs, from nango/dist/zeroYaml/compile.js (nango 0.71.10):
// getEntryPoints (only `import './x'` lines of index.ts are built and run) and typeCheck (a type error
// anywhere in them refuses the project).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EmulatorError } from '../../../emulator/core/errors';
import { Emulator } from '../../../emulator/core/lifecycle';
import { entryPointsOf } from '../../../emulator/sandbox/rules';
import { dropWarmState } from '../../../emulator/typecheck';
import { FIXTURES, makeProject, salesforceFixtures } from './project';

const repo = path.resolve(__dirname, '../../..');
const exampleModules = path.join(repo, 'examples/nango-integrations/node_modules');

function handler(event: string, body = `await nango.log('ran');`): string {
    return `import { createOnEvent } from 'nango';\n\nexport default createOnEvent({\n    description: 'test',\n    event: '${event}',\n    exec: async (nango) => {\n        ${body}\n    }\n});\n`;
}

async function rejection(promise: Promise<unknown>): Promise<EmulatorError> {
    try {
        await promise;
    } catch (err) {
        assert.ok(err instanceof EmulatorError, String(err));
        return err;
    }
    assert.fail('it ran');
}

describe('what Nango would build: index.ts imports and the type check', function () {
    this.timeout(60_000);

    it("finds entry points as nango compile does: side-effect imports of './' paths at the start of a line", () => {
        const index = [
            `import './a/on-events/x.js';`,
            `import "./b/on-events/y";`,
            `import { z } from './c/on-events/z.js';`,
            `  import './d/on-events/w.js';`,
            `import '../e.js';`
        ].join('\n');
        assert.deepEqual(entryPointsOf(index), ['./a/on-events/x.js', './b/on-events/y.js']);
    });

    it('connect runs only the handlers index.ts imports; the others are skipped with a warning and the fix', async () => {
        const project = makeProject({
            [FIXTURES]: salesforceFixtures(),
            'index.ts': `import './salesforce/on-events/imported.js';\n`,
            'salesforce/on-events/imported.ts': handler('post-connection-creation', `await nango.log('imported ran');`),
            'salesforce/on-events/forgotten.ts': handler('post-connection-creation', `await nango.log('forgotten ran');`)
        });
        const emulator = new Emulator(project.root);
        try {
            const r = await emulator.connect('salesforce', 'sf-new', 'acme');
            assert.deepEqual(
                r.handlers.map((h) => h.name),
                ['imported']
            );
            assert.deepEqual(
                r.logs.map((l) => l.message),
                ['imported ran']
            );
            const forgotten = path.join(project.root, 'salesforce/on-events/forgotten.ts');
            assert.ok(
                r.warnings.includes(
                    `${forgotten}: index.ts does not import it, so Nango never builds, deploys or runs it (nango/dist/zeroYaml/compile.js getEntryPoints (nango 0.71.10)). Add import './salesforce/on-events/forgotten.js'; to ${path.join(project.root, 'index.ts')}. It was skipped.`
                ),
                JSON.stringify(r.warnings)
            );
        } finally {
            emulator.dispose();
            project.cleanup();
        }
    });

    it('a dry run of a handler index.ts does not import is refused (bad input) with the import to add', async () => {
        const project = makeProject({
            [FIXTURES]: salesforceFixtures(),
            'index.ts': '',
            'salesforce/on-events/forgotten.ts': handler('post-connection-creation')
        });
        const emulator = new Emulator(project.root);
        try {
            const err = await rejection(emulator.dryrun('forgotten', { connectionId: 'sf-1' }));
            assert.equal(err.code, 'handler_not_imported');
            assert.match(
                err.message,
                /forgotten\.ts: index\.ts does not import it, so Nango never builds, deploys or runs it .* Add import '\.\/salesforce\/on-events\/forgotten\.js'; to /
            );
        } finally {
            emulator.dispose();
            project.cleanup();
        }
    });

    it('without node_modules the type check is skipped with a warning that says how to get it', async () => {
        const project = makeProject({ [FIXTURES]: salesforceFixtures(), 'salesforce/on-events/fn.ts': handler('post-connection-creation') });
        const emulator = new Emulator(project.root);
        try {
            const r = await emulator.dryrun('fn', { connectionId: 'sf-1' });
            assert.equal(r.ok, true);
            assert.ok(
                r.warnings.some((w) => /^type check skipped: .*npm install/.test(w)),
                JSON.stringify(r.warnings)
            );
        } finally {
            emulator.dispose();
            project.cleanup();
        }
    });

    describe("with the project's nango installed", () => {
        before(function () {
            if (!existsSync(path.join(exampleModules, 'nango'))) {
                this.timeout(600_000);
                execFileSync('bash', [path.join(repo, 'scripts/check-examples.sh')], { stdio: 'inherit' });
            }
        });

        function typedProject(body: string): ReturnType<typeof makeProject> {
            // "type": "module" as `nango init` writes it: with Node16 resolution, nango's ESM types need it.
            const project = makeProject({
                [FIXTURES]: salesforceFixtures(),
                'package.json': '{ "type": "module" }',
                'salesforce/on-events/fn.ts': handler('post-connection-creation', body)
            });
            symlinkSync(exampleModules, path.join(project.root, 'node_modules'), 'dir');
            return project;
        }

        it("a call Nango's SDK does not have refuses the run like nango compile: TS2339 at the file and line; --no-typecheck runs it", async () => {
            const project = typedProject(`await nango.updateConnectionConfig({ a: 1 });`);
            const file = path.join(project.root, 'salesforce/on-events/fn.ts');
            const checked = new Emulator(project.root);
            const unchecked = new Emulator(project.root, { typecheck: false });
            try {
                const err = await rejection(checked.dryrun('fn', { connectionId: 'sf-1' }));
                assert.equal(err.code, 'typecheck_failed');
                assert.match(err.message, /^nango compile would refuse this project: it type-checks every file .*index\.ts imports, and found 1 error:/);
                assert.ok(err.message.includes(`${file}:7:21 - error TS2339: Property 'updateConnectionConfig' does not exist on type`), err.message);
                assert.match(err.message, /pass --no-typecheck to run anyway/);
                const r = await unchecked.dryrun('fn', { connectionId: 'sf-1' });
                assert.equal(r.error?.type, 'TypeError');
                assert.match(r.error?.message ?? '', /updateConnectionConfig is not a function/);
                // Fixed: it runs, and the unchanged project is answered from the cache next time.
                writeFileSync(file, readFileSync(file, 'utf8').replace('await nango.updateConnectionConfig({ a: 1 });', `await nango.log('fixed');`));
                const fixed = await checked.dryrun('fn', { connectionId: 'sf-1' });
                assert.equal(fixed.ok, true, JSON.stringify(fixed.error));
                assert.deepEqual(fixed.warnings, []);
            } finally {
                checked.dispose();
                unchecked.dispose();
                dropWarmState(project.root);
                project.cleanup();
            }
        });
    });
});
