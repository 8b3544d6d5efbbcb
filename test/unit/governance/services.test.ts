import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isGatewayError } from '../../../src-shared/errors.ts';
import { actor, admin, admitInput, call, count, makeKey, openEnv, settleInput, type Env } from './helpers.ts';

function fails(fn: () => unknown): { code: string; param: string | null; status: number } {
  try {
    fn();
  } catch (err) {
    if (isGatewayError(err)) return { code: err.code, param: err.param, status: err.status };
    throw err;
  }
  assert.fail('expected a GatewayError');
}

function auditRows(env: Env): number {
  return count(env.db, 'SELECT COUNT(*) AS n FROM audit_log');
}

test('bad input: 400 with param, 404 unknown ids, 409 duplicates; nothing written', async () => {
  const env = openEnv();
  const bad: [string, unknown, string, string | null][] = [
    ['POST /user/new', { user_id: 'u', max_budget: -1 }, 'ERR_BAD_REQUEST', 'max_budget'],
    ['POST /user/new', { user_id: 'u', rpm_limit: 1.5 }, 'ERR_BAD_REQUEST', 'rpm_limit'],
    ['POST /user/new', { user_id: 'u', surprise: 1 }, 'ERR_BAD_REQUEST', 'surprise'],
    ['POST /team/new', { team_id: 't', tpm_limit: -5 }, 'ERR_BAD_REQUEST', 'tpm_limit'],
    ['POST /customer/new', { user_id: 'bad\u0007id' }, 'ERR_BAD_REQUEST', 'user_id'],
    ['POST /customer/new', { user_id: 'c', budget_id: 'nope' }, 'ERR_NOT_FOUND', 'budget_id'],
    ['POST /team/new', { team_id: 't', members_with_roles: [{ user_id: 'ghost', role: 'admin' }] }, 'ERR_NOT_FOUND', 'member.user_id'],
    ['POST /user/update', { user_id: 'ghost' }, 'ERR_NOT_FOUND', 'user_id'],
    ['POST /customer/unblock', { user_ids: ['ghost'] }, 'ERR_NOT_FOUND', 'user_ids'],
  ];
  for (const [route, body, code, param] of bad) {
    const e = fails(() => call(env, route, admin, body));
    assert.deepEqual([route, e.code, e.param], [route, code, param]);
  }
  assert.equal(fails(() => call(env, 'POST /user/new', admin, { user_id: 'u', max_budget: Number.POSITIVE_INFINITY })).code, 'ERR_BAD_REQUEST');
  assert.equal(fails(() => call(env, 'POST /user/new', admin, { user_id: 'u', max_budget: Number.NaN })).code, 'ERR_BAD_REQUEST');
  assert.equal(count(env.db, 'SELECT COUNT(*) AS n FROM users') + count(env.db, 'SELECT COUNT(*) AS n FROM teams') + count(env.db, 'SELECT COUNT(*) AS n FROM customers'), 0);
  assert.equal(auditRows(env), 0);
  call(env, 'POST /user/new', admin, { user_id: 'u' });
  assert.deepEqual(fails(() => call(env, 'POST /user/new', admin, { user_id: 'u' })), { code: 'ERR_CONFLICT', param: 'user_id', status: 409 });
  assert.equal(auditRows(env), 1);
  assert.deepEqual(fails(() => env.gov.checkOwners({ team_id: 'ghost' })), { code: 'ERR_NOT_FOUND', param: 'team_id', status: 404 });
  await env.gov.close();
});

test('ownership: internal users see only themselves, team admins manage their team, viewers write nothing, org admins their org', async () => {
  const env = openEnv();
  call(env, 'POST /organization/new', admin, { organization_id: 'o1', organization_alias: 'One' });
  call(env, 'POST /organization/new', admin, { organization_id: 'o2', organization_alias: 'Two' });
  for (const id of ['alice', 'bob', 'carol']) call(env, 'POST /user/new', admin, { user_id: id, organization_id: 'o1' });
  call(env, 'POST /team/new', admin, { team_id: 't1', organization_id: 'o1', max_budget: 5, members_with_roles: [{ user_id: 'alice', role: 'admin' }, { user_id: 'bob', role: 'user' }] });

  // Internal users: only themselves.
  assert.equal((call(env, 'GET /user/info', actor('bob'), {}, {}) as { user_id: string }).user_id, 'bob');
  assert.equal(fails(() => call(env, 'GET /user/info', actor('bob'), {}, { user_id: 'alice' })).code, 'ERR_NOT_FOUND');
  // Team admins: members yes, own limits no; plain members no.
  assert.equal(env.gov.isTeamAdmin(actor('alice'), 't1'), true);
  assert.equal(env.gov.isTeamAdmin(actor('bob'), 't1'), false);
  assert.equal(env.gov.isTeamAdmin(actor('alice', 'internal_user_viewer'), 't1'), false);
  call(env, 'POST /team/member_add', actor('alice'), { team_id: 't1', member: { user_id: 'carol', role: 'user' } });
  assert.deepEqual(fails(() => call(env, 'POST /team/update', actor('alice'), { team_id: 't1', max_budget: 500 })), { code: 'ERR_ROUTE_FORBIDDEN', param: 'max_budget', status: 403 });
  assert.equal(fails(() => call(env, 'POST /team/member_add', actor('bob'), { team_id: 't1', member: { user_id: 'carol', role: 'admin' } })).code, 'ERR_NOT_FOUND');
  assert.equal(fails(() => call(env, 'POST /team/unblock', actor('alice'), { team_id: 't1' })).code, 'ERR_NOT_FOUND');
  // Viewers write nothing.
  assert.equal(fails(() => call(env, 'POST /team/member_delete', actor('alice', 'internal_user_viewer'), { team_id: 't1', user_id: 'bob' })).code, 'ERR_ROUTE_FORBIDDEN');
  assert.equal(fails(() => call(env, 'POST /user/update', actor('x', 'proxy_admin_viewer'), { user_id: 'bob' })).code, 'ERR_ROUTE_FORBIDDEN');
  // Org admins: their org only, and never proxy admins.
  const oa = actor('olga', 'org_admin', 'o1');
  call(env, 'POST /user/update', oa, { user_id: 'bob', max_budget: 3 });
  assert.equal(fails(() => call(env, 'POST /user/new', oa, { user_id: 'eve', organization_id: 'o2' })).code, 'ERR_ROUTE_FORBIDDEN');
  assert.equal(fails(() => call(env, 'POST /user/update', oa, { user_id: 'bob', user_role: 'proxy_admin' })).code, 'ERR_ROUTE_FORBIDDEN');
  assert.equal(fails(() => call(env, 'POST /organization/update', actor('o2admin', 'org_admin', 'o2'), { organization_id: 'o1', organization_alias: 'x' })).code, 'ERR_NOT_FOUND');
  assert.equal(fails(() => call(env, 'POST /customer/new', oa, { user_id: 'c' })).code, 'ERR_ROUTE_FORBIDDEN');
  // Team info shows members, keys and spend.
  const info = call(env, 'GET /team/info', actor('bob'), {}, { team_id: 't1' }) as { team_id: string; team_info: { members_with_roles: unknown[] }; keys: unknown[] };
  assert.equal(info.team_info.members_with_roles.length, 3);
  assert.equal(fails(() => call(env, 'GET /team/info', actor('zed'), {}, { team_id: 't1' })).code, 'ERR_NOT_FOUND');
  await env.gov.close();
});

test('spend logs filters and paging, report grouping, calculate', async () => {
  const env = openEnv();
  call(env, 'POST /user/new', admin, { user_id: 'u1' });
  call(env, 'POST /user/new', admin, { user_id: 'u2' });
  const k1 = makeKey(env, { user_id: 'u1' });
  const k2 = makeKey(env, { user_id: 'u2' });
  env.gov.governor.admit(admitInput(k1, { model: 'gpt-4o' })).settle(settleInput(0.1));
  env.gov.governor.admit(admitInput(k1, { model: 'gpt-4o-mini', endUserId: 'c9' })).settle(settleInput(0.2));
  env.clock.t += 86_400_000;
  env.gov.governor.admit(admitInput(k2, { model: 'gpt-4o' })).settle(settleInput(0.4));

  const all = call(env, 'GET /spend/logs', admin) as { spend: number }[];
  assert.equal(all.length, 3);
  const paged = call(env, 'GET /spend/logs', admin, {}, { page: '1', page_size: '2' }) as { data: unknown[]; total: number; page: number; page_size: number };
  assert.deepEqual([paged.data.length, paged.total, paged.page, paged.page_size], [2, 3, 1, 2]);
  assert.equal((call(env, 'GET /spend/logs', admin, {}, { api_key: k1.token }) as unknown[]).length, 2);
  assert.equal((call(env, 'GET /spend/logs', admin, {}, { api_key: k2.key_id }) as unknown[]).length, 1);
  assert.equal((call(env, 'GET /spend/logs', admin, {}, { end_user: 'c9' }) as unknown[]).length, 1);
  assert.equal((call(env, 'GET /spend/logs', admin, {}, { start_date: '2026-01-16' }) as unknown[]).length, 1);
  // An internal user sees only their own rows, whatever filter they send.
  assert.equal((call(env, 'GET /spend/logs', actor('u2')) as unknown[]).length, 1);
  assert.equal((call(env, 'GET /spend/logs', actor('u2'), {}, { user_id: 'u1' }) as unknown[]).length, 0);
  assert.equal(fails(() => call(env, 'GET /spend/logs', admin, {}, { page_size: '0' })).param, 'page_size');

  const byDay = call(env, 'GET /global/spend/report', admin, {}, { group_by: 'day' }) as { date: string; spend: number }[];
  assert.deepEqual(byDay.map((r) => [r.date, Number(r.spend.toFixed(6))]), [['2026-01-15', 0.3], ['2026-01-16', 0.4]]);
  const byModel = call(env, 'GET /global/spend/report', admin, {}, { group_by: 'model' }) as { model: string; total_requests: number }[];
  assert.deepEqual(byModel.map((r) => [r.model, r.total_requests]), [['gpt-4o', 2], ['gpt-4o-mini', 1]]);
  const byUser = call(env, 'GET /global/spend/report', admin, {}, { group_by: 'user', start_date: '2026-01-15', end_date: '2026-01-15' }) as { user_id: string }[];
  assert.deepEqual(byUser.map((r) => r.user_id), ['u1']);
  assert.equal(env.gov.todaySpend(), 0.4);

  const calc = call(env, 'POST /spend/calculate', admin, { model: 'gpt-4o', completion_response: { usage: { prompt_tokens: 1000, completion_tokens: 100 } } }) as { cost: number };
  assert.ok(Math.abs(calc.cost - (1000 * 2.5e-6 + 100 * 1e-5)) < 1e-12);
  assert.equal(fails(() => call(env, 'POST /spend/calculate', admin, { model: 'no-such-model', messages: [] })).status, 404);
  await env.gov.close();
});

test('user, team and customer info show spend; /customer/unblock really unblocks; deletes audit and free scopes', async () => {
  const env = openEnv();
  call(env, 'POST /budget/new', admin, { budget_id: 'b1', max_budget: 0.05, rpm_limit: 2 });
  call(env, 'POST /customer/new', admin, { user_id: 'c1', budget_id: 'b1' });
  const key = makeKey(env);
  env.gov.governor.admit(admitInput(key, { endUserId: 'c1' })).settle(settleInput(0.05));
  assert.equal(fails(() => env.gov.governor.admit(admitInput(key, { endUserId: 'c1' }))).code, 'ERR_BUDGET_EXCEEDED');
  assert.equal((call(env, 'GET /customer/info', admin, {}, { end_user_id: 'c1' }) as { spend: number }).spend, 0.05);
  call(env, 'POST /budget/update', admin, { budget_id: 'b1', max_budget: 1 });
  env.gov.governor.admit(admitInput(key, { endUserId: 'c1' })).release(500, 1);
  assert.equal(fails(() => env.gov.governor.admit(admitInput(key, { endUserId: 'c1' }))).code, 'ERR_RATE_LIMITED');
  assert.equal(fails(() => call(env, 'POST /budget/delete', admin, { id: 'b1' })).code, 'ERR_CONFLICT');

  call(env, 'POST /customer/block', admin, { user_ids: ['c1'] });
  assert.equal((env.db.prepare('SELECT doc FROM customers').get() as { doc: string }).doc.includes('"blocked":true'), true);
  call(env, 'POST /customer/unblock', admin, { user_ids: ['c1'] });
  env.gov.flush();
  const reopened = openEnv(env.dir);
  reopened.gov.governor.checkBlocked({ method: 'master_key', user_id: null, user_role: 'proxy_admin', team_id: null, org_id: null, end_user_id: null, key_id: null, display: 'm' }, 'c1');
  assert.equal((call(reopened, 'GET /customer/info', admin, {}, { end_user_id: 'c1' }) as { blocked: boolean; spend: number }).blocked, false);
  call(reopened, 'POST /customer/delete', admin, { user_ids: ['c1'] });
  assert.equal(fails(() => call(reopened, 'GET /customer/info', admin, {}, { end_user_id: 'c1' })).status, 404);
  assert.ok(count(reopened.db, "SELECT COUNT(*) AS n FROM audit_log WHERE object_type = 'customer'") >= 4);
  await reopened.gov.close();
  await env.gov.close();
});
