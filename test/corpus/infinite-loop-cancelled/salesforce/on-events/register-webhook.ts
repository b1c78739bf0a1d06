import { createOnEvent } from 'nango';

export default createOnEvent({
    description: 'Register a webhook',
    event: 'post-connection-creation',
    exec: async (nango) => {
        let id = '';
        // Bug: polls for an id that never comes, without ever yielding.
        while (!id) {
            id = (globalThis as { webhookId?: string }).webhookId ?? '';
        }
        await nango.updateMetadata({ webhookId: id });
    }
});
