import { createOnEvent } from 'nango';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export default createOnEvent({
    description: 'Register a webhook',
    event: 'post-connection-creation',
    exec: async (nango) => {
        // For the test: which process runs this handler (the compiled file lives in .nango-emulator/cache/).
        writeFileSync(path.join(__dirname, '..', 'handler.pid'), String(process.pid));
        let id = '';
        // Bug: polls for an id that never comes, without ever yielding.
        while (!id) {
            id = (globalThis as { webhookId?: string }).webhookId ?? '';
        }
        await nango.updateMetadata({ webhookId: id });
    }
});
