// End to end: "New Event Function" on a copy of the example project, its plan written to disk as VS
// Code would apply it, then the emulator dry runs the new function: no unmatched provider request.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { applyEdits, modify } from 'jsonc-parser/lib/esm/main.js';
import { Emulator } from '../../../emulator/core/lifecycle';
import { nodeFileSystem } from '../../../src/workspace/file-system';
import { WorkspaceModel } from '../../../src/workspace/model';
import { fixturesFileOf, planNewEventFunction, type NewEventFunctionPlan } from '../../../src/workspace/new-event-function';
import type { TemplateId } from '../../../src/workspace/scaffold';
import { applyTextEdits } from '../../../src/workspace/text';
import type { TextEdit } from '../../../src/workspace/types';
import { copyExample, example } from '../server/helpers';

function applyToDisk(plan: NewEventFunctionPlan): void {
    for (const created of plan.createFiles) {
        mkdirSync(path.dirname(created.file), { recursive: true });
        writeFileSync(created.file, created.contents, { flag: 'wx' });
    }
    const byFile = new Map<string, TextEdit[]>();
    for (const edit of plan.edits) byFile.set(edit.file, [...(byFile.get(edit.file) ?? []), edit]);
    for (const [file, edits] of byFile) writeFileSync(file, applyTextEdits(readFileSync(file, 'utf8'), edits));
}

async function scaffold(root: string, template: TemplateId): Promise<NewEventFunctionPlan> {
    const model = await WorkspaceModel.load(root, nodeFileSystem);
    const fixtures = fixturesFileOf(root);
    const plan = planNewEventFunction(model, {
        integration: 'github',
        name: 'check',
        template,
        fixtures: { file: fixtures, text: readFileSync(fixtures, 'utf8') }
    });
    applyToDisk(plan);
    return plan;
}

async function dryrun(root: string, opts: { connectionId: string; account: string; reconnect?: boolean }) {
    const emulator = new Emulator(root);
    try {
        return await emulator.dryrun('github/check', opts);
    } finally {
        emulator.dispose();
    }
}

// The example's installed nango and TypeScript, when present: the dry run type-checks the new file as `nango compile` would.
const typechecked = existsSync(path.join(example, 'node_modules', 'nango')) && existsSync(path.join(example, 'node_modules', 'typescript'));

describe('New Event Function, then a dry run of the example project', () => {
    let root: string;
    beforeEach(() => {
        root = copyExample('nango-new-event-function-');
        if (typechecked) symlinkSync(path.join(example, 'node_modules'), path.join(root, 'node_modules'), 'junction');
    });
    afterEach(() => {
        rmSync(root, { recursive: true, force: true });
    });

    it('a validate-connection for github calls GET /user, which the fixtures already answer: the first dry run passes', async () => {
        const fixturesBefore = readFileSync(fixturesFileOf(root), 'utf8');
        const plan = await scaffold(root, 'validate-connection');
        assert.match(plan.contents, /endpoint: '\/user'/);
        assert.deepEqual(plan.fixtureAccounts, []);
        assert.equal(readFileSync(fixturesFileOf(root), 'utf8'), fixturesBefore);
        assert.match(readFileSync(path.join(root, 'index.ts'), 'utf8'), /import '\.\/github\/on-events\/check';\n$/);

        const result = await dryrun(root, { connectionId: 'gh-new', account: 'octo-admin' });
        assert.equal(result.ok, true, JSON.stringify(result.error));
        assert.equal(result.error, null);
        if (typechecked) assert.deepEqual(result.warnings, []);
        assert.deepEqual(
            result.requests.map((r) => `${r.method} ${r.url} ${r.status}`),
            ['GET https://api.github.com/user 200']
        );
    });

    it('without answers for GET /user, the plan adds one per account: same-account locks the first account and rejects another', async () => {
        // Remove the example's three GET /user answers (the first three responses of github).
        const fixturesFile = fixturesFileOf(root);
        let text = readFileSync(fixturesFile, 'utf8');
        for (let i = 0; i < 3; i++) text = applyEdits(text, modify(text, ['integrations', 'github', 'responses', 0], undefined, {}));
        writeFileSync(fixturesFile, text);

        const plan = await scaffold(root, 'same-account-validation');
        assert.deepEqual(plan.fixtureAccounts, ['octo-admin', 'octo-hooks', 'octo-readonly']);
        const after = readFileSync(fixturesFile, 'utf8');
        // Without the plan's fixtures edit, the first dry run would fail.
        writeFileSync(fixturesFile, text);
        const unanswered = await dryrun(root, { connectionId: 'gh-unanswered', account: 'octo-admin' });
        assert.equal(unanswered.error?.type, 'UnmatchedRequestError');
        writeFileSync(fixturesFile, after);
        assert.ok(
            after.startsWith(text.slice(0, text.indexOf('"description": "Organizations of the authenticated user'))),
            'the file before the new answers is untouched'
        );
        assert.match(after, /\n {20}"path": "\/user",\n {20}"account": "octo-admin",\n {20}"body": \{\n {24}"id": 91000001\n {20}\}/);

        const first = await dryrun(root, { connectionId: 'gh-new', account: 'octo-admin' });
        assert.equal(first.ok, true, JSON.stringify(first.error));
        if (typechecked) assert.deepEqual(first.warnings, []);
        assert.deepEqual(
            first.requests.map((r) => `${r.method} ${r.url} ${r.status}`),
            ['GET https://api.github.com/user 200']
        );
        assert.deepEqual(first.metadata.after, { accountId: '91000001' });

        const other = await dryrun(root, { connectionId: 'gh-new', account: 'octo-readonly', reconnect: true });
        assert.equal(other.ok, false);
        assert.notEqual(other.error?.type, 'UnmatchedRequestError');
        assert.match(JSON.stringify(other.error), /Account mismatch: expected 91000001, got 91000003/);
    });
});
