// The real `nango compile` (nango 0.71.10) and the emulator judge the same projects the same way:
// what nango compile refuses (an import outside its allow-list, a type error under its own compiler
// options) the emulator refuses before running, with the same file, line and reason; what it accepts
// the emulator runs. Sources: nango/dist/zeroYaml/compile.js (typeCheck, nangoPlugin) and constants.js.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli, copyExample, SECRET_KEY } from '../unit/server/helpers';
import { describeRun, ensureNango, nangoEnv, OFFLINE_FLAGS, peerDir, runNango } from './nango';

const HANDLER = 'github/on-events/seed-metadata.ts';
const EXEC = 'exec: async (nango) => {';

interface Variant {
    name: string;
    edit: (source: string) => string;
    /** What both must say: null when both accept the project. */
    refusal: { nango: RegExp; emulator: RegExp } | null;
}

const VARIANTS: Variant[] = [
    { name: 'the example as it is', edit: (s) => s, refusal: null },
    {
        name: "an import of 'fs'",
        edit: (s) => `import fs from 'fs';\n${s.replace(EXEC, `${EXEC}\n        await nango.log(String(fs.existsSync('/x')));`)}`,
        refusal: { nango: /Import of package 'fs' is not allowed/, emulator: /seed-metadata\.ts:1:\d+: Import of package 'fs' is not allowed/ }
    },
    {
        name: "a call Nango's SDK does not have (TS2339)",
        edit: (s) => s.replace(EXEC, `${EXEC}\n        await nango.updateConnectionConfig({});`),
        refusal: {
            nango: /TS2339|Property 'updateConnectionConfig' does not exist/,
            emulator: /seed-metadata\.ts:\d+:\d+ - error TS2339: Property 'updateConnectionConfig' does not exist/
        }
    },
    {
        name: 'an unused local (Nango compiles with noUnusedLocals, whatever tsconfig.json says)',
        edit: (s) => s.replace(EXEC, `${EXEC}\n        const unused = 1;`),
        refusal: {
            nango: /TS6133|'unused' is declared but its value is never read/,
            emulator: /error TS6133: 'unused' is declared but its value is never read/
        }
    }
];

describe('nango compile and the emulator refuse the same projects', function () {
    this.timeout(600_000);
    let project: string;
    let original: string;
    let env: NodeJS.ProcessEnv;

    before(async () => {
        await ensureNango();
        project = copyExample('nango-compile-parity-');
        symlinkSync(path.join(peerDir, 'node_modules'), path.join(project, 'node_modules'), 'dir');
        original = readFileSync(path.join(project, HANDLER), 'utf8');
        env = nangoEnv('http://127.0.0.1:9', SECRET_KEY, path.join(project, '.home'));
    });
    after(() => project && rmSync(project, { recursive: true, force: true }));

    for (const variant of VARIANTS) {
        it(`${variant.name}: ${variant.refusal ? 'both refuse it' : 'both accept it'}`, async () => {
            writeFileSync(path.join(project, HANDLER), variant.edit(original));
            const compile = await runNango(project, env, ['compile', ...OFFLINE_FLAGS]);
            const emulator = spawnSync(process.execPath, [cli, 'dryrun', 'github/seed-metadata', '--connection', 'gh-admin', '--root', project], {
                encoding: 'utf8'
            });
            const emulatorOutput = `${emulator.stdout}${emulator.stderr}`;
            if (!variant.refusal) {
                assert.equal(compile.status, 0, describeRun(compile));
                assert.equal(emulator.status, 0, emulatorOutput);
                return;
            }
            assert.notEqual(compile.status, 0, `nango compile accepted it:\n${describeRun(compile)}`);
            assert.match(`${compile.stdout}${compile.stderr}`, variant.refusal.nango);
            assert.equal(emulator.status, 2, emulatorOutput);
            assert.match(emulatorOutput, variant.refusal.emulator);
        });
    }
});
