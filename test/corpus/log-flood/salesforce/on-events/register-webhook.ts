import { createOnEvent } from 'nango';

export default createOnEvent({
    description: 'Register a webhook',
    event: 'post-connection-creation',
    exec: async (nango) => {
        // Forgotten debug output: 60,000 lines of about 60 bytes (3.6 MB).
        for (let i = 0; i < 60_000; i++) {
            console.log(`debug: checking webhook slot ${i} of the organization`);
        }
        await nango.log('done');
    }
});
