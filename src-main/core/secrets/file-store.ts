/**
 * Plaintext SecretStore in one 0600 JSON file, for machines without an OS keychain. Only
 * used when the user opts in (`general_settings.allow_insecure_secret_storage: true` or
 * `TOLLGATE_ALLOW_INSECURE_SECRETS=1`). Every write replaces the file atomically (temp file +
 * rename), so a crash leaves either the old or the new secrets, never a torn file.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecretStore } from '../ports.ts';
import { GatewayError } from '../../../src-shared/errors.ts';
import { validateSecretName } from './secret-name.ts';
import { writePrivateFileAtomic } from './private-file.ts';

export const SECRETS_FILE_NAME = 'secrets.json';

interface SecretsFile {
  version: 1;
  secrets: Record<string, string>;
}

export function createFileSecretStore(dir: string, opts: { fileName?: string } = {}): SecretStore {
  const path = join(dir, opts.fileName ?? SECRETS_FILE_NAME);
  // Writes are serialised within the process so that two concurrent `set`s cannot lose one.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  async function load(): Promise<Map<string, string>> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw new GatewayError('ERR_CONFIGURATION', `Cannot read the secrets file ${path}: ${(err as Error).message}`, { cause: err });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Never include the file's text or the parser's excerpt of it: it holds secrets.
      throw new GatewayError('ERR_CONFIGURATION', `The secrets file ${path} is not valid JSON; fix or remove it`);
    }
    const secrets = (parsed as Partial<SecretsFile> | null)?.secrets;
    if (typeof secrets !== 'object' || secrets === null || Array.isArray(secrets)) {
      throw new GatewayError('ERR_CONFIGURATION', `The secrets file ${path} has no "secrets" object; fix or remove it`);
    }
    const map = new Map<string, string>();
    for (const [name, value] of Object.entries(secrets)) if (typeof value === 'string') map.set(name, value);
    return map;
  }

  async function save(map: Map<string, string>): Promise<void> {
    const body: SecretsFile = { version: 1, secrets: Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : 1))) };
    await writePrivateFileAtomic(path, `${JSON.stringify(body, null, 2)}\n`);
  }

  return {
    protection: {
      level: 'file',
      persistent: true,
      description: `Secrets are stored as plaintext on disk in ${path} (mode 0600, readable by your user account and by backups); enabled by allow_insecure_secret_storage.`,
    },
    async get(name) {
      validateSecretName(name);
      return (await load()).get(name) ?? null;
    },
    async set(name, value) {
      validateSecretName(name);
      return serial(async () => {
        const map = await load();
        map.set(name, value);
        await save(map);
      });
    },
    async delete(name) {
      validateSecretName(name);
      return serial(async () => {
        const map = await load();
        if (!map.delete(name)) return false;
        await save(map);
        return true;
      });
    },
    async list() {
      return [...(await load()).keys()].sort();
    },
  };
}
