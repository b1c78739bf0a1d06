// One rule, used by the emulator (emulator/project/project.ts) and the editor (src/workspace) alike: what a
// handler file is and where the nango-integrations root is, as Nango's CLI decides them.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findRoot, listHandlerFiles } from '../../../emulator/project/project';
import { classifyFile, nangoRootKind } from '../../../emulator/project/layout';
import { nodeFileSystem } from '../../../src/workspace/file-system';
import { WorkspaceModel } from '../../../src/workspace/model';
import { findNangoRoots } from '../../../src/workspace/roots';

const NANGO_PACKAGE = JSON.stringify({ devDependencies: { nango: '0.71.10' } });

function tree(files: Record<string, string>): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nango-layout-'));
    for (const [relative, text] of Object.entries(files)) {
        const file = path.join(dir, relative);
        mkdirSync(relative.endsWith('/') ? file : path.dirname(file), { recursive: true });
        if (!relative.endsWith('/')) writeFileSync(file, text);
    }
    return dir;
}

describe('project layout (shared by the emulator and the workspace model)', () => {
    it('a handler is a .ts file of <integration>/on-events/, as `nango compile` loads it', () => {
        const root = '/p';
        assert.equal(classifyFile(root, '/p/github/on-events/setup.ts'), 'handler');
        // nango compile turns `import './x'` into x.ts: a .test.ts there is still built; .mts/.cts/.d.ts never are.
        assert.equal(classifyFile(root, '/p/github/on-events/setup.test.ts'), 'handler');
        assert.equal(classifyFile(root, '/p/github/on-events/setup.mts'), 'other');
        assert.equal(classifyFile(root, '/p/github/on-events/types.d.ts'), 'other');
        assert.equal(classifyFile(root, '/p/github/on-events/nested/setup.ts'), 'other');
        // build/ is where nango compile writes; dist/, node_modules/ and hidden folders are skipped too.
        assert.equal(classifyFile(root, '/p/build/on-events/setup.ts'), 'outside');
        assert.equal(classifyFile(root, '/p/.nango/on-events/setup.ts'), 'outside');
        assert.equal(classifyFile(root, '/p/index.ts'), 'index');
    });

    it('the emulator lists the handlers the workspace model sees', async () => {
        const root = tree({
            'index.ts': '',
            'github/on-events/setup.ts': '',
            'github/on-events/setup.test.ts': '',
            'github/on-events/legacy.mts': '',
            'github/on-events/types.d.ts': '',
            'github/on-events/folder.ts/inner.ts': '',
            'build/on-events/compiled.ts': '',
            'dist/on-events/compiled.ts': ''
        });
        try {
            const model = await WorkspaceModel.load(root, nodeFileSystem);
            const expected = [path.join(root, 'github/on-events/setup.test.ts'), path.join(root, 'github/on-events/setup.ts')];
            assert.deepEqual(
                model.handlers().map((h) => h.file),
                expected
            );
            assert.deepEqual(
                listHandlerFiles(root)
                    .map((h) => h.file)
                    .sort(),
                expected
            );
            assert.deepEqual(
                listHandlerFiles(root)
                    .map((h) => `${h.integration}/${h.name}`)
                    .sort(),
                ['github/setup', 'github/setup.test'].sort()
            );
        } finally {
            rmSync(root, { recursive: true, force: true });
        }
    });

    it('a root needs index.ts, as the nango CLI does, beside on-events/ folders or a package.json depending on nango', async () => {
        assert.equal(nangoRootKind({ hasIndexFile: false, hasOnEventsFolder: true, dependsOnNango: true }), undefined);
        assert.equal(nangoRootKind({ hasIndexFile: true, hasOnEventsFolder: true, dependsOnNango: false }), 'certain');
        assert.equal(nangoRootKind({ hasIndexFile: true, hasOnEventsFolder: false, dependsOnNango: true }), 'likely');
        assert.equal(nangoRootKind({ hasIndexFile: true, hasOnEventsFolder: false, dependsOnNango: false }), undefined);
        const dir = tree({
            'no-index/package.json': NANGO_PACKAGE,
            'no-index/github/on-events/setup.ts': '',
            'empty/index.ts': '',
            'empty/github/on-events/': '',
            'package-only/index.ts': '',
            'package-only/package.json': NANGO_PACKAGE
        });
        try {
            assert.deepEqual(await findNangoRoots(dir, nodeFileSystem), [path.join(dir, 'empty'), path.join(dir, 'package-only')]);
            assert.equal(findRoot(path.join(dir, 'empty')), path.join(dir, 'empty'));
            assert.equal(findRoot(path.join(dir, 'package-only')), path.join(dir, 'package-only'));
            assert.throws(() => findRoot(path.join(dir, 'no-index', 'github')), /no nango-integrations folder found/);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
