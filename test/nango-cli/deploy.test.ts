// The real `nango deploy` (nango 0.71.10) against `nango-emulator serve`, through a proxy that keeps
// the bodies it posts:
// - the example plus one action (createAction): the real CLI deploys, the emulator accepts it;
// - the event-only example: the real CLI stops at "No syncs or actions to deploy" (zeroYaml/deploy.js),
//   while `nango-emulator deploy dev` posts onEventScriptsByProvider with the same shape the real CLI
//   sends when the project has an action.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli, copyExample, SECRET_KEY } from '../unit/server/helpers';
import { describeRun, ensureNango, nangoEnv, OFFLINE_FLAGS, peerDir, runNango } from './nango';
import { serve, stopServing, type Served } from './serve';

interface Posted {
    path: string;
    body: Record<string, unknown>;
}

/** Forwards to `target` and keeps each JSON body posted to /sync/deploy*. */
async function recordingProxy(target: string, posted: Posted[]): Promise<{ url: string; server: Server }> {
    const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
            const raw = Buffer.concat(chunks);
            if (req.url?.startsWith('/sync/deploy')) posted.push({ path: req.url, body: JSON.parse(raw.toString()) as Record<string, unknown> });
            const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'content-length', 'connection'].includes(k))) as Record<
                string,
                string
            >;
            void fetch(target + req.url, { method: req.method!, headers, ...(raw.length ? { body: raw } : {}) }).then(async (r) => {
                res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
                res.end(Buffer.from(await r.arrayBuffer()));
            });
        });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const ACTION = `import { createAction } from 'nango';
import * as z from 'zod';

export default createAction({
    description: 'Create an issue',
    version: '0.0.1',
    endpoint: { method: 'POST', path: '/issues' },
    input: z.object({ title: z.string() }),
    output: z.object({ id: z.string() }),
    exec: async (_nango, input) => ({ id: input.title })
});
`;

function project(prefix: string, withAction: boolean): string {
    const dir = copyExample(prefix);
    symlinkSync(path.join(peerDir, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    mkdirSync(path.join(dir, '.nango'), { recursive: true });
    if (withAction) {
        mkdirSync(path.join(dir, 'github', 'actions'), { recursive: true });
        writeFileSync(path.join(dir, 'github', 'actions', 'create-issue.ts'), ACTION);
        writeFileSync(path.join(dir, 'index.ts'), readFileSync(path.join(dir, 'index.ts'), 'utf8') + "import './github/actions/create-issue';\n");
    }
    return dir;
}

const shape = (body: Record<string, unknown>): unknown =>
    (body['onEventScriptsByProvider'] as { providerConfigKey: string; scripts: { fileBody: object }[] }[]).map((p) => ({
        keys: Object.keys(p),
        scripts: p.scripts.map((s) => ({ keys: Object.keys(s), fileBody: Object.keys(s.fileBody) }))
    }));

function runEmulator(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
}

describe('nango deploy against nango-emulator serve', function () {
    this.timeout(600_000);
    const roots: string[] = [];
    let served: Served | undefined;
    let proxy: Server | undefined;
    before(async () => ensureNango());
    afterEach(async () => {
        await stopServing(served);
        proxy?.close();
        for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
    });

    it('with an action, the real CLI deploys and the emulator accepts flows and event functions', async () => {
        const withAction = project('nango-cli-deploy-action-', true);
        roots.push(withAction);
        served = await serve(withAction);
        const posted: Posted[] = [];
        const p = await recordingProxy(served.url, posted);
        proxy = p.server;
        const run = await runNango(withAction, nangoEnv(p.url, SECRET_KEY, path.join(withAction, '.home')), ['deploy', 'dev', ...OFFLINE_FLAGS]);
        assert.equal(run.status, 0, describeRun(run));
        assert.match(run.stdout, /Successfully deployed the functions/);
        const { deployments } = (await (await fetch(`${served.url}/_emulator/deployments`)).json()) as {
            deployments: { flows: unknown[]; onEventScripts: unknown[]; onEventScriptsApplied: boolean; reconcile: boolean }[];
        };
        assert.equal(deployments.length, 1);
        assert.deepEqual(deployments[0]!.flows, [{ providerConfigKey: 'github', name: 'create-issue', type: 'action' }]);
        assert.equal(deployments[0]!.onEventScripts.length, 5);
        assert.equal(deployments[0]!.onEventScriptsApplied, true);
        assert.equal(deployments[0]!.reconcile, true, 'the real CLI deploys with reconcile: true');
        const realDeploy = posted.find((x) => x.path === '/sync/deploy')!.body;

        // The event-only example: the real CLI refuses, the emulator's deploy posts the same shape.
        const eventsOnly = project('nango-cli-deploy-events-', false);
        roots.push(eventsOnly);
        const refused = await runNango(eventsOnly, nangoEnv(p.url, SECRET_KEY, path.join(eventsOnly, '.home')), ['deploy', 'dev', ...OFFLINE_FLAGS]);
        assert.notEqual(refused.status, 0, describeRun(refused));
        assert.match(refused.stdout + refused.stderr, /No syncs or actions to deploy/);

        posted.length = 0;
        const ours = await runEmulator(['deploy', 'dev', '--root', eventsOnly, '--json'], {
            PATH: process.env['PATH'] ?? '',
            HOME: path.join(eventsOnly, '.home'),
            NANGO_HOSTPORT: p.url,
            NANGO_SECRET_KEY_DEV: SECRET_KEY,
            NANGO_CLI_TELEMETRY: 'false',
            CI: '1'
        });
        const deploy = posted.find((x) => x.path === '/sync/deploy')?.body;
        assert.ok(deploy, `${ours.stdout}${ours.stderr}`);
        assert.deepEqual(Object.keys(deploy), Object.keys(realDeploy), 'the same top-level fields as the real CLI');
        assert.deepEqual(shape(deploy), shape(realDeploy), "onEventScriptsByProvider has the real CLI's shape");
        assert.deepEqual(deploy['flowConfigs'], []);
        assert.equal(deploy['reconcile'], false);
        assert.equal(deploy['sdkVersion'], realDeploy['sdkVersion']);
        // The emulated server, like Nango's, stores no event function without a flow: exit 1 not_applied.
        assert.equal(ours.code, 1, ours.stdout + ours.stderr);
        assert.equal((JSON.parse(ours.stdout) as { error: { type: string } }).error.type, 'not_applied');
    });
});
