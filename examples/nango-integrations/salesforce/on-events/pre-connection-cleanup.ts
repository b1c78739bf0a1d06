import { createOnEvent } from 'nango';
import * as z from 'zod';

// Same metadata shape in the three Salesforce event functions (`organizationId`, not the docs'
// alternative spelling `organization_id`). Only webhookId is needed here.
const Metadata = z.object({
    organizationId: z.string().optional(),
    webhookId: z.string().optional()
});

export default createOnEvent({
    description: 'Delete the Salesforce webhook before connection deletion',
    event: 'pre-connection-deletion',
    metadata: Metadata,
    exec: async (nango) => {
        const metadata = await nango.getMetadata();
        const webhookId = metadata?.webhookId;
        if (!webhookId) {
            await nango.log('No webhook recorded in metadata: nothing to clean up');
            return;
        }

        try {
            await nango.delete({
                endpoint: `/webhooks/${webhookId}`
            });
            await nango.log(`Deleted Salesforce webhook ${webhookId}`);
        } catch (err) {
            // Cleanup must be idempotent: the webhook may already be gone (removed in Salesforce, or
            // by an earlier attempt). That is the outcome we want, so it is not a failure.
            if (providerStatus(err) === 404) {
                await nango.log(`Salesforce webhook ${webhookId} was already deleted`, { level: 'warn' });
                return;
            }
            // Anything else (expired token, outage) is a real failure: rethrow so it shows in the logs.
            throw err;
        }
    }
});

// A failed nango.get/post/delete/... rejects with an axios error: the provider's HTTP status is in
// `response.status`.
function providerStatus(err: unknown): number | undefined {
    if (typeof err !== 'object' || err === null || !('response' in err)) {
        return undefined;
    }
    const { response } = err as { response?: { status?: unknown } };
    return typeof response?.status === 'number' ? response.status : undefined;
}
