/**
 * Secrets: the SecretStore adapters (OS keychain, environment, memory, opt-in plaintext
 * file), choosing one, resolving `os.environ/` and `keychain/` references, and the
 * generated master and UI signing keys. What is not exported here is private.
 */
export { validateSecretName, isValidSecretName } from './secret-name.ts';
export { createMemorySecretStore } from './memory-store.ts';
export { createEnvSecretStore } from './env-store.ts';
export type { Environment } from './env-store.ts';
export { createFileSecretStore, SECRETS_FILE_NAME } from './file-store.ts';
export {
  createKeychainSecretStore,
  probeKeychain,
  probeSecretStore,
  explainKeychainError,
  DEFAULT_KEYCHAIN_SERVICE,
} from './keychain-store.ts';
export type { ProbeResult } from './keychain-store.ts';
export {
  selectSecretStore,
  insecureSecretsAllowed,
  createUnavailableSecretStore,
  isUnavailableSecretStore,
  INSECURE_SECRETS_ENV,
} from './select-store.ts';
export type { SelectSecretStoreOptions, SelectedSecretStore } from './select-store.ts';
export { SecretResolver, ENV_PREFIX, KEYCHAIN_PREFIX } from './resolver.ts';
export {
  loadOrCreateMasterKey,
  loadOrCreateSigningKey,
  generateMasterKey,
  generateSigningKey,
  MASTER_KEY_NAME,
  SIGNING_KEY_NAME,
} from './generated-keys.ts';
export type { LoadOrCreateKeyOptions, LoadedKey } from './generated-keys.ts';
