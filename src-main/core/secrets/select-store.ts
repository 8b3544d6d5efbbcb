/**
 * Chooses where secrets live: the OS keychain when it really works; a plaintext 0600 file
 * only when the user opted in; otherwise a store that reads as empty and refuses to write,
 * saying how to opt in. Never a silent downgrade.
 */
import type { SecretStore } from '../ports.ts';
import { GatewayError } from '../../../src-shared/errors.ts';
import type { Environment } from './env-store.ts';
import { createFileSecretStore, SECRETS_FILE_NAME } from './file-store.ts';
import { createKeychainSecretStore, probeKeychain, probeSecretStore } from './keychain-store.ts';
import type { ProbeResult } from './keychain-store.ts';
import { validateSecretName } from './secret-name.ts';
import { join } from 'node:path';

export const INSECURE_SECRETS_ENV = 'TOLLGATE_ALLOW_INSECURE_SECRETS';

const OPT_IN_HINT =
  'to store secrets in a plaintext file instead, set general_settings.allow_insecure_secret_storage: true ' +
  `in the config file or ${INSECURE_SECRETS_ENV}=1 in the environment`;

/** Stores created by createUnavailableSecretStore: they hold nothing and accept nothing. */
const unavailableStores = new WeakSet<SecretStore>();

/** True for the placeholder store selectSecretStore returns when no storage is usable. */
export function isUnavailableSecretStore(store: SecretStore): boolean {
  return unavailableStores.has(store);
}

/**
 * Whether the user opted in to plaintext secret storage: the config setting
 * `general_settings.allow_insecure_secret_storage: true`, or `TOLLGATE_ALLOW_INSECURE_SECRETS`
 * set to `1`/`true`/`yes`.
 */
export function insecureSecretsAllowed(setting: boolean | undefined, env: Environment): boolean {
  if (setting === true) return true;
  const flag = env[INSECURE_SECRETS_ENV]?.trim().toLowerCase();
  return flag === '1' || flag === 'true' || flag === 'yes';
}

/** A store that reads as empty and whose `set` refuses with `reason` and the opt-in hint. */
export function createUnavailableSecretStore(reason: string): SecretStore {
  const store: SecretStore = {
    protection: {
      level: 'memory',
      persistent: false,
      description: `No secret storage is available: ${reason}; ${OPT_IN_HINT}.`,
    },
    async get(name) {
      validateSecretName(name);
      return null;
    },
    async set(name) {
      validateSecretName(name);
      throw new GatewayError('ERR_CONFIGURATION', `Cannot store secret ${name}: the OS keychain is unavailable (${reason}); ${OPT_IN_HINT}`);
    },
    async delete(name) {
      validateSecretName(name);
      return false;
    },
    async list() {
      return [];
    },
  };
  unavailableStores.add(store);
  return store;
}

export interface SelectSecretStoreOptions {
  /** The data directory; the plaintext fallback lives at `<dataDir>/secrets.json`. */
  dataDir: string;
  /** The user's opt-in to plaintext storage (see insecureSecretsAllowed). */
  allowInsecure: boolean;
  /** Makes the keychain store (tests pass a fake or a store on a throwaway service). */
  keychain?: () => SecretStore;
  /** Bound on each probe step (default 15 s). */
  probeTimeoutMs?: number;
}

export interface SelectedSecretStore {
  store: SecretStore;
  /** One plain sentence each, to log at start and show in `tollgate doctor`. */
  warnings: string[];
  /** The keychain probe's result, for `tollgate doctor`. */
  keychain: ProbeResult;
}

/**
 * @example
 * const { store, warnings } = await selectSecretStore({ dataDir, allowInsecure: insecureSecretsAllowed(cfg.allow_insecure_secret_storage, process.env) });
 * for (const w of warnings) log.warn(w);
 */
export async function selectSecretStore(opts: SelectSecretStoreOptions): Promise<SelectedSecretStore> {
  let keychain: ProbeResult;
  let candidate: SecretStore | undefined;
  if (opts.keychain === undefined) {
    keychain = await probeKeychain(opts.probeTimeoutMs === undefined ? {} : { timeoutMs: opts.probeTimeoutMs });
    if (keychain.available) candidate = createKeychainSecretStore();
  } else {
    try {
      candidate = opts.keychain();
      keychain = await probeSecretStore(candidate, opts.probeTimeoutMs === undefined ? {} : { timeoutMs: opts.probeTimeoutMs });
    } catch (err) {
      keychain = { available: false, reason: err instanceof Error ? err.message : String(err) };
    }
  }
  if (keychain.available && candidate !== undefined) return { store: candidate, warnings: [], keychain };

  const reason = keychain.reason ?? 'unknown reason';
  if (opts.allowInsecure) {
    const file = join(opts.dataDir, SECRETS_FILE_NAME);
    return {
      store: createFileSecretStore(opts.dataDir),
      warnings: [`The OS keychain is unavailable (${reason}); secrets are stored as PLAINTEXT in ${file} because insecure secret storage is allowed.`],
      keychain,
    };
  }
  return {
    store: createUnavailableSecretStore(reason),
    warnings: [`The OS keychain is unavailable (${reason}); secrets cannot be stored and keychain/NAME references will not resolve; ${OPT_IN_HINT}.`],
    keychain,
  };
}
