import { createOnEvent } from 'nango';
import * as z from 'zod';

// Same metadata shape in the three Salesforce event functions. The docs spell the org key both
// `organization_id` and `organizationId`; these examples use `organizationId` everywhere, so what
// one function writes is what the others read.
const Metadata = z.object({
    organizationId: z.string().optional(),
    webhookId: z.string().optional()
});

// The part of Salesforce's OpenID Connect userinfo response this function needs.
interface UserInfo {
    organization_id: string;
}

// The webhook registration endpoint of the docs' example answers with the new webhook's id.
interface Webhook {
    id: string;
}

// Where Salesforce should deliver events. Read from a Nango environment variable so that dev and
// prod can point at different receivers without a code change.
const WEBHOOK_URL_VARIABLE = 'SALESFORCE_WEBHOOK_URL';
const DEFAULT_WEBHOOK_URL = 'https://api.myapp.com/webhooks/salesforce';

export default createOnEvent({
    description: 'Register a Salesforce webhook after a successful connection',
    event: 'post-connection-creation',
    metadata: Metadata,
    exec: async (nango) => {
        const metadata = await nango.getMetadata();

        // Nango runs post-connection-creation after every successful connect AND reconnect: keep the
        // webhook registered the first time instead of registering a second one.
        if (metadata?.webhookId) {
            await nango.log(`Salesforce webhook ${metadata.webhookId} is already registered: kept`);
            return;
        }

        const variables = await nango.getEnvironmentVariables();
        const url = variables?.find((variable) => variable.name === WEBHOOK_URL_VARIABLE)?.value ?? DEFAULT_WEBHOOK_URL;

        const response = await nango.post<Webhook>({
            endpoint: '/webhooks',
            data: {
                url,
                events: ['contact.updated']
            }
        });
        const webhookId = response.data.id;
        await nango.log(`Registered Salesforce webhook ${webhookId} delivering to ${url}`);

        // validate-connection locks the org on first connect. If it did not (e.g. it was deployed
        // after this function), record the org here so a later reconnect can be checked against it.
        let organizationId = metadata?.organizationId;
        if (!organizationId) {
            const userinfo = await nango.get<UserInfo>({
                endpoint: '/services/oauth2/userinfo'
            });
            organizationId = userinfo.data.organization_id;
            await nango.log(`Recorded Salesforce org ${organizationId}: validate-connection had not locked one`, { level: 'warn' });
        }

        // updateMetadata merges into the existing metadata; setMetadata would replace it and drop
        // what validate-connection stored.
        await nango.updateMetadata({ organizationId, webhookId });
    }
});
