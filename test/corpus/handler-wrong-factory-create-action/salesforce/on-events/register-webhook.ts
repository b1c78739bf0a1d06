import { createAction } from 'nango';
import * as z from 'zod';

export default createAction({
    description: 'Register a webhook',
    input: z.object({}),
    output: z.object({ id: z.string() }),
    exec: async (nango) => {
        const res = await nango.post<{ id: string }>({ endpoint: '/webhooks', data: { url: 'https://api.myapp.test/hook' } });
        return { id: res.data.id };
    }
});
