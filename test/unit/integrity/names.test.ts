// User-chosen names: one connection id rule (names.ts) at every entry point, lock files that cannot leave
// the locks folder, and lookups that never answer with a member of Object.prototype.
import assert from 'node:assert/strict';
import path from 'node:path';
import { EmulatorError } from '../../../emulator/core/errors';
import { parseFixtures, requireAccount, requireIntegration } from '../../../emulator/fixtures/fixtures';
import { connectionIdProblem, connectionLockFile, CONNECTION_ID_RULE, own } from '../../../emulator/core/names';
import { ScenarioFileSchema } from '../../../emulator/scenarios';
import { EmulatorOperationSchema } from '../../../emulator/core/operation';
import { readState } from '../../../emulator/state/state';
import { makeProject, salesforceFixtures } from '../emulator/project';

const FILE = '/p/.nango-emulator/fixtures.json';
const BAD_IDS = ['', '../../../x', 'a/b', 'a\\b', 'a\nb', 'a b', 'x'.repeat(129), '__proto__', 'constructor', '.hidden', '-flag', '..', 'a"b', 'a$b'];
const GOOD_IDS = ['c1', 'sf-acme', 'user@example.com', 'tenant:42', 'a+b', 'a=b~c', '_x', 'state', 'locks', 'x'.repeat(128), 'A.b_c'];

function fixturesWith(patch: (f: any) => void): string {
    const f = structuredClone(salesforceFixtures()) as any;
    patch(f);
    return JSON.stringify(f);
}

function emulatorError(fn: () => unknown, code: string, pattern: RegExp): void {
    assert.throws(fn, (err: unknown) => {
        assert.ok(err instanceof EmulatorError, String(err));
        assert.equal(err.code, code);
        assert.match(err.message, pattern);
        return true;
    });
}

describe('names: connection ids', () => {
    it('accepts ids of the rule and refuses the rest, each with a reason', () => {
        for (const id of GOOD_IDS) assert.equal(connectionIdProblem(id), undefined, JSON.stringify(id));
        for (const id of BAD_IDS) assert.ok(connectionIdProblem(id), `${JSON.stringify(id)} should be refused`);
        assert.match(connectionIdProblem('../../../x')!, /contains "\/"/);
        assert.match(connectionIdProblem('a\nb')!, /U\+000A, a line break/);
        assert.match(CONNECTION_ID_RULE, /^1-128 characters/);
    });

    it('names lock files inside the locks folder, apart from state.lock, short enough for any file system', () => {
        const dir = '/w/.nango-emulator/locks';
        const seen = new Set<string>();
        for (const id of [...GOOD_IDS, ...BAD_IDS, 'x'.repeat(300)]) {
            const name = connectionLockFile(id);
            assert.equal(path.dirname(path.join(dir, name)), dir, id);
            assert.notEqual(name, 'state.lock');
            assert.ok(name.length < 100, name);
            seen.add(name);
        }
        assert.equal(seen.size, GOOD_IDS.length + BAD_IDS.length + 1, 'distinct ids get distinct lock files');
        assert.equal(connectionLockFile('c1'), connectionLockFile('c1'));
    });

    it('refuses a bad id in fixtures connections[].id, naming the field', () => {
        for (const id of ['../x', '', 'a\nb']) {
            emulatorError(
                () =>
                    parseFixtures(
                        fixturesWith((f) => (f.connections[0].id = id)),
                        FILE
                    ),
                'fixtures_invalid',
                /^\/p\/\.nango-emulator\/fixtures\.json: connections\.0\.id: .* is not a valid connection id/
            );
        }
    });

    it('refuses a bad id in a /_emulator/run body and in scenario files', () => {
        const run = EmulatorOperationSchema.safeParse({ operation: 'connect', integration: 'salesforce', connectionId: '../../x', account: 'acme' });
        assert.ok(!run.success);
        assert.deepEqual(run.error.issues[0]!.path, ['connectionId']);
        assert.ok(EmulatorOperationSchema.safeParse({ operation: 'delete', integration: 'salesforce', connectionId: 'user@example.com' }).success);
        const scenario = (connection: string, step: string) => ({
            scenarios: [{ name: 's', integration: 'salesforce', connection, steps: [{ action: 'delete', connection: step }] }]
        });
        assert.ok(ScenarioFileSchema.safeParse(scenario('ok-1', 'ok-2')).success);
        const bad = ScenarioFileSchema.safeParse(scenario('a/b', 'x'.repeat(300)));
        assert.ok(!bad.success);
        assert.deepEqual(bad.error.issues.map((i) => i.path.join('.')).sort(), ['scenarios.0.connection', 'scenarios.0.steps.0.connection']);
    });
});

describe('names: prototype-safe lookups', () => {
    it('never finds an integration or account named after an Object.prototype member that was not defined', () => {
        const f = parseFixtures(JSON.stringify(salesforceFixtures()), FILE);
        for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
            assert.equal(f.integrations[name], undefined, name);
            assert.equal(f.integrations['salesforce']!.accounts[name], undefined, name);
            emulatorError(() => requireIntegration(f, name, FILE), 'unknown_integration', new RegExp(`no integration "${name}"`));
            emulatorError(() => requireAccount(f, 'salesforce', name, FILE), 'unknown_account', new RegExp(`has no account "${name}"`));
        }
        assert.equal(own({}, 'constructor'), undefined);
    });

    it('finds an account that is really named "constructor"', () => {
        const f = parseFixtures(
            fixturesWith((x) => (x.integrations.salesforce.accounts.constructor = x.integrations.salesforce.accounts.acme)),
            FILE
        );
        assert.equal(requireAccount(f, 'salesforce', 'constructor', FILE).credentials.type, 'OAUTH2');
    });

    it('reports a connection of the fixtures to an account "toString" as unknown', () => {
        emulatorError(
            () =>
                parseFixtures(
                    fixturesWith((f) => (f.connections[0].account = 'toString')),
                    FILE
                ),
            'fixtures_invalid',
            /connections\.0\.account: unknown account "toString"/
        );
        emulatorError(
            () =>
                parseFixtures(
                    fixturesWith((f) => (f.connections[0].integration = 'constructor')),
                    FILE
                ),
            'fixtures_invalid',
            /connections\.0\.integration: unknown integration "constructor"/
        );
    });

    it('reads state whose connections answer only for their own ids', () => {
        const project = makeProject({ '.nango-emulator/fixtures.json': salesforceFixtures() });
        try {
            const state = readState(project.root, parseFixtures(JSON.stringify(salesforceFixtures()), FILE));
            assert.ok(state.connections['sf-1']);
            for (const name of ['constructor', 'toString', '__proto__']) assert.equal(state.connections[name], undefined, name);
        } finally {
            project.cleanup();
        }
    });
});
