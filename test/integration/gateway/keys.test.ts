import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startGateway, type TestGateway } from '../../support/gateway.ts';

let gw: TestGateway;
before(async () => {
  gw = await startGateway();
});
after(async () => {
  await gw.stop();
});

const asKey = (key: string) => ({ authorization: `Bearer ${key}` });

test('generate returns the raw key once; info and list never do', async () => {
  const r = await gw.call('POST', '/key/generate', { key_alias: 'editor', models: ['gpt-4o'], metadata: { tool: 'vim' } });
  assert.equal(r.status, 200);
  assert.match(r.json.key, /^sk-[A-Za-z0-9_-]{43}$/);
  assert.equal(r.json.key_name, `sk-...${r.json.key.slice(-4)}`);
  assert.match(r.json.token, /^[0-9a-f]{64}$/);
  const info = await gw.call('GET', `/key/info?key=${encodeURIComponent(r.json.key)}`);
  assert.equal(info.status, 200);
  assert.equal(info.json.key, r.json.token);
  assert.equal(info.json.info.key_alias, 'editor');
  assert.ok(!info.text.includes(r.json.key), 'info must not echo the raw key');
  for (const ref of [r.json.token, r.json.key_id]) {
    assert.equal((await gw.call('GET', `/key/info?key=${ref}`)).json.info.key_id, r.json.key_id);
  }
  const list = await gw.call('GET', '/key/list');
  assert.equal(list.status, 200);
  assert.ok(list.json.total_count >= 1);
  assert.ok(!list.text.includes(r.json.key));
  assert.deepEqual(Object.keys(list.json).sort(), ['current_page', 'keys', 'total_count', 'total_pages']);
});

test('the raw key is never stored: the SQLite file and the logs hold only hashes and abbreviations', async () => {
  const r = await gw.call('POST', '/key/generate', { key_alias: 'scan-me' });
  await gw.call('GET', `/key/info?key=${r.json.key}`);
  await gw.call('POST', `/key/${r.json.key}/regenerate`, {});
  const db = readFileSync(join(gw.dataDir, 'tollgate.db')).toString('latin1') + readFileSync(join(gw.dataDir, 'tollgate.db-wal')).toString('latin1');
  assert.ok(!db.includes(r.json.key), 'raw key found in the database');
  assert.ok(db.includes(r.json.token), 'sanity: the hash is in the database');
  const logs = gw.logs.join('\n');
  assert.ok(!logs.includes(r.json.key), 'raw key found in logs');
  assert.ok(logs.includes('/key/sk-...'), 'sanity: the key path was logged abbreviated');
});

test('block, unblock, update and delete follow the key; unknown keys are token_not_found_in_db', async () => {
  const { json: k } = await gw.call('POST', '/key/generate', {});
  assert.equal((await gw.call('GET', '/key/info', undefined, asKey(k.key))).status, 200);
  assert.equal((await gw.call('POST', '/key/block', { key: k.key })).json.blocked, true);
  const blocked = await gw.call('GET', '/v1/models', undefined, asKey(k.key));
  assert.equal(blocked.status, 401);
  assert.equal(blocked.json.error.type, 'auth_error');
  assert.match(blocked.json.error.message, /blocked/);
  await gw.call('POST', '/key/unblock', { key: k.key_id });
  assert.equal((await gw.call('GET', '/v1/models', undefined, asKey(k.key))).status, 200);
  const upd = await gw.call('POST', '/key/update', { key: k.key_id, key_alias: 'renamed', max_budget: 5 });
  assert.equal(upd.json.key_alias, 'renamed');
  assert.equal(upd.json.max_budget, 5);
  assert.deepEqual((await gw.call('POST', '/key/delete', { keys: [k.key] })).json.deleted_keys, [k.key_id]);
  const gone = await gw.call('GET', '/v1/models', undefined, asKey(k.key));
  assert.equal(gone.status, 401);
  assert.equal(gone.json.error.type, 'token_not_found_in_db');
  assert.ok(!gone.text.includes(k.key));
  assert.equal((await gw.call('POST', '/key/delete', { keys: [k.key_id] })).status, 404);
});

test('expiry: a key with duration expires by the clock, with the abbreviated key as param', async () => {
  const { json: k } = await gw.call('POST', '/key/generate', { duration: '1h' });
  assert.equal((await gw.call('GET', '/v1/models', undefined, asKey(k.key))).status, 200);
  gw.clock.advance(60 * 60 * 1000 + 1);
  const r = await gw.call('GET', '/v1/models', undefined, asKey(k.key));
  assert.equal(r.status, 401);
  assert.equal(r.json.error.type, 'expired_key');
  assert.equal(r.json.error.param, k.key_name);
  assert.equal(r.json.error.code, '401');
});

test('regenerate keeps key_id; the old key works during the grace period only', async () => {
  const { json: k } = await gw.call('POST', '/key/generate', { key_alias: 'rot' });
  const r = await gw.call('POST', '/key/regenerate', { key: k.key, grace_period: '1h' });
  assert.equal(r.status, 200);
  assert.equal(r.json.key_id, k.key_id);
  assert.notEqual(r.json.key, k.key);
  assert.notEqual(r.json.token, k.token);
  assert.equal((await gw.call('GET', '/v1/models', undefined, asKey(r.json.key))).status, 200);
  assert.equal((await gw.call('GET', '/v1/models', undefined, asKey(k.key))).status, 200, 'old key works in grace');
  gw.clock.advance(60 * 60 * 1000 + 1);
  assert.equal((await gw.call('GET', '/v1/models', undefined, asKey(k.key))).status, 401, 'old key refused after grace');
  assert.equal((await gw.call('GET', '/v1/models', undefined, asKey(r.json.key))).status, 200);
  const noGrace = await gw.call('POST', `/key/${r.json.key_id}/regenerate`, {});
  assert.equal((await gw.call('GET', '/v1/models', undefined, asKey(r.json.key))).status, 401, 'no grace: the old key stops at once');
  assert.equal(noGrace.json.key_id, k.key_id);
});

test('every key change leaves an audit row with the secret redacted', async () => {
  const { json: k } = await gw.call('POST', '/key/generate', { key_alias: 'audited' });
  await gw.call('POST', '/key/block', { key: k.key });
  const a = await gw.call('GET', `/audit?object_id=${k.key_id}`);
  assert.equal(a.status, 200);
  const actions = a.json.data.map((r: { action: string }) => r.action).sort();
  assert.deepEqual(actions, ['key.block', 'key.generate']);
  assert.ok(!a.text.includes(k.key));
  assert.equal(a.json.data[0].actor, 'master_key');
});

test('management bodies are strict and validated, with param naming the field', async () => {
  const unknown = await gw.call('POST', '/key/generate', { key_alias: 'x', modles: ['a'] });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.json.error.param, 'modles');
  const neg = await gw.call('POST', '/key/generate', { max_budget: -1 });
  assert.equal(neg.status, 400);
  assert.equal(neg.json.error.param, 'max_budget');
  const dur = await gw.call('POST', '/key/generate', { duration: 'forever' });
  assert.equal(dur.status, 400);
  assert.equal(dur.json.error.param, 'duration');
  const malformed = await gw.call('POST', '/key/generate', '{"key_alias": ');
  assert.equal(malformed.status, 400);
  assert.equal(malformed.json.error.type, 'invalid_request_error');
  const before = (await gw.call('GET', '/key/list')).json.total_count;
  assert.equal((await gw.call('GET', '/key/list')).json.total_count, before, 'nothing written by refused bodies');
});

test('roles and key types: route access is 403 for authenticated callers', async () => {
  const { json: llm } = await gw.call('POST', '/key/generate', { key_type: 'llm_api' });
  const r = await gw.call('POST', '/key/generate', {}, asKey(llm.key));
  assert.equal(r.status, 403);
  assert.equal(r.json.error.type, 'auth_error');
  const { json: plain } = await gw.call('POST', '/key/generate', {});
  assert.equal((await gw.call('GET', '/audit', undefined, asKey(plain.key))).status, 403, 'internal_user cannot read the audit log');
  assert.equal((await gw.call('GET', '/metrics', undefined, asKey(plain.key))).status, 403);
  const { json: routes } = await gw.call('POST', '/key/generate', { allowed_routes: ['/v1/chat/completions'] });
  assert.equal((await gw.call('GET', '/v1/models', undefined, asKey(routes.key))).status, 403);
  const { json: cls } = await gw.call('POST', '/key/generate', { allowed_routes: ['llm_api_routes'] });
  assert.equal((await gw.call('GET', '/v1/models', undefined, asKey(cls.key))).status, 200);
  assert.equal((await gw.call('GET', '/key/list', undefined, asKey(cls.key))).status, 403);
});

test('an internal user sees and changes only its own keys', async () => {
  for (const user_id of ['alice', 'bob']) assert.equal((await gw.call('POST', '/user/new', { user_id, user_role: 'internal_user' })).status, 200);
  const ghost = await gw.call('POST', '/key/generate', { user_id: 'nobody' });
  assert.equal(ghost.status, 404, 'a key for an unknown user is refused');
  const { json: alice } = await gw.call('POST', '/key/generate', { user_id: 'alice' });
  const { json: bob } = await gw.call('POST', '/key/generate', { user_id: 'bob' });
  const list = await gw.call('GET', '/key/list', undefined, asKey(alice.key));
  assert.equal(list.status, 200);
  assert.ok(list.json.keys.every((k: { user_id: string }) => k.user_id === 'alice'));
  assert.equal((await gw.call('GET', `/key/info?key=${bob.key_id}`, undefined, asKey(alice.key))).status, 404);
  assert.equal((await gw.call('POST', '/key/block', { key: bob.key_id }, asKey(alice.key))).status, 404);
  const forOther = await gw.call('POST', '/key/generate', { user_id: 'bob' }, asKey(alice.key));
  assert.equal(forOther.status, 403);
  assert.equal(forOther.json.error.param, 'user_id');
  const own = await gw.call('POST', '/key/generate', {}, asKey(alice.key));
  assert.equal(own.status, 200);
  assert.equal(own.json.user_id, 'alice');
});
