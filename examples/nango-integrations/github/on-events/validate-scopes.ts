import { createOnEvent } from 'nango';

// GitHub reports the scopes granted to an OAuth token in the `x-oauth-scopes` header of every API
// response. `repo` includes repository webhooks; `admin:repo_hook` is the narrower alternative.
const ACCEPTED_SCOPES = ['repo', 'admin:repo_hook'];

interface GitHubUser {
    login: string;
}

export default createOnEvent({
    description: 'Reject GitHub connections whose token cannot manage repository webhooks',
    event: 'validate-connection',
    exec: async (nango) => {
        const response = await nango.get<GitHubUser>({
            endpoint: '/user'
        });

        const header = response.headers['x-oauth-scopes'];
        const grantedScopes =
            typeof header === 'string'
                ? header
                      .split(',')
                      .map((scope) => scope.trim())
                      .filter((scope) => scope.length > 0)
                : [];

        if (!ACCEPTED_SCOPES.some((scope) => grantedScopes.includes(scope))) {
            const granted = grantedScopes.length > 0 ? grantedScopes.join(', ') : 'none';
            await nango.log(`GitHub user ${response.data.login} did not grant the "repo" scope (granted: ${granted})`, { level: 'warn' });
            // Throwing rejects the attempt: a first connect is deleted, a reconnect is marked as an
            // auth error until the user reconnects with the scope.
            throw new nango.ActionError({
                message: `GitHub token is missing the "repo" scope (or "admin:repo_hook"); granted: ${granted}. Reconnect and approve repository access.`,
                missingScope: 'repo',
                grantedScopes
            });
        }

        await nango.log(`GitHub user ${response.data.login} granted: ${grantedScopes.join(', ')}`);
    }
});
