// Provider secrets end to end against the real OS keychain (gnome-keyring on the private session
// bus that scripts/test.mjs provides): `tollgate secrets set` run as a child process, a config
// reference, a proxied request reaching the loopback upstream with exactly that secret; and
// /model/new putting a literal api_key in the keychain and nowhere else. Every test uses a
// throwaway service `tollgate-test-<random>` (TOLLGATE_KEYCHAIN_SERVICE for the CLI), so a real
// user's `tollgate` entries are never touched; all entries are deleted afterwards.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startUpstream, type Upstream } from '../../support/upstream.ts';
import { startGateway, type TestGateway } from '../../support/gateway.ts';
import { createKeychainSecretStore, probeKeychain } from '../../../src-main/core/secrets/index.ts';
import type { SecretStore } from '../../../src-main/core/ports.ts';
import type { Db } from '../../../src-main/core/store/index.ts';

const BIN = fileURLToPath(new URL('../../../bin/tollgate.mjs', import.meta.url));
const service = `tollgate-test-${randomBytes(6).toString('hex')}`;
const probe = await probeKeychain({ service });
const skip = probe.available ? false : `OS keychain unavailable: ${probe.reason ?? 'unknown'}`;
const keychain = createKeychainSecretStore({ service });
const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-kc-cli-'));
/** Not `sk-...`: the log and audit scrubbers abbreviate those, which would hide a leak from these scans. */
const secret = (): string => `prov-kc-${randomBytes(16).toString('hex')}`;

let up: Upstream;
before(async () => {
  up = await startUpstream();
});
after(async () => {
  await up.close();
  rmSync(dataDir, { recursive: true, force: true });
  if (!probe.available) return;
  for (const name of await keychain.list()) await keychain.delete(name);
});

function cli(args: string[], stdin: string | null): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, TOLLGATE_DATA_DIR: dataDir, TOLLGATE_KEYCHAIN_SERVICE: service },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += String(d); });
  child.stderr.on('data', (d) => { stderr += String(d); });
  child.stdin.end(stdin ?? '');
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })));
}

function dbBytes(dir: string): Buffer {
  return Buffer.concat(['tollgate.db', 'tollgate.db-wal', 'tollgate.db-shm'].map((f) => join(dir, f)).filter((p) => existsSync(p)).map((p) => readFileSync(p)));
}

async function chat(g: TestGateway, model: string): Promise<{ status: number; text: string }> {
  return g.call('POST', '/v1/chat/completions', { model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 3 });
}

async function modelSecrets(): Promise<string[]> {
  return (await keychain.list()).filter((n) => n.startsWith('model-'));
}

test('round trip: `tollgate secrets set NAME` -> config keychain/NAME -> the upstream gets exactly that secret', { skip }, async (t) => {
  const value = secret();
  const set = await cli(['secrets', 'set', 'openai-rt'], `${value}\n`);
  assert.equal(set.code, 0, set.stderr);
  assert.ok(set.stdout.includes(`service "${service}"`), set.stdout);
  assert.ok(!set.stdout.includes(value) && !set.stderr.includes(value));
  assert.equal(await keychain.get('openai-rt'), value, 'stored without the trailing newline');
  assert.equal(await createKeychainSecretStore().get('openai-rt'), null, 'the default `tollgate` service is not touched');
  const listed = await cli(['secrets', 'list'], null);
  assert.deepEqual(listed.stdout.trim().split('\n'), ['openai-rt']);

  const g = await startGateway({
    secretStore: createKeychainSecretStore({ service }),
    config: `
model_list:
  - model_name: kc-model
    litellm_params: { model: openai/kc-upstream, api_base: ${up.url}/v1, api_key: keychain/openai-rt }
`,
  });
  t.after(() => g.stop());
  const r = await chat(g, 'kc-model');
  assert.equal(r.status, 200, r.text);
  const last = up.requests.at(-1)!;
  assert.equal(last.path, '/v1/chat/completions');
  assert.equal(last.headers.authorization, `Bearer ${value}`);
  assert.ok(!r.text.includes(value));
  assert.ok(!g.logs.join('').includes(value));
  assert.ok(!listed.stdout.includes(value), '`secrets list` prints names only');
});

// Names and empty values are covered in test/unit/secrets; this checks the real binary writes nothing.
test('the CLI refuses a name with a path separator and writes nothing', { skip }, async () => {
  const before = await keychain.list();
  const slash = await cli(['secrets', 'set', '../b'], 'value');
  assert.notEqual(slash.code, 0);
  assert.match(slash.stderr, /path separator/);
  assert.deepEqual(await keychain.list(), before);
});

test('/model/new with a literal api_key: in the keychain, not in SQLite, logs or any API response; answers at once; delete cleans up', { skip }, async (t) => {
  const g = await startGateway({ secretStore: createKeychainSecretStore({ service }) });
  t.after(() => g.stop());
  const value = secret();
  const r = await g.call('POST', '/model/new', { model_name: 'live-added', litellm_params: { model: 'openai/live', api_base: `${up.url}/v1`, api_key: value }, model_info: { id: 'live-1' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.litellm_params.api_key, 'keychain/model-live-1');
  assert.equal(await keychain.get('model-live-1'), value);

  const c = await chat(g, 'live-added');
  assert.equal(c.status, 200, c.text);
  assert.equal(up.requests.at(-1)!.headers.authorization, `Bearer ${value}`);
  const tc = await g.call('POST', '/health/test_connection', { model_id: 'live-1' });
  assert.equal(tc.json.status, 'success', tc.text);
  assert.equal(up.requests.at(-1)!.headers.authorization, `Bearer ${value}`);

  const responses = [r.text, c.text, tc.text];
  for (const path of ['/model/info', '/audit', '/audit?object_type=model', '/key/list', '/openapi.json']) {
    const res = await g.call('GET', path);
    assert.equal(res.status, 200, `${path}: ${res.text}`);
    responses.push(res.text);
  }
  for (const text of responses) assert.ok(!text.includes(value), 'an API response holds the secret');
  (g.internals.db as Db).pragma('wal_checkpoint(PASSIVE)');
  assert.ok(!dbBytes(g.dataDir).includes(value), 'the SQLite files hold the secret');
  assert.ok(!g.logs.join('').includes(value), 'the logs hold the secret');
  assert.ok(g.logs.length > 0, 'logs were captured');

  const d = await g.call('POST', '/model/delete', { id: 'live-1' });
  assert.equal(d.json.secret_deleted, true, d.text);
  assert.equal(await keychain.get('model-live-1'), null);
  assert.deepEqual(await modelSecrets(), []);
  assert.equal((await chat(g, 'live-added')).status, 404);
});

test('a keychain that refuses the write leaves neither a deployment nor an orphan secret', { skip }, async (t) => {
  const refusing: SecretStore = { ...keychain, protection: keychain.protection, set: async () => { throw new Error('The keyring is locked (test)'); } };
  const g = await startGateway({ secretStore: refusing });
  t.after(() => g.stop());
  const value = secret();
  const r = await g.call('POST', '/model/new', { model_name: 'refused', litellm_params: { model: 'openai/x', api_base: `${up.url}/v1`, api_key: value }, model_info: { id: 'refused-1' } });
  assert.equal(r.status, 500, r.text);
  assert.equal(r.json.error.type, 'configuration_error');
  assert.ok(!r.text.includes(value));
  assert.equal((await g.call('GET', '/model/info?litellm_model_id=refused-1')).status, 404);
  assert.equal((await chat(g, 'refused')).status, 404);
  assert.deepEqual(await modelSecrets(), []);
});

test('a failed database write removes the secret it just put in the keychain', { skip }, async (t) => {
  const g = await startGateway({ secretStore: createKeychainSecretStore({ service }) });
  t.after(() => g.stop());
  (g.internals.db as Db).exec("CREATE TEMP TRIGGER refuse BEFORE INSERT ON model_deployments BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END");
  const value = secret();
  const r = await g.call('POST', '/model/new', { model_name: 'half', litellm_params: { model: 'openai/x', api_base: `${up.url}/v1`, api_key: value }, model_info: { id: 'half-1' } });
  assert.equal(r.status, 500, r.text);
  assert.equal(await keychain.get('model-half-1'), null);
  assert.deepEqual(await modelSecrets(), []);
  assert.equal((await chat(g, 'half')).status, 404);
});
