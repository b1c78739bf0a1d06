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
        // retries: Nango's proxy tries again (up to twice) when GitHub fails with a 5xx, 429, 403 or 401
        // or does not answer, waiting as GitHub's rate-limit headers say, or backing off.
        const response = await nango.get<GitHubUser>({ endpoint: '/user', retries: 2 }).catch(async (err: unknown) => {
            const trouble = githubTrouble(err);
            if (trouble === undefined) {
                throw err;
            }
            // Fail closed: without GitHub's answer the scopes cannot be checked. Throwing rejects the
            // attempt (a first connect keeps nothing; a reconnect is marked as an auth error until the
            // user reconnects); the message tells the user to try again rather than blaming their grant.
            await nango.log(`GitHub is unavailable (${trouble}): the token's scopes could not be checked`, { level: 'error' });
            throw new nango.ActionError({
                message: `GitHub is unavailable (${trouble}); the connection could not be checked. Try connecting again in a few minutes.`,
                retryable: true
            });
        });

        // A proxy in trouble can answer 200 with a body that is not JSON: that is an outage too.
        const user: unknown = response.data;
        if (typeof user !== 'object' || user === null) {
            await nango.log('GitHub answered /user with a body that is not JSON', { level: 'error' });
            throw new nango.ActionError({
                message: 'GitHub is unavailable (its answer was not JSON); the connection could not be checked. Try connecting again in a few minutes.',
                retryable: true
            });
        }

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

// When a failed call is GitHub's trouble (an outage, a rate limit, no answer), what happened; otherwise
// undefined. A failed nango.get rejects with an axios error: the status is in `response.status`, and
// a request that got no answer has a `code` such as ECONNABORTED (a timeout) instead.
function githubTrouble(err: unknown): string | undefined {
    if (typeof err !== 'object' || err === null) {
        return undefined;
    }
    const { code, response } = err as { code?: unknown; response?: { status?: unknown } };
    if (typeof response?.status === 'number') {
        return response.status >= 500 || response.status === 429 ? `HTTP ${response.status}` : undefined;
    }
    return code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ECONNRESET' ? `no answer: ${code}` : undefined;
}
