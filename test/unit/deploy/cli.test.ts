// `nango-emulator deploy`: the secret key is checked before any compile; a deploy of the example to
// `nango-emulator serve` sends the 5 event functions, and (like Nango's server, deploy.service.ts)
// the server stores none without a sync or action, which the CLI reports as not deployed (exit 1).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { cli, copyExample, SECRET_KEY, startTestServer, type TestServer } from '../server/helpers';
import { compilableExample } from './helpers';

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [cli, ...args], {
            env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', ...env },
            stdio: ['ignore', 'pipe', 'pipe']
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
}

describe('cli: nango-emulator deploy', function () {
    this.timeout(180_000);

    it('no secret key: exit 2 with the fix, before any compile', async () => {
        const root = copyExample('nango-emu-deploy-nokey-');
        try {
            const r = await run(['deploy', 'dev', '--root', root, '--json'], {});
            assert.equal(r.code, 2, r.stdout + r.stderr);
            const out = JSON.parse(r.stdout) as { ok: boolean; error: { type: string; message: string } };
            assert.equal(out.ok, false);
            assert.equal(out.error.type, 'bad_usage');
            assert.match(out.error.message, /NANGO_SECRET_KEY_DEV is not set\. Set it \(or NANGO_SECRET_KEY\)/);
            assert.equal(existsSync(path.join(root, 'build')), false, 'nothing was compiled');
        } finally {
            rmSync(root, { recursive: true, force: true });
        }
    });

    it('prod with --json needs --yes: exit 2', async () => {
        const root = copyExample('nango-emu-deploy-prod-');
        try {
            const r = await run(['deploy', 'prod', '--root', root, '--json'], { NANGO_SECRET_KEY_PROD: SECRET_KEY });
            assert.equal(r.code, 2, r.stdout + r.stderr);
            assert.match(r.stdout, /pass --yes/);
        } finally {
            rmSync(root, { recursive: true, force: true });
        }
    });

    describe('to nango-emulator serve', () => {
        let server: TestServer;
        before(async () => (server = await startTestServer(compilableExample())));
        after(async () => server?.stop());

        it('sends the 5 event functions; the server stores none without a flow, so exit 1 "not_applied"', async () => {
            const r = await run(['deploy', 'dev', '--root', server.root, '--json'], { NANGO_HOSTPORT: server.url, NANGO_SECRET_KEY_DEV: SECRET_KEY });
            assert.equal(r.code, 1, r.stdout + r.stderr);
            const out = JSON.parse(r.stdout) as { ok: boolean; error: { type: string; status: number }; plan: { added: unknown[]; removed: unknown[] } };
            assert.equal(out.error.type, 'not_applied');
            assert.equal(out.plan.added.length, 5);
            assert.deepEqual(out.plan.removed, []);
            const { deployments } = (await server.call('GET', '/_emulator/deployments')).json as {
                deployments: {
                    environment: string;
                    reconcile: boolean;
                    onEventScripts: { providerConfigKey: string; name: string; event: string }[];
                    flows: unknown[];
                }[];
            };
            assert.equal(deployments.length, 1);
            assert.equal(deployments[0]!.reconcile, false);
            assert.deepEqual(deployments[0]!.flows, []);
            assert.deepEqual(deployments[0]!.onEventScripts.map((s) => `${s.providerConfigKey}/${s.name}/${s.event}`).sort(), [
                'github/seed-metadata/post-connection-creation',
                'github/validate-scopes/validate-connection',
                'salesforce/post-connection-setup/post-connection-creation',
                'salesforce/pre-connection-cleanup/pre-connection-deletion',
                'salesforce/validate-connection/validate-connection'
            ]);
            assert.ok(!r.stdout.includes(SECRET_KEY));
        });
    });
});
