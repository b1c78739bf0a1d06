// End-to-end: the built CLI (dist/emulator/cli.js) on a copy of examples/nango-integrations.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunResult } from '../../../emulator/core/result';

const repo = path.resolve(__dirname, '../../..');
const cli = path.join(repo, 'dist/emulator/cli.js');
const example = path.join(repo, 'examples/nango-integrations');

function copyExample(): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nango-emu-cli-'));
    cpSync(example, dir, {
        recursive: true,
        filter: (src) => !/node_modules|state\.json|[\\/]cache([\\/]|$)|[\\/]locks([\\/]|$)/.test(path.relative(example, src))
    });
    return dir;
}

function run(root: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [cli, ...args, '--root', root], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(root: string, ...args: string[]): { code: number | null; result: RunResult } {
    const r = run(root, ...args, '--json');
    return { code: r.code, result: JSON.parse(r.stdout) as RunResult };
}

describe('nango-emulator CLI on the example project', function () {
    this.timeout(60_000);
    let root: string;
    beforeEach(() => (root = copyExample()));
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it('dry runs the Salesforce validator on a reconnect to another org: exit 1, refresh_exhausted, JSON result', () => {
        const { code, result } = json(root, 'dryrun', 'salesforce/validate-connection', '--connection', 'sf-acme', '--reconnect', '--account', 'globex');
        assert.equal(code, 1);
        assert.equal(result.ok, false);
        assert.equal(result.event, 'validate-connection');
        assert.equal(result.status, 'refresh_exhausted');
        assert.equal(result.error?.type, 'ActionError');
        assert.match(result.error!.message, /Salesforce org mismatch: expected 00D5g00000AcmeXEAR, got 00D8c00000GlbxYEAQ/);
        assert.match(result.error!.location!.file, /salesforce\/on-events\/validate-connection\.ts$/);
        assert.deepEqual(
            result.requests.map((r) => [r.method, r.url, r.status, r.account]),
            [['GET', 'https://globex.my.salesforce.com/services/oauth2/userinfo', 200, 'globex']]
        );
    });

    it('the whole Salesforce lifecycle: connect, reconnect to the same org, delete', () => {
        const c = json(root, 'connect', 'salesforce', '--connection', 'sf-new', '--account', 'acme');
        assert.equal(c.code, 0, JSON.stringify(c.result.error));
        assert.deepEqual(c.result.events, ['validate-connection', 'post-connection-creation']);
        assert.deepEqual(c.result.metadata.after, { organizationId: '00D5g00000AcmeXEAR', webhookId: 'whk_acme_0001' });
        const r = json(root, 'reconnect', 'salesforce', '--connection', 'sf-new', '--account', 'acme-ops');
        assert.equal(r.code, 0);
        assert.equal(r.result.status, 'active');
        const d = json(root, 'delete', 'salesforce', '--connection', 'sf-new');
        assert.equal(d.code, 0);
        assert.deepEqual(
            d.result.requests.map((q) => `${q.method} ${q.url} ${q.status}`),
            ['DELETE https://acme.my.salesforce.com/webhooks/whk_acme_0001 204']
        );
        const list = JSON.parse(run(root, 'connections', '--json').stdout) as { connections: { id: string; status: string }[] };
        assert.equal(list.connections.find((x) => x.id === 'sf-new')?.status, 'deleted');
    });

    it('GitHub: a token without the repo scope is rejected on first connect and nothing is saved', () => {
        const { code, result } = json(root, 'connect', 'github', '--connection', 'gh-new', '--account', 'octo-readonly');
        assert.equal(code, 1);
        assert.equal(result.outcome, 'connection_validation_failed');
        assert.equal(result.authError?.type, 'connection_validation_failed');
        const list = JSON.parse(run(root, 'connections', '--json').stdout) as { connections: { id: string }[] };
        assert.equal(
            list.connections.some((x) => x.id === 'gh-new'),
            false
        );
    });

    it('human output names the outcome, logs, requests and metadata change, and prints no secret', () => {
        const r = run(root, 'connect', 'salesforce', '--connection', 'sf-h', '--account', 'acme', '--bodies');
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /✔ passed connect/);
        assert.match(r.stdout, /outcome: connection created/);
        assert.match(r.stdout, /POST {3}https:\/\/acme\.my\.salesforce\.com\/webhooks → 201/);
        assert.match(r.stdout, /\+ webhookId: "whk_acme_0001"/);
        assert.doesNotMatch(r.stdout, /fake|access_token/i);
    });

    it('reset returns to the fixtures', () => {
        json(root, 'reconnect', 'salesforce', '--connection', 'sf-acme', '--account', 'globex');
        const r = run(root, 'reset');
        assert.equal(r.code, 0);
        assert.match(r.stdout, /emulator state reset from .*fixtures\.json \(4 connections\)/);
        const list = JSON.parse(run(root, 'connections', '--json').stdout) as { connections: { id: string; status: string }[] };
        assert.equal(list.connections.find((x) => x.id === 'sf-acme')?.status, 'active');
    });

    describe('bad usage and bad input exit 2 with a message that says what to fix', () => {
        it('a missing required option', () => {
            const r = run(root, 'dryrun', 'validate-connection');
            assert.equal(r.code, 2);
            assert.match(r.stderr, /required option '--connection <id>' not specified/);
        });

        it('an unknown account', () => {
            const r = run(root, 'connect', 'salesforce', '--connection', 'x', '--account', 'initech');
            assert.equal(r.code, 2);
            assert.match(r.stderr, /fixtures\.json: integration "salesforce" has no account "initech" \(defined: "acme", "acme-ops", "globex"\)/);
        });

        it('an unknown function', () => {
            const r = run(root, 'dryrun', 'nope', '--connection', 'sf-acme');
            assert.equal(r.code, 2);
            assert.match(r.stderr, /no event function "nope".*found: github\/seed-metadata/);
        });

        it('schema-invalid fixtures, in --json mode too', () => {
            writeFileSync(
                path.join(root, '.nango-emulator/fixtures.json'),
                JSON.stringify({ integrations: { salesforce: { provider: 'salesforce', accounts: {} } } })
            );
            const r = run(root, 'connections', '--json');
            assert.equal(r.code, 2);
            const out = JSON.parse(r.stdout) as { ok: boolean; error: { type: string; message: string } };
            assert.equal(out.ok, false);
            assert.equal(out.error.type, 'fixtures_invalid');
            assert.match(out.error.message, /fixtures\.json: integrations\.salesforce\.accounts: add at least one provider account/);
        });

        it('a handler with a syntax error names the file and line', () => {
            writeFileSync(
                path.join(root, 'github/on-events/seed-metadata.ts'),
                `import { createOnEvent } from 'nango';\nexport default createOnEvent({\n  description: 'x',\n  event: 'post-connection-creation',\n  exec: async (nango) => { const = 1; }\n});\n`
            );
            const r = run(root, 'dryrun', 'github/seed-metadata', '--connection', 'gh-admin');
            assert.equal(r.code, 2);
            assert.match(r.stderr, /github\/on-events\/seed-metadata\.ts:5:\d+: Expected identifier but found "="/);
        });

        for (const [label, source, pattern] of [
            [
                'no default export',
                `import { createOnEvent } from 'nango';\nexport const fn = createOnEvent({ description: 'x', event: 'post-connection-creation', exec: async () => {} });\n`,
                /seed-metadata\.ts: no default export\. Event functions must "export default createOnEvent/
            ],
            [
                'the wrong factory',
                `import { createAction } from 'nango';\nexport default createAction({ description: 'x', exec: async () => {} } as any);\n`,
                /the default export comes from createAction, not createOnEvent/
            ],
            [
                'an unknown event',
                `import { createOnEvent } from 'nango';\nexport default createOnEvent({ description: 'x', event: 'post-connection-created' as any, exec: async () => {} });\n`,
                /event "post-connection-created" is not a Nango lifecycle event\. Use one of 'validate-connection', 'post-connection-creation', 'pre-connection-deletion'/
            ]
        ] as const) {
            it(`a handler with ${label}`, () => {
                writeFileSync(path.join(root, 'github/on-events/seed-metadata.ts'), source);
                const r = run(root, 'dryrun', 'github/seed-metadata', '--connection', 'gh-admin');
                assert.equal(r.code, 2);
                assert.match(r.stderr, pattern);
            });
        }
    });
});
