// Handlers run in Nango's runtime, not plain Node. Each rule is read from Nango's source:
// - packages/runner/lib/exec.ts (NangoHQ/nango at 2f4c0af): the vm context's `require` (url, crypto, zod,
//   botbuilder, soap, unzipper), its globals (Buffer, setTimeout, Error, URL, URLSearchParams, a silent
//   console), codeGeneration { strings: false, wasm: false }, the CommonJS wrapper;
// - packages/runner/lib/sdk/sdk.ts createFunctionFacade: the runner's internals are out of reach;
// - nango/dist/zeroYaml/constants.js allowedPackages and compile.js (nango 0.71.10): imports nango compile refuses.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Emulator } from '../../../emulator/core/lifecycle';
import type { RunResult } from '../../../emulator/core/result';
import { FIXTURES, makeProject, salesforceFixtures, type TestProject } from './project';

function handler(body: string, imports = ''): string {
    return `import { createOnEvent } from 'nango';
${imports}
export default createOnEvent({
    description: 'test',
    event: 'post-connection-creation',
    exec: async (nango) => {
${body}
    }
});
`;
}

/** A project with one handler per entry of `handlers` (name → source), all imported by index.ts. */
function projectWith(handlers: Record<string, string>): TestProject {
    const files: Record<string, string | object> = { [FIXTURES]: salesforceFixtures() };
    for (const [name, source] of Object.entries(handlers)) files[`salesforce/on-events/${name}.ts`] = source;
    return makeProject(files);
}

async function withEmulator<T>(project: TestProject, use: (emulator: Emulator) => Promise<T>): Promise<T> {
    const emulator = new Emulator(project.root, { timeoutMs: 10_000 });
    try {
        return await use(emulator);
    } finally {
        emulator.dispose();
        project.cleanup();
    }
}

async function runBody(body: string, imports = ''): Promise<RunResult> {
    return withEmulator(projectWith({ fn: handler(body, imports) }), (e) => e.dryrun('fn', { connectionId: 'sf-1' }));
}

async function compileError(imports: string, body = ''): Promise<{ code: string; message: string }> {
    try {
        await runBody(body, imports);
    } catch (err) {
        return err as { code: string; message: string };
    }
    assert.fail('the handler compiled');
}

const logged = (r: RunResult): string[] => r.logs.filter((l) => l.source === 'nango').map((l) => l.message);

describe("handlers run in Nango's runtime", () => {
    describe("require: only Nango's modules (packages/runner/lib/exec.ts)", () => {
        it('crypto, url and zod work', async () => {
            const r = await runBody(
                `const id = crypto.createHash('sha256').update('x').digest('hex').slice(0, 8);
                 const u = new url.URL('https://a.test/p?q=1');
                 const parsed = z.object({ a: z.string() }).parse({ a: 'ok' });
                 await nango.log(id, u.searchParams.get('q'), parsed.a);`,
                `import crypto from 'crypto';\nimport * as url from 'url';\nimport * as z from 'zod';`
            );
            assert.equal(r.ok, true, JSON.stringify(r.error));
            assert.deepEqual(logged(r), ['2d711642 1 ok']);
        });

        it("node:crypto passes nango compile but fails when the file loads: use 'crypto'", async () => {
            const err = await compileError(`import { randomUUID } from 'node:crypto';`, `await nango.log(randomUUID());`);
            assert.equal(err.code, 'handler_invalid');
            assert.match(
                err.message,
                /fn\.ts:2:\d+: loading the file threw Error: Module 'node:crypto' is not allowed: Nango's runtime only lets event functions require url, crypto, zod, botbuilder, soap and unzipper/
            );
            assert.match(err.message, /Import from 'crypto' instead/);
        });

        it('a require() of a Node module fails at the line that calls it', async () => {
            const r = await runBody(`const fs = require('fs');\n        await nango.log(fs.readFileSync('/etc/hostname', 'utf8'));`);
            assert.equal(r.ok, false);
            assert.match(r.error!.message, /^Module 'fs' is not allowed: .*Event functions have no file system/);
            assert.match(r.error!.location!.file, /fn\.ts$/);
            assert.equal(r.error!.location!.line, 7);
        });

        for (const mod of ['fs', 'node:net', 'child_process', 'http']) {
            it(`import of '${mod}' is refused before the run, as nango compile refuses it`, async () => {
                const err = await compileError(`import * as m from '${mod}';`, `await nango.log(String(Object.keys(m).length));`);
                assert.equal(err.code, 'handler_compile_failed');
                assert.match(
                    err.message,
                    new RegExp(`fn\\.ts:2:\\d+: Import of package '${mod}' is not allowed\\. Allowed packages are: nango/experimental, url, node:url, crypto`)
                );
                assert.match(err.message, /nango compile refuses it/);
            });
        }

        it('an npm package outside the allow-list is refused before the run', async () => {
            const err = await compileError(`import { merge } from 'lodash';`, `await nango.log(String(merge({}, {})));`);
            assert.equal(err.code, 'handler_compile_failed');
            assert.match(err.message, /Import of package 'lodash' is not allowed/);
        });

        it("a value imported from 'nango' other than the factories is refused: use nango.ActionError", async () => {
            const err = await compileError(`import { ActionError } from 'nango';`, `throw new ActionError({ message: 'x' });`);
            assert.equal(err.code, 'handler_compile_failed');
            assert.match(err.message, /'ActionError' is imported from 'nango' as a value: nango compile only takes out createOnEvent/);
            assert.match(err.message, /Module 'nango' is not allowed/);
            assert.match(err.message, /throw new nango\.ActionError/);
        });

        it('types imported from anywhere cost nothing at run time', async () => {
            const r = await runBody(
                `const x: Partial<NangoAction> = {}; await nango.log(String(Object.keys(x).length));`,
                `import type { NangoAction } from 'nango';`
            );
            assert.equal(r.ok, true, JSON.stringify(r.error));
        });
    });

    describe('globals: only what Nango passes in', () => {
        it('Buffer, setTimeout, URL, URLSearchParams and Error work', async () => {
            const r = await runBody(
                `await new Promise((resolve) => setTimeout(resolve, 5));
                 const b = Buffer.from('hi').toString('base64');
                 const q = new URLSearchParams({ a: '1' }).toString();
                 const e = new Error('e');
                 await nango.log(b, q, new URL('https://x.test/a').pathname, String(e instanceof Error));`
            );
            assert.equal(r.ok, true, JSON.stringify(r.error));
            assert.deepEqual(logged(r), ['aGk= a=1 /a true']);
        });

        const missing: [string, string, RegExp][] = [
            ['process', `await nango.log(String(process.env['HOME']));`, /nango\.getEnvironmentVariables\(\)/],
            ['fetch', `await fetch('https://example.com');`, /nango\.get\/post\/put\/patch\/delete/],
            ['setInterval', `setInterval(() => undefined, 10);`, /loop with await and setTimeout/],
            ['clearTimeout', `clearTimeout(setTimeout(() => undefined, 10));`, /do not cancel timers/],
            ['structuredClone', `structuredClone({ a: 1 });`, /JSON\.parse\(JSON\.stringify\(value\)\)/],
            ['TextEncoder', `new TextEncoder();`, /Buffer\.from\(text, 'utf8'\)/],
            ['atob', `atob('aGk=');`, /Buffer\.from\(text, 'base64'\)/],
            ['AbortController', `new AbortController();`, /proxy config/]
        ];
        for (const [name, body, advice] of missing) {
            it(`${name} is not defined, and the error says what to use instead`, async () => {
                const r = await runBody(body);
                assert.equal(r.ok, false);
                assert.equal(r.error!.type, 'ReferenceError');
                assert.match(r.error!.message, new RegExp(`^${name} is not defined: Nango's runtime has no global ${name} .*packages/runner/lib/exec\\.ts`));
                assert.match(r.error!.message, advice);
                assert.equal(r.error!.location?.line, 7);
            });
        }

        it('eval and new Function are blocked (code generation from strings is off)', async () => {
            for (const body of [`eval('1 + 1');`, `new Function('return 1')();`]) {
                const r = await runBody(body);
                assert.equal(r.error!.type, 'EvalError', body);
                assert.match(r.error!.message, /eval, new Function and string timers are blocked in Nango's runtime/);
            }
        });

        it("console output is shown, with a note that Nango's logs never get it", async () => {
            const r = await runBody(`console.log('hello', { a: 1 });`);
            assert.equal(r.ok, true);
            assert.deepEqual(
                r.logs.map((l) => [l.source, l.message]),
                [
                    ['emulator', "console output never reaches Nango's logs (its runtime drops it): use await nango.log(...) for what you want to see there."],
                    ['console', 'hello {"a":1}']
                ]
            );
        });
    });

    describe("nothing reaches the worker's state, the files or a later run", () => {
        it("the emulator's internals behind nango are out of reach, as Nango's facade hides its runner's", async () => {
            for (const prop of ['req', 'fakes', 'hooks', 'metadata', 'constructor', '__proto__']) {
                const r = await runBody(`await nango.log(String((nango as any)['${prop}']));`);
                assert.equal(r.ok, false, prop);
                assert.match(r.error!.message, new RegExp(`^Access to "${prop}" is not allowed\\.`), prop);
            }
            const r = await runBody(`await nango.log(String(Object.getPrototypeOf(nango)), String('getConnection' in nango), String('req' in nango));`);
            assert.deepEqual(logged(r), ['null true false']);
        });

        it('a method the SDK does not have is undefined, as in Nango (the type check catches it first)', async () => {
            const r = await runBody(`await (nango as any).updateConnectionConfig({});`);
            assert.equal(r.error!.type, 'TypeError');
            assert.match(r.error!.message, /updateConnectionConfig is not a function/);
        });

        it("host functions' constructors cannot compile code outside the context", async () => {
            const r = await runBody(`const p = (setTimeout as any).constructor('return process')(); await nango.log(String(typeof p));`);
            assert.equal(r.ok, false);
            assert.equal(r.error!.type, 'EvalError');
        });

        it('Error.prepareStackTrace cannot be set (it would hand the handler the worker’s own frames)', async () => {
            const r = await runBody(`(Error as any).prepareStackTrace = (_e: unknown, frames: unknown[]) => frames;`);
            assert.equal(r.ok, false);
            assert.match(r.error!.message, /Cannot change Error\.prepareStackTrace/);
        });

        it('globals a run defines are gone in the next run, also in a warm worker', async () => {
            const project = projectWith({
                write: handler(`(globalThis as any).leak = 'from-first-run'; await nango.log('wrote');`),
                read: handler(`await nango.log(String((globalThis as any).leak));`)
            });
            await withEmulator(project, async (e) => {
                assert.deepEqual(logged(await e.dryrun('write', { connectionId: 'sf-1' })), ['wrote']);
                assert.deepEqual(logged(await e.dryrun('read', { connectionId: 'sf-1' })), ['undefined']);
            });
        });

        it('a timer left running does not fire into a later run', async () => {
            const project = projectWith({
                arm: handler(`setTimeout(() => { throw new Error('late timer'); }, 150); await nango.log('armed');`),
                wait: handler(`await new Promise((resolve) => setTimeout(resolve, 400)); await nango.log('waited');`)
            });
            await withEmulator(project, async (e) => {
                assert.equal((await e.dryrun('arm', { connectionId: 'sf-1' })).ok, true);
                const later = await e.dryrun('wait', { connectionId: 'sf-1' });
                assert.equal(later.ok, true, JSON.stringify(later.error));
                assert.deepEqual(logged(later), ['waited']);
            });
        });

        it('a run that changes a shared prototype retires the worker: the next run sees the original', async () => {
            const project = projectWith({
                poison: handler(
                    `const conn = await nango.getConnection(); (Object.getPrototypeOf(Object.getPrototypeOf(conn)) ?? Object.getPrototypeOf(conn)).poisoned = 'yes'; await nango.log('poisoned');`
                ),
                check: handler(`const conn = await nango.getConnection(); await nango.log(String((conn as any).poisoned));`)
            });
            await withEmulator(project, async (e) => {
                const first = await e.dryrun('poison', { connectionId: 'sf-1' });
                assert.ok(
                    first.logs.some(
                        (l) =>
                            l.source === 'emulator' &&
                            /changed objects the emulator's worker shares between runs \(Object\.prototype\.poisoned \(added\)\)/.test(l.message)
                    )
                );
                assert.deepEqual(logged(await e.dryrun('check', { connectionId: 'sf-1' })), ['undefined']);
            });
        });

        it('module objects are fresh per run: replacing crypto.randomUUID lasts one run', async () => {
            const project = projectWith({
                patch: handler(`(crypto as any).randomUUID = () => 'fixed'; await nango.log(crypto.randomUUID());`, `import crypto from 'crypto';`),
                use: handler(`await nango.log(String(crypto.randomUUID() === 'fixed'));`, `import crypto from 'crypto';`)
            });
            await withEmulator(project, async (e) => {
                assert.deepEqual(logged(await e.dryrun('patch', { connectionId: 'sf-1' })), ['fixed']);
                assert.deepEqual(logged(await e.dryrun('use', { connectionId: 'sf-1' })), ['false']);
            });
        });

        it('the compiled-handler cache cannot be written from a handler, even past the context', async () => {
            const project = projectWith({ fn: handler(`await nango.log('ran');`) });
            await withEmulator(project, async (e) => {
                await e.dryrun('fn', { connectionId: 'sf-1' });
                const cache = path.join(project.root, '.nango-emulator', 'cache');
                const compiled = readdirSync(cache).find((f) => f.endsWith('.cjs'));
                assert.ok(compiled);
                const before = readFileSync(path.join(cache, compiled), 'utf8');
                // What a handler would run if it ever got hold of the worker's `require` (Node's permission model stops it).
                const probe = `try { require('fs').writeFileSync(${JSON.stringify(path.join(cache, compiled))}, 'poisoned'); console.log('wrote'); } catch (e) { console.log(e.code); }`;
                const worker = path.join(__dirname, '..', '..', '..', 'dist', 'emulator', 'worker.js');
                const { sandboxWorkerFlags } = await import('../../../emulator/sandbox/worker-flags');
                const out = execFileSync(process.execPath, [...sandboxWorkerFlags([path.dirname(worker), cache]), '--no-warnings', '-e', probe], {
                    encoding: 'utf8'
                });
                assert.equal(out.trim(), 'ERR_ACCESS_DENIED');
                assert.equal(readFileSync(path.join(cache, compiled), 'utf8'), before);
                writeFileSync(path.join(project.root, 'unused.txt'), '');
            });
        });
    });
});
