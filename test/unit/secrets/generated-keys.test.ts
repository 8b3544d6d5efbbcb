import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createEnvSecretStore,
  createMemorySecretStore,
  createUnavailableSecretStore,
  generateMasterKey,
  generateSigningKey,
  loadOrCreateMasterKey,
  loadOrCreateSigningKey,
} from '../../../src-main/core/secrets/index.ts';

const MASTER_KEY_FORMAT = /^sk-[A-Za-z0-9_-]{43}$/;

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tollgate-keys-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function logs(): { log: (m: string) => void; lines: string[] } {
  const lines: string[] = [];
  return { log: (m) => lines.push(m), lines };
}

test('generated keys have the contract format and differ', () => {
  const a = generateMasterKey();
  assert.match(a, MASTER_KEY_FORMAT);
  assert.notEqual(a, generateMasterKey());
  assert.match(generateSigningKey(), /^[A-Za-z0-9_-]{43}$/);
});

test('a configured master key wins and touches nothing', async (t) => {
  const dataDir = await tempDir(t);
  const store = createMemorySecretStore({ master_key: 'sk-stored' });
  const got = await loadOrCreateMasterKey({ store, dataDir, configured: 'sk-configured', log: () => undefined });
  assert.deepEqual(got, { key: 'sk-configured', source: 'configured', created: false });
});

test('first start generates a master key into the keychain store; the next start reads it back', async (t) => {
  const dataDir = await tempDir(t);
  const store = createMemorySecretStore();
  const { log, lines } = logs();
  const first = await loadOrCreateMasterKey({ store, dataDir, log });
  assert.equal(first.source, 'keychain');
  assert.equal(first.created, true);
  assert.match(first.key, MASTER_KEY_FORMAT);
  assert.equal(await store.get('master_key'), first.key);
  assert.ok(lines.every((l) => !l.includes(first.key)), 'the key is never logged');
  const second = await loadOrCreateMasterKey({ store, dataDir, log });
  assert.deepEqual(second, { key: first.key, source: 'keychain', created: false });
  await assert.rejects(stat(join(dataDir, 'master_key')), /ENOENT/);
});

test('a first-run master_key file is moved into the keychain and deleted', async (t) => {
  const dataDir = await tempDir(t);
  const path = join(dataDir, 'master_key');
  const legacy = generateMasterKey();
  await writeFile(path, `${legacy}\n`, { mode: 0o600 });
  const store = createMemorySecretStore();
  const { log, lines } = logs();
  const got = await loadOrCreateMasterKey({ store, dataDir, log });
  assert.deepEqual(got, { key: legacy, source: 'keychain', created: false });
  assert.equal(await store.get('master_key'), legacy);
  await assert.rejects(stat(path), /ENOENT/);
  assert.ok(lines.some((l) => /Moved the master key/.test(l)));
});

test('a keychain whose write fails keeps the file (no key is lost)', async (t) => {
  const dataDir = await tempDir(t);
  const path = join(dataDir, 'master_key');
  await writeFile(path, 'sk-legacy\n', { mode: 0o600 });
  const inner = createMemorySecretStore();
  const failing = { ...inner, set: async () => { throw new Error('keychain locked'); } };
  const { log, lines } = logs();
  const got = await loadOrCreateMasterKey({ store: failing, dataDir, log });
  assert.deepEqual(got, { key: 'sk-legacy', source: 'file', created: false });
  assert.equal(await readFile(path, 'utf8'), 'sk-legacy\n');
  assert.ok(lines.some((l) => /WARNING/.test(l) && /keychain locked/.test(l)));
});

test('without a keychain the master key lives in a 0600 file, with a warning at every start', async (t) => {
  const dataDir = await tempDir(t);
  const store = createUnavailableSecretStore('No Secret Service on the session bus');
  const first = logs();
  const a = await loadOrCreateMasterKey({ store, dataDir, log: first.log });
  assert.equal(a.source, 'file');
  assert.equal(a.created, true);
  assert.match(a.key, MASTER_KEY_FORMAT);
  const path = join(dataDir, 'master_key');
  if (process.platform !== 'win32') assert.equal((await stat(path)).mode & 0o777, 0o600);
  assert.equal((await readFile(path, 'utf8')).trim(), a.key);
  assert.ok(first.lines.some((l) => /WARNING.*plaintext/.test(l)));

  const second = logs();
  const b = await loadOrCreateMasterKey({ store, dataDir, log: second.log });
  assert.deepEqual(b, { key: a.key, source: 'file', created: false });
  assert.ok(second.lines.some((l) => /WARNING.*plaintext/.test(l)), 'warned again at the next start');
});

test('a read-only env store also falls back to the file', async (t) => {
  const dataDir = await tempDir(t);
  const got = await loadOrCreateMasterKey({ store: createEnvSecretStore({}), dataDir, log: () => undefined });
  assert.equal(got.source, 'file');
});

test('the UI signing key follows the same rules under its own name', async (t) => {
  const dataDir = await tempDir(t);
  const store = createMemorySecretStore();
  const got = await loadOrCreateSigningKey({ store, dataDir, log: () => undefined });
  assert.equal(got.source, 'keychain');
  assert.equal(got.created, true);
  assert.match(got.key, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(await store.get('ui_signing_key'), got.key);
  assert.equal(await store.get('master_key'), null);

  const legacyDir = await tempDir(t);
  await writeFile(join(legacyDir, 'ui_signing_key'), 'legacy-signing-key', { mode: 0o600 });
  const moved = await loadOrCreateSigningKey({ store: createMemorySecretStore(), dataDir: legacyDir, log: () => undefined });
  assert.deepEqual(moved, { key: 'legacy-signing-key', source: 'keychain', created: false });
  await assert.rejects(stat(join(legacyDir, 'ui_signing_key')), /ENOENT/);
});
