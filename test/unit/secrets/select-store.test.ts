import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SecretStore } from '../../../src-main/core/ports.ts';
import {
  createMemorySecretStore,
  explainKeychainError,
  insecureSecretsAllowed,
  probeKeychain,
  probeSecretStore,
  isUnavailableSecretStore,
  selectSecretStore,
} from '../../../src-main/core/secrets/index.ts';
import { isGatewayError } from '../../../src-shared/errors.ts';

function brokenKeychain(): SecretStore {
  return {
    protection: { level: 'os-keychain', persistent: true, description: 'fake keychain' },
    get: async () => null,
    set: async () => {
      throw new Error('No Secret Service on the session bus (fake)');
    },
    delete: async () => false,
    list: async () => [],
  };
}

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tollgate-select-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('insecureSecretsAllowed reads the config setting and TOLLGATE_ALLOW_INSECURE_SECRETS', () => {
  assert.equal(insecureSecretsAllowed(undefined, {}), false);
  assert.equal(insecureSecretsAllowed(false, {}), false);
  assert.equal(insecureSecretsAllowed(true, {}), true);
  assert.equal(insecureSecretsAllowed(undefined, { TOLLGATE_ALLOW_INSECURE_SECRETS: '1' }), true);
  assert.equal(insecureSecretsAllowed(undefined, { TOLLGATE_ALLOW_INSECURE_SECRETS: '0' }), false);
});

test('a working keychain is chosen, with no warnings, and the probe leaves nothing behind', async (t) => {
  const keychain = createMemorySecretStore();
  const { store, warnings, keychain: probe } = await selectSecretStore({ dataDir: await tempDir(t), allowInsecure: true, keychain: () => keychain });
  assert.equal(store, keychain);
  assert.deepEqual(warnings, []);
  assert.deepEqual(probe, { available: true });
  assert.deepEqual(await keychain.list(), []);
});

test('no keychain and no opt-in: reads give nothing, writes refuse and say how to opt in', async (t) => {
  const dataDir = await tempDir(t);
  const { store, warnings, keychain } = await selectSecretStore({ dataDir, allowInsecure: false, keychain: brokenKeychain });
  assert.equal(keychain.available, false);
  assert.match(keychain.reason ?? '', /No Secret Service/);
  assert.ok(isUnavailableSecretStore(store));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] ?? '', /keychain is unavailable.*allow_insecure_secret_storage: true.*TOLLGATE_ALLOW_INSECURE_SECRETS=1/);
  assert.equal(await store.get('openai'), null);
  assert.deepEqual(await store.list(), []);
  await assert.rejects(store.set('openai', 'sk-x'), (err: unknown) =>
    isGatewayError(err) && err.code === 'ERR_CONFIGURATION' && /allow_insecure_secret_storage/.test(err.message) && !err.message.includes('sk-x'));
  await assert.rejects(stat(join(dataDir, 'secrets.json')), /ENOENT/);
});

test('no keychain with opt-in: the plaintext file store, with a warning naming the file', async (t) => {
  const dataDir = await tempDir(t);
  const { store, warnings } = await selectSecretStore({ dataDir, allowInsecure: true, keychain: brokenKeychain });
  assert.equal(store.protection.level, 'file');
  assert.match(warnings[0] ?? '', /PLAINTEXT/);
  assert.ok((warnings[0] ?? '').includes(join(dataDir, 'secrets.json')));
  await store.set('openai', 'sk-file');
  assert.equal(await store.get('openai'), 'sk-file');
});

test('a keychain factory that throws counts as unavailable', async (t) => {
  const { store, keychain } = await selectSecretStore({
    dataDir: await tempDir(t),
    allowInsecure: false,
    keychain: () => {
      throw new Error('native module failed to load');
    },
  });
  assert.equal(keychain.available, false);
  assert.match(keychain.reason ?? '', /native module failed to load/);
  assert.ok(isUnavailableSecretStore(store));
});

test('probeSecretStore refuses a store that reads back but cannot list (the kernel-keyring fallback)', async () => {
  const inner = createMemorySecretStore();
  const fallback: SecretStore = {
    ...inner,
    list: async () => {
      throw new Error('no secret service provider or dbus session found');
    },
  };
  const result = await probeSecretStore(fallback);
  assert.equal(result.available, false);
  assert.match(result.reason ?? '', /no secret service provider/);
  assert.deepEqual(await inner.list(), [], 'the probe entry was cleaned up');

  const forgetful: SecretStore = { ...createMemorySecretStore(), list: async () => [] };
  assert.match((await probeSecretStore(forgetful)).reason ?? '', /did not list the entry/);
});

test('explainKeychainError says plainly what is missing on Linux', { skip: process.platform === 'linux' ? false : 'Linux messages' }, () => {
  const bus = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus' };
  assert.match(explainKeychainError(new Error('x'), {}), /^No Secret Service on the session bus \(install and unlock gnome-keyring or KWallet\).*DBUS_SESSION_BUS_ADDRESS is not set/);
  assert.match(explainKeychainError(new Error("Couldn't access platform storage: no secret service provider or dbus session found"), bus), /^No Secret Service on the session bus.*kernel keyring/);
  assert.match(explainKeychainError(new Error('Secret Service: unlock prompt was dismissed\n\nStack backtrace: ...'), bus), /keyring is locked/);
  assert.match(explainKeychainError(new Error("Couldn't access platform storage: AccessDenied\nCaused by"), bus), /^No Secret Service on the session bus.*AccessDenied$/);
  assert.doesNotMatch(explainKeychainError(new Error('weird\nStack backtrace:\n 0: <unknown>'), bus), /backtrace/);
});

test('probeKeychain answers at once on Linux without a session bus', { skip: process.platform === 'linux' ? false : 'Linux only' }, async () => {
  const result = await probeKeychain({ service: 'tollgate-never-touched', env: {} });
  assert.equal(result.available, false);
  assert.match(result.reason ?? '', /^No Secret Service on the session bus \(install and unlock gnome-keyring or KWallet\)/);
});
