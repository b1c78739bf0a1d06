// Builds throwaway nango-integrations projects for emulator tests: fixtures plus handler sources.
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestProject {
    root: string;
    write(relative: string, text: string): string;
    cleanup(): void;
}

export function makeProject(files: Record<string, string | object>): TestProject {
    const root = mkdtempSync(path.join(os.tmpdir(), 'nango-emu-test-'));
    const write = (relative: string, text: string): string => {
        const file = path.join(root, relative);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, text);
        return file;
    };
    // Like a project made with the New Event Function command: index.ts imports every handler, unless a test gives its own.
    const handlers = Object.keys(files).filter((f) => /^[^/]+\/on-events\/[^/]+\.ts$/.test(f));
    const index = handlers.map((f) => `import './${f.replace(/\.ts$/, '.js')}';\n`).join('');
    const all: Record<string, string | object> = { 'index.ts': index, ...files };
    for (const [relative, content] of Object.entries(all)) write(relative, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return { root, write, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export const ACME_TOKEN = 'acme-secret-access-token-123';
export const GLOBEX_TOKEN = 'globex-secret-access-token-456';

/** Two Salesforce accounts in different orgs, a userinfo answer templated per account, a webhook API. */
export function salesforceFixtures(extra: { responses?: object[]; connections?: object[]; variables?: Record<string, string> } = {}): object {
    return {
        environment: { name: 'dev', variables: extra.variables ?? { WEBHOOK_SECRET: 'not-a-secret-value' } },
        integrations: {
            salesforce: {
                provider: 'salesforce',
                webhookUrl: 'https://api.example.test/webhooks/nango',
                accounts: {
                    acme: {
                        credentials: { type: 'OAUTH2', access_token: ACME_TOKEN, refresh_token: 'acme-refresh-token-789' },
                        connectionConfig: { instance_url: 'https://acme.my.salesforce.com' },
                        identity: { organization_id: '00DACME' }
                    },
                    globex: {
                        credentials: { type: 'OAUTH2', access_token: GLOBEX_TOKEN },
                        connectionConfig: { instance_url: 'https://globex.my.salesforce.com' },
                        identity: { organization_id: '00DGLOBEX' }
                    }
                },
                responses: [
                    {
                        method: 'GET',
                        path: '/services/oauth2/userinfo',
                        body: { organization_id: '{{account.identity.organization_id}}', user_id: 'u-{{account.id}}' }
                    },
                    { method: 'POST', path: '/webhooks', status: 201, body: { id: 'wh-{{account.id}}', url: '{{body.url}}' } },
                    { method: 'DELETE', path: '/webhooks/wh-acme', status: 204 },
                    { method: 'DELETE', path: '/webhooks/:id', status: 404, body: [{ errorCode: 'NOT_FOUND', message: 'webhook {{params.id}} not found' }] },
                    ...(extra.responses ?? [])
                ]
            }
        },
        connections: extra.connections ?? [{ id: 'sf-1', integration: 'salesforce', account: 'acme', metadata: { organizationId: '00DACME' } }]
    };
}

export const FIXTURES = '.nango-emulator/fixtures.json';

/** The docs' same-account validation, as users write it. */
export const VALIDATE_SAME_ACCOUNT = `
import { createOnEvent } from 'nango';
import * as z from 'zod';
export default createOnEvent({
    description: 'same org on reconnect',
    event: 'validate-connection',
    metadata: z.object({ organizationId: z.string().optional(), webhookId: z.string().optional() }),
    exec: async (nango) => {
        const metadata = await nango.getMetadata();
        const res = await nango.get<{ organization_id: string }>({ endpoint: '/services/oauth2/userinfo' });
        const organizationId = res.data.organization_id;
        if (!metadata?.organizationId) {
            await nango.setMetadata({ organizationId });
            return;
        }
        if (metadata.organizationId !== organizationId) {
            throw new nango.ActionError({ message: 'org mismatch: expected ' + metadata.organizationId + ', got ' + organizationId });
        }
    }
});
`;

export const POST_CREATE_WEBHOOK = `
import { createOnEvent } from 'nango';
import * as z from 'zod';
export default createOnEvent({
    description: 'register webhook',
    event: 'post-connection-creation',
    metadata: z.object({ organizationId: z.string().optional(), webhookId: z.string().optional() }),
    exec: async (nango) => {
        const res = await nango.post<{ id: string }>({ endpoint: '/webhooks', data: { url: 'https://app.test/hook' } });
        await nango.updateMetadata({ webhookId: res.data.id });
        await nango.log('webhook registered', res.data.id);
    }
});
`;

export const PRE_DELETE_CLEANUP = `
import { createOnEvent } from 'nango';
export default createOnEvent({
    description: 'delete webhook idempotently',
    event: 'pre-connection-deletion',
    exec: async (nango) => {
        const metadata = await nango.getMetadata<{ webhookId?: string }>();
        if (!metadata?.webhookId) return;
        try {
            await nango.delete({ endpoint: '/webhooks/' + metadata.webhookId });
        } catch (err: any) {
            if (err.response?.status === 404) {
                await nango.log('already gone', { level: 'warn' });
                return;
            }
            throw err;
        }
    }
});
`;
