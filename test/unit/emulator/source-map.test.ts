// Positions in a handler's compiled code, as V8 reports them, must be positions in the compiled file:
// VS Code's JavaScript debugger maps breakpoints and paused locations through the inline source map
// esbuild writes, with no idea of the sandbox's wrapper, and the emulator maps stack traces with the
// same map. Checked here with an in-process inspector session: what a debugger attached to the worker sees.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import inspector from 'node:inspector';
import { SourceMap } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compileFile } from '../../../emulator/project/compile';
import { createSandbox } from '../../../emulator/sandbox/context';
import { CompiledSourceMap } from '../../../emulator/sandbox/source-map';
import { makeProject, type TestProject } from './project';

// 1-based lines of the two `debugger;` statements and of the throw below.
const HANDLER = `import { createOnEvent } from 'nango';
import * as z from 'zod';

const Shape = z.object({ a: z.string() });
debugger;

export default createOnEvent({
    description: 'test',
    event: 'post-connection-creation',
    exec: async (nango) => {
        const parsed = Shape.parse({ a: 'x' });
        debugger;
        await nango.log(parsed.a);
        if (parsed.a === 'x') throw new Error('boom');
    }
});
`;
const TOP_LEVEL_DEBUGGER = 5;
const EXEC_DEBUGGER = 12;
const THROW = 14;

interface Paused {
    url: string;
    sourceMapURL: string;
    lineNumber: number;
    columnNumber: number;
}

/** Where a debugger shows a paused location: the compiled script's map applied to V8's position as is. */
function asADebuggerMapsIt(paused: Paused): { file: string; line: number } {
    const data = /^data:application\/json;base64,(.*)$/.exec(paused.sourceMapURL);
    assert.ok(data?.[1], `the script's source map is not inline: ${paused.sourceMapURL.slice(0, 80)}`);
    const map = new SourceMap(JSON.parse(Buffer.from(data[1], 'base64').toString('utf8')) as ConstructorParameters<typeof SourceMap>[0]);
    const entry = map.findEntry(paused.lineNumber, paused.columnNumber) as { originalSource?: string; originalLine?: number };
    assert.ok(entry.originalSource !== undefined && entry.originalLine !== undefined, `no mapping at ${paused.lineNumber}:${paused.columnNumber}`);
    // Sources are relative to the compiled script (sourcesContent is off: the debugger reads the file).
    return { file: fileURLToPath(new URL(entry.originalSource, paused.url)), line: entry.originalLine + 1 };
}

describe('source maps of compiled handlers', function () {
    let project: TestProject;
    let handlerFile: string;
    let compiledFile: string;

    before(async function () {
        project = makeProject({ 'salesforce/on-events/fn.ts': HANDLER });
        handlerFile = `${project.root}/salesforce/on-events/fn.ts`;
        compiledFile = (await compileFile(project.root, handlerFile)).compiled;
    });
    after(() => project.cleanup());

    it('a debugger pausing in the sandbox maps to the TypeScript lines (the wrapper shifts no line)', async function () {
        const session = new inspector.Session();
        session.connect();
        const scripts = new Map<string, { url: string; sourceMapURL: string }>();
        const paused: Paused[] = [];
        session.on('Debugger.scriptParsed', (m) => scripts.set(m.params.scriptId, { url: m.params.url, sourceMapURL: m.params.sourceMapURL ?? '' }));
        session.on('Debugger.paused', (m) => {
            const location = m.params.callFrames[0]!.location;
            const script = scripts.get(location.scriptId);
            if (script) paused.push({ ...script, lineNumber: location.lineNumber, columnNumber: location.columnNumber ?? 0 });
            session.post('Debugger.resume');
        });
        session.post('Debugger.enable');
        const sandbox = createSandbox({ code: readFileSync(compiledFile, 'utf8'), compiledFile, projectRoot: project.root, onConsole: () => undefined });
        try {
            const mod = sandbox.evaluate() as { default: { exec: (nango: unknown) => Promise<void> } };
            await assert.rejects(mod.default.exec({ log: async () => undefined }), /boom/);
        } finally {
            sandbox.dispose();
            session.disconnect();
        }
        assert.equal(paused.length, 2, JSON.stringify(paused));
        assert.equal(paused[0]!.url, pathToFileURL(compiledFile).href, 'the script is named after the compiled file its map is relative to');
        assert.deepEqual(
            paused.map((p) => asADebuggerMapsIt(p)),
            [
                { file: handlerFile, line: TOP_LEVEL_DEBUGGER },
                { file: handlerFile, line: EXEC_DEBUGGER }
            ]
        );
    });

    it("the emulator's own stack mapping gives the same TypeScript line", async function () {
        const sandbox = createSandbox({ code: readFileSync(compiledFile, 'utf8'), compiledFile, projectRoot: project.root, onConsole: () => undefined });
        try {
            const mod = sandbox.evaluate() as { default: { exec: (nango: unknown) => Promise<void> } };
            const err = await mod.default.exec({ log: async () => undefined }).then(
                () => assert.fail('exec did not throw'),
                (e: unknown) => e as Error
            );
            assert.match(sandbox.sourceMap!.mapStack(err.stack!), new RegExp(`${handlerFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${THROW}:\\d+`));
        } finally {
            sandbox.dispose();
        }
    });

    it("maps the first line's columns without the wrapper head that shares it", function () {
        // A synthetic map: generated line 1, columns 0 / 6 / 10 → original lines 5 / 9 / 12 of src.ts.
        const map = { version: 3, sources: ['src.ts'], names: [], mappings: 'AAIA,MAIA,IAGA' };
        const code = `throw new Error('first line');\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
        const compiledFile = '/project/.nango-emulator/cache/src-0.cjs';
        const sandbox = createSandbox({ code, compiledFile, projectRoot: '/project', onConsole: () => undefined });
        let stack = '';
        try {
            sandbox.evaluate();
        } catch (err) {
            stack = (err as Error).stack ?? '';
        } finally {
            sandbox.dispose();
        }
        // `new Error(...)` starts at column 7 (1-based) of the compiled code's first line.
        assert.match(sandbox.sourceMap!.mapStack(stack), /\/project\/\.nango-emulator\/cache\/src\.ts:9:1/);
        assert.deepEqual(CompiledSourceMap.fromCode(code, compiledFile)!.original(1, 7), { file: '/project/.nango-emulator/cache/src.ts', line: 9, column: 1 });
    });
});
