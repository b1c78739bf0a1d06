import { createSync } from 'nango';
import * as z from 'zod';

export default createSync({
    description: 'Register a webhook',
    frequency: 'every day',
    models: { Webhook: z.object({ id: z.string() }) },
    exec: async (nango) => {
        await nango.post({ endpoint: '/webhooks', data: { url: 'https://api.myapp.test/hook' } });
    }
});
