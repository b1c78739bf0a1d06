// The SDK answers, compared: one probe event function asks the `nango` object everything an event
// function can ask (metadata, field mapping, token, connection, integration, flow attributes, logger,
// input validation, actions) and stores the answers, or the errors, in the connection's metadata. It
// runs twice against the same emulator server: once through the real `nango dryrun` 0.71.10, whose
// `nango` object is Nango's own @nangohq/runner-sdk calling the server's Nango API, and once through
// the emulator's own SDK (worker/sdk.ts). The two must answer alike: that is what holds the emulator's
// SDK to Nango's (docs/parity.md, "The SDK").
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import type { RunResult } from '../../emulator/core/result';
import { copyExample, editJson, SECRET_KEY } from '../unit/server/helpers';
import { applyOnEventDryrunWorkaround, describeRun, ensureNango, nangoEnv, OFFLINE_FLAGS, peerDir, runNango } from './nango';
import { serve, stopServing, type Served } from './serve';

const PROBE = `import { createOnEvent } from 'nango';
import * as z from 'zod';

type Answer = { value: unknown } | { error: { name: string; message: string; type?: unknown; payload?: unknown; status?: unknown } };

export default createOnEvent({
    event: 'post-connection-creation',
    description: 'Asks the nango object everything and keeps the answers',
    metadata: z.object({ answers: z.record(z.string(), z.unknown()).optional(), probed: z.boolean().optional() }),
    exec: async (nango) => {
        const answers: Record<string, Answer> = {};
        const ask = async (name: string, question: () => unknown): Promise<void> => {
            try {
                answers[name] = { value: (await question()) ?? null };
            } catch (err) {
                const e = err as { name?: string; message?: string; type?: unknown; payload?: unknown; response?: { status?: unknown } };
                answers[name] = { error: { name: String(e.name), message: String(e.message), type: e.type ?? null, payload: e.payload ?? null, status: e.response?.status ?? null } };
            }
        };
        await ask('getMetadata', () => nango.getMetadata());
        await ask('getFieldMapping', () => nango.getFieldMapping());
        await ask('getToken', () => nango.getToken());
        await ask('getConnection', () => nango.getConnection());
        await ask('getIntegration', () => nango.getIntegration());
        await ask('getIntegration include', () => nango.getIntegration({ include: ['webhook', 'credentials'] }));
        await ask('getWebhookURL', () => nango.getWebhookURL());
        await ask('getEnvironmentVariables', () => nango.getEnvironmentVariables());
        await ask('getVariant', () => nango.getVariant());
        await ask('getFlowAttributes', () => nango.getFlowAttributes());
        await ask('setLogger', () => nango.setLogger({ level: 'info' }));
        await ask('zodValidateInput ok', () => nango.zodValidateInput({ zodSchema: z.object({ n: z.number() }), input: { n: 1 } }));
        await ask('zodValidateInput invalid', () => nango.zodValidateInput({ zodSchema: z.object({ n: z.number() }), input: { n: 'one' } }));
        await ask('triggerAction', () => nango.triggerAction('github', 'gh-probe', 'create-issue', { title: 'Probe' }));
        await ask('triggerAction that throws', () => nango.triggerAction('github', 'gh-probe', 'broken', {}));
        await ask('triggerAction not deployed', () => nango.triggerAction('github', 'gh-probe', 'missing', {}));
        await ask('updateMetadata on null', async () => (await nango.updateMetadata({ probed: true })).data);
        await ask('getMetadata after update', () => nango.getMetadata());
        await nango.setMetadata({ answers });
    }
});
`;

/**
 * `nango dryrun` swallows a failed call to Nango's API: its axios interceptor (nango/dist/services/sdk.js
 * getAxiosSettings, onRejected) returns the error as the response, so triggerAction of a failing action
 * returns undefined there. Production's runner (packages/runner/lib/sdk/sdk.ts) sets no onRejected: the
 * call throws @nangohq/node's axios error. The emulator throws, as production does; these answers are
 * checked against that, with the status Nango's API gives.
 */
const CLI_DRIFT: Record<string, number> = { 'triggerAction that throws': 500, 'triggerAction not deployed': 404 };

/** Dates and times differ between two runs: compare their presence, not their value. */
function withoutTimes(value: unknown): unknown {
    if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return '<time>';
    if (Array.isArray(value)) return value.map(withoutTimes);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutTimes(v)]));
    return value;
}

describe("the SDK answers of Nango's own runner-sdk (real nango dryrun) and of the emulator, for one probe function", function () {
    this.timeout(600_000);
    let project: string;
    let served: Served;
    let env: NodeJS.ProcessEnv;

    const api = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
        const res = await fetch(served.url + route, {
            method,
            ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {})
        });
        const json = (await res.json()) as T;
        assert.ok(res.ok, `${method} ${route}: ${res.status} ${JSON.stringify(json)}`);
        return json;
    };
    const answersNow = async (): Promise<Record<string, unknown>> => {
        const { connection } = await api<{ connection: { metadata: { answers?: Record<string, unknown> } | null } }>('GET', '/_emulator/connections/gh-probe');
        assert.ok(connection.metadata?.answers, `the probe stored no answers: ${JSON.stringify(connection.metadata)}`);
        return withoutTimes(connection.metadata.answers) as Record<string, unknown>;
    };

    before(async function () {
        await ensureNango();
        project = copyExample('nango-sdk-parity-');
        mkdirSync(path.join(project, 'github/on-events'), { recursive: true });
        writeFileSync(path.join(project, 'github/on-events/sdk-probe.ts'), PROBE);
        appendFileSync(path.join(project, 'index.ts'), "import './github/on-events/sdk-probe';\n");
        // An OAuth connection nothing has set metadata on yet: Nango's null.
        // Actions answer from the fixtures (the emulator runs no action). triggerSync and startSync are left
        // out: `nango dryrun` runs a sync locally for triggerSync and ignores startSync, where production
        // calls Nango's API (runner/lib/sdk/sdk.ts); flows.test.ts checks those against @nangohq/node.
        editJson<{ connections: unknown[]; integrations: Record<string, Record<string, unknown>> }>(
            path.join(project, '.nango-emulator/fixtures.json'),
            (f) => {
                f.connections.push({ id: 'gh-probe', integration: 'github', account: 'octo-admin', metadata: null });
                f.integrations['github']!['actions'] = {
                    'create-issue': { output: { number: 7, title: 'Probe' } },
                    broken: { error: { payload: { reason: 'the repository is archived' } } }
                };
            }
        );
        symlinkSync(path.join(peerDir, 'node_modules'), path.join(project, 'node_modules'), 'dir');
        served = await serve(project);
        env = nangoEnv(served.url, SECRET_KEY, path.join(project, '.home'));
        const compile = await runNango(project, env, ['compile', ...OFFLINE_FLAGS]);
        assert.equal(compile.status, 0, `nango compile failed: ${describeRun(compile)}`);
        applyOnEventDryrunWorkaround(project);
    });

    after(async () => {
        await stopServing(served);
        if (project) rmSync(project, { recursive: true, force: true });
    });

    it('every answer, or error, is the same', async () => {
        await api('POST', '/_emulator/reset', {});
        const r = await runNango(project, env, ['dryrun', 'sdk-probe', 'gh-probe', '-e', 'dev', ...OFFLINE_FLAGS]);
        assert.equal(r.status, 0, describeRun(r));
        const nangos = await answersNow();

        await api('POST', '/_emulator/reset', {});
        const own = await api<RunResult>('POST', '/_emulator/run', { operation: 'dryrun', function: 'github/sdk-probe', connectionId: 'gh-probe' });
        assert.equal(own.ok, true, JSON.stringify(own.error));
        const emulators = await answersNow();

        assert.deepEqual(Object.keys(emulators), Object.keys(nangos));
        for (const key of Object.keys(nangos)) {
            if (key in CLI_DRIFT) continue;
            assert.deepEqual(emulators[key], nangos[key], `nango.${key}: the emulator answers differently from Nango's runner-sdk`);
        }
        // Where `nango dryrun` itself is not production: a failed Nango API call.
        for (const [key, status] of Object.entries(CLI_DRIFT)) {
            assert.deepEqual(nangos[key], { value: null }, `nango dryrun no longer swallows the failure of ${key}: drop it from CLI_DRIFT and docs/parity.md`);
            assert.deepEqual(emulators[key], {
                error: { name: 'AxiosError', message: `Request failed with status code ${status}`, type: null, payload: null, status }
            });
        }
    });
});
