import { createOnEvent } from 'nango';

export default createOnEvent({
    description: 'Subscribe to contact events',
    event: 'post-connection-creation',
    exec: async (nango) => {
        await nango.post({ endpoint: '/webhooks/v3/subscriptions', data: { eventType: 'contact.creation' } });
    }
});
