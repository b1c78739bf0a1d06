import { createOnEvent } from 'nango';
import * as z from 'zod';

export default createOnEvent({
    description: 'Register a webhook',
    event: 'post-connection-creation',
    metadata: z.object({ organizationId: z.string(), webhookId: z.string().optional() }),
    exec: async (nango) => {
        const res = await nango.post<{ id: string }>({ endpoint: '/webhooks', data: { url: 'https://api.myapp.test/hook' } });
        // Bug: metadata is an object of keys, not a list.
        await nango.setMetadata([res.data.id] as any);
    }
});
