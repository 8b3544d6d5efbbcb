/** In-memory SecretStore, for tests and for short-lived processes that persist nothing. */
import type { SecretStore } from '../ports.ts';
import { validateSecretName } from './secret-name.ts';

export function createMemorySecretStore(initial: Record<string, string> = {}): SecretStore {
  const values = new Map<string, string>();
  for (const [name, value] of Object.entries(initial)) {
    validateSecretName(name);
    values.set(name, value);
  }
  return {
    protection: { level: 'memory', persistent: false, description: 'Secrets are held in memory only and are lost when Tollgate stops.' },
    async get(name) {
      validateSecretName(name);
      return values.get(name) ?? null;
    },
    async set(name, value) {
      validateSecretName(name);
      values.set(name, value);
    },
    async delete(name) {
      validateSecretName(name);
      return values.delete(name);
    },
    async list() {
      return [...values.keys()].sort();
    },
  };
}
