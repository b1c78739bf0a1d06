import { createOnEvent } from 'nango';
import * as z from 'zod';

// The connection's metadata, shared by the three Salesforce event functions. Nango's docs spell the
// org key both `organization_id` and `organizationId`; these examples use `organizationId` in all
// three files, so what one function writes is what the others read.
const Metadata = z.object({
    organizationId: z.string().optional(),
    webhookId: z.string().optional()
});

// The part of Salesforce's OpenID Connect userinfo response this function needs.
interface UserInfo {
    organization_id: string;
}

export default createOnEvent({
    description: 'Validate connection against saved organization id to prevent changing account on reconnect',
    event: 'validate-connection',
    metadata: Metadata,
    exec: async (nango) => {
        const metadata = await nango.getMetadata();
        const lockedOrganizationId = metadata?.organizationId;

        // Ask Salesforce which org these credentials belong to. Never compare connection_config
        // (e.g. instance_url): on reconnect Nango overwrites it with the new account's values before
        // this function runs, so it cannot reveal an account switch.
        const response = await nango.get<UserInfo>({
            endpoint: '/services/oauth2/userinfo'
        });
        const organizationId = response.data?.organization_id;
        if (!organizationId) {
            // The ActionError payload is what Nango reports as the failure details of the rejected
            // auth attempt: give it a readable `message` (and any fields that help debugging).
            throw new nango.ActionError({
                message: 'Salesforce connection missing organization_id from /services/oauth2/userinfo'
            });
        }

        // On initial connection, lock the connection to this org. updateMetadata (not setMetadata)
        // merges, so a webhookId stored before this function was deployed is kept.
        if (!lockedOrganizationId) {
            await nango.updateMetadata({ organizationId });
            await nango.log(`Locked the connection to Salesforce org ${organizationId}`);
            return;
        }

        // On subsequent connections (reconnect), the org must be the one locked at first connect.
        // Throwing rejects the attempt: Nango keeps the connection but marks it as an auth error.
        if (lockedOrganizationId !== organizationId) {
            await nango.log(`Reconnect to another Salesforce org rejected: expected ${lockedOrganizationId}, got ${organizationId}`, {
                level: 'warn'
            });
            throw new nango.ActionError({
                message: `Salesforce org mismatch: expected ${lockedOrganizationId}, got ${organizationId}`,
                expectedOrganizationId: lockedOrganizationId,
                organizationId
            });
        }

        await nango.log(`Reconnected to the same Salesforce org ${organizationId}`);
    }
});
