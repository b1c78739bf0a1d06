// Provider URLs and auth the way Nango's proxy builds them: the catalogue's proxy.base_url with
// ${connectionConfig.x} interpolation, headers/query templates, and the auth mode's default header.
// The one import path for all of it; each concern lives in its own provider-*.ts module.
export { providerInfo, providersCatalogue, type ProviderInfo, type ProviderPagination } from './catalogue';
export { baseUrlTemplate, interpolate, resolveBaseUrl, type InterpolationContext, type ProxyRequestInfo } from './urls';
export { interpolateIfNeeded } from './templates';
export { authFor } from './auth';
