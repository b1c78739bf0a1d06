// Bundles the extension, the emulator CLI and the handler worker with esbuild, and extracts
// the slice of Nango's providers catalogue the emulator needs (so runs never parse 1 MB of YAML).
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** @type {esbuild.BuildOptions} */
const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    minify: production,
    logLevel: 'warning',
    // esbuild compiles user handlers at run time, so it stays a real dependency, not bundled.
    external: ['esbuild', 'esbuild-wasm']
};

const entries = [
    // The extension proper stays small; its heavy half (parser, emulator code) is dist/core.js, loaded on first use.
    {
        entryPoints: { extension: 'src/extension.ts' },
        outdir: 'dist',
        external: ['vscode', 'esbuild', 'esbuild-wasm', './core.js'],
        banner: { js: 'const __nangoExtensionLoadStart = performance.now();' },
        footer: { js: 'const __nangoExtensionLoadEnd = performance.now();' }
    },
    { entryPoints: { core: 'src/core.ts' }, outdir: 'dist', external: ['vscode', 'esbuild', 'esbuild-wasm'] },
    // cli.js and worker.js are small entries that load the bundles through V8's code cache (emulator/boot).
    {
        entryPoints: { cli: 'emulator/boot/cli-entry.ts', worker: 'emulator/boot/worker-entry.ts' },
        outdir: 'dist/emulator',
        banner: { js: '#!/usr/bin/env node\n"use strict";' }
    },
    // Strict mode throughout: no sloppy function of the worker's can hand user code its caller or `this`.
    { entryPoints: { 'cli.bundle': 'emulator/cli.ts', 'worker.bundle': 'emulator/worker.ts' }, outdir: 'dist/emulator', banner: { js: '"use strict";' } }
];

async function writeProvidersCatalogue() {
    const { loadProvidersYaml } = await import('@nangohq/providers');
    const all = loadProvidersYaml();
    if (!all) throw new Error('@nangohq/providers: providers.yaml could not be loaded');
    const slim = {};
    for (const [name, p] of Object.entries(all)) {
        slim[name] = {
            display_name: p.display_name,
            auth_mode: p.auth_mode,
            proxy: p.proxy
                ? {
                      base_url: p.proxy.base_url,
                      headers: p.proxy.headers,
                      query: p.proxy.query,
                      paginate: p.proxy.paginate,
                      retry: p.proxy.retry,
                      decompress: p.proxy.decompress
                  }
                : undefined,
            docs: p.docs
        };
    }
    await mkdir(path.join(root, 'dist/emulator'), { recursive: true });
    await writeFile(path.join(root, 'dist/emulator/providers.json'), JSON.stringify(slim));
}

// The extension entry appears with the extension layer; until then only the emulator is built.
const existing = entries.filter((e) => Object.values(e.entryPoints).every((f) => existsSync(path.join(root, f))));
await writeProvidersCatalogue();
if (watch) {
    for (const e of existing) await (await esbuild.context({ ...common, ...e })).watch();
} else {
    await Promise.all(existing.map((e) => esbuild.build({ ...common, ...e })));
}
