// Which provider API call says who a connection's credentials belong to, for well-known providers of
// Nango's catalogue (@nangohq/providers keys). The "New Event Function" command fills the
// validate-connection templates with it, and adds an answer for it to the fixtures so the first dry run
// passes. These are starting points, not a contract: the user edits the created function (another
// endpoint, another field, the scopes their app has). Each endpoint is a GET relative to the catalogue's
// proxy base URL for that provider (checked against dist/emulator/providers.json), and the account id
// is a top-level field of its JSON answer, so the template can read it as `response.data?.<field>`.
// Providers whose id sits deeper in the answer (Asana, Intercom, Zendesk, Notion) or that need a POST
// (Dropbox) or GraphQL (Linear) are left out: the scaffold keeps its placeholder for them.

export interface IdentityEndpoint {
    readonly method: 'GET';
    /** Relative to the provider's proxy base URL in Nango's catalogue. */
    readonly endpoint: string;
    /** Top-level field of the JSON answer that identifies the provider account. */
    readonly accountIdField: string;
    /** Whether the provider answers the id as a JSON number or a string (for the sample fixture answer). */
    readonly accountIdType: 'number' | 'string';
}

function get(endpoint: string, accountIdField: string, accountIdType: 'number' | 'string' = 'string'): IdentityEndpoint {
    return { method: 'GET', endpoint, accountIdField, accountIdType };
}

const GOOGLE_USERINFO = get('/oauth2/v1/userinfo', 'id');
const SALESFORCE_USERINFO = get('/services/oauth2/userinfo', 'organization_id');
const MICROSOFT_GRAPH_ME = get('/v1.0/me', 'id');

const IDENTITY_ENDPOINTS: Readonly<Record<string, IdentityEndpoint>> = {
    airtable: get('/v0/meta/whoami', 'id'),
    attio: get('/v2/self', 'workspace_id'),
    bitbucket: get('/2.0/user', 'uuid'),
    box: get('/2.0/users/me', 'id'),
    discord: get('/api/v10/users/@me', 'id'),
    facebook: get('/me', 'id'),
    figma: get('/v1/me', 'id'),
    github: get('/user', 'id', 'number'),
    gitlab: get('/api/v4/user', 'id', 'number'),
    google: GOOGLE_USERINFO,
    'google-calendar': GOOGLE_USERINFO,
    'google-drive': GOOGLE_USERINFO,
    // Gmail's base URL is gmail.googleapis.com, where the OAuth userinfo endpoint does not live.
    'google-mail': get('/gmail/v1/users/me/profile', 'emailAddress'),
    hubspot: get('/account-info/v3/details', 'portalId', 'number'),
    microsoft: MICROSOFT_GRAPH_ME,
    'microsoft-teams': MICROSOFT_GRAPH_ME,
    'one-drive': MICROSOFT_GRAPH_ME,
    outlook: MICROSOFT_GRAPH_ME,
    salesforce: SALESFORCE_USERINFO,
    'salesforce-sandbox': SALESFORCE_USERINFO,
    slack: get('/auth.test', 'team_id'),
    spotify: get('/v1/me', 'id'),
    strava: get('/api/v3/athlete', 'id', 'number'),
    stripe: get('/v1/account', 'id'),
    // The catalogue's base URL already ends in /v2.
    zoom: get('/users/me', 'account_id')
};

/** The identity call for a provider key of Nango's catalogue, or undefined when none is known. */
export function identityEndpoint(provider: string): IdentityEndpoint | undefined {
    return Object.prototype.hasOwnProperty.call(IDENTITY_ENDPOINTS, provider) ? IDENTITY_ENDPOINTS[provider] : undefined;
}

/** Every provider key with a known identity call, sorted. */
export function identityProviders(): string[] {
    return Object.keys(IDENTITY_ENDPOINTS).sort();
}
