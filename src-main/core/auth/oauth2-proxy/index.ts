/** Identity from a trusted authenticating proxy's headers. */
export { createOAuth2ProxyAuthenticator, createPeerTrust } from './oauth2-proxy-authenticator.ts';
export type { OAuth2ProxyDeps } from './oauth2-proxy-authenticator.ts';
