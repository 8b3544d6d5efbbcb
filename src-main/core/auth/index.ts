export type { Principal, AuthMethod, AuthRequest, Credential, Authenticator } from './principal.ts';
export { AuthChain, type AuthChainOptions } from './chain.ts';
export { extractCredential, credentialSources } from './extract.ts';
export { KeyIndex } from './key-index.ts';
export { SessionStore, type SessionInfo } from './sessions.ts';
export { sha256Hex, secretEquals, generateVirtualKey, randomToken, abbreviateKey, VIRTUAL_KEY_RE, HASH_RE } from './secret-compare.ts';
export { createMasterKeyAuthenticator, createSessionAuthenticator, createVirtualKeyAuthenticator, checkVirtualKey, principalForKey, masterPrincipal } from './builtin.ts';
