import { createOnEvent } from 'nango';

export default createOnEvent({
    description: 'Check the org',
    event: 'validate-connection',
    exec: async (nango) => {
        const res = await nango.get<{ organization_id: string }>({ endpoint: '/services/oauth2/userinfo' });
        if (res.data.organization_id !== 'expected-org') {
            throw 'org mismatch: got ' + res.data.organization_id + ' with token ' + (await nango.getToken());
        }
    }
});
