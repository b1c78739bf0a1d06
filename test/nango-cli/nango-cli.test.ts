// The real `nango` CLI (0.71.10, from npm) against `nango-emulator serve`, fully offline: for every
// example event function, `nango dryrun <function> <connection-id> -e dev` succeeds and makes the same
// provider calls and metadata writes as the emulator's own dry run of that function. Also: the nango
// 0.71.10 onEvent dry run bug (see nango.ts for the bug and the workaround), a failing validation, and
// a `--save-responses` recording made here that `import-recording` turns into fixtures that replay.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import type { RunResult } from '../../emulator/core/result';
import type { JournalEntry } from '../../emulator/server/context';
import { cli, copyExample, editJson, exampleSecrets, readJson, SECRET_KEY } from '../unit/server/helpers';
import { applyOnEventDryrunWorkaround, describeRun, ensureNango, nangoEnv, OFFLINE_FLAGS, peerDir, runNango, type NangoRun } from './nango';
import { serve, stopServing, type Served } from './serve';

/** Every example handler, with the connection it runs against (chosen so that each one does something). */
const CASES: {
    integration: string;
    name: string;
    connection: string;
    why: string;
    metadataWrites: number;
    startMetadata?: Record<string, unknown>;
    saveResponses?: true;
}[] = [
    {
        integration: 'salesforce',
        name: 'validate-connection',
        connection: 'sf-legacy',
        metadataWrites: 1,
        why: 'no org locked yet: reads userinfo and locks it with updateMetadata'
    },
    // As right after a first connect, before validation locked an org: no webhook yet, so it registers one.
    {
        integration: 'salesforce',
        name: 'post-connection-setup',
        connection: 'sf-legacy',
        metadataWrites: 1,
        startMetadata: {},
        why: 'environment variables, POST /webhooks (201, templated), userinfo, updateMetadata'
    },
    {
        integration: 'salesforce',
        name: 'pre-connection-cleanup',
        connection: 'sf-globex-stale',
        metadataWrites: 0,
        why: 'DELETE of a webhook that is gone: the 404 reaches the handler as an axios error'
    },
    { integration: 'github', name: 'validate-scopes', connection: 'gh-admin', metadataWrites: 0, why: 'reads the x-oauth-scopes response header' },
    // As right after a connect: empty metadata (set through the Nango API, as setMetadata would). Also
    // recorded with --save-responses, for the import-recording test below (one nango run less).
    {
        integration: 'github',
        name: 'seed-metadata',
        connection: 'gh-admin',
        metadataWrites: 1,
        startMetadata: {},
        saveResponses: true,
        why: 'two GETs, updateMetadata; recorded'
    }
];

describe(`the real nango CLI against nango-emulator serve`, function () {
    this.timeout(600_000);
    let project: string;
    let served: Served;
    let env: NodeJS.ProcessEnv;
    const expected = new Map<string, RunResult>();

    const api = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
        const res = await fetch(served.url + route, {
            method,
            ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {})
        });
        const json = (await res.json()) as T;
        assert.ok(res.ok, `${method} ${route}: ${res.status} ${JSON.stringify(json)}`);
        return json;
    };
    const nangoApi = async (method: string, route: string, body: unknown): Promise<void> => {
        const res = await fetch(served.url + route, {
            method,
            body: JSON.stringify(body),
            headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET_KEY}` }
        });
        assert.ok(res.ok, `${method} ${route}: ${res.status} ${await res.text()}`);
    };
    const reset = (): Promise<unknown> => api('POST', '/_emulator/reset', {});
    const journalSince = async (since: number): Promise<JournalEntry[]> =>
        (await api<{ entries: JournalEntry[] }>('GET', `/_emulator/requests?since=${since}`)).entries;
    const lastSeq = async (): Promise<number> => (await api<{ last: number }>('GET', '/_emulator/requests')).last;
    const emulatorDryrun = (integration: string, name: string, connectionId: string): Promise<RunResult> =>
        api<RunResult>('POST', '/_emulator/run', { operation: 'dryrun', function: `${integration}/${name}`, connectionId });
    const dryrun = (name: string, connection: string, ...extra: string[]): Promise<NangoRun> =>
        runNango(project, env, ['dryrun', name, connection, '-e', 'dev', ...OFFLINE_FLAGS, ...extra]);
    /** Method, URL, status and the account whose credentials the call carried. */
    const providerCalls = (entries: JournalEntry[]): string[] =>
        entries.flatMap((e) => (e.kind === 'proxy' ? [`${e.method} ${e.url} ${e.status} ${e.account}`] : []));
    const ownCalls = (result: RunResult): string[] => result.requests.map((q) => `${q.method} ${q.url} ${q.status} ${q.account}`);
    const metadataWrites = (entries: JournalEntry[]): Record<string, unknown>[] => entries.flatMap((e) => (e.kind === 'metadata' ? [e.metadata] : []));

    before(async function () {
        // Loud, never skipped: without its peer this test proves nothing.
        const install = await ensureNango();
        if (install.installed) console.log(`      (installed nango from npm in ${Math.round(install.durationMs / 1000)} s)`);
        project = copyExample('nango-cli-peer-');
        // GitHub's /user answer also sets a cookie: recordings keep it, import-recording must drop it.
        editJson<{ integrations: Record<string, { responses: { headers?: Record<string, string> }[] }> }>(
            path.join(project, '.nango-emulator/fixtures.json'),
            (f) => {
                f.integrations['github']!.responses[0]!.headers!['set-cookie'] = '_gh_sess=recorded-session-cookie; HttpOnly';
            }
        );
        // nango compiles and imports the functions from the project: `nango` and `zod` must resolve there.
        symlinkSync(path.join(peerDir, 'node_modules'), path.join(project, 'node_modules'), 'dir');
        served = await serve(project);
        env = nangoEnv(served.url, SECRET_KEY, path.join(project, '.home'));
        const compile = await runNango(project, env, ['compile', ...OFFLINE_FLAGS]);
        assert.equal(compile.status, 0, `nango compile failed: ${describeRun(compile)}`);
        assert.equal(applyOnEventDryrunWorkaround(project).length, CASES.length);
    });

    after(async () => {
        await stopServing(served);
        if (project) rmSync(project, { recursive: true, force: true });
    });

    it('nango 0.71.10 bug: without the workaround, dryrun of an event function exits 12 "Unable to find script file"', async () => {
        const copy = path.join(project, 'build/github_syncs_validate-scopes.cjs');
        unlinkSync(copy);
        try {
            const r = await dryrun('validate-scopes', 'gh-admin');
            assert.equal(r.status, 12, describeRun(r));
            assert.match(r.stderr, /Unable to find script file for \\?"validate-scopes\\?"/);
            assert.match(r.stdout, /ENOENT.*build\/github_syncs_validate-scopes\.cjs/);
        } finally {
            applyOnEventDryrunWorkaround(project);
        }
        assert.ok(existsSync(copy));
    });

    for (const c of CASES) {
        it(`nango dryrun ${c.name} ${c.connection}: same provider calls and metadata as the emulator (${c.why})`, async () => {
            const start = async (): Promise<void> => {
                await reset();
                if (c.startMetadata)
                    await nangoApi('POST', '/connections/metadata', {
                        connection_id: c.connection,
                        provider_config_key: c.integration,
                        metadata: c.startMetadata
                    });
            };
            await start();
            const own = await emulatorDryrun(c.integration, c.name, c.connection);
            assert.equal(own.ok, true, JSON.stringify(own.error));
            assert.ok(own.requests.length > 0);
            expected.set(c.name, own);

            await start();
            const since = await lastSeq();
            const r = await dryrun(c.name, c.connection, ...(c.saveResponses ? ['--save-responses'] : []));
            assert.equal(r.status, 0, describeRun(r));
            assert.match(r.stdout, new RegExp(`Executing -> integration:"${c.integration}" script:"${c.name}"`));
            const journal = await journalSince(since);

            assert.deepEqual(providerCalls(journal), ownCalls(own));
            const connection = (await api<{ connection: { metadata: Record<string, unknown> } }>('GET', `/_emulator/connections/${c.connection}`)).connection;
            assert.deepEqual(connection.metadata, own.metadata.after);
            const writes = metadataWrites(journal);
            assert.equal(writes.length, c.metadataWrites, JSON.stringify(writes));
            if (writes.length) assert.deepEqual(writes.at(-1), own.metadata.after);
            if (c.metadataWrites) assert.notDeepEqual(own.metadata.after, own.metadata.before);
            // What the function logged with nango.log shows in the real CLI's output too.
            for (const log of own.logs.filter((l) => l.source === 'nango'))
                assert.ok(`${r.stdout}${r.stderr}`.includes(log.message), `missing log line: ${log.message}\n${describeRun(r)}`);
        });
    }

    it('a rejected validation fails the real CLI like the emulator: reconnect of an Acme connection to the Globex org', async () => {
        const reconnectToGlobex = (): Promise<RunResult> =>
            api<RunResult>('POST', '/_emulator/run', { operation: 'reconnect', integration: 'salesforce', connectionId: 'sf-acme', account: 'globex' });
        await reset();
        assert.equal((await reconnectToGlobex()).status, 'refresh_exhausted');
        const own = await emulatorDryrun('salesforce', 'validate-connection', 'sf-acme');
        assert.equal(own.ok, false);
        assert.equal(own.error?.type, 'ActionError');

        await reset();
        await reconnectToGlobex();
        const since = await lastSeq();
        const r = await dryrun('validate-connection', 'sf-acme', '--integration-id', 'salesforce');
        assert.equal(r.status, 12, describeRun(r));
        assert.ok(r.stderr.includes(own.error!.message), `${own.error!.message}\n${describeRun(r)}`);
        assert.match(own.error!.message, /Salesforce org mismatch: expected 00D5g00000AcmeXEAR, got 00D8c00000GlbxYEAQ/);
        const journal = await journalSince(since);
        assert.deepEqual(providerCalls(journal), ownCalls(own));
        assert.deepEqual(metadataWrites(journal), []);
    });

    it('--save-responses against the emulator records a file that import-recording turns into fixtures that replay offline', async () => {
        const recording = path.join(project, 'github/tests/seed-metadata.test.json');
        if (!existsSync(recording)) {
            // Made by the seed-metadata case above; made here when this test runs alone.
            await reset();
            const r = await dryrun('seed-metadata', 'gh-admin', '--save-responses');
            assert.equal(r.status, 0, describeRun(r));
            assert.match(r.stdout, /Mocks saved to .*github\/tests\/seed-metadata\.test\.json/);
        }
        const recorded = readFileSync(recording, 'utf8');
        assert.ok(recorded.includes('recorded-session-cookie'), 'nango records response headers as they are');
        for (const secret of [SECRET_KEY, ...exampleSecrets(project)]) assert.equal(recorded.includes(secret), false, `the recording holds ${secret}`);

        // A second project whose fixtures have no GitHub responses: only the recording can answer.
        const replay = copyExample('nango-cli-replay-');
        try {
            const fixturesFile = path.join(replay, '.nango-emulator/fixtures.json');
            editJson<{ integrations: Record<string, { responses: unknown[] }> }>(fixturesFile, (f) => (f.integrations['github']!.responses = []));
            const imported = spawnSync(
                process.execPath,
                [cli, 'import-recording', recording, '--root', replay, '--integration', 'github', '--account', 'octo-admin', '--json'],
                { encoding: 'utf8' }
            );
            assert.equal(imported.status, 0, imported.stdout + imported.stderr);
            const summary = JSON.parse(imported.stdout) as { added: number; skipped: { entry: string }[]; warnings: string[] };
            assert.equal(summary.added, 2);
            assert.deepEqual(
                summary.skipped.map((s) => s.entry),
                ['patch //connections/metadata']
            );
            assert.ok(summary.warnings.some((w) => /set-cookie/.test(w)));
            const fixtures = readFileSync(fixturesFile, 'utf8');
            assert.equal(/set-cookie|recorded-session-cookie/i.test(fixtures), false);
            assert.deepEqual(
                readJson<{ integrations: Record<string, { responses: { method: string; path: string; account: string }[] }> }>(fixturesFile).integrations[
                    'github'
                ]!.responses.map((x) => `${x.method} ${x.path} ${x.account}`),
                ['GET /user octo-admin', 'GET /user/orgs octo-admin']
            );

            const run = spawnSync(process.execPath, [cli, 'dryrun', 'github/seed-metadata', '--connection', 'gh-admin', '--root', replay, '--json'], {
                encoding: 'utf8'
            });
            assert.equal(run.status, 0, run.stdout + run.stderr);
            const result = JSON.parse(run.stdout) as RunResult;
            const original = expected.get('seed-metadata') ?? (await emulatorDryrun('github', 'seed-metadata', 'gh-admin'));
            assert.deepEqual(
                result.requests.map((q) => `${q.method} ${q.url} ${q.status}`),
                original.requests.map((q) => `${q.method} ${q.url} ${q.status}`)
            );
            assert.deepEqual(result.metadata.after, original.metadata.after);
            assert.ok(result.requests.every((q) => q.matchedBy?.includes('integrations.github.responses')));
        } finally {
            rmSync(replay, { recursive: true, force: true });
        }
    });

    it('the server printed no credential and never the secret key', () => {
        const printed = served.output();
        assert.match(printed, /GET \/connection\/sf-acme → 200/);
        for (const secret of [SECRET_KEY, ...exampleSecrets(project)]) assert.equal(printed.includes(secret), false, `the server printed ${secret}`);
    });
});
