// The package as others get it: `npm pack` of this repository installs into a Nango project that has no
// node_modules of its own, and `npx nango-emulator` runs a handler there (compiling with the CLI's own
// esbuild); the .vsix and the tarball carry exactly the expected files; package.json has what a
// marketplace asks for. Needs the bundles (npm run build). Packs with --ignore-scripts, so the bundles
// under test are the ones already built (the prepack script's production build would rewrite dist/
// under the other tests' feet); `npm run package` and `npm pack` rebuild them for production.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { copyExample, repo } from '../server/helpers';

/** What both the .vsix and the npm tarball carry: the bundles, their data, snippets, icon and docs. */
const SHIPPED = [
    'CHANGELOG.md',
    'LICENSE',
    'README.md',
    'dist/core.js',
    'dist/emulator/cli.bundle.js',
    'dist/emulator/cli.js',
    'dist/emulator/providers.json',
    'dist/emulator/worker.bundle.js',
    'dist/emulator/worker.js',
    'dist/extension.js',
    'images/icon.png',
    'images/nango.svg',
    'package.json',
    'schemas/fixtures.schema.json',
    'schemas/scenarios.schema.json',
    'snippets/nango.code-snippets'
];

interface Manifest {
    name: string;
    version: string;
    private?: boolean;
    icon?: string;
    main: string;
    bin: Record<string, string>;
    files: string[];
    keywords?: string[];
    categories?: string[];
    license?: string;
    dependencies: Record<string, string>;
    scripts: Record<string, string>;
}

const manifest = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as Manifest;

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
    const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
    if (result.error) throw result.error;
    return result;
}

function ok(result: SpawnSyncReturns<string>, what: string): string {
    assert.equal(result.status, 0, `${what} exited ${result.status}:\n${result.stderr}\n${result.stdout}`);
    return result.stdout;
}

describe('packaging', function () {
    this.timeout(300_000);

    before(function () {
        for (const file of SHIPPED.filter((f) => f.startsWith('dist/'))) {
            assert.ok(existsSync(path.join(repo, file)), `${file} is missing: run npm run build first`);
        }
    });

    it('package.json has the marketplace and npm metadata (repository, bugs and homepage wait for the real repository URL)', () => {
        assert.equal(manifest.private, undefined, 'a private package cannot be published');
        for (const field of ['license', 'icon'] as const) assert.ok(manifest[field], `package.json has no ${field}`);
        // Everything the bundles hold stays out of an install: only esbuild (kept out of them) is a dependency.
        assert.deepEqual(Object.keys(manifest.dependencies), ['esbuild']);
        assert.ok((manifest.keywords ?? []).length >= 3 && (manifest.keywords ?? []).length <= 30, 'keywords (the marketplace takes at most 30)');
        assert.ok((manifest.categories ?? []).length > 0, 'categories');
        assert.ok(manifest.dependencies['esbuild'], 'esbuild is kept out of the bundles, so the CLI needs it as a dependency');
        assert.equal(manifest.bin['nango-emulator'], './dist/emulator/cli.js');
        assert.ok(readFileSync(path.join(repo, manifest.bin['nango-emulator']), 'utf8').startsWith('#!/usr/bin/env node\n'), 'the bin has a node shebang');
    });

    it('the icon is a 128×128 PNG', () => {
        const png = readFileSync(path.join(repo, manifest.icon!));
        assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
        assert.equal(png.subarray(12, 16).toString('ascii'), 'IHDR');
        assert.equal(png.readUInt32BE(16), 128);
        assert.equal(png.readUInt32BE(20), 128);
    });

    it('the .vsix lists exactly the bundles, snippets, icon and docs (no node_modules, no source maps)', () => {
        const listed = ok(run('npx', ['--no', 'vsce', 'ls', '--no-dependencies'], repo), 'vsce ls')
            .split('\n')
            .map((l) => l.trim())
            .filter(Boolean);
        assert.deepEqual([...listed].sort(), SHIPPED);
    });

    it('npm pack carries exactly the same files', () => {
        const [packed] = JSON.parse(ok(run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], repo), 'npm pack --dry-run')) as {
            files: { path: string }[];
        }[];
        assert.deepEqual(packed!.files.map((f) => f.path).sort(), SHIPPED);
    });

    it('npm install <tarball> in a Nango project without node_modules gives a working npx nango-emulator', () => {
        const tmp = mkdtempSync(path.join(os.tmpdir(), 'nango-emu-pack-'));
        const project = copyExample('nango-emu-install-');
        try {
            const out = ok(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], repo), 'npm pack');
            const [packed] = JSON.parse(out) as { filename: string }[];
            const tarball = path.join(tmp, packed!.filename);
            assert.ok(existsSync(tarball), tarball);

            // The project's own packages (nango, which brings esbuild) are not installed: the CLI must bring its compiler.
            const projectManifest = path.join(project, 'package.json');
            const pkg = JSON.parse(readFileSync(projectManifest, 'utf8')) as Record<string, unknown>;
            delete pkg['devDependencies'];
            delete pkg['dependencies'];
            writeFileSync(projectManifest, JSON.stringify(pkg, null, 4) + '\n');
            rmSync(path.join(project, 'package-lock.json'), { force: true });

            ok(run('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline'], project), 'npm install <tarball>');
            const installed = readdirSync(path.join(project, 'node_modules'));
            assert.ok(installed.includes(manifest.name) && installed.includes('esbuild'), installed.join(', '));
            assert.ok(!installed.includes('nango'), 'the project has no nango package installed');

            const result = run(
                'npx',
                ['--no', 'nango-emulator', 'dryrun', 'github/seed-metadata', '--connection', 'gh-admin', '--json', '--no-typecheck'],
                project
            );
            const json = JSON.parse(ok(result, 'npx nango-emulator dryrun')) as {
                ok: boolean;
                outcome: string;
                integration: string;
                handlers: { name: string; ok: boolean }[];
            };
            assert.equal(json.ok, true, result.stdout);
            assert.equal(json.outcome, 'ran');
            assert.equal(json.integration, 'github');
            assert.deepEqual(
                json.handlers.map((h) => [h.name, h.ok]),
                [['seed-metadata', true]]
            );
        } finally {
            rmSync(tmp, { recursive: true, force: true });
            rmSync(project, { recursive: true, force: true });
        }
    });
});
