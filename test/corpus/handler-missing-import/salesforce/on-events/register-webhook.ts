import { createOnEvent } from 'nango';
import { webhookUrl } from '../helpers/urls';

export default createOnEvent({
    description: 'Register a webhook',
    event: 'post-connection-creation',
    exec: async (nango) => {
        const res = await nango.post<{ id: string }>({ endpoint: '/webhooks', data: { url: webhookUrl() } });
        await nango.updateMetadata({ webhookId: res.data.id });
    }
});
