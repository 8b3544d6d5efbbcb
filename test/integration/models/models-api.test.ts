// Deployments managed at run time (/model/new, /model/update, /model/delete, /model/info,
// /health/test_connection) over real HTTP, a real SQLite file and a real loopback upstream.
// The secret store is the in-memory adapter here; test/integration/secrets-gateway/ repeats the
// secret-handling checks against the real OS keychain.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startUpstream, type Upstream } from '../../support/upstream.ts';
import { MASTER, startGateway, type TestGateway } from '../../support/gateway.ts';
import { createGateway } from '../../../src-main/core/index.ts';
import { createMemorySecretStore, createUnavailableSecretStore } from '../../../src-main/core/secrets/index.ts';
import type { SecretStore } from '../../../src-main/core/ports.ts';
import type { Db } from '../../../src-main/core/store/index.ts';

let up: Upstream;
let gw: TestGateway;
/** Not `sk-...`: the log and audit scrubbers abbreviate those, which would hide a leak from these scans. */
const secret = (): string => `prov-literal-${randomBytes(16).toString('hex')}`;
const ENV_SECRET = `prov-env-${randomBytes(8).toString('hex')}`;

function config(upUrl: string): string {
  return `
model_list:
  - model_name: from-config
    litellm_params: { model: openai/cfg-model, api_base: ${upUrl}/v1, api_key: os.environ/UP_KEY }
    model_info: { id: cfg-1 }
  - model_name: config-literal
    litellm_params: { model: openai/lit, api_base: ${upUrl}/v1, api_key: config-literal-value-123, extra_headers: { Authorization: Bearer nope } }
`;
}

before(async () => {
  up = await startUpstream();
  gw = await startGateway({ config: config(up.url), env: { UP_KEY: ENV_SECRET } });
});
after(async () => {
  await gw.stop();
  await up.close();
});

function dbOf(g: TestGateway): Db {
  return g.internals.db as Db;
}

/** Every byte of the SQLite database, its WAL and shared-memory files. */
function dbBytes(dataDir: string): Buffer {
  return Buffer.concat(['tollgate.db', 'tollgate.db-wal', 'tollgate.db-shm'].map((f) => join(dataDir, f)).filter((p) => existsSync(p)).map((p) => readFileSync(p)));
}

async function chat(g: TestGateway, model: string, key = MASTER): Promise<{ status: number; json: any; text: string }> {
  return g.call('POST', '/v1/chat/completions', { model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 3 }, { authorization: `Bearer ${key}` });
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

test('/model/new with a literal api_key: the secret goes to the store, the row keeps keychain/model-<id>, the model answers at once', async () => {
  const value = secret();
  const r = await gw.call('POST', '/model/new', { model_name: 'added', litellm_params: { model: 'openai/up-model', api_base: `${up.url}/v1`, api_key: value }, model_info: { id: 'added-1', access_groups: ['beta'] } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.model_id, 'added-1');
  assert.equal(r.json.litellm_params.api_key, 'keychain/model-added-1');
  assert.equal(r.json.model_info.db_model, true);
  assert.ok(!r.text.includes(value));
  assert.equal(await gw.secrets.get('model-added-1'), value);

  const row = dbOf(gw).prepare('SELECT litellm_params, owned_secret FROM model_deployments WHERE model_id = ?').get('added-1') as { litellm_params: string; owned_secret: string };
  assert.equal(JSON.parse(row.litellm_params).api_key, 'keychain/model-added-1');
  assert.equal(row.owned_secret, 'model-added-1');

  const c = await chat(gw, 'added');
  assert.equal(c.status, 200, c.text);
  const last = up.requests.at(-1)!;
  assert.equal(last.headers.authorization, `Bearer ${value}`);
  assert.equal((last.body as { model: string }).model, 'up-model');

  const info = await gw.call('GET', '/model/info');
  assert.equal(info.status, 200);
  assert.ok(!info.text.includes(value));
  const added = info.json.data.find((d: any) => d.model_info.id === 'added-1');
  assert.deepEqual(added.litellm_params, { model: 'openai/up-model', api_base: `${up.url}/v1`, api_key: 'keychain/model-added-1' });
  assert.deepEqual(added.model_info.access_groups, ['beta']);
  const audit = await gw.call('GET', '/audit?object_type=model&object_id=added-1');
  assert.equal(audit.json.data[0].action, 'model.new');
  assert.ok(!audit.text.includes(value));
  assert.ok(!dbBytes(gw.dataDir).includes(value), 'the SQLite files must not hold the secret');
  assert.ok(!gw.logs.join('').includes(value), 'the logs must not hold the secret');
});

test('/model/info lists config deployments (db_model false) without literal secrets or passthrough headers', async () => {
  const info = await gw.call('GET', '/model/info');
  const cfg = info.json.data.find((d: any) => d.model_info.id === 'cfg-1');
  assert.equal(cfg.model_info.db_model, false);
  assert.equal(cfg.litellm_params.api_key, 'os.environ/UP_KEY');
  const lit = info.json.data.find((d: any) => d.model_name === 'config-literal');
  assert.equal(lit.model_info.id, 'config-literal#1');
  assert.equal(lit.litellm_params.api_key, '[redacted]');
  assert.equal(lit.litellm_params.extra_headers, undefined);
  assert.ok(!info.text.includes('config-literal-value-123'));
  assert.ok(!info.text.includes('Bearer nope'));
  assert.ok(!info.text.includes(ENV_SECRET));
  const one = await gw.call('GET', '/model/info?litellm_model_id=cfg-1');
  assert.deepEqual(one.json.data.map((d: any) => d.model_info.id), ['cfg-1']);
  assert.equal((await gw.call('GET', '/model/info?litellm_model_id=nope')).status, 404);
  // Config deployments are not the API's to change.
  const del = await gw.call('POST', '/model/delete', { id: 'cfg-1' });
  assert.equal(del.status, 400);
  assert.equal(del.json.error.param, 'id');
  assert.equal((await gw.call('POST', '/model/update', { model_id: 'cfg-1', model_name: 'x' })).status, 400);
});

test('/model/new with references stores them as given and creates no secret', async () => {
  const before = await gw.secrets.list();
  const r = await gw.call('POST', '/model/new', { model_name: 'by-env', litellm_params: { model: 'openai/env-model', api_base: `${up.url}/v1`, api_key: 'os.environ/UP_KEY' } });
  assert.equal(r.status, 200, r.text);
  assert.match(r.json.model_id, /^[0-9a-f-]{36}$/);
  assert.equal(r.json.litellm_params.api_key, 'os.environ/UP_KEY');
  assert.deepEqual(await gw.secrets.list(), before);
  const c = await chat(gw, 'by-env');
  assert.equal(c.status, 200, c.text);
  assert.equal(up.requests.at(-1)!.headers.authorization, `Bearer ${ENV_SECRET}`);
  const k = await gw.call('POST', '/model/new', { model_name: 'by-kc', litellm_params: { model: 'openai/kc', api_base: `${up.url}/v1`, api_key: 'keychain/shared-provider' } });
  assert.equal(k.status, 200, k.text);
  assert.deepEqual(await gw.secrets.list(), before);
  // Deleting a deployment never deletes a secret it did not create.
  await gw.secrets.set('shared-provider', 'shared');
  assert.equal((await gw.call('POST', '/model/delete', { id: k.json.model_id })).json.secret_deleted, null);
  assert.equal(await gw.secrets.get('shared-provider'), 'shared');
  await gw.secrets.delete('shared-provider');
});

test('/model/update rotates a literal key to a new entry and deletes the old one; a reference drops the owned secret', async () => {
  const v1 = secret();
  const v2 = secret();
  assert.equal((await gw.call('POST', '/model/new', { model_name: 'rot', litellm_params: { model: 'openai/rot', api_base: `${up.url}/v1`, api_key: v1 }, model_info: { id: 'rot' } })).status, 200);
  const u = await gw.call('POST', '/model/update', { model_id: 'rot', litellm_params: { api_key: v2 }, model_info: { max_tokens: 50 } });
  assert.equal(u.status, 200, u.text);
  const ref = u.json.litellm_params.api_key as string;
  assert.match(ref, /^keychain\/model-rot-[0-9a-f]{8}$/);
  assert.equal(u.json.model_info.max_tokens, 50);
  assert.ok(!u.text.includes(v2));
  assert.equal(await gw.secrets.get('model-rot'), null, 'the replaced secret is deleted');
  assert.equal(await gw.secrets.get(ref.slice('keychain/'.length)), v2);
  assert.equal((await chat(gw, 'rot')).status, 200);
  assert.equal(up.requests.at(-1)!.headers.authorization, `Bearer ${v2}`);

  const renamed = await gw.call('POST', '/model/update', { model_info: { id: 'rot' }, model_name: 'rot-renamed', litellm_params: { api_key: 'os.environ/UP_KEY' } });
  assert.equal(renamed.status, 200, renamed.text);
  assert.equal(await gw.secrets.get(ref.slice('keychain/'.length)), null);
  assert.equal((await chat(gw, 'rot')).status, 404);
  assert.equal((await chat(gw, 'rot-renamed')).status, 200);
  assert.equal(up.requests.at(-1)!.headers.authorization, `Bearer ${ENV_SECRET}`);
  const audit = await gw.call('GET', '/audit?object_type=model&object_id=rot');
  assert.deepEqual(audit.json.data.map((a: any) => a.action), ['model.update', 'model.update', 'model.new']);
  assert.ok(![v1, v2].some((v) => audit.text.includes(v) || dbBytes(gw.dataDir).includes(v) || gw.logs.join('').includes(v)));
  assert.equal((await gw.call('POST', '/model/update', { model_id: 'nope', model_name: 'x' })).status, 404);
});

test('/model/delete removes the deployment and the secret it created; the model stops answering', async () => {
  const v = secret();
  assert.equal((await gw.call('POST', '/model/new', { model_name: 'gone', litellm_params: { model: 'openai/gone', api_base: `${up.url}/v1`, api_key: v }, model_info: { id: 'gone-1' } })).status, 200);
  assert.equal((await chat(gw, 'gone')).status, 200);
  const d = await gw.call('POST', '/model/delete', { id: 'gone-1' });
  assert.equal(d.status, 200, d.text);
  assert.equal(d.json.secret_deleted, true);
  assert.equal(await gw.secrets.get('model-gone-1'), null);
  assert.equal((await chat(gw, 'gone')).status, 404);
  assert.equal((await gw.call('GET', '/model/info?litellm_model_id=gone-1')).status, 404);
  assert.equal((await gw.call('POST', '/model/delete', { id: 'gone-1' })).status, 404);
  const audit = await gw.call('GET', '/audit?object_type=model&object_id=gone-1');
  assert.deepEqual(audit.json.data.map((a: any) => a.action), ['model.delete', 'model.new']);
});

test('bad input: clear 400s naming the field, 409 on a duplicate id; nothing stored', async () => {
  const base = { model_name: 'bad', litellm_params: { model: 'openai/x', api_base: `${up.url}/v1` } };
  const cases: [unknown, string | null][] = [
    [{ model_name: 'bad', litellm_params: { model: 'mystery/x' } }, 'litellm_params.api_base'],
    [{ model_name: 'bad', litellm_params: { model: 'azure/dep' } }, 'litellm_params.api_base'],
    [{ ...base, litellm_params: { model: 'openai/x', api_base: 'ftp://127.0.0.1/v1' } }, 'litellm_params.api_base'],
    [{ ...base, litellm_params: { model: 'openai/x', api_base: 'file:///etc/passwd' } }, 'litellm_params.api_base'],
    [{ ...base, litellm_params: { model: 'openai/x', api_base: 'http://user:pw@127.0.0.1/v1' } }, 'litellm_params.api_base'],
    [{ ...base, model_name: 'bad\nname' }, 'model_name'],
    [{ ...base, model_name: 'bad\u0000' }, 'model_name'],
    [{ ...base, model_name: '' }, 'model_name'],
    [{ ...base, litellm_params: { model: 'openai/x\ty', api_base: `${up.url}/v1` } }, 'litellm_params.model'],
    [{ ...base, litellm_params: { ...base.litellm_params, api_key: '' } }, 'litellm_params.api_key'],
    [{ ...base, litellm_params: { ...base.litellm_params, api_key: 'ab\ncd' } }, 'litellm_params.api_key'],
    [{ ...base, litellm_params: { ...base.litellm_params, api_key: 'keychain/../etc' } }, 'litellm_params.api_key'],
    [{ ...base, litellm_params: { ...base.litellm_params, api_key: 'keychain/master_key' } }, 'litellm_params.api_key'],
    [{ ...base, litellm_params: { ...base.litellm_params, api_key: 'os.environ/TOLLGATE_MASTER_KEY' } }, 'litellm_params.api_key'],
    [{ ...base, litellm_params: { ...base.litellm_params, api_key: 'os.environ/A-B' } }, 'litellm_params.api_key'],
    [{ ...base, litellm_params: { ...base.litellm_params, extra_headers: { a: 'b' } } }, 'litellm_params.extra_headers'],
    [{ ...base, surprise: 1 }, 'surprise'],
    [{ ...base, model_info: { id: 'has/slash' } }, 'model_info.id'],
    [{ ...base, model_info: { id: 'a\u0007b' } }, 'model_info.id'],
    [{ ...base, model_info: { secret_thing: 'x' } }, 'model_info.secret_thing'],
  ];
  const before = (await gw.call('GET', '/model/info')).json.data.length;
  const secretsBefore = await gw.secrets.list();
  for (const [body, param] of cases) {
    const r = await gw.call('POST', '/model/new', body);
    assert.equal(r.status, 400, `${JSON.stringify(body)} -> ${r.text}`);
    assert.equal(r.json.error.type, 'invalid_request_error');
    assert.equal(r.json.error.param, param, JSON.stringify(body));
  }
  assert.equal((await gw.call('POST', '/model/new', 'not json')).status, 400);
  assert.equal((await gw.call('POST', '/model/update', { model_name: 'x' })).json.error.param, 'model_id');
  assert.equal((await gw.call('POST', '/model/delete', {})).json.error.param, 'id');
  // Duplicate ids: a stored one, and one from the config file.
  assert.equal((await gw.call('POST', '/model/new', { ...base, model_info: { id: 'dup' } })).status, 200);
  const v = secret();
  const dup = await gw.call('POST', '/model/new', { ...base, litellm_params: { ...base.litellm_params, api_key: v }, model_info: { id: 'dup' } });
  assert.equal(dup.status, 409);
  assert.equal(dup.json.error.type, 'conflict_error');
  assert.equal((await gw.call('POST', '/model/new', { ...base, model_info: { id: 'cfg-1' } })).status, 409);
  assert.equal((await gw.call('GET', '/model/info')).json.data.length, before + 1);
  assert.deepEqual(await gw.secrets.list(), secretsBefore);
  assert.equal((await gw.call('POST', '/model/delete', { id: 'dup' })).status, 200);
});

test('two concurrent /model/new with one id: one wins, the other is 409, the stored secret is the winner\'s', async () => {
  const [a, b] = [secret(), secret()];
  const body = (v: string) => ({ model_name: 'race', litellm_params: { model: 'openai/race', api_base: `${up.url}/v1`, api_key: v }, model_info: { id: 'race-1' } });
  const [ra, rb] = await Promise.all([gw.call('POST', '/model/new', body(a)), gw.call('POST', '/model/new', body(b))]);
  assert.deepEqual([ra.status, rb.status].sort(), [200, 409], `${ra.text} ${rb.text}`);
  const winner = ra.status === 200 ? a : b;
  assert.equal(await gw.secrets.get('model-race-1'), winner);
  assert.equal((await chat(gw, 'race')).status, 200);
  assert.equal(up.requests.at(-1)!.headers.authorization, `Bearer ${winner}`);
  assert.equal((await gw.call('POST', '/model/delete', { id: 'race-1' })).json.secret_deleted, true);
});

test('permissions: non-admin keys get 403 on every write, and see only their models in /model/info', async () => {
  const k = await gw.call('POST', '/key/generate', { models: ['from-config'] });
  assert.equal(k.status, 200, k.text);
  const auth = { authorization: `Bearer ${k.json.key}` };
  const body = { model_name: 'sneaky', litellm_params: { model: 'openai/x', api_base: `${up.url}/v1`, api_key: 'whatever-value' } };
  for (const [path, b] of [['/model/new', body], ['/model/update', { model_id: 'added-1', model_name: 'x' }], ['/model/delete', { id: 'added-1' }], ['/health/test_connection', { litellm_params: body.litellm_params }]] as const) {
    const r = await gw.call('POST', path, b, auth);
    assert.equal(r.status, 403, `${path}: ${r.text}`);
  }
  assert.equal((await gw.call('GET', '/model/info?litellm_model_id=sneaky')).status, 404);
  const info = await gw.call('GET', '/model/info', undefined, auth);
  assert.equal(info.status, 200, info.text);
  assert.deepEqual(info.json.data.map((d: any) => d.model_name), ['from-config']);
  assert.equal(info.json.data[0].litellm_params.api_key, undefined);
  assert.equal(info.json.data[0].litellm_params.api_base, undefined);
  const viewer = await gw.call('GET', '/model/info', undefined, { authorization: 'Bearer sk-not-a-key-000000000000000000000000000000000' });
  assert.equal(viewer.status, 401);
});

test('/health/test_connection: success against the upstream, unreachable on a closed port, refused key, never echoes the key', async () => {
  const v = secret();
  const ok = await gw.call('POST', '/health/test_connection', { litellm_params: { model: 'openai/x', api_base: `${up.url}/v1`, api_key: v } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.status, 'success');
  assert.equal(ok.json.reachable, true);
  assert.equal(ok.json.key_accepted, true);
  assert.ok(!ok.text.includes(v));
  const seen = up.requests.at(-1)!;
  assert.equal(seen.path, '/v1/models');
  assert.equal(seen.headers.authorization, `Bearer ${v}`);

  const port = await closedPort();
  const down = await gw.call('POST', '/health/test_connection', { litellm_params: { model: 'openai/x', api_base: `http://127.0.0.1:${port}/v1`, api_key: v } });
  assert.equal(down.status, 200, down.text);
  assert.deepEqual([down.json.status, down.json.reachable, down.json.key_accepted], ['error', false, null]);
  assert.ok(!down.text.includes(v));

  up.failWith(401);
  try {
    const refused = await gw.call('POST', '/health/test_connection', { model_id: 'cfg-1' });
    assert.deepEqual([refused.json.status, refused.json.reachable, refused.json.key_accepted], ['error', true, false]);
    assert.ok(!refused.text.includes(ENV_SECRET));
  } finally {
    up.failWith(null);
  }
  const byId = await gw.call('POST', '/health/test_connection', { model_id: 'added-1' });
  assert.equal(byId.json.status, 'success', byId.text);
  const missing = await gw.call('POST', '/health/test_connection', { litellm_params: { model: 'openai/x', api_base: `${up.url}/v1`, api_key: 'keychain/never-set' } });
  assert.equal(missing.status, 500);
  assert.equal(missing.json.error.type, 'configuration_error');
  assert.match(missing.json.error.message, /keychain\/never-set/);
  assert.equal((await gw.call('POST', '/health/test_connection', { model_id: 'nope' })).status, 404);
  assert.equal((await gw.call('POST', '/health/test_connection', {})).status, 400);
  assert.equal((await gw.call('POST', '/health/test_connection', { litellm_params: { model: 'mystery/x' } })).json.error.param, 'litellm_params.api_base');
  assert.equal((await gw.call('POST', '/health/test_connection', { litellm_params: { model: 'openai/x', api_base: `${up.url}/v1`, api_key: 'keychain/ui_signing_key' } })).status, 400);
  assert.ok(!gw.logs.join('').includes(v));
});

test('a secret store that refuses the write stores nothing: no deployment, no secret, no audit row', async (t) => {
  for (const store of [createUnavailableSecretStore('the keyring is locked (test)'), throwingStore()]) {
    const g = await startGateway({ config: config(up.url), env: { UP_KEY: ENV_SECRET }, secretStore: store });
    t.after(() => g.stop());
    const v = secret();
    const r = await g.call('POST', '/model/new', { model_name: 'nope', litellm_params: { model: 'openai/x', api_base: `${up.url}/v1`, api_key: v }, model_info: { id: 'nope-1' } });
    assert.equal(r.status, 500, r.text);
    assert.equal(r.json.error.type, 'configuration_error');
    assert.match(r.json.error.message, /not stored/);
    assert.ok(!r.text.includes(v));
    assert.equal((await g.call('GET', '/model/info?litellm_model_id=nope-1')).status, 404);
    assert.equal((dbOf(g).prepare('SELECT COUNT(*) AS n FROM model_deployments').get() as { n: number }).n, 0);
    assert.deepEqual(await store.list(), []);
    assert.equal((await g.call('GET', '/audit?object_type=model')).json.total, 0);
    assert.equal((await chat(g, 'nope')).status, 404);
    assert.ok(!g.logs.join('').includes(v));
  }
});

test('a failed database write deletes the secret just written (no orphan)', async () => {
  const db = dbOf(gw);
  db.exec("CREATE TEMP TRIGGER refuse_models BEFORE INSERT ON model_deployments BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END");
  const before = await gw.secrets.list();
  try {
    const v = secret();
    const r = await gw.call('POST', '/model/new', { model_name: 'orphan', litellm_params: { model: 'openai/x', api_base: `${up.url}/v1`, api_key: v }, model_info: { id: 'orphan-1' } });
    assert.equal(r.status, 500, r.text);
    assert.ok(!r.text.includes(v));
    assert.deepEqual(await gw.secrets.list(), before);
    assert.equal(await gw.secrets.get('model-orphan-1'), null);
    assert.equal((await chat(gw, 'orphan')).status, 404);
    assert.equal((await gw.call('GET', '/audit?object_type=model&object_id=orphan-1')).json.total, 0);
    assert.ok(!gw.logs.join('').includes(v));
  } finally {
    db.exec('DROP TRIGGER refuse_models');
  }
  const u = dbOf(gw);
  u.exec("CREATE TEMP TRIGGER refuse_updates BEFORE UPDATE ON model_deployments BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END");
  try {
    const r = await gw.call('POST', '/model/update', { model_id: 'added-1', litellm_params: { api_key: secret() } });
    assert.equal(r.status, 500);
    assert.deepEqual(await gw.secrets.list(), before, 'the rotated-in secret is deleted again');
    assert.equal((await gw.call('GET', '/model/info?litellm_model_id=added-1')).json.data[0].litellm_params.api_key, 'keychain/model-added-1');
  } finally {
    u.exec('DROP TRIGGER refuse_updates');
  }
  // The database itself refuses a literal api_key, whatever the code above it does.
  assert.throws(() => db.prepare("INSERT INTO model_deployments (model_id, model_name, litellm_params, model_info, created_at, updated_at) VALUES ('x', 'x', '{\"model\":\"m\",\"api_key\":\"plain\"}', '{}', 'now', 'now')").run(), /CHECK constraint/);
});

test('stored deployments survive a restart and are served from the first request', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-models-'));
  const store = createMemorySecretStore();
  const v = secret();
  const open = () => createGateway({ dataDir, port: 0, masterKey: MASTER, secretStore: store, logLevel: 'silent', env: {} });
  try {
    const g1 = await open();
    const u1 = (await g1.start()).url;
    const headers = { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' };
    const r = await fetch(`${u1}/model/new`, { method: 'POST', headers, body: JSON.stringify({ model_name: 'kept', litellm_params: { model: 'openai/kept', api_base: `${up.url}/v1`, api_key: v } }) });
    assert.equal(r.status, 200);
    await g1.stop();
    const g2 = await open();
    const u2 = (await g2.start()).url;
    try {
      const c = await fetch(`${u2}/v1/chat/completions`, { method: 'POST', headers, body: JSON.stringify({ model: 'kept', messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 }) });
      assert.equal(c.status, 200, await c.text());
      assert.equal(up.requests.at(-1)!.headers.authorization, `Bearer ${v}`);
    } finally {
      await g2.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

/** A store whose writes fail with a plain Error (a third-party adapter), reads work. */
function throwingStore(): SecretStore {
  const inner = createMemorySecretStore();
  return { ...inner, protection: inner.protection, set: async () => { throw new Error('backend exploded'); } };
}
