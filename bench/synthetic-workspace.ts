// A synthetic nango-integrations tree for the workspace-analysis benchmark: N integrations, M handlers
// spread over them, index.ts importing all but every k-th one (so diagnostics have work to do).
import path from 'node:path';

const EVENTS = ['validate-connection', 'post-connection-creation', 'pre-connection-deletion'];

export interface SyntheticWorkspace {
    root: string;
    files: Map<string, string>;
    oneHandler: string;
}

function handlerSource(i: number): string {
    const event = EVENTS[i % EVENTS.length]!;
    return `import { createOnEvent } from 'nango';
import * as z from 'zod';

const Metadata = z.object({ accountId: z.string().optional(), webhookId: z.string().optional() });

export default createOnEvent({
    description: 'Synthetic handler ${i}',
    event: '${event}',
    metadata: Metadata,
    exec: async (nango) => {
        const metadata = await nango.getMetadata();
        const res = await nango.get<{ id: string }>({ endpoint: '/me' });
        if (metadata?.accountId && metadata.accountId !== res.data.id) {
            throw new nango.ActionError({ message: 'account changed' });
        }
        await nango.updateMetadata({ accountId: res.data.id });
        await nango.log('handler ${i} done');
    }
});
`;
}

export function generateWorkspace(opts: { integrations: number; handlers: number; missingImportEvery: number }): SyntheticWorkspace {
    const root = path.resolve('/bench/nango-integrations');
    const files = new Map<string, string>();
    const imports: string[] = [];
    let oneHandler = '';
    for (let i = 0; i < opts.handlers; i++) {
        const integration = `integration-${i % opts.integrations}`;
        const name = `handler-${i}`;
        const file = path.join(root, integration, 'on-events', `${name}.ts`);
        files.set(file, handlerSource(i));
        if (i % opts.missingImportEvery !== 0) imports.push(`import './${integration}/on-events/${name}';`);
        if (i === Math.floor(opts.handlers / 2)) oneHandler = file;
    }
    files.set(path.join(root, 'index.ts'), imports.join('\n') + '\n');
    return { root, files, oneHandler };
}
