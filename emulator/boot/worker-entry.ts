// The handler worker's entry: loads the worker's bundle through the code cache its parent named.
// A fresh cache is made and sent before the worker announces it is ready, so before it has read any
// request or run any user code: nothing a handler does can reach a later worker through it. The worker
// may write no file (Node's permission model), so its parent stores the cache.
import path from 'node:path';
import { CODE_CACHE_ENV, type CodeCacheMessage } from '../core/protocol';
import { loadBundle } from './code-cache';

const cacheFile = process.env[CODE_CACHE_ENV];
const worker = loadBundle(path.join(__dirname, 'worker.bundle.js'), cacheFile);
if (cacheFile && worker.freshCache) {
    const message: CodeCacheMessage = { type: 'codeCache', data: worker.freshCache() };
    process.send?.(message);
}
(worker.exports['announceReady'] as () => void)();
