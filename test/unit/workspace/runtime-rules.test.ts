import assert from 'node:assert/strict';
import { MISSING_GLOBALS, importRefusedMessage, moduleAdvice, moduleRefusedMessage } from '../../../emulator/sandbox/rules';
import { ProblemCode } from '../../../src/workspace/types';
import type { Problem } from '../../../src/workspace/types';
import { Project, fixTitled, handlerSource, only, textAt } from './helpers';

const FILE = 'salesforce/on-events/handler.ts';
const ZOD_IMPORT = "import * as z from 'zod';";

/** A project whose index imports the one handler, so only the handler's own rules speak. */
function projectWith(handler: string): Project {
    return new Project({ 'index.ts': `import './${FILE.slice(0, -3)}';\n`, [FILE]: handler });
}

/** The docs' handler with `imports` added after the zod import and `body` in exec. */
function handlerWith(imports: string, body = "        await nango.log('hello');"): string {
    return handlerSource('post-connection-creation', body).replace(ZOD_IMPORT, imports ? `${ZOD_IMPORT}\n${imports}` : ZOD_IMPORT);
}

/** Statements indented as exec's body. */
function inExec(...statements: string[]): string {
    return statements.map((statement) => `        ${statement}`).join('\n');
}

/** The handler's one problem, checked to be `code`, an error, on `rangeText`. */
function onlyProblem(project: Project, code: ProblemCode, rangeText: string): Problem {
    const problem = only(project.problems(), 'problem');
    assert.equal(problem.code, code);
    assert.equal(problem.severity, 'error');
    assert.equal(textAt(project.text(FILE), problem.range), rangeText);
    return problem;
}

function assertIncludes(message: string, ...parts: string[]): void {
    for (const part of parts) assert.ok(message.includes(part), `expected the message to include ${JSON.stringify(part)}; it is ${JSON.stringify(message)}`);
}

// The rules are Nango's own, read from emulator/sandbox/rules.ts, which cites:
//   packages/runner/lib/exec.ts (NangoHQ/nango at 2f4c0af) — the vm context: its `require` switch, the
//     globals it passes, codeGeneration { strings: false };
//   nango/dist/zeroYaml/constants.js `allowedPackages` and compile.js's ImportDeclaration check (nango 0.71.10).
describe("workspace rules: what Nango's production runtime refuses", () => {
    describe(`${ProblemCode.ImportNotAllowed}: nango compile's import rule`, () => {
        const refused: { name: string; imports: string; specifier: string }[] = [
            { name: 'fs', imports: "import fs from 'fs';", specifier: 'fs' },
            { name: 'net', imports: "import net from 'net';", specifier: 'net' },
            { name: 'child_process', imports: "import { spawn } from 'child_process';", specifier: 'child_process' },
            { name: 'an npm package (lodash)', imports: "import _ from 'lodash';", specifier: 'lodash' }
        ];
        for (const { name, imports, specifier } of refused) {
            it(`reports an import of ${name} on its specifier, with nango compile's message and what to do instead`, () => {
                const project = projectWith(handlerWith(imports));
                const problem = onlyProblem(project, ProblemCode.ImportNotAllowed, `'${specifier}'`);
                assertIncludes(problem.message, "Nango's compile rule", importRefusedMessage(specifier), moduleAdvice(specifier));
                assert.deepEqual(problem.fixes, []);
            });
        }

        it('turns `import { type X }` of a refused package into `import type`, which nango compile accepts', () => {
            const imports = "import { type Dictionary, type List as Items } from 'lodash';";
            const project = projectWith(handlerWith(imports, '        const d: Dictionary<Items<string>> = {};\n        await nango.log(d);'));
            const problem = onlyProblem(project, ProblemCode.ImportNotAllowed, "'lodash'");
            assertIncludes(problem.message, 'import type');
            project.apply(fixTitled(problem, 'Change to `import type`'));
            assertIncludes(project.text(FILE), "import type { Dictionary, List as Items } from 'lodash';");
            assert.deepEqual(project.problems(), []);
        });
    });

    describe(`${ProblemCode.ModuleNotInRuntime}: the runner's require`, () => {
        it("reports 'node:crypto' (compile accepts it, the runtime does not) and renames it to 'crypto'", () => {
            const project = projectWith(handlerWith("import crypto from 'node:crypto';", '        await nango.log(crypto.randomUUID());'));
            const problem = onlyProblem(project, ProblemCode.ModuleNotInRuntime, "'node:crypto'");
            assertIncludes(problem.message, "Nango's runtime rule", moduleRefusedMessage('node:crypto'), moduleAdvice('node:crypto'));
            const fix = fixTitled(problem, "Change 'node:crypto' to 'crypto'");
            assert.equal(fix.isPreferred, true);
            project.apply(fix);
            assertIncludes(project.text(FILE), "import crypto from 'crypto';");
            assert.deepEqual(project.problems(), []);
        });

        it("renames 'node:url' to 'url', keeping double quotes", () => {
            const body = "        await nango.log(new NodeUrl('https://example.com').host);";
            const project = projectWith(handlerWith('import { URL as NodeUrl } from "node:url";', body));
            project.apply(fixTitled(onlyProblem(project, ProblemCode.ModuleNotInRuntime, '"node:url"'), "Change 'node:url' to 'url'"));
            assertIncludes(project.text(FILE), 'import { URL as NodeUrl } from "url";');
            assert.deepEqual(project.problems(), []);
        });

        it("reports require('fs') on its specifier", () => {
            const project = projectWith(handlerWith('', "        const fs = require('fs');\n        await nango.log(fs);"));
            const problem = onlyProblem(project, ProblemCode.ModuleNotInRuntime, "'fs'");
            assertIncludes(problem.message, "Nango's runtime rule", "require('fs')", moduleRefusedMessage('fs'), moduleAdvice('fs'));
        });

        it("reports a value imported from 'nango' where it is used, not on the import", () => {
            const imports = "import { ActionError } from 'nango';";
            const project = projectWith(handlerWith(imports, "        throw new ActionError({ message: 'no' });"));
            const problem = onlyProblem(project, ProblemCode.ModuleNotInRuntime, 'ActionError');
            const useLine = project
                .text(FILE)
                .split('\n')
                .findIndex((line) => line.includes('throw new ActionError'));
            assert.equal(problem.range.start.line, useLine, 'the use in exec, not the import');
            assertIncludes(problem.message, "Nango's runtime rule", "require('nango')", moduleRefusedMessage('nango'));
            assertIncludes(problem.message, moduleAdvice('nango'));
        });

        it("accepts names from 'nango' used only as types, and the factories", () => {
            const variants = [
                handlerWith("import type { ActionError } from 'nango';", inExec('const e: ActionError | undefined = undefined;', 'await nango.log(e);')),
                handlerWith("import { type ActionError } from 'nango';", inExec('const e: ActionError | undefined = undefined;', 'await nango.log(e);')),
                handlerWith("import { ActionError } from 'nango';", inExec('const e = undefined as ActionError | undefined;', 'await nango.log(e);')),
                `${handlerSource().replace('import { createOnEvent }', 'import { createOnEvent, createAction }')}void createAction;\n`
            ];
            for (const source of variants) assert.deepEqual(projectWith(source).problems(), [], source);
        });
    });

    describe(`${ProblemCode.GlobalNotInRuntime}: globals the runner's context does not pass`, () => {
        const missing: { name: string; body: string }[] = [
            { name: 'process', body: "        await nango.log(process.env['TOKEN'] ?? '');" },
            { name: 'fetch', body: "        await fetch('https://api.example.com/me');" },
            { name: 'setInterval', body: '        setInterval(() => undefined, 1000);' },
            { name: 'structuredClone', body: '        await nango.log(structuredClone({ a: 1 }));' }
        ];
        for (const { name, body } of missing) {
            it(`reports ${name} on the reference, with what to use instead`, () => {
                const project = projectWith(handlerWith('', body));
                const problem = onlyProblem(project, ProblemCode.GlobalNotInRuntime, name);
                assertIncludes(problem.message, "Nango's runtime rule", `${name} is not defined`);
                const advice = MISSING_GLOBALS[name];
                assert.ok(advice);
                assertIncludes(problem.message, advice);
                assert.deepEqual(problem.fixes, []);
            });
        }

        it('offers to import the crypto module for the global crypto, after the last import', () => {
            const project = projectWith(handlerWith('', '        await nango.log(crypto.randomUUID());'));
            const problem = onlyProblem(project, ProblemCode.GlobalNotInRuntime, 'crypto');
            project.apply(fixTitled(problem, "Add import crypto from 'crypto'"));
            assertIncludes(project.text(FILE), `${ZOD_IMPORT}\nimport crypto from 'crypto';\n`);
            assert.deepEqual(project.problems(), []);
        });
    });

    describe(`${ProblemCode.CodeGenerationBlocked}: codeGeneration.strings is false`, () => {
        const blocked: { body: string; rangeText: string }[] = [
            { body: "        await nango.log(eval('1 + 1'));", rangeText: 'eval' },
            { body: "        const f = new Function('return 1');\n        await nango.log(f());", rangeText: 'new Function' },
            { body: "        const f = Function('return 1');\n        await nango.log(f());", rangeText: 'Function' }
        ];
        for (const { body, rangeText } of blocked) {
            it(`reports ${rangeText}(...)`, () => {
                const problem = onlyProblem(projectWith(handlerWith('', body)), ProblemCode.CodeGenerationBlocked, rangeText);
                assertIncludes(problem.message, "Nango's runtime rule", 'codeGeneration.strings is false', 'JSON.parse');
            });
        }
    });

    describe('what the runtime has', () => {
        const allowed: { name: string; source: string }[] = [
            { name: "import crypto from 'crypto'", source: handlerWith("import crypto from 'crypto';", inExec('await nango.log(crypto.randomUUID());')) },
            { name: "import * as z from 'zod'", source: handlerSource() },
            {
                name: 'URL, Buffer and setTimeout',
                source: handlerWith(
                    '',
                    inExec(
                        "const url = new URL('https://example.com');",
                        'await new Promise((r) => setTimeout(r, 1));',
                        "await nango.log(Buffer.from(url.host).toString('base64'));"
                    )
                )
            },
            {
                name: "import type { X } from 'lodash'",
                source: handlerWith("import type { Dictionary } from 'lodash';", inExec('const d: Dictionary<string> = {};', 'await nango.log(d);'))
            },
            {
                name: 'a local variable named fetch',
                source: handlerWith('', inExec('const fetch = (path: string) => nango.get({ endpoint: path });', "await fetch('/me');"))
            },
            {
                name: 'a parameter named process',
                source: handlerWith(
                    '',
                    inExec("const read = (process: { env: Record<string, string> }) => process.env['A'];", 'await nango.log(read({ env: {} }));')
                )
            },
            { name: 'typeof fetch', source: handlerWith('', inExec("await nango.log(typeof fetch === 'function');")) },
            {
                name: 'relative imports and require of a runtime module',
                source: handlerWith("import { helper } from '../helpers';", inExec("const url = require('url');", 'await nango.log(helper(url));'))
            },
            {
                name: 'property names that look like globals',
                source: handlerWith('', inExec('const config = { fetch: 1, process: 2 };', 'await nango.log(config.fetch + config.process);'))
            }
        ];
        for (const { name, source } of allowed) {
            it(`accepts ${name}`, () => {
                assert.deepEqual(projectWith(source).problems(), []);
            });
        }
    });
});
