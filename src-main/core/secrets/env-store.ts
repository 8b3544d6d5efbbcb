/**
 * Read-only SecretStore over environment variables (optionally under a prefix, so
 * `TOLLGATE_SECRET_openai` can be read as `openai`). Writing is refused: the process cannot
 * change its parent's environment, and pretending to would lose the value at restart.
 */
import type { SecretStore } from '../ports.ts';
import { GatewayError } from '../../../src-shared/errors.ts';
import { isValidSecretName, validateSecretName } from './secret-name.ts';

export type Environment = Readonly<Record<string, string | undefined>>;

export function createEnvSecretStore(env: Environment, opts: { prefix?: string } = {}): SecretStore {
  const prefix = opts.prefix ?? '';
  const refuse = (action: string, name: string): never => {
    throw new GatewayError(
      'ERR_CONFIGURATION',
      `Cannot ${action} secret ${name}: the environment secret store is read-only; ` +
        `set or unset the environment variable ${prefix}${name} before starting Tollgate instead`,
    );
  };
  return {
    protection: {
      level: 'environment',
      persistent: false,
      description: 'Secrets are read from environment variables (read-only; visible to this process and its children).',
    },
    async get(name) {
      validateSecretName(name);
      const value = env[prefix + name];
      // An empty variable is treated as unset: never hand out a silent empty key.
      return value === undefined || value === '' ? null : value;
    },
    async set(name) {
      validateSecretName(name);
      return refuse('store', name);
    },
    async delete(name) {
      validateSecretName(name);
      return refuse('delete', name);
    },
    async list() {
      const names: string[] = [];
      for (const [key, value] of Object.entries(env)) {
        if (!key.startsWith(prefix) || value === undefined || value === '') continue;
        const name = key.slice(prefix.length);
        if (isValidSecretName(name)) names.push(name);
      }
      return names.sort();
    },
  };
}
