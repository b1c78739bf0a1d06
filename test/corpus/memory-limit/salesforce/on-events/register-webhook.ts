import { createOnEvent } from 'nango';

export default createOnEvent({
    description: 'Register a webhook',
    event: 'post-connection-creation',
    exec: async (nango) => {
        // Bug: pages through an endless list and keeps every page in memory.
        const all: number[][] = [];
        while (all.length >= 0) {
            all.push(new Array(100_000).fill(all.length));
        }
        await nango.updateMetadata({ pages: all.length });
    }
});
