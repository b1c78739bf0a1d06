import { createOnEvent } from 'nango';

// Top-level code runs when the file is loaded, before any event.
const settings = JSON.parse('');

export default createOnEvent({
    description: 'Register a webhook',
    event: 'post-connection-creation',
    exec: async (nango) => {
        const res = await nango.post<{ id: string }>({ endpoint: '/webhooks', data: { url: settings.url } });
        await nango.updateMetadata({ webhookId: res.data.id });
    }
});
