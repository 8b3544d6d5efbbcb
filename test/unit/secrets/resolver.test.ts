import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SecretStore } from '../../../src-main/core/ports.ts';
import { SecretResolver, createMemorySecretStore } from '../../../src-main/core/secrets/index.ts';
import { isGatewayError } from '../../../src-shared/errors.ts';

/** A memory store that counts reads, to see the cache work. */
function countingStore(initial: Record<string, string> = {}): SecretStore & { reads: number } {
  const inner = createMemorySecretStore(initial);
  const store = {
    reads: 0,
    protection: inner.protection,
    get: async (name: string) => {
      store.reads += 1;
      return inner.get(name);
    },
    set: (name: string, value: string) => inner.set(name, value),
    delete: (name: string) => inner.delete(name),
    list: () => inner.list(),
  };
  return store;
}

test('isReference tells references from literals', () => {
  const r = new SecretResolver(createMemorySecretStore(), {});
  assert.equal(r.isReference('os.environ/OPENAI_API_KEY'), true);
  assert.equal(r.isReference('keychain/openai'), true);
  assert.equal(r.isReference('sk-literal'), false);
  assert.equal(r.isReference('environ/X'), false);
});

test('resolves env, keychain and literal values', async () => {
  const r = new SecretResolver(createMemorySecretStore({ openai: 'sk-kc' }), { OPENAI_API_KEY: 'sk-env' });
  assert.equal(await r.resolve('os.environ/OPENAI_API_KEY'), 'sk-env');
  assert.equal(await r.resolve('keychain/openai'), 'sk-kc');
  assert.equal(await r.resolve('sk-literal'), 'sk-literal');
});

test('a missing keychain secret names the reference and the fix, never a value', async () => {
  const r = new SecretResolver(createMemorySecretStore({ other: 'sk-other-secret' }), { SOME: 'sk-env-secret' });
  await assert.rejects(r.resolve('keychain/openai'), (err: unknown) => {
    assert.ok(isGatewayError(err));
    assert.equal(err.code, 'ERR_CONFIGURATION');
    assert.equal(err.status, 500);
    assert.equal(err.type, 'configuration_error');
    assert.equal(err.message, 'Secret keychain/openai is not set: run `tollgate secrets set openai`');
    assert.doesNotMatch(JSON.stringify(err.toEnvelope()), /sk-other-secret|sk-env-secret/);
    return true;
  });
});

test('a missing or empty environment variable names the reference and the fix', async () => {
  const r = new SecretResolver(createMemorySecretStore(), { EMPTY: '' });
  for (const ref of ['os.environ/MISSING', 'os.environ/EMPTY']) {
    await assert.rejects(r.resolve(ref), (err: unknown) =>
      isGatewayError(err) && err.code === 'ERR_CONFIGURATION' && err.message.startsWith(`Secret ${ref} is not set: set the environment variable`));
  }
  await assert.rejects(r.resolve('os.environ/'), /names no environment variable/);
});

test('an invalid keychain reference is a configuration error', async () => {
  const r = new SecretResolver(createMemorySecretStore(), {});
  for (const ref of ['keychain/', 'keychain/../x', 'keychain/a\nb']) {
    await assert.rejects(r.resolve(ref), (err: unknown) => isGatewayError(err) && err.code === 'ERR_CONFIGURATION' && /is not valid/.test(err.message));
  }
});

test('a failing store is a configuration error naming the reference', async () => {
  const broken: SecretStore = {
    ...createMemorySecretStore(),
    get: async () => {
      throw new Error('keychain exploded');
    },
  };
  const r = new SecretResolver(broken, {});
  await assert.rejects(r.resolve('keychain/openai'), (err: unknown) =>
    isGatewayError(err) && err.code === 'ERR_CONFIGURATION' && /^Secret keychain\/openai could not be read: keychain exploded/.test(err.message));
});

test('keychain reads are cached; invalidate and writes through resolver.store clear the cache', async () => {
  const store = countingStore({ openai: 'sk-1' });
  const r = new SecretResolver(store, {});
  assert.equal(await r.resolve('keychain/openai'), 'sk-1');
  assert.equal(await r.resolve('keychain/openai'), 'sk-1');
  assert.equal(store.reads, 1, 'second resolve served from memory');

  await store.set('openai', 'sk-2'); // behind the resolver's back: still cached
  assert.equal(await r.resolve('keychain/openai'), 'sk-1');
  r.invalidate('openai');
  assert.equal(await r.resolve('keychain/openai'), 'sk-2');

  await r.store.set('openai', 'sk-3');
  assert.equal(await r.resolve('keychain/openai'), 'sk-3');
  assert.equal(await r.store.delete('openai'), true);
  await assert.rejects(r.resolve('keychain/openai'), /is not set/);

  await r.store.set('openai', 'sk-4');
  r.invalidate();
  assert.equal(await r.resolve('keychain/openai'), 'sk-4');
});

test('misses are not cached, so a secret set later is found at once', async () => {
  const store = countingStore();
  const r = new SecretResolver(store, {});
  await assert.rejects(r.resolve('keychain/openai'), /is not set/);
  await store.set('openai', 'sk-late');
  assert.equal(await r.resolve('keychain/openai'), 'sk-late');
});

test('concurrent resolves share one read, and a write during a read is not overwritten by it', async () => {
  let release: (v: string | null) => void = () => undefined;
  let reads = 0;
  const inner = createMemorySecretStore({ openai: 'sk-old' });
  const slow: SecretStore = {
    ...inner,
    get: (name) => {
      reads += 1;
      if (reads === 1) return new Promise((resolve) => (release = resolve));
      return inner.get(name);
    },
  };
  const r = new SecretResolver(slow, {});
  const a = r.resolve('keychain/openai');
  const b = r.resolve('keychain/openai');
  await r.store.set('openai', 'sk-new');
  release('sk-old');
  assert.equal(await a, 'sk-old');
  assert.equal(await b, 'sk-old');
  assert.equal(await r.resolve('keychain/openai'), 'sk-new', 'the stale in-flight read was not cached');
});
