/** OAuth2 access tokens vouched for by introspection or token-info, and the IdP plumbing shared with JWT/userinfo. */
export { createOAuth2Authenticator } from './oauth2-authenticator.ts';
export type { OAuth2Deps } from './oauth2-authenticator.ts';
export { TokenCache, hashToken } from './token-cache.ts';
export { idpFetchJson, describeEndpoint, IDP_TIMEOUT_MS } from './idp-fetch.ts';
export type { FetchLike, IdpResponse } from './idp-fetch.ts';
