/**
 * Resolves secret references in config values: `os.environ/NAME` (environment),
 * `keychain/NAME` (the SecretStore), anything else is a literal. The LLM hot path calls
 * this per request, so keychain reads are cached in memory; writes made through
 * `resolver.store` invalidate the cache at once. A missing secret is an error naming the
 * reference and how to fix it, never a silent empty key, and never a value.
 */
import type { SecretStore } from '../ports.ts';
import { GatewayError } from '../../../src-shared/errors.ts';
import type { Environment } from './env-store.ts';
import { isValidSecretName } from './secret-name.ts';

export const ENV_PREFIX = 'os.environ/';
export const KEYCHAIN_PREFIX = 'keychain/';

export class SecretResolver {
  readonly #backing: SecretStore;
  readonly #env: Environment;
  readonly #cache = new Map<string, string>();
  readonly #inflight = new Map<string, Promise<string | null>>();
  /** Bumped by invalidate, so a read that started before a write is never cached after it. */
  #generation = 0;
  readonly #wrapper: SecretStore;

  constructor(store: SecretStore, env: Environment) {
    this.#backing = store;
    this.#env = env;
    const backing = store;
    this.#wrapper = {
      protection: backing.protection,
      get: (name) => backing.get(name),
      set: async (name, value) => {
        this.invalidate(name);
        try {
          await backing.set(name, value);
        } finally {
          this.invalidate(name);
        }
      },
      delete: async (name) => {
        this.invalidate(name);
        try {
          return await backing.delete(name);
        } finally {
          this.invalidate(name);
        }
      },
      list: () => backing.list(),
    };
  }

  /** The store to write through (management API, UI): its set/delete clear the cache. */
  get store(): SecretStore {
    return this.#wrapper;
  }

  /** True when `value` is an `os.environ/` or `keychain/` reference rather than a literal. */
  isReference(value: string): boolean {
    return value.startsWith(ENV_PREFIX) || value.startsWith(KEYCHAIN_PREFIX);
  }

  /** Forgets cached keychain values: one name, or all when no name is given. */
  invalidate(name?: string): void {
    this.#generation += 1;
    if (name === undefined) {
      this.#cache.clear();
      this.#inflight.clear();
    } else {
      this.#cache.delete(name);
      this.#inflight.delete(name);
    }
  }

  /**
   * @example await resolver.resolve('keychain/openai') // the stored key, or throws ERR_CONFIGURATION
   * @example await resolver.resolve('sk-literal')      // 'sk-literal'
   */
  async resolve(value: string): Promise<string> {
    if (value.startsWith(ENV_PREFIX)) {
      const name = value.slice(ENV_PREFIX.length);
      if (name === '') throw new GatewayError('ERR_CONFIGURATION', `Secret reference ${ENV_PREFIX} names no environment variable: write ${ENV_PREFIX}NAME`);
      const found = this.#env[name];
      if (found === undefined || found === '') {
        throw new GatewayError('ERR_CONFIGURATION', `Secret ${ENV_PREFIX}${name} is not set: set the environment variable ${name} before starting Tollgate`);
      }
      return found;
    }
    if (value.startsWith(KEYCHAIN_PREFIX)) {
      const name = value.slice(KEYCHAIN_PREFIX.length);
      if (!isValidSecretName(name)) {
        throw new GatewayError(
          'ERR_CONFIGURATION',
          `Secret reference ${JSON.stringify(value.slice(0, 160))} is not valid: after ${KEYCHAIN_PREFIX} use 1 to 128 characters from A-Z, a-z, 0-9, ".", "_" and "-"`,
        );
      }
      const found = await this.#read(name);
      if (found === null || found === '') {
        throw new GatewayError('ERR_CONFIGURATION', `Secret ${KEYCHAIN_PREFIX}${name} is not set: run \`tollgate secrets set ${name}\``);
      }
      return found;
    }
    return value;
  }

  async #read(name: string): Promise<string | null> {
    const cached = this.#cache.get(name);
    if (cached !== undefined) return cached;
    const pending = this.#inflight.get(name);
    if (pending !== undefined) return pending;
    const generation = this.#generation;
    const read = (async () => {
      try {
        return await this.#backing.get(name);
      } catch (err) {
        throw new GatewayError(
          'ERR_CONFIGURATION',
          `Secret ${KEYCHAIN_PREFIX}${name} could not be read: ${err instanceof Error ? err.message : String(err)}`,
          { cause: err },
        );
      }
    })();
    this.#inflight.set(name, read);
    try {
      const found = await read;
      // Misses are not cached, so a secret set later (e.g. by the CLI) is picked up at once.
      if (found !== null && found !== '' && generation === this.#generation) this.#cache.set(name, found);
      return found;
    } finally {
      if (this.#inflight.get(name) === read) this.#inflight.delete(name);
    }
  }
}
