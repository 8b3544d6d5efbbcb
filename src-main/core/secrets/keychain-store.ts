/**
 * The OS keychain adapter (macOS Keychain, Windows Credential Manager, Secret Service on
 * Linux) through @napi-rs/keyring: service `tollgate`, account = the secret's name
 * (CONTRACT section 1). The async API is used so keychain calls never block the event loop.
 */
import { randomBytes } from 'node:crypto';
import { AsyncEntry, findCredentialsAsync } from '@napi-rs/keyring';
import type { SecretProtection, SecretStore } from '../ports.ts';
import { GatewayError } from '../../../src-shared/errors.ts';
import { validateSecretName } from './secret-name.ts';

export const DEFAULT_KEYCHAIN_SERVICE = 'tollgate';

const NO_SECRET_SERVICE = 'No Secret Service on the session bus (install and unlock gnome-keyring or KWallet)';

function keychainName(): string {
  switch (process.platform) {
    case 'darwin':
      return 'the macOS Keychain';
    case 'win32':
      return 'the Windows Credential Manager';
    default:
      return 'the Secret Service (GNOME Keyring or KWallet)';
  }
}

/** The library's first line, without its Rust backtrace. */
function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return (message.split('\n')[0] ?? '').trim() || 'unknown error';
}

/** Turns a keyring failure into one plain sentence a user can act on. */
export function explainKeychainError(err: unknown, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const line = firstLine(err);
  if (process.platform === 'linux') {
    if (!env.DBUS_SESSION_BUS_ADDRESS) {
      return `${NO_SECRET_SERVICE}; DBUS_SESSION_BUS_ADDRESS is not set, so there is no session bus at all`;
    }
    if (/prompt was dismissed|locked/i.test(line)) {
      return 'The Secret Service keyring is locked and cannot be unlocked without a prompt (unlock your login keyring, e.g. `gnome-keyring-daemon --unlock`, or open KWallet)';
    }
    if (/no secret service provider|dbus session/i.test(line)) {
      return `${NO_SECRET_SERVICE}; without it secrets would only reach the kernel keyring, which forgets them at logout and reboot`;
    }
    if (/AccessDenied|ServiceUnknown|org\.freedesktop\.secrets|NoReply|Platform secure storage/i.test(line)) {
      return `${NO_SECRET_SERVICE}: ${line}`;
    }
  }
  return `The OS keychain is not usable: ${line}`;
}

function keychainFailure(action: string, name: string, err: unknown): GatewayError {
  return new GatewayError('ERR_CONFIGURATION', `Could not ${action} secret ${name} in the OS keychain: ${explainKeychainError(err)}`, { cause: err });
}

export function createKeychainSecretStore(opts: { service?: string } = {}): SecretStore {
  const service = opts.service ?? DEFAULT_KEYCHAIN_SERVICE;
  const protection: SecretProtection = {
    level: 'os-keychain',
    persistent: true,
    description: `Secrets are encrypted by ${keychainName()} for your user account (service "${service}").`,
  };
  return {
    protection,
    async get(name) {
      validateSecretName(name);
      try {
        // Note: the library answers null both for "no entry" and for some access failures;
        // selectSecretStore probes with a real round trip before trusting this store.
        return (await new AsyncEntry(service, name).getPassword()) ?? null;
      } catch (err) {
        throw keychainFailure('read', name, err);
      }
    },
    async set(name, value) {
      validateSecretName(name);
      try {
        await new AsyncEntry(service, name).setPassword(value);
      } catch (err) {
        throw keychainFailure('store', name, err);
      }
    },
    async delete(name) {
      validateSecretName(name);
      try {
        return await new AsyncEntry(service, name).deleteCredential();
      } catch (err) {
        throw keychainFailure('delete', name, err);
      }
    },
    async list() {
      try {
        const found = await findCredentialsAsync(service);
        // findCredentials also returns passwords; keep the names only and drop the rest here.
        return [...new Set(found.map((c) => c.account))].sort();
      } catch (err) {
        throw new GatewayError('ERR_CONFIGURATION', `Could not list secrets in the OS keychain: ${explainKeychainError(err)}`, { cause: err });
      }
    },
  };
}

export interface ProbeResult {
  available: boolean;
  reason?: string;
}

/** Settles with `promise`, or rejects after `ms` (the keychain may wait on an unlock prompt). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from the OS keychain within ${ms} ms (waiting for an unlock prompt?)`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Really round-trips a throwaway entry through `store`: set, get (same value), list (the
 * name is there), delete. Listing matters on Linux: when no Secret Service answers,
 * @napi-rs/keyring silently falls back to the kernel keyring (keyutils), whose entries
 * vanish at logout and reboot; there set/get work but listing fails, so the probe refuses.
 */
export async function probeSecretStore(store: SecretStore, opts: { timeoutMs?: number; explain?: (err: unknown) => string } = {}): Promise<ProbeResult> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const explain = opts.explain ?? ((err: unknown) => firstLine(err));
  const name = `tollgate-probe-${randomBytes(8).toString('hex')}`;
  const value = randomBytes(16).toString('base64url');
  let written = false;
  try {
    await within(store.set(name, value), timeoutMs);
    written = true;
    const back = await within(store.get(name), timeoutMs);
    if (back !== value) return { available: false, reason: 'the secret store did not return the value just written to it' };
    const names = await within(store.list(), timeoutMs);
    if (!names.includes(name)) return { available: false, reason: 'the secret store did not list the entry just written to it' };
    written = !(await within(store.delete(name), timeoutMs));
    if (written) return { available: false, reason: 'the secret store could not delete the entry just written to it' };
    return { available: true };
  } catch (err) {
    const cause = err instanceof GatewayError && err.cause !== undefined ? err.cause : err;
    return { available: false, reason: explain(cause) };
  } finally {
    if (written) await store.delete(name).catch(() => undefined);
  }
}

/**
 * Whether the OS keychain works here: writes, reads back, lists and deletes a throwaway
 * entry in `service` (default `tollgate`). On Linux without a session bus it answers at once
 * without touching the keyring; without a Secret Service, or with a locked keyring, the
 * reason says so plainly.
 *
 * @example const { available, reason } = await probeKeychain();
 */
export async function probeKeychain(opts: { service?: string; timeoutMs?: number; env?: Readonly<Record<string, string | undefined>> } = {}): Promise<ProbeResult> {
  const env = opts.env ?? process.env;
  // No bus, no Secret Service. Not even trying avoids the library's kernel-keyring fallback.
  if (process.platform === 'linux' && !env.DBUS_SESSION_BUS_ADDRESS) return { available: false, reason: explainKeychainError(new Error('no session bus'), env) };
  const store = createKeychainSecretStore(opts.service === undefined ? {} : { service: opts.service });
  return probeSecretStore(store, { ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }), explain: (err) => explainKeychainError(err, env) });
}
