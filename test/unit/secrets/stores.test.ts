import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEnvSecretStore, createFileSecretStore, createMemorySecretStore } from '../../../src-main/core/secrets/index.ts';
import { isGatewayError } from '../../../src-shared/errors.ts';

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tollgate-secrets-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('memory store round trip and names-only listing', async () => {
  const store = createMemorySecretStore();
  assert.equal(store.protection.level, 'memory');
  assert.equal(await store.get('openai'), null);
  await store.set('openai', 'sk-one');
  await store.set('anthropic', 'sk-two');
  assert.equal(await store.get('openai'), 'sk-one');
  assert.deepEqual(await store.list(), ['anthropic', 'openai']);
  assert.equal(await store.delete('openai'), true);
  assert.equal(await store.delete('openai'), false);
  await assert.rejects(store.set('../x', 'v'), /path separator/);
});

test('env store reads variables and is read-only', async () => {
  const store = createEnvSecretStore({ OPENAI_API_KEY: 'sk-env', EMPTY: '', 'BAD NAME': 'x' });
  assert.equal(store.protection.level, 'environment');
  assert.equal(await store.get('OPENAI_API_KEY'), 'sk-env');
  assert.equal(await store.get('EMPTY'), null, 'an empty variable counts as unset');
  assert.equal(await store.get('MISSING'), null);
  assert.deepEqual(await store.list(), ['OPENAI_API_KEY']);
  await assert.rejects(store.set('OPENAI_API_KEY', 'sk-new'), (err: unknown) =>
    isGatewayError(err) && err.code === 'ERR_CONFIGURATION' && /read-only/.test(err.message) && !err.message.includes('sk-new'));
  await assert.rejects(store.delete('OPENAI_API_KEY'), /read-only/);
});

test('env store with a prefix maps names to prefixed variables', async () => {
  const store = createEnvSecretStore({ TOLLGATE_SECRET_openai: 'sk-p', OTHER: 'x' }, { prefix: 'TOLLGATE_SECRET_' });
  assert.equal(await store.get('openai'), 'sk-p');
  assert.deepEqual(await store.list(), ['openai']);
});

test('file store writes a 0600 file even under a permissive umask, and says it is plaintext', { skip: process.platform === 'win32' ? 'POSIX modes' : false }, async (t) => {
  const dir = await tempDir(t);
  const store = createFileSecretStore(join(dir, 'data'));
  assert.equal(store.protection.level, 'file');
  assert.equal(store.protection.persistent, true);
  assert.match(store.protection.description, /plaintext/);
  const previous = process.umask(0);
  try {
    await store.set('openai', 'sk-file');
  } finally {
    process.umask(previous);
  }
  const path = join(dir, 'data', 'secrets.json');
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  assert.equal((await stat(join(dir, 'data'))).mode & 0o777, 0o700);
  assert.equal(await store.get('openai'), 'sk-file');
  assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), { version: 1, secrets: { openai: 'sk-file' } });
});

test('file store replaces the file atomically (new inode via rename, no temp files left, mode tightened)', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'secrets.json');
  await writeFile(path, JSON.stringify({ version: 1, secrets: { old: 'v0' } }), { mode: 0o644 });
  const before = await stat(path);
  const store = createFileSecretStore(dir);
  await store.set('openai', 'sk-1');
  const after = await stat(path);
  assert.notEqual(after.ino, before.ino, 'the file was replaced by rename, not rewritten in place');
  if (process.platform !== 'win32') assert.equal(after.mode & 0o777, 0o600);
  assert.deepEqual(await readdir(dir), ['secrets.json']);
  assert.deepEqual(await store.list(), ['old', 'openai']);
});

test('file store keeps every concurrent write and survives a reopen', async (t) => {
  const dir = await tempDir(t);
  const store = createFileSecretStore(dir);
  await Promise.all(Array.from({ length: 10 }, (_, i) => store.set(`k${i}`, `v${i}`)));
  const reopened = createFileSecretStore(dir);
  assert.equal((await reopened.list()).length, 10);
  assert.equal(await reopened.get('k7'), 'v7');
  assert.equal(await reopened.delete('k7'), true);
  assert.equal(await reopened.delete('k7'), false);
  assert.equal(await store.get('k7'), null);
});

test('file store reports a corrupt file without echoing its contents', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'secrets.json'), '{"secrets": {"openai": "sk-leak', { mode: 0o600 });
  const store = createFileSecretStore(dir);
  await assert.rejects(store.get('openai'), (err: unknown) =>
    isGatewayError(err) && err.code === 'ERR_CONFIGURATION' && /not valid JSON/.test(err.message) && !err.message.includes('sk-leak'));
});
