import { createOnEvent } from 'nango';

export default createOnEvent({
    description: 'Check the org',
    event: 'validate-connection',
    exec: async (nango) => {
        const res = await nango.get<{ organization_id: string }>({ endpoint: '/services/oauth2/userinfo' });
        throw { code: 'org_mismatch', organizationId: res.data.organization_id, token: await nango.getToken() };
    }
});
