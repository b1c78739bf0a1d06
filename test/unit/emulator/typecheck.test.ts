import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dropWarmState, typecheckProject, type TypecheckResult } from '../../../emulator/typecheck';
import { cacheFile } from '../../../emulator/typecheck/cache';

const repo = path.resolve(__dirname, '../../..');
const example = path.join(repo, 'examples/nango-integrations');
const HANDLER = 'github/on-events/seed-metadata.ts';
const EXEC_LINE = 'exec: async (nango) => {';

/** A copy of the example's sources in a temp dir, its node_modules symlinked (the real nango 0.71.10 and TypeScript). */
function copyExample(withNodeModules = true): string {
    const root = mkdtempSync(path.join(os.tmpdir(), 'nango-typecheck-'));
    cpSync(example, root, { recursive: true, filter: (src) => path.basename(src) !== 'node_modules' });
    if (withNodeModules) symlinkSync(path.join(example, 'node_modules'), path.join(root, 'node_modules'), 'dir');
    return root;
}

function checked(r: TypecheckResult): Extract<TypecheckResult, { fromCache: boolean }> {
    if (r.status === 'skipped') assert.fail(`skipped: ${r.reason}`);
    return r;
}

/** Inserts `code` as the first statement of the handler's exec; returns the 1-based line and the new text. */
function insertInExec(text: string, code: string): { line: number; text: string; indent: string } {
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.includes(EXEC_LINE));
    assert.ok(at >= 0, 'the handler has an exec');
    const indent = `${/^\s*/.exec(lines[at] ?? '')?.[0] ?? ''}    `;
    lines.splice(at + 1, 0, indent + code);
    return { line: at + 2, text: lines.join('\n'), indent };
}

// Mirrors nango/dist/zeroYaml/compile.js typeCheck (nango 0.71.10): one program over index.ts's entry points,
// Nango's compiler options from constants.js `tsconfig` (not the project's tsconfig.json), ts.getPreEmitDiagnostics.
describe('typecheck: the type check nango compile does', function () {
    this.timeout(120_000);
    // One project for the suite, restored before each test: later tests run on the warm in-memory program,
    // which is itself under test (an edit must never be missed).
    let root: string;
    const file = (relative: string): string => path.join(root, relative);
    const read = (relative: string): string => readFileSync(file(relative), 'utf8');
    const write = (relative: string, text: string): void => writeFileSync(file(relative), text);

    before(function () {
        if (!existsSync(path.join(example, 'node_modules', 'nango'))) {
            this.timeout(600_000);
            execFileSync('bash', [path.join(repo, 'scripts/check-examples.sh')], { stdio: 'inherit' });
        }
        root = copyExample();
    });
    after(() => {
        dropWarmState(root);
        rmSync(root, { recursive: true, force: true });
    });
    beforeEach(() => {
        cpSync(example, root, { recursive: true, filter: (src) => path.basename(src) !== 'node_modules' });
        rmSync(file('github/helpers.ts'), { force: true });
        rmSync(file('github/on-events/orphan.ts'), { force: true });
        rmSync(path.dirname(cacheFile(root)), { recursive: true, force: true });
    });

    it('passes the example project', () => {
        const r = checked(typecheckProject(root));
        assert.deepEqual(r.diagnostics, []);
        assert.equal(r.status, 'passed');
        assert.equal(r.fromCache, false);
        assert.ok(existsSync(cacheFile(root)), 'the result is cached');
        // The project's TypeScript (5.8.3 in the example), not the repo's own devDependency.
        const { key } = JSON.parse(readFileSync(cacheFile(root), 'utf8')) as { key: { typescript: { version: string } } };
        const projectTs = JSON.parse(readFileSync(path.join(example, 'node_modules/typescript/package.json'), 'utf8')) as { version: string };
        assert.equal(key.typescript.version, projectTs.version);
    });

    it("fails a call to a method Nango's SDK does not have (TS2339), at the right file and line", () => {
        const edit = insertInExec(read(HANDLER), 'await nango.updateConnectionConfig({});');
        write(HANDLER, edit.text);
        const r = checked(typecheckProject(root));
        assert.equal(r.status, 'failed');
        assert.equal(r.diagnostics.length, 1, JSON.stringify(r.diagnostics));
        const [d] = r.diagnostics;
        assert.equal(d?.code, 'TS2339');
        assert.equal(d?.file, file(HANDLER));
        assert.equal(d?.line, edit.line);
        assert.equal(d?.column, edit.indent.length + 'await nango.'.length + 1);
        assert.match(d?.message ?? '', /updateConnectionConfig/);
    });

    it("uses Nango's options, not the project's tsconfig.json: an unused local fails (TS6133)", () => {
        // A tsconfig.json that would allow it: nango compile ignores the project's tsconfig.json.
        const tsconfig = JSON.parse(read('tsconfig.json')) as { compilerOptions: Record<string, unknown> };
        Object.assign(tsconfig.compilerOptions, { noUnusedLocals: false, noUnusedParameters: false, strict: false });
        write('tsconfig.json', JSON.stringify(tsconfig, null, 4));
        const edit = insertInExec(read(HANDLER), 'const unusedLocal = 1;');
        write(HANDLER, edit.text);
        const r = checked(typecheckProject(root));
        assert.equal(r.status, 'failed');
        assert.deepEqual(
            r.diagnostics.map((d) => [d.code, d.file, d.line]),
            [['TS6133', file(HANDLER), edit.line]]
        );
    });

    it('does not check a handler index.ts does not import (Nango checks the entry points only)', () => {
        const orphan = "import { createOnEvent } from 'nango';\nconst n: number = 'not a number';\nexport default createOnEvent(n);\n";
        write('github/on-events/orphan.ts', orphan);
        const r = checked(typecheckProject(root));
        assert.equal(r.status, 'passed', JSON.stringify(r.diagnostics));
        assert.deepEqual(r.diagnostics, []);
    });

    it('answers an unchanged project from the cache; an edited handler or helper module invalidates it', () => {
        const first = checked(typecheckProject(root));
        assert.equal(first.fromCache, false);
        const second = checked(typecheckProject(root));
        assert.equal(second.fromCache, true);
        assert.deepEqual({ status: second.status, diagnostics: second.diagnostics }, { status: first.status, diagnostics: first.diagnostics });

        // A handler edit (a comment: same answer, new content).
        write(HANDLER, `${read(HANDLER)}\n// edited\n`);
        assert.equal(checked(typecheckProject(root)).fromCache, false);
        assert.equal(checked(typecheckProject(root)).fromCache, true);

        // A helper module the handler imports: not an entry point, still part of the program.
        write('github/helpers.ts', 'export function label(login: string): string {\n    return `@${login}`;\n}\n');
        const handler = insertInExec(read(HANDLER), "await nango.log(label('someone'));");
        write(HANDLER, `import { label } from '../helpers.js';\n${handler.text}`);
        const withHelper = checked(typecheckProject(root));
        assert.equal(withHelper.status, 'passed', JSON.stringify(withHelper.diagnostics));
        assert.equal(withHelper.fromCache, false);
        assert.equal(checked(typecheckProject(root)).fromCache, true);

        write('github/helpers.ts', 'export function label(login: string): string {\n    return login.length;\n}\n');
        const broken = checked(typecheckProject(root));
        assert.equal(broken.fromCache, false);
        assert.equal(broken.status, 'failed');
        assert.deepEqual(
            broken.diagnostics.map((d) => [d.code, d.file, d.line]),
            [['TS2322', file('github/helpers.ts'), 2]]
        );
        // The failure is cached as well, and the same.
        const brokenAgain = checked(typecheckProject(root));
        assert.equal(brokenAgain.fromCache, true);
        assert.deepEqual(brokenAgain.diagnostics, broken.diagnostics);
    });

    it('re-checks when a file a failed import was looking for is created', () => {
        write(HANDLER, `import { label } from '../helpers.js';\n${insertInExec(read(HANDLER), "await nango.log(label('x'));").text}`);
        const missing = checked(typecheckProject(root));
        assert.deepEqual(
            missing.diagnostics.map((d) => d.code),
            ['TS2307']
        );
        assert.equal(checked(typecheckProject(root)).fromCache, true);
        write('github/helpers.ts', 'export function label(login: string): string {\n    return login;\n}\n');
        const found = checked(typecheckProject(root));
        assert.equal(found.fromCache, false);
        assert.equal(found.status, 'passed', JSON.stringify(found.diagnostics));
    });

    it('ignores a corrupt cache file', () => {
        checked(typecheckProject(root));
        for (const junk of ['{ not json', '{"key":{"format":1},"result":{"status":"passed"}}', 'null']) {
            writeFileSync(cacheFile(root), junk);
            const r = checked(typecheckProject(root));
            assert.equal(r.fromCache, false);
            assert.equal(r.status, 'passed');
            assert.equal(checked(typecheckProject(root)).fromCache, true, 'a good cache is written again');
        }
    });

    it('writes the cache to options.cacheDir when given', () => {
        const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'nango-typecheck-cache-'));
        try {
            assert.equal(checked(typecheckProject(root, { cacheDir })).fromCache, false);
            assert.ok(existsSync(cacheFile(root, cacheDir)));
            assert.equal(checked(typecheckProject(root, { cacheDir })).fromCache, true);
        } finally {
            rmSync(cacheDir, { recursive: true, force: true });
        }
    });

    it('skips a project without node_modules, saying to run npm install', () => {
        const bare = copyExample(false);
        try {
            const r = typecheckProject(bare);
            assert.equal(r.status, 'skipped');
            assert.match(r.status === 'skipped' ? r.reason : '', /npm install/);
        } finally {
            rmSync(bare, { recursive: true, force: true });
        }
    });
});
