/**
 * Governance over HTTP (issue 3, CONTRACT sections 4 and 7): the management wire shapes and the
 * rules they set, checked by real requests through a real gateway (real SQLite, fake clock) to
 * the fake upstream on loopback, with a real webhook receiver for soft-budget alerts. The last
 * test stops the gateway and starts a new one on the same data directory.
 *
 * Every successful LLM request's real cost (from its usage and the model's prices) is recorded
 * in `settled`, so the ledger's figures can be checked against what was actually charged.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startUpstream, promptTokensFor, completionTokensFor, type Upstream } from '../../support/upstream.ts';
import { startGateway, MASTER, type TestGateway } from '../../support/gateway.ts';
import { createGateway } from '../../../src-main/core/index.ts';
import { createMemorySecretStore } from '../../../src-main/core/secrets/index.ts';

const PRICES: Record<string, { in: number; out: number }> = {
  priced: { in: 0.000001, out: 0.001 },
  cheap: { in: 0.0000001, out: 0.0001 },
};
const MESSAGES = [{ role: 'user', content: 'hi' }];
/** Real cost of one `{messages: MESSAGES, max_tokens: 10}` request on a model. */
const costOf = (model: string): number => {
  const b = { messages: MESSAGES, max_tokens: 10 };
  return promptTokensFor(b) * PRICES[model]!.in + completionTokensFor(b) * PRICES[model]!.out;
};
const COST = costOf('priced');
const UPSTREAM_KEY = 'sk-provider-secret-mgmt-0000000000';

let up: Upstream;
let gw: TestGateway;
let hook: Server;
let hookUrl: string;
const hookPosts: Array<Record<string, unknown>> = [];
let config: string;

interface Settled { keyId: string; model: string; cost: number; requestId: string }
const settled: Settled[] = [];
/** The Blue Team's key, out of team budget after the team test. */
let blueKey: { key: string; key_id: string };

before(async () => {
  up = await startUpstream();
  hook = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hookPosts.push({ method: req.method, path: req.url, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
  config = `
model_list:
  - model_name: priced
    litellm_params: { model: openai/priced, api_base: ${up.url}/v1, api_key: os.environ/UPSTREAM_KEY }
    model_info: { input_cost_per_token: ${PRICES.priced!.in}, output_cost_per_token: ${PRICES.priced!.out} }
  - model_name: cheap
    litellm_params: { model: openai/cheap, api_base: ${up.url}/v1, api_key: os.environ/UPSTREAM_KEY }
    model_info: { input_cost_per_token: ${PRICES.cheap!.in}, output_cost_per_token: ${PRICES.cheap!.out} }
general_settings:
  alerting_webhook_url: ${hookUrl}
`;
  gw = await startGateway({ env: { UPSTREAM_KEY }, config });
});
after(async () => {
  await gw.stop();
  await up.close();
  await new Promise<void>((r) => hook.close(() => r()));
});

const near = (a: number, b: number, msg?: string): void => assert.ok(Math.abs(a - b) < 1e-9, msg ?? `${a} != ${b}`);
const sum = (xs: readonly Settled[]): number => xs.reduce((s, x) => s + x.cost, 0);

async function ok<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const r = await gw.call(method, path, body);
  assert.equal(r.status, 200, `${method} ${path}: ${r.text}`);
  return r.json as T;
}

async function newKey(body: Record<string, unknown> = {}): Promise<{ key: string; key_id: string }> {
  return ok('POST', '/key/generate', body);
}

/** One chat request with a virtual key; a 200 is recorded in `settled` with its real cost. */
async function chat(k: { key: string; key_id: string }, opts: { model?: string; headers?: Record<string, string>; user?: string } = {}): Promise<{ status: number; json: any; headers: Headers }> {
  const model = opts.model ?? 'priced';
  const body = { model, messages: MESSAGES, max_tokens: 10, ...(opts.user === undefined ? {} : { user: opts.user }) };
  const r = await gw.call('POST', '/v1/chat/completions', body, { authorization: `Bearer ${k.key}`, ...opts.headers });
  if (r.status === 200) {
    const cost = r.json.usage.prompt_tokens * PRICES[model]!.in + r.json.usage.completion_tokens * PRICES[model]!.out;
    near(cost, costOf(model));
    settled.push({ keyId: k.key_id, model, cost, requestId: r.headers.get('x-request-id')! });
  }
  return r;
}

function assertError(r: { status: number; json: any }, status: number, type: string, message?: RegExp): void {
  assert.equal(r.status, status, JSON.stringify(r.json));
  assert.equal(r.json.error.type, type);
  assert.equal(r.json.error.code, String(status));
  if (message !== undefined) assert.match(r.json.error.message, message);
}

test('/user/new then /user/info: the user, their keys (never raw) and the spend of their requests', async () => {
  const created = await ok('POST', '/user/new', { user_id: 'alice', user_email: 'alice@example.com', max_budget: 5 });
  assert.equal(created.user_id, 'alice');
  assert.equal(created.user_role, 'internal_user');
  assert.equal(created.spend, 0);
  assertError(await gw.call('POST', '/user/new', { user_id: 'alice' }), 409, 'conflict_error');
  assertError(await gw.call('POST', '/user/new', { user_id: 'bob', max_budget: -1 }), 400, 'invalid_request_error');
  assertError(await gw.call('POST', '/user/new', { user_id: 'bob', surprise: 1 }), 400, 'invalid_request_error');
  assert.equal((await gw.call('GET', '/user/info?user_id=bob')).status, 404);
  const k = await newKey({ user_id: 'alice', key_alias: 'alice-laptop' });
  assert.equal((await chat(k)).status, 200);
  assert.equal((await chat(k, { model: 'cheap' })).status, 200);
  const info = await ok('GET', '/user/info?user_id=alice');
  assert.equal(info.user_id, 'alice');
  near(info.user_info.spend, COST + costOf('cheap'));
  assert.equal(info.user_info.max_budget, 5);
  assert.equal(info.keys.length, 1);
  assert.equal(info.keys[0].key_alias, 'alice-laptop');
  assert.ok(!JSON.stringify(info).includes(k.key), 'no raw key in /user/info');
  near(info.keys[0].spend, COST + costOf('cheap'));
  const keyInfo = await ok('GET', `/key/info?key=${k.key_id}`);
  near(keyInfo.info.spend, COST + costOf('cheap'));
});

test('teams: /team/new, member_add, a team key counts against the team budget (429 naming the team); team block is 401, unblock restores', async () => {
  await ok('POST', '/user/new', { user_id: 'carol' });
  const team = await ok('POST', '/team/new', { team_id: 'blue', team_alias: 'Blue Team', max_budget: Number((2 * COST).toFixed(9)) });
  assert.equal(team.team_id, 'blue');
  assert.deepEqual(team.members_with_roles, []);
  assertError(await gw.call('POST', '/team/new', { team_id: 'blue' }), 409, 'conflict_error');
  const added = await ok('POST', '/team/member_add', { team_id: 'blue', member: { user_id: 'carol', role: 'admin' } });
  assert.equal(added.team_id, 'blue');
  assert.deepEqual(added.team_info.members_with_roles.map((m: { user_id: string; role: string }) => [m.user_id, m.role]), [['carol', 'admin']]);
  assertError(await gw.call('POST', '/team/member_add', { team_id: 'blue', member: { user_id: 'nobody' } }), 404, 'not_found_error');
  const k = await newKey({ team_id: 'blue', user_id: 'carol', key_alias: 'blue-ci' });
  blueKey = k;
  assertError(await gw.call('POST', '/key/generate', { team_id: 'no-such-team' }), 404, 'not_found_error');
  assert.equal((await chat(k)).status, 200);
  assert.equal((await chat(k)).status, 200);
  const refused = await chat(k);
  assertError(refused, 429, 'budget_exceeded', /^Budget exceeded for team 'Blue Team': spend 0\.020008 USD, max_budget 0\.020008 USD$/);
  const info = await ok('GET', '/team/info?team_id=blue');
  near(info.team_info.spend, 2 * COST);
  near(info.team_info.members_with_roles[0].spend, 2 * COST);
  assert.equal(info.keys.length, 1);
  const user = await ok('GET', '/user/info?user_id=carol');
  near(user.user_info.spend, 2 * COST);
  assert.deepEqual(user.teams.map((t: { team_id: string }) => t.team_id), ['blue']);

  // Blocking the team refuses its keys with 401 (before any budget check); unblocking restores them.
  await ok('POST', '/team/block', { team_id: 'blue' });
  assertError(await chat(k), 401, 'auth_error', /Team blue is blocked/);
  assertError(await gw.call('GET', '/v1/models', undefined, { authorization: `Bearer ${k.key}` }), 401, 'auth_error');
  await ok('POST', '/team/update', { team_id: 'blue', max_budget: Number((3 * COST).toFixed(9)) });
  assertError(await chat(k), 401, 'auth_error');
  const unblocked = await ok('POST', '/team/unblock', { team_id: 'blue' });
  assert.equal(unblocked.blocked, false);
  assert.equal((await chat(k)).status, 200);
  assertError(await chat(k), 429, 'budget_exceeded', /team 'Blue Team'/);
});

test('organizations: a key of an org member counts against the organization budget (Principal.org_id from the owner)', async () => {
  const org = await ok('POST', '/organization/new', { organization_id: 'acme', organization_alias: 'Acme', max_budget: COST });
  assert.equal(org.organization_id, 'acme');
  await ok('POST', '/user/new', { user_id: 'dave', organization_id: 'acme' });
  const k = await newKey({ user_id: 'dave' });
  const first = await chat(k);
  assert.equal(first.status, 200);
  assertError(await chat(k), 429, 'budget_exceeded', /^Budget exceeded for organization 'Acme': spend 0\.010004 USD, max_budget 0\.010004 USD$/);
  const info = await ok('GET', '/organization/info?organization_id=acme');
  near(info.spend, COST);
  const logs = await ok<any[]>('GET', `/spend/logs?request_id=${first.headers.get('x-request-id')}`);
  assert.equal(logs.length, 1);
  assert.equal(logs[0].organization_id, 'acme');
  assert.equal(logs[0].user, 'dave');
});

test('customers: budget via x-litellm-customer-id, refused past it; /customer/block then /customer/unblock really unblocks', async () => {
  const c = await ok('POST', '/customer/new', { user_id: 'cust-1', alias: 'Customer One', max_budget: Number((2 * COST).toFixed(9)) });
  assert.equal(c.end_user_id, 'cust-1');
  assert.equal(c.spend, 0);
  assertError(await gw.call('POST', '/customer/new', { user_id: 'cust-1' }), 409, 'conflict_error');
  const k = await newKey({ key_alias: 'shop-backend' });
  const h = { 'x-litellm-customer-id': 'cust-1' };
  assert.equal((await chat(k, { headers: h })).status, 200);
  const blocked = await ok('POST', '/customer/block', { user_ids: ['cust-1'] });
  assert.deepEqual(blocked.blocked_users, ['cust-1']);
  assertError(await chat(k, { headers: h }), 401, 'auth_error', /Customer cust-1 is blocked/);
  // The other ways of naming the end user are blocked too.
  assertError(await chat(k, { headers: { 'x-litellm-end-user-id': 'cust-1' } }), 401, 'auth_error');
  assertError(await chat(k, { user: 'cust-1' }), 401, 'auth_error');
  assert.equal((await chat(k)).status, 200, 'the key itself is not blocked');
  const unblocked = await ok('POST', '/customer/unblock', { user_ids: ['cust-1'] });
  assert.deepEqual(unblocked.unblocked_users, ['cust-1']);
  assert.equal((await ok('GET', '/customer/info?end_user_id=cust-1')).blocked, false);
  assert.equal((await chat(k, { user: 'cust-1' })).status, 200, 'unblocked: body.user counts too');
  assertError(await chat(k, { headers: h }), 429, 'budget_exceeded', /^Budget exceeded for customer 'Customer One': spend 0\.020008 USD, max_budget 0\.020008 USD$/);
  const info = await ok('GET', '/customer/info?end_user_id=cust-1');
  near(info.spend, 2 * COST);
  // An end user with no customer row is allowed (no default budget configured) and logged.
  const anon = await chat(k, { headers: { 'x-litellm-customer-id': 'walk-in' } });
  assert.equal(anon.status, 200);
  const logs = await ok<any[]>('GET', '/spend/logs?end_user=walk-in');
  assert.equal(logs.length, 1);
  assert.equal(logs[0].request_id, anon.headers.get('x-request-id'));
});

test('bad limits (negative, infinite via 1e309, fractional, unknown ids) are 400/404 naming the field, and nothing is written', async () => {
  const before = { users: (await ok('GET', '/user/list')).total as number, teams: (await ok<unknown[]>('GET', '/team/list')).length, keys: (await ok('GET', '/key/list')).total_count as number, audit: (await ok('GET', '/audit')).total as number };
  const bad: Array<[string, string, string]> = [
    ['/user/new', '{"user_id":"inf","max_budget":1e309}', 'max_budget'],
    ['/user/new', '{"user_id":"neg","soft_budget":-0.5}', 'soft_budget'],
    ['/user/new', '{"user_id":"frac","rpm_limit":1.5}', 'rpm_limit'],
    ['/team/new', '{"team_id":"inf","tpm_limit":1e309}', 'tpm_limit'],
    ['/team/new', '{"team_id":"neg","max_parallel_requests":-1}', 'max_parallel_requests'],
    ['/customer/new', '{"user_id":"inf","max_budget":1e309}', 'max_budget'],
    ['/key/generate', '{"max_budget":1e309}', 'max_budget'],
    ['/key/generate', '{"rpm_limit":0.5}', 'rpm_limit'],
    ['/budget/new', '{"budget_id":"b","max_budget":-1}', 'max_budget'],
  ];
  for (const [path, body, param] of bad) {
    const r = await gw.call('POST', path, body);
    assertError(r, 400, 'invalid_request_error');
    assert.equal(r.json.error.param, param, `${path} ${body}: ${r.text}`);
  }
  assertError(await gw.call('POST', '/key/generate', { user_id: 'ghost' }), 404, 'not_found_error');
  assertError(await gw.call('POST', '/team/member_add', { team_id: 'ghost-team', member: { user_id: 'alice' } }), 404, 'not_found_error');
  assertError(await gw.call('POST', '/customer/new', { user_id: 'c-x', budget_id: 'ghost-budget' }), 404, 'not_found_error');
  assertError(await gw.call('POST', '/customer/block', { user_ids: ['ghost-customer'] }), 404, 'not_found_error');
  assert.equal((await ok('GET', '/user/list')).total, before.users);
  assert.equal((await ok<unknown[]>('GET', '/team/list')).length, before.teams);
  assert.equal((await ok('GET', '/key/list')).total_count, before.keys);
  assert.equal((await ok('GET', '/audit')).total, before.audit, 'no audit row for a refused change');
});

test('a customer id with control characters is 400 and writes nothing', async () => {
  const k = await newKey({ key_alias: 'ctl' });
  const upstreamBefore = up.requests.length;
  const customersBefore = (await ok<unknown[]>('GET', '/customer/list')).length;
  // A tab is a legal header character for HTTP clients, but not in an id.
  const tab = await chat(k, { headers: { 'x-litellm-customer-id': 'evil\tcustomer' } });
  assertError(tab, 400, 'invalid_request_error');
  assert.equal(tab.json.error.param, 'x-litellm-customer-id');
  const body = await chat(k, { user: 'evil\u0000user' });
  assertError(body, 400, 'invalid_request_error');
  assert.equal(body.json.error.param, 'user');
  // Other control characters only a raw socket can send: refused by the server too.
  const raw = await new Promise<string>((resolve, reject) => {
    const sock = connect(Number(new URL(gw.url).port), '127.0.0.1');
    const payload = JSON.stringify({ model: 'priced', messages: MESSAGES, max_tokens: 10 });
    let text = '';
    sock.on('data', (d) => { text += d.toString('latin1'); });
    sock.on('end', () => resolve(text));
    sock.on('close', () => resolve(text));
    sock.on('error', reject);
    sock.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: ${new URL(gw.url).host}\r\nAuthorization: Bearer ${k.key}\r\nContent-Type: application/json\r\nx-litellm-customer-id: evil\u0001id\r\nContent-Length: ${Buffer.byteLength(payload)}\r\nConnection: close\r\n\r\n${payload}`, 'latin1');
  });
  assert.match(raw, /^HTTP\/1\.1 400 /);
  assert.equal(up.requests.length, upstreamBefore, 'nothing forwarded');
  assert.equal((await ok<unknown[]>('GET', '/customer/list')).length, customersBefore, 'no customer created');
  const logs = await ok<unknown[]>('GET', `/spend/logs?api_key=${k.key_id}`);
  assert.equal(logs.length, 0, 'no spend log row');
  near((await ok('GET', `/key/info?key=${k.key_id}`)).info.spend, 0);
});

test('/key/{key}/reset_spend zeroes the key spend and its budget admits again; the ledger keeps the rows', async () => {
  const k = await newKey({ key_alias: 'resettable', max_budget: COST });
  assert.equal((await chat(k)).status, 200);
  assertError(await chat(k), 429, 'budget_exceeded', /key 'resettable'/);
  const reset = await ok('POST', `/key/${k.key}/reset_spend`);
  assert.equal(reset.spend, 0);
  assert.ok(!JSON.stringify(reset).includes(k.key), 'no raw key echoed');
  assert.equal((await ok('GET', `/key/info?key=${k.key_id}`)).info.spend, 0);
  assert.equal((await chat(k)).status, 200);
  near((await ok('GET', `/key/info?key=${k.key_id}`)).info.spend, COST);
  assertError(await chat(k), 429, 'budget_exceeded');
  const logs = await ok<any[]>('GET', `/spend/logs?api_key=${k.key}`);
  assert.equal(logs.length, 2, 'reset_spend does not erase the ledger');
  assertError(await gw.call('POST', '/key/sk-nope/reset_spend'), 404, 'not_found_error');
});

test('soft_budget: crossing it POSTs once to alerting_webhook_url and writes an audit row; it never blocks', async () => {
  const k = await newKey({ key_alias: 'soft', soft_budget: Number((1.5 * COST).toFixed(9)) });
  for (let i = 0; i < 4; i++) assert.equal((await chat(k)).status, 200, 'a soft budget never refuses');
  for (let i = 0; i < 500 && hookPosts.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(hookPosts.length, 1);
  const post = hookPosts[0]!;
  assert.equal(post.method, 'POST');
  assert.equal(post.path, '/hook');
  const body = post.body as Record<string, unknown>;
  assert.equal(body.event, 'soft_budget_crossed');
  assert.equal(body.level, 'key');
  assert.equal(body.name, 'soft');
  near(body.spend as number, 2 * COST);
  near(body.soft_budget as number, 1.5 * COST);
  const audit = await ok('GET', '/audit?action=budget.soft_budget_crossed');
  assert.equal(audit.total, 1);
  // (The exactly-once check after the posts in flight have drained is in the restart test.)
});

test('a client reusing an x-request-id is charged twice and logged twice: ledger and spend counters agree', async () => {
  const k = await newKey({ key_alias: 'reuser' });
  for (let i = 0; i < 3; i++) assert.equal((await chat(k, { headers: { 'x-request-id': 'client-retry-1' } })).status, 200);
  const spend = (await ok('GET', `/key/info?key=${k.key_id}`)).info.spend as number;
  near(spend, 3 * COST);
  const rows = await ok<any[]>('GET', `/spend/logs?api_key=${k.key_id}`);
  assert.deepEqual(rows.map((r) => r.request_id).sort(), ['client-retry-1', 'client-retry-1~2', 'client-retry-1~3']);
  near(rows.reduce((a, r) => a + r.spend, 0), spend);
  assert.equal((await ok<any[]>('GET', '/spend/logs?request_id=client-retry-1')).length, 3);
  assert.equal((await ok<any[]>('GET', '/spend/logs?request_id=client-retry')).length, 0);
});

test('/spend/logs: filters and paging; /global/spend/report by day, key and model sums to the settled costs', async () => {
  const all = await ok<any[]>('GET', '/spend/logs');
  assert.equal(all.length, settled.length, 'one row per settled request (refusals write none)');
  near(all.reduce((s, r) => s + r.spend, 0), sum(settled));
  for (const r of all) {
    const want = settled.find((x) => x.requestId === r.request_id.replace(/~\d+$/, ''));
    assert.ok(want !== undefined, `unexpected row ${r.request_id}`);
    near(r.spend, want.cost);
    assert.equal(r.api_key, want.keyId);
    assert.equal(r.status, 'success');
    assert.ok(!JSON.stringify(r).includes('sk-provider'), 'no secret in a spend row');
  }
  // Filters.
  const byModel = await ok<any[]>('GET', '/spend/logs?model=cheap');
  assert.equal(byModel.length, settled.filter((s) => s.model === 'cheap').length);
  assert.ok(byModel.length >= 1);
  assert.equal((await ok<any[]>('GET', '/spend/logs?user_id=carol')).length, 3);
  assert.equal((await ok<any[]>('GET', '/spend/logs?team_id=blue')).length, 3);
  assert.equal((await ok<any[]>('GET', '/spend/logs?end_user=cust-1')).length, 2);
  assert.equal((await ok<any[]>('GET', '/spend/logs?start_date=2026-03-02&end_date=2026-03-02')).length, all.length);
  assert.equal((await ok<any[]>('GET', '/spend/logs?end_date=2026-03-01')).length, 0);
  assert.equal((await ok<any[]>('GET', '/spend/logs?start_date=2026-03-03')).length, 0);
  assertError(await gw.call('GET', '/spend/logs?start_date=yesterday'), 400, 'invalid_request_error');
  assertError(await gw.call('GET', '/spend/logs?bogus=1'), 400, 'invalid_request_error');
  // Paging: pages are disjoint and cover everything.
  const size = 4;
  const seen: string[] = [];
  for (let page = 1; ; page++) {
    const p = await ok('GET', `/spend/logs?page=${page}&page_size=${size}`);
    assert.equal(p.total, all.length);
    assert.equal(p.page, page);
    assert.equal(p.page_size, size);
    if (p.data.length === 0) break;
    assert.ok(p.data.length <= size);
    seen.push(...p.data.map((r: { request_id: string }) => r.request_id));
  }
  assert.equal(seen.length, all.length);
  assert.equal(new Set(seen).size, all.length);
  assertError(await gw.call('GET', '/spend/logs?page=0'), 400, 'invalid_request_error');

  // Reports.
  const byDay = await ok<any[]>('GET', '/global/spend/report?group_by=day');
  assert.deepEqual(byDay.map((r) => r.date), ['2026-03-02']);
  assert.equal(byDay[0].group_by, 'day');
  near(byDay[0].spend, sum(settled));
  assert.equal(byDay[0].total_requests, settled.length);
  const byKey = await ok<any[]>('GET', '/global/spend/report?group_by=key');
  const keyIds = [...new Set(settled.map((s) => s.keyId))];
  assert.equal(byKey.length, keyIds.length);
  for (const id of keyIds) {
    const row = byKey.find((r) => r.api_key === id);
    assert.ok(row !== undefined, `report row for key ${id}`);
    near(row.spend, sum(settled.filter((s) => s.keyId === id)));
    assert.equal(row.total_requests, settled.filter((s) => s.keyId === id).length);
  }
  const byModelReport = await ok<any[]>('GET', '/global/spend/report?group_by=model');
  assert.deepEqual(byModelReport.map((r) => r.model).sort(), ['cheap', 'priced']);
  for (const r of byModelReport) near(r.spend, sum(settled.filter((s) => s.model === r.model)));
  assertError(await gw.call('GET', '/global/spend/report?group_by=planet'), 400, 'invalid_request_error');
  // A non-admin key cannot read the global report.
  const plain = await newKey();
  assert.equal((await gw.call('GET', '/global/spend/report', undefined, { authorization: `Bearer ${plain.key}` })).status, 403);
  console.log(`[management] ${settled.length} settled requests, ${sum(settled)} USD; logs, day/key/model reports agree`);
});

test('state survives a restart: spend, budgets, blocks and resets come back from the data dir', async () => {
  const daily = await newKey({ key_alias: 'daily', max_budget: 1, budget_duration: '1d' });
  assert.equal((await chat(daily)).status, 200);
  const before = {
    alice: (await ok('GET', '/user/info?user_id=alice')).user_info.spend as number,
    team: (await ok('GET', '/team/info?team_id=blue')).team_info as { spend: number; max_budget: number; members_with_roles: { spend: number }[] },
    cust: (await ok('GET', '/customer/info?end_user_id=cust-1')) as { spend: number; max_budget: number },
    org: (await ok('GET', '/organization/info?organization_id=acme')).spend as number,
    daily: (await ok('GET', `/key/info?key=${daily.key_id}`)).info as { spend: number; budget_reset_at: string },
    logs: (await ok<unknown[]>('GET', '/spend/logs')).length,
  };
  assert.ok(before.daily.budget_reset_at !== null);
  await ok('POST', '/customer/block', { user_ids: ['cust-1'] });

  // Stop (flushes and drains the webhook posts) and start a new gateway on the same directory.
  const dataDir = gw.dataDir;
  await gw.gateway.stop();
  assert.equal(hookPosts.length, 1, 'the soft budget alert was sent exactly once');
  // The daily key's reset falls while the gateway is stopped: it must happen at start.
  gw.clock.t = Date.parse(before.daily.budget_reset_at) + 60_000;
  const gateway = await createGateway({
    dataDir, port: 0, masterKey: MASTER, secretStore: createMemorySecretStore(), logLevel: 'info', env: { UPSTREAM_KEY },
    clock: gw.clock, logDestination: { write: () => undefined }, configPath: join(dataDir, 'config.yaml'),
  });
  const { url } = await gateway.start();
  const old = gw;
  gw = {
    ...old, gateway, url,
    internals: (gateway as unknown as { _internals: Record<string, unknown> })._internals,
    async call(method, path, body, headers) {
      const res = await fetch(url + path, {
        method, headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      let json: unknown = null;
      try { json = JSON.parse(text); } catch { json = null; }
      return { status: res.status, json, headers: res.headers, text };
    },
    async stop() {
      await gateway.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };

  near((await ok('GET', '/user/info?user_id=alice')).user_info.spend, before.alice);
  const team = (await ok('GET', '/team/info?team_id=blue')).team_info;
  near(team.spend, before.team.spend);
  assert.equal(team.max_budget, before.team.max_budget);
  near(team.members_with_roles[0].spend, before.team.members_with_roles[0]!.spend);
  const cust = await ok('GET', '/customer/info?end_user_id=cust-1');
  near(cust.spend, before.cust.spend);
  assert.equal(cust.max_budget, before.cust.max_budget);
  assert.equal(cust.blocked, true);
  near((await ok('GET', '/organization/info?organization_id=acme')).spend, before.org);
  const d = (await ok('GET', `/key/info?key=${daily.key_id}`)).info;
  near(before.daily.spend, COST);
  assert.equal(d.spend, 0, 'the reset that fell while stopped happened at start');
  assert.equal(Date.parse(d.budget_reset_at), Date.parse(before.daily.budget_reset_at) + 86_400_000);
  assert.equal((await ok<unknown[]>('GET', '/spend/logs')).length, before.logs);
  near((await ok<any[]>('GET', '/global/spend/report?group_by=day'))[0].spend, sum(settled));

  // And the rules hold with the rebuilt state: the team is still out of budget, the customer still blocked.
  assertError(await chat(blueKey), 429, 'budget_exceeded', /^Budget exceeded for team 'Blue Team': spend 0\.030012 USD, max_budget 0\.030012 USD$/);
  const plain = await newKey();
  assertError(await chat(plain, { headers: { 'x-litellm-customer-id': 'cust-1' } }), 401, 'auth_error');
  await ok('POST', '/customer/unblock', { user_ids: ['cust-1'] });
  assertError(await chat(plain, { headers: { 'x-litellm-customer-id': 'cust-1' } }), 429, 'budget_exceeded', /customer 'Customer One'/);
  const aliceKey = (await ok('GET', '/user/info?user_id=alice')).keys[0] as { key_id: string };
  near((await ok('GET', `/key/info?key=${aliceKey.key_id}`)).info.spend, COST + costOf('cheap'));

  assert.equal((await chat(daily)).status, 200);
  near((await ok('GET', `/key/info?key=${daily.key_id}`)).info.spend, COST);
});
