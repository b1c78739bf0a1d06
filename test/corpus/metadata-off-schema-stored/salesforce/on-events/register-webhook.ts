import { createOnEvent } from 'nango';
import * as z from 'zod';

export default createOnEvent({
    description: 'Register a webhook',
    event: 'post-connection-creation',
    metadata: z.object({ organizationId: z.string(), webhookId: z.string().optional(), retries: z.number().int().optional() }),
    exec: async (nango) => {
        const res = await nango.post<{ id: string }>({ endpoint: '/webhooks', data: { url: 'https://api.myapp.test/hook' } });
        // Bug: the schema wants a number of retries, not a string.
        await nango.updateMetadata({ webhookId: res.data.id, retries: 'three' } as any);
    }
});
