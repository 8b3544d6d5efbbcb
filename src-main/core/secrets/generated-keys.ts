/**
 * The master key and the UI signing key: taken from the config when given, else from the
 * keychain, else migrated from the first-run 0600 file into the keychain, else generated.
 * Only where no keychain works do they stay in a 0600 file in the data dir, with a warning
 * logged at every start (CONTRACT section 1: Tollgate never runs open).
 */
import { randomBytes } from 'node:crypto';
import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecretStore } from '../ports.ts';
import { GatewayError } from '../../../src-shared/errors.ts';
import { createPrivateFileExclusive } from './private-file.ts';
import { isUnavailableSecretStore } from './select-store.ts';

export const MASTER_KEY_NAME = 'master_key';
export const SIGNING_KEY_NAME = 'ui_signing_key';

/** `sk-` + 43 url-safe characters (32 random bytes), the virtual-key format. */
export function generateMasterKey(): string {
  return `sk-${randomBytes(32).toString('base64url')}`;
}

/** 32 random bytes, base64url (43 characters). */
export function generateSigningKey(): string {
  return randomBytes(32).toString('base64url');
}

export interface LoadOrCreateKeyOptions {
  store: SecretStore;
  dataDir: string;
  /** A key from the config or environment, already resolved; wins when given. */
  configured?: string;
  log: (msg: string) => void;
}

export interface LoadedKey {
  key: string;
  source: 'configured' | 'keychain' | 'file';
  created: boolean;
}

interface KeySpec {
  name: string;
  label: string;
  generate: () => string;
}

/** Whether `store` is a place we may keep generated keys (a working keychain, or memory in tests). */
function storeKeepsKeys(store: SecretStore): boolean {
  if (isUnavailableSecretStore(store)) return false;
  return store.protection.level === 'os-keychain' || store.protection.level === 'memory';
}

async function readKeyFile(path: string, label: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new GatewayError('ERR_CONFIGURATION', `Cannot read the ${label} file ${path}: ${(err as Error).message}`, { cause: err });
  }
  const key = text.trim();
  if (key === '') throw new GatewayError('ERR_CONFIGURATION', `The ${label} file ${path} is empty: delete it to generate a new ${label}`);
  return key;
}

async function fromFile(spec: KeySpec, path: string, why: string, log: (msg: string) => void): Promise<LoadedKey> {
  let key = await readKeyFile(path, spec.label);
  let created = false;
  if (key === null) {
    const fresh = spec.generate();
    // Exclusive create: if another process made the file first, use theirs.
    created = await createPrivateFileExclusive(path, `${fresh}\n`);
    key = created ? fresh : await readKeyFile(path, spec.label);
    if (key === null) throw new GatewayError('ERR_CONFIGURATION', `Could not create the ${spec.label} file ${path}`);
  }
  log(`WARNING: the ${spec.label} is stored as plaintext in ${path} (mode 0600) because ${why}. Install and unlock an OS keychain to protect it; Tollgate moves it there at the next start.`);
  return { key, source: 'file', created };
}

async function loadOrCreate(spec: KeySpec, opts: LoadOrCreateKeyOptions): Promise<LoadedKey> {
  if (opts.configured !== undefined && opts.configured !== '') return { key: opts.configured, source: 'configured', created: false };
  const { store, log } = opts;
  const path = join(opts.dataDir, spec.name);
  if (!storeKeepsKeys(store)) return fromFile(spec, path, `the OS keychain is unavailable (${store.protection.description})`, log);

  const stored = await store.get(spec.name);
  if (stored !== null && stored !== '') return { key: stored, source: 'keychain', created: false };

  const legacy = await readKeyFile(path, spec.label);
  const key = legacy ?? spec.generate();
  try {
    await store.set(spec.name, key);
    // Only trust the keychain with the sole copy once it hands the key back.
    if ((await store.get(spec.name)) !== key) throw new Error('the keychain did not return the key just stored');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    if (legacy !== null) return fromFile(spec, path, `moving it into the OS keychain failed (${reason})`, log);
    return fromFile(spec, path, `storing it in the OS keychain failed (${reason})`, log);
  }
  if (legacy !== null) {
    await unlink(path).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') log(`WARNING: moved the ${spec.label} into the OS keychain but could not delete ${path}: ${err.message}; delete it by hand.`);
    });
    log(`Moved the ${spec.label} from ${path} into the OS keychain (account "${spec.name}") and deleted the file.`);
    return { key, source: 'keychain', created: false };
  }
  log(`Generated a new ${spec.label} and stored it in the OS keychain (account "${spec.name}").`);
  return { key, source: 'keychain', created: true };
}

/**
 * @example
 * const { key, source, created } = await loadOrCreateMasterKey({ store, dataDir, configured, log: (m) => logger.warn(m) });
 */
export function loadOrCreateMasterKey(opts: LoadOrCreateKeyOptions): Promise<LoadedKey> {
  return loadOrCreate({ name: MASTER_KEY_NAME, label: 'master key', generate: generateMasterKey }, opts);
}

/** The key that signs UI sessions and one-time sign-in tokens; same rules as the master key. */
export function loadOrCreateSigningKey(opts: LoadOrCreateKeyOptions): Promise<LoadedKey> {
  return loadOrCreate({ name: SIGNING_KEY_NAME, label: 'UI signing key', generate: generateSigningKey }, opts);
}
