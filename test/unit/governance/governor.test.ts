import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { isGatewayError } from '../../../src-shared/errors.ts';
import type { Ticket } from '../../../src-main/core/policy/index.ts';
import { admin, admitInput, call, count, makeKey, openEnv, principalOf, settleInput } from './helpers.ts';

function refusedCode(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isGatewayError(err)) return err.code;
    throw err;
  }
  return 'admitted';
}

test('200 concurrent admits against a budget for 10 requests: at most 10 admitted, spend = sum of settled costs', async () => {
  const env = openEnv();
  const key = makeKey(env, { max_budget: 1 });
  const results = await Promise.all(Array.from({ length: 200 }, async (_, i) => {
    await new Promise((r) => setImmediate(r));
    let ticket: Ticket;
    try {
      ticket = env.gov.governor.admit(admitInput(key, { cost: 0.1 }));
    } catch (err) {
      assert.ok(isGatewayError(err) && err.code === 'ERR_BUDGET_EXCEEDED');
      return 0;
    }
    await new Promise((r) => setTimeout(r, i % 3));
    const cost = 0.05 + (i % 5) * 0.01;
    ticket.settle(settleInput(cost));
    return cost;
  }));
  const admitted = results.filter((c) => c > 0);
  assert.ok(admitted.length <= 10, `admitted ${admitted.length}`);
  assert.equal(admitted.length, 10);
  const sum = admitted.reduce((a, b) => a + b, 0);
  env.gov.flush();
  const stored = env.db.prepare('SELECT spend FROM keys WHERE key_id = ?').get(key.key_id) as { spend: number };
  assert.ok(Math.abs(stored.spend - sum) < 1e-9);
  const logged = (env.db.prepare('SELECT SUM(spend) AS s, COUNT(*) AS n FROM spend_logs').get() as { s: number; n: number });
  assert.equal(logged.n, 10);
  assert.ok(Math.abs(logged.s - sum) < 1e-9);
  assert.ok(Math.abs(env.keyIndex.byKeyId(key.key_id)!.spend - sum) < 1e-9);
  await env.gov.close();
});

test('rpm_limit N admits exactly N under 100 concurrent clients; a new window admits again', async () => {
  const env = openEnv();
  const key = makeKey(env, { rpm_limit: 7 });
  const outcomes = await Promise.all(Array.from({ length: 100 }, async () => {
    await new Promise((r) => setImmediate(r));
    return refusedCode(() => env.gov.governor.admit(admitInput(key)).settle(settleInput(0.001)));
  }));
  assert.equal(outcomes.filter((o) => o === 'admitted').length, 7);
  assert.equal(outcomes.filter((o) => o === 'ERR_RATE_LIMITED').length, 93);
  env.clock.t += 60_001;
  assert.equal(refusedCode(() => env.gov.governor.admit(admitInput(key)).release(500, 1)), 'admitted');
  await env.gov.close();
});

test('an aborted settle charges what it is given and frees the parallel slot', async () => {
  const env = openEnv();
  const key = makeKey(env, { max_parallel_requests: 1 });
  const t = env.gov.governor.admit(admitInput(key));
  assert.equal(refusedCode(() => env.gov.governor.admit(admitInput(key))), 'ERR_RATE_LIMITED');
  t.settle(settleInput(0.0123, 80, { aborted: true }));
  const t2 = env.gov.governor.admit(admitInput(key));
  t2.release(502, 3);
  env.gov.flush();
  const rows = env.db.prepare('SELECT spend, status, aborted, total_tokens FROM spend_logs ORDER BY start_time, rowid').all() as { spend: number; status: string; aborted: number; total_tokens: number }[];
  assert.deepEqual(rows.map((r) => [r.spend, r.status, r.aborted]), [[0.0123, 'aborted', 1], [0, 'failure', 0]]);
  assert.equal(env.keyIndex.byKeyId(key.key_id)!.spend, 0.0123);
  await env.gov.close();
});

test('after a budget_duration reset admits succeed again without restart, and the reset is persisted', async () => {
  const env = openEnv(undefined, {}, Date.UTC(2026, 0, 15, 23, 0));
  const key = makeKey(env, { max_budget: 0.05, budget_duration: '1d' });
  env.gov.governor.admit(admitInput(key)).settle(settleInput(0.05));
  assert.equal(refusedCode(() => env.gov.governor.admit(admitInput(key))), 'ERR_BUDGET_EXCEEDED');
  env.clock.t = Date.UTC(2026, 0, 16, 0, 0, 1);
  assert.equal(refusedCode(() => env.gov.governor.admit(admitInput(key)).release(500, 1)), 'admitted');
  const row = env.db.prepare('SELECT spend, budget_reset_at FROM keys WHERE key_id = ?').get(key.key_id) as { spend: number; budget_reset_at: string };
  assert.equal(row.spend, 0);
  assert.equal(row.budget_reset_at, '2026-01-17T00:00:00.000Z');
  await env.gov.close();
});

test('restart rebuilds spend from the store; a reset that fell while stopped happens at start', async () => {
  const first = openEnv(undefined, { maxBudget: 100, budgetDuration: '1d' }, Date.UTC(2026, 0, 15, 12));
  call(first, 'POST /user/new', admin, { user_id: 'u1', max_budget: 0.1, budget_duration: '1mo' });
  const key = makeKey(first, { user_id: 'u1', max_budget: 10 });
  first.gov.governor.admit(admitInput(key)).settle(settleInput(0.1));
  await first.gov.close();
  first.db.close();

  const again = openEnv(first.dir, { maxBudget: 100, budgetDuration: '1d' }, Date.UTC(2026, 0, 15, 13));
  assert.equal(again.keyIndex.byKeyId(key.key_id)!.spend, 0.1);
  assert.equal(refusedCode(() => again.gov.governor.admit(admitInput(again.keyIndex.byKeyId(key.key_id)))), 'ERR_BUDGET_EXCEEDED');
  assert.equal((call(again, 'GET /user/info', admin, {}, { user_id: 'u1' }) as { user_info: { spend: number } }).user_info.spend, 0.1);
  await again.gov.close();
  again.db.close();

  // Stopped across the 1st of February: the user's monthly budget resets at start.
  const later = openEnv(first.dir, { maxBudget: 100, budgetDuration: '1d' }, Date.UTC(2026, 1, 3, 9));
  assert.equal((call(later, 'GET /user/info', admin, {}, { user_id: 'u1' }) as { user_info: { spend: number; budget_reset_at: string } }).user_info.spend, 0);
  assert.equal(refusedCode(() => later.gov.governor.admit(admitInput(later.keyIndex.byKeyId(key.key_id))).release(500, 1)), 'admitted');
  const u = later.db.prepare('SELECT spend, budget_reset_at FROM users WHERE user_id = ?').get('u1') as { spend: number; budget_reset_at: string };
  assert.deepEqual(u, { spend: 0, budget_reset_at: '2026-03-01T00:00:00.000Z' });
  await later.gov.close();
});

test('soft budget crossing POSTs once to the webhook and writes one audit row; never blocks', async () => {
  const bodies: unknown[] = [];
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => { data += c.toString(); });
    req.on('end', () => { bodies.push(JSON.parse(data)); res.end('ok'); });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const env = openEnv(undefined, { alertingWebhookUrl: url });
  const key = makeKey(env, { soft_budget: 0.02, key_alias: 'alerted' });
  for (let i = 0; i < 4; i++) env.gov.governor.admit(admitInput(key)).settle(settleInput(0.01));
  await env.gov.close();
  server.close();
  assert.equal(bodies.length, 1);
  assert.equal((bodies[0] as { event: string; level: string }).event, 'soft_budget_crossed');
  assert.equal(count(env.db, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'budget.soft_budget_crossed'"), 1);
});

test('team, user, customer and global budgets all hold; blocked and model access checks', async () => {
  const env = openEnv(undefined, { maxBudget: 0.3, maxEndUserBudget: 0.02 });
  call(env, 'POST /user/new', admin, { user_id: 'u1' });
  call(env, 'POST /team/new', admin, { team_id: 't1', max_budget: 0.05, models: ['gpt-4o'], members_with_roles: [{ user_id: 'u1', role: 'user' }], team_member_budget: 0.03 });
  const key = makeKey(env, { user_id: 'u1', team_id: 't1' });
  env.gov.governor.admit(admitInput(key)).settle(settleInput(0.03));
  assert.equal(refusedCode(() => env.gov.governor.admit(admitInput(key))), 'ERR_BUDGET_EXCEEDED'); // team member budget
  const other = makeKey(env);
  env.gov.governor.admit(admitInput(other, { endUserId: 'cust-x' })).settle(settleInput(0.02));
  assert.equal(refusedCode(() => env.gov.governor.admit(admitInput(other, { endUserId: 'cust-x' }))), 'ERR_BUDGET_EXCEEDED'); // default end-user budget
  env.gov.governor.admit(admitInput(other)).settle(settleInput(0.25));
  assert.equal(refusedCode(() => env.gov.governor.admit(admitInput(other))), 'ERR_BUDGET_EXCEEDED'); // global
  // Zero-cost models skip budgets.
  assert.equal(refusedCode(() => env.gov.governor.admit(admitInput(other, { cost: 0 })).release(200, 1)), 'admitted');

  const p = principalOf(key);
  assert.equal(refusedCode(() => env.gov.governor.checkModelAccess(p, key, { name: 'claude-3-5-haiku', accessGroups: [] }, null)), 'ERR_TEAM_MODEL_ACCESS_DENIED');
  env.gov.governor.checkModelAccess(p, key, { name: 'gpt-4o', accessGroups: [] }, null);
  call(env, 'POST /customer/new', admin, { user_id: 'c1', models: ['gpt-4o-mini'] });
  assert.equal(refusedCode(() => env.gov.governor.checkModelAccess(principalOf(other), other, { name: 'gpt-4o', accessGroups: [] }, 'c1')), 'ERR_CUSTOMER_MODEL_ACCESS_DENIED');
  call(env, 'POST /customer/block', admin, { user_ids: ['c1'] });
  assert.equal(refusedCode(() => env.gov.governor.checkBlocked(principalOf(other), 'c1')), 'ERR_BLOCKED');
  call(env, 'POST /customer/unblock', admin, { user_ids: ['c1'] });
  env.gov.governor.checkBlocked(principalOf(other), 'c1');
  call(env, 'POST /team/block', admin, { team_id: 't1' });
  assert.equal(refusedCode(() => env.gov.governor.checkBlocked(p, null)), 'ERR_BLOCKED');
  await env.gov.close();
});

test('flush durability: every settled row is on disk after flush, and after close', async () => {
  const env = openEnv();
  const key = makeKey(env);
  for (let i = 0; i < 5000; i++) env.gov.governor.admit(admitInput(key)).settle(settleInput(0.0001));
  assert.equal(env.gov.pendingRows(), 5000);
  env.gov.flush();
  assert.equal(count(env.db, 'SELECT COUNT(*) AS n FROM spend_logs'), 5000);
  for (let i = 0; i < 123; i++) env.gov.governor.admit(admitInput(key)).settle(settleInput(0.0001));
  await env.gov.close();
  assert.equal(count(env.db, 'SELECT COUNT(*) AS n FROM spend_logs'), 5123);
  assert.equal(count(env.db, 'SELECT SUM(requests) AS n FROM daily_spend'), 5123);
});
