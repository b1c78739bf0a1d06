import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createMemoryFileSystem, nodeFileSystem } from '../../../src/workspace/file-system';
import { dependsOnNango, findNangoRoots } from '../../../src/workspace/roots';

const NANGO_PACKAGE = JSON.stringify({ name: 'integrations', devDependencies: { nango: '0.71.10' } });

describe('findNangoRoots', () => {
    it('finds a folder with index.ts and integration folders holding on-events/', async () => {
        const fs = createMemoryFileSystem({
            '/ws/README.md': '',
            '/ws/nango-integrations/index.ts': '',
            '/ws/nango-integrations/salesforce/on-events/setup.ts': ''
        });
        assert.deepEqual(await findNangoRoots('/ws', fs), ['/ws/nango-integrations']);
    });

    it('finds a folder with index.ts whose package.json depends on nango, even without functions yet', async () => {
        const fs = createMemoryFileSystem({
            '/ws/integrations/package.json': NANGO_PACKAGE,
            '/ws/integrations/index.ts': '',
            '/ws/app/package.json': '{"dependencies":{"react":"18"}}',
            '/ws/app/index.ts': ''
        });
        assert.deepEqual(await findNangoRoots('/ws', fs), ['/ws/integrations']);
    });

    it('needs index.ts, as the nango CLI does: a package.json depending on nango alone is no root', async () => {
        const fs = createMemoryFileSystem({ '/ws/integrations/package.json': NANGO_PACKAGE, '/ws/integrations/salesforce/syncs/x.ts': '' });
        assert.deepEqual(await findNangoRoots('/ws', fs), []);
    });

    it('prefers the nested nango-integrations folder over a monorepo package.json that depends on nango', async () => {
        const fs = createMemoryFileSystem({
            '/ws/package.json': NANGO_PACKAGE,
            '/ws/packages/nango-integrations/index.ts': '',
            '/ws/packages/nango-integrations/hubspot/on-events/cleanup.ts': ''
        });
        assert.deepEqual(await findNangoRoots('/ws', fs), ['/ws/packages/nango-integrations']);
    });

    it('finds several roots, sorted', async () => {
        const fs = createMemoryFileSystem({
            '/ws/b/index.ts': '',
            '/ws/b/x/on-events/a.ts': '',
            '/ws/a/index.ts': '',
            '/ws/a/package.json': NANGO_PACKAGE
        });
        assert.deepEqual(await findNangoRoots('/ws', fs), ['/ws/a', '/ws/b']);
    });

    it('is the workspace folder itself when it is the nango-integrations folder', async () => {
        const fs = createMemoryFileSystem({ '/ws/index.ts': '', '/ws/github/on-events/v.ts': '' });
        assert.deepEqual(await findNangoRoots('/ws', fs), ['/ws']);
    });

    it('skips node_modules, dist, hidden folders, and ordinary TypeScript projects', async () => {
        const fs = createMemoryFileSystem({
            '/ws/node_modules/pkg/index.ts': '',
            '/ws/node_modules/pkg/a/on-events/x.ts': '',
            '/ws/node_modules/pkg/package.json': NANGO_PACKAGE,
            '/ws/dist/index.ts': '',
            '/ws/dist/a/on-events/x.ts': '',
            '/ws/.nango/index.ts': '',
            '/ws/.nango/a/on-events/x.ts': '',
            '/ws/src/index.ts': '',
            '/ws/src/lib/util.ts': ''
        });
        assert.deepEqual(await findNangoRoots('/ws', fs), []);
    });

    it('respects maxDepth', async () => {
        const fs = createMemoryFileSystem({ '/ws/a/b/c/index.ts': '', '/ws/a/b/c/x/on-events/y.ts': '' });
        assert.deepEqual(await findNangoRoots('/ws', fs, { maxDepth: 2 }), []);
        assert.deepEqual(await findNangoRoots('/ws', fs, { maxDepth: 3 }), ['/ws/a/b/c']);
    });

    it('walks a real folder', async () => {
        const temp = await mkdtemp(path.join(os.tmpdir(), 'nango-roots-'));
        try {
            await mkdir(path.join(temp, 'nango-integrations', 'salesforce', 'on-events'), { recursive: true });
            await writeFile(path.join(temp, 'nango-integrations', 'index.ts'), '');
            await mkdir(path.join(temp, 'node_modules', 'nango'), { recursive: true });
            assert.deepEqual(await findNangoRoots(temp, nodeFileSystem), [path.join(temp, 'nango-integrations')]);
            assert.deepEqual(await findNangoRoots(path.join(temp, 'missing'), nodeFileSystem), []);
        } finally {
            await rm(temp, { recursive: true, force: true });
        }
    });
});

describe('dependsOnNango', () => {
    it('reads dependencies and devDependencies, and tolerates anything else', () => {
        assert.equal(dependsOnNango('{"dependencies":{"nango":"1"}}'), true);
        assert.equal(dependsOnNango(NANGO_PACKAGE), true);
        assert.equal(dependsOnNango('{"dependencies":{"@nangohq/node":"1"}}'), false);
        assert.equal(dependsOnNango('{"dependencies":null}'), false);
        assert.equal(dependsOnNango('not json'), false);
        assert.equal(dependsOnNango('42'), false);
        assert.equal(dependsOnNango(undefined), false);
    });
});
