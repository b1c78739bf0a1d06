import { createOnEvent } from 'nango';

export default createOnEvent({
    description: 'Register a webhook',
    event: 'post-connection-creation',
    exec: async (nango) => {
        const res = await nango.post<{ id: string }>({ endpoint: '/webhooks', data: { url: 'https://api.myapp.test/hook' } });
        if (res.status !== 200) {
            process.exit(1);
        }
        await nango.updateMetadata({ webhookId: res.data.id });
    }
});
