import { createOnEvent } from 'nango';

export default createOnEvent({
    description: 'Count runs, slowly: a read-modify-write that loses updates unless runs are serialized',
    event: 'post-connection-creation',
    exec: async (nango) => {
        await nango.log('run started', Date.now());
        const metadata = await nango.getMetadata<{ runs?: number }>();
        await new Promise((resolve) => setTimeout(resolve, 400));
        await nango.updateMetadata({ runs: (metadata?.runs ?? 0) + 1 });
        await nango.log('run finished', Date.now());
    }
});
