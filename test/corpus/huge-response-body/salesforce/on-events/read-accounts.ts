import { createOnEvent } from 'nango';

export default createOnEvent({
    description: 'Read accounts',
    event: 'post-connection-creation',
    exec: async (nango) => {
        const res = await nango.get<{ records: { Id: string }[] }>({ endpoint: '/services/data/v60.0/sobjects/Account' });
        await nango.updateMetadata({ firstAccount: res.data.records[0]?.Id });
    }
});
