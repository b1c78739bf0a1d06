// The built CLI and its worker load their bundles through V8's code cache (emulator/boot): a run fills
// the cache, later runs use it as it is, a cache that is damaged or cannot be written never fails a run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cli, copyExample } from '../server/helpers';

function dryrun(root: string, cacheSetting: string): { code: number | null; ok: boolean; stderr: string } {
    const r = spawnSync(process.execPath, [cli, 'dryrun', 'github/seed-metadata', '--connection', 'gh-admin', '--root', root, '--json'], {
        encoding: 'utf8',
        env: { ...process.env, NANGO_EMULATOR_CODE_CACHE: cacheSetting }
    });
    return { code: r.status, ok: r.status === 0 && (JSON.parse(r.stdout) as { ok: boolean }).ok, stderr: r.stderr };
}

/** The cache files by name, with their contents. */
function cacheFiles(dir: string): Map<string, Buffer> {
    return new Map(readdirSync(dir).map((name) => [name, readFileSync(path.join(dir, name))]));
}

describe('code cache of the CLI and worker bundles', function () {
    this.timeout(60_000);
    let root: string;
    let scratch: string;
    beforeEach(() => {
        root = copyExample('nango-emu-code-cache-');
        scratch = mkdtempSync(path.join(os.tmpdir(), 'nango-emu-v8-'));
    });
    afterEach(() => {
        rmSync(root, { recursive: true, force: true });
        rmSync(scratch, { recursive: true, force: true });
    });

    it('the first run stores a cache for the CLI and for the worker; the next run uses them as they are', () => {
        const dir = path.join(scratch, 'cache');
        assert.ok(dryrun(root, dir).ok);
        const first = cacheFiles(dir);
        assert.deepEqual(
            [...first.keys()].map((name) => name.replace(/-[0-9a-f]+\.bin$/, '')),
            ['cli.bundle', 'worker.bundle']
        );
        const mtimes = [...first.keys()].map((name) => statSync(path.join(dir, name)).mtimeMs);
        assert.ok(dryrun(root, dir).ok);
        // V8 took both caches: nothing was made or written again.
        assert.deepEqual(
            [...first.keys()].map((name) => statSync(path.join(dir, name)).mtimeMs),
            mtimes
        );
    });

    it('a damaged cache is set aside: the run succeeds and the cache is made again', () => {
        const dir = path.join(scratch, 'cache');
        assert.ok(dryrun(root, dir).ok);
        for (const name of readdirSync(dir)) writeFileSync(path.join(dir, name), 'not a V8 code cache');
        assert.ok(dryrun(root, dir).ok);
        for (const [name, data] of cacheFiles(dir)) assert.ok(data.length > 10_000, `${name} was made again`);
    });

    it('"off" stores nothing, and a cache folder that cannot be made fails no run', () => {
        assert.ok(dryrun(root, 'off').ok);
        const blocked = path.join(scratch, 'a-file');
        writeFileSync(blocked, '');
        const r = dryrun(root, path.join(blocked, 'cache'));
        assert.ok(r.ok, r.stderr);
        assert.deepEqual(readdirSync(scratch), ['a-file']);
    });
});
