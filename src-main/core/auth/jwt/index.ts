/** JWT auth and OIDC userinfo: key cache, verification, LiteLLM's litellm_jwtauth claim mapping. */
export { createJwtAuthenticator, MAX_TOKEN_BYTES, VERIFIED_TTL_MS } from './jwt-authenticator.ts';
export type { JwtAuthenticator, JwtDeps } from './jwt-authenticator.ts';
export { JwksCache, UNKNOWN_KID_REFETCH_INTERVAL_MS, FAILED_REFRESH_BACKOFF_MS } from './jwks-cache.ts';
export type { JwksStatus } from './jwks-cache.ts';
export { principalFromClaims, getClaim, globMatch } from './claims.ts';
export type { Claims } from './claims.ts';
export { USERINFO_CACHE_TTL_MS } from './userinfo.ts';
