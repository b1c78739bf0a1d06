import { createOnEvent } from 'nango';

export default createOnEvent({
    description: 'Read the org limits',
    event: 'post-connection-creation',
    exec: async (nango) => {
        const res = await nango.get<{ DailyApiRequests: { Remaining: number } }>({ endpoint: '/services/data/v60.0/limits' });
        await nango.log('remaining', res.data.DailyApiRequests.Remaining);
    }
});
