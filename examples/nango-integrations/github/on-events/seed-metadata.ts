import { createOnEvent } from 'nango';
import * as z from 'zod';

const Metadata = z.object({
    login: z.string(),
    // GitHub's numeric user id: stable, unlike the login, which the user can rename.
    accountId: z.number(),
    // The first organization the user belongs to, or null when there is none.
    defaultOrg: z.string().nullable()
});

interface GitHubUser {
    login: string;
    id: number;
}

interface GitHubOrganization {
    login: string;
    id: number;
}

export default createOnEvent({
    description: 'Seed connection metadata with the GitHub account and its default organization',
    event: 'post-connection-creation',
    metadata: Metadata,
    exec: async (nango) => {
        // retries: Nango's proxy tries again when GitHub has a short outage or rate-limits the call.
        const user = await nango.get<GitHubUser>({
            endpoint: '/user',
            retries: 2
        });
        const organizations = await nango.get<GitHubOrganization[]>({
            endpoint: '/user/orgs',
            retries: 2
        });

        const defaultOrg = organizations.data[0]?.login ?? null;
        if (defaultOrg === null) {
            await nango.log(`GitHub user ${user.data.login} belongs to no organization visible to this token`, { level: 'warn' });
        }

        // updateMetadata merges, so keys written by other event functions are kept.
        await nango.updateMetadata({
            login: user.data.login,
            accountId: user.data.id,
            defaultOrg
        });
        await nango.log(`Seeded metadata for GitHub user ${user.data.login} (default org: ${defaultOrg ?? 'none'})`);
    }
});
