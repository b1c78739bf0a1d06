import { createOnEvent } from 'nango';

export default createOnEvent({
    description: 'Check the org',
    event: 'validate-connection',
    exec: async (nango) => {
        const res = await nango.get<{ organization_id: string }>({ endpoint: '/services/oauth2/userinfo' });
        const failure: Error | undefined = res.data.organization_id ? undefined : new Error('no org');
        throw failure;
    }
});
