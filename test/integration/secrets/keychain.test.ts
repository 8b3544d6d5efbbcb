// The OS keychain adapter against the real thing (gnome-keyring on the private session bus
// that scripts/test.mjs provides). Every test uses a throwaway service `tollgate-test-<random>`
// so a real user's `tollgate` entries are never touched; all entries are deleted afterwards.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, PassThrough } from 'node:stream';
import { runSecretsCommand } from '../../../src-main/cli/secrets.ts';
import {
  SecretResolver,
  createKeychainSecretStore,
  generateMasterKey,
  loadOrCreateMasterKey,
  probeKeychain,
  selectSecretStore,
} from '../../../src-main/core/secrets/index.ts';
import { isGatewayError } from '../../../src-shared/errors.ts';

const service = `tollgate-test-${randomBytes(6).toString('hex')}`;
const probe = await probeKeychain({ service });
const skip = probe.available ? false : `OS keychain unavailable: ${probe.reason ?? 'unknown'}`;
const store = createKeychainSecretStore({ service });

after(async () => {
  if (!probe.available) return;
  for (const name of await store.list()) await store.delete(name);
});

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tollgate-kc-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('the probe round-trips and leaves no entry behind', { skip }, async () => {
  assert.deepEqual(probe, { available: true });
  assert.deepEqual(await store.list(), []);
});

test('keychain round trip: set, get, overwrite, list names only, delete', { skip }, async () => {
  assert.equal(store.protection.level, 'os-keychain');
  assert.equal(store.protection.persistent, true);
  assert.ok(store.protection.description.includes(service));
  assert.equal(await store.get('openai'), null);
  await store.set('openai', 'sk-kc-1');
  await store.set('anthropic', 'sk-ant-1');
  assert.equal(await store.get('openai'), 'sk-kc-1');
  await store.set('openai', 'sk-kc-2');
  assert.equal(await store.get('openai'), 'sk-kc-2');
  assert.deepEqual(await store.list(), ['anthropic', 'openai']);
  assert.equal(await store.delete('openai'), true);
  assert.equal(await store.delete('openai'), false);
  assert.equal(await store.get('openai'), null);
  assert.equal(await store.delete('anthropic'), true);
  assert.deepEqual(await store.list(), []);
});

test('the keychain store validates names before touching the keychain', { skip }, async () => {
  await assert.rejects(store.set('../x', 'v'), (err: unknown) => isGatewayError(err) && /path separator/.test(err.message));
  await assert.rejects(store.get(''), /is empty/);
  await assert.rejects(store.delete('a\nb'), /control character/);
});

test('services are separate: another service does not see these entries', { skip }, async () => {
  await store.set('isolated', 'v');
  const other = createKeychainSecretStore({ service: `${service}-other` });
  assert.equal(await other.get('isolated'), null);
  assert.deepEqual(await other.list(), []);
  await store.delete('isolated');
});

test('selectSecretStore picks the working keychain', { skip }, async (t) => {
  const { store: chosen, warnings, keychain } = await selectSecretStore({ dataDir: await tempDir(t), allowInsecure: false, keychain: () => store });
  assert.equal(chosen, store);
  assert.deepEqual(warnings, []);
  assert.equal(keychain.available, true);
});

test('the resolver reads keychain/NAME and names the reference when missing', { skip }, async () => {
  await store.set('resolver-test', 'sk-resolved');
  const r = new SecretResolver(store, {});
  assert.equal(await r.resolve('keychain/resolver-test'), 'sk-resolved');
  await r.store.delete('resolver-test');
  await assert.rejects(r.resolve('keychain/resolver-test'), (err: unknown) =>
    isGatewayError(err) && err.message === 'Secret keychain/resolver-test is not set: run `tollgate secrets set resolver-test`');
});

test('master key: a first-run file is migrated into the keychain and the file deleted', { skip }, async (t) => {
  const dataDir = await tempDir(t);
  const legacy = generateMasterKey();
  await writeFile(join(dataDir, 'master_key'), `${legacy}\n`, { mode: 0o600 });
  const got = await loadOrCreateMasterKey({ store, dataDir, log: () => undefined });
  assert.deepEqual(got, { key: legacy, source: 'keychain', created: false });
  assert.equal(await store.get('master_key'), legacy);
  await assert.rejects(stat(join(dataDir, 'master_key')), /ENOENT/);
  const again = await loadOrCreateMasterKey({ store, dataDir, log: () => undefined });
  assert.deepEqual(again, { key: legacy, source: 'keychain', created: false });
  await store.delete('master_key');
});

test('master key: generated into the keychain in the contract format', { skip }, async (t) => {
  const dataDir = await tempDir(t);
  const got = await loadOrCreateMasterKey({ store, dataDir, log: () => undefined });
  assert.equal(got.source, 'keychain');
  assert.equal(got.created, true);
  assert.match(got.key, /^sk-[A-Za-z0-9_-]{43}$/);
  assert.equal(await store.get('master_key'), got.key);
  await store.delete('master_key');
});

test('`secrets` command round trip against the keychain, value on stdin; argv values refused', { skip }, async () => {
  const io = () => {
    const out = new PassThrough();
    const err = new PassThrough();
    let o = '';
    let e = '';
    out.on('data', (c: Buffer) => (o += c.toString()));
    err.on('data', (c: Buffer) => (e += c.toString()));
    return { out, err, text: () => ({ o, e }) };
  };
  const call = async (args: string[], input = '') => {
    const s = io();
    const code = await runSecretsCommand(args, { stdin: Readable.from([Buffer.from(input)]), stdout: s.out, stderr: s.err, isTTY: false, store });
    return { code, ...s.text() };
  };
  assert.equal((await call(['set', 'cli-test'], 'sk-cli-value\n')).code, 0);
  assert.equal(await store.get('cli-test'), 'sk-cli-value');
  const listed = await call(['list']);
  assert.equal(listed.code, 0);
  assert.ok(listed.o.split('\n').includes('cli-test'));
  assert.ok(!listed.o.includes('sk-cli-value'), 'list prints names only');
  const refused = await call(['set', 'cli-test', 'sk-from-argv']);
  assert.equal(refused.code, 2);
  assert.match(refused.e, /stdin/);
  assert.equal(await store.get('cli-test'), 'sk-cli-value', 'the argv value was not stored');
  assert.equal((await call(['delete', 'cli-test'])).code, 0);
  assert.equal(await store.get('cli-test'), null);
});
