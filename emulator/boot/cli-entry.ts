// `nango-emulator`: loads the CLI's bundle through the code cache, stores a fresh cache when there was
// none (the CLI runs no user code, so it makes its own), then runs the command.
import path from 'node:path';
import { codeCacheDir, codeCacheFile, loadBundle, storeCodeCache } from './code-cache';

const bundle = path.join(__dirname, 'cli.bundle.js');
const dir = codeCacheDir();
const cacheFile = dir ? codeCacheFile(dir, bundle) : undefined;
const cli = loadBundle(bundle, cacheFile);
if (cacheFile && cli.freshCache) storeCodeCache(cacheFile, cli.freshCache());
const main = cli.exports['main'] as (argv: string[]) => Promise<number>;
void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
});
