// Pure helpers behind the pages: tolerant list reading, spend aggregation, the sign-in link,
// form error mapping and the role check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { ApiError } from '../../../src-renderer/api/GatewayClient.ts';
import { toPage, toList, pickString } from '../../../src-renderer/api/lists.ts';
import { aggregateLogs, fillDays, readDayReport, readGroupReport } from '../../../src-renderer/lib/spend.ts';
import { readSignInToken } from '../../../src-renderer/lib/sign-in-link.ts';
import { serverFieldErrors, zodFieldErrors, optionalNumber } from '../../../src-renderer/lib/forms.ts';
import { roleCan } from '../../../src-renderer/lib/permissions.ts';

test('toPage reads LiteLLM key/list, user/list, {data}, and bare arrays', () => {
  const keys = toPage({ keys: [{ key_id: 'a' }], total_count: 51, current_page: 2, total_pages: 3 });
  assert.deepEqual([keys.items.length, keys.total, keys.page, keys.totalPages], [1, 51, 2, 3]);
  const users = toPage({ users: [{}, {}], total: 10, page: 1, page_size: 2 });
  assert.deepEqual([users.items.length, users.total, users.totalPages], [2, 10, 5]);
  assert.equal(toList({ data: [1, 2, 3] }).length, 3);
  assert.equal(toList([1, 2]).length, 2);
  assert.deepEqual(toList(null), []);
  assert.deepEqual(toList({ something: 'else' }), []);
  assert.equal(pickString({ a: '', b: 'x' }, 'a', 'b'), 'x');
});

test('readDayReport accepts flat rows and LiteLLM nested team rows', () => {
  const flat = readDayReport({ data: [{ date: '2025-03-02', spend: 1.5, requests: 3, errors: 1 }, { date: '2025-03-01', spend: 0.5 }] });
  assert.deepEqual(flat.map((p) => [p.day, p.spend, p.requests, p.errors]), [['2025-03-01', 0.5, null, null], ['2025-03-02', 1.5, 3, 1]]);
  const nested = readDayReport([{ group_by_day: '2025-03-01T00:00:00Z', teams: [{ team_name: 'a', total_spend: 1 }, { team_name: 'b', total_spend: 2 }] }]);
  assert.deepEqual(nested.map((p) => [p.day, p.spend]), [['2025-03-01', 3]]);
});

test('readGroupReport sorts by spend and reads several spellings', () => {
  const keys = readGroupReport([{ key_alias: 'ci', spend: 1 }, { api_key: 'hash', total_cost: 3 }, { key_alias: 'ci', spend: 1 }], 'key');
  assert.deepEqual(keys.map((k) => [k.name, k.spend]), [['hash', 3], ['ci', 2]]);
  assert.equal(readGroupReport({ data: [{ model: 'gpt-4o', spend: 2, requests: 4 }] }, 'model')[0]?.requests, 4);
});

test('fillDays gives one point per day with zeros', () => {
  const days = fillDays([{ day: '2025-03-02', spend: 2, requests: 1, errors: 0 }], new Date(2025, 2, 1), new Date(2025, 2, 3));
  assert.deepEqual(days.map((d) => [d.day, d.spend]), [['2025-03-01', 0], ['2025-03-02', 2], ['2025-03-03', 0]]);
});

test('aggregateLogs counts requests, errors, keys and models', () => {
  const agg = aggregateLogs([
    { startTime: '2025-03-01T10:00:00', spend: 0.1, key_alias: 'ci', model: 'a', status: 'success' },
    { startTime: '2025-03-01T11:00:00', spend: 0.2, key_alias: 'ci', model: 'b', status: 'failure' },
  ]);
  assert.equal(agg.days.length, 1);
  assert.equal(agg.days[0]?.requests, 2);
  assert.equal(agg.days[0]?.errors, 1);
  assert.equal(agg.keys[0]?.name, 'ci');
  assert.equal(agg.models[0]?.name, 'b');
});

test('readSignInToken finds #token= and ignores page routes', () => {
  assert.equal(readSignInToken('#token=abc123'), 'abc123');
  assert.equal(readSignInToken('#foo=1&token=x%2By'), 'x+y');
  assert.equal(readSignInToken('#/keys'), null);
  assert.equal(readSignInToken(''), null);
  assert.equal(readSignInToken('#token='), null);
});

test('form errors: zod paths and server params land on the right field', () => {
  const schema = z.object({ model_name: z.string().min(1), litellm_params: z.object({ api_base: z.url() }) });
  const r = schema.safeParse({ model_name: '', litellm_params: { api_base: 'nope' } });
  assert.ok(!r.success);
  const errs = zodFieldErrors(r.error, ['model_name', 'api_base']);
  assert.ok(errs.model_name !== undefined);
  assert.ok(errs.api_base !== undefined);
  assert.deepEqual(serverFieldErrors(new ApiError(400, 'invalid_request_error', 'bad', 'max_budget'), ['max_budget']), { max_budget: 'bad' });
  assert.deepEqual(serverFieldErrors(new ApiError(400, 'invalid_request_error', 'bad', 'litellm_params.api_base'), ['api_base']), { api_base: 'bad' });
  assert.deepEqual(serverFieldErrors(new ApiError(409, 'conflict_error', 'exists', null), ['x']), { _form: 'exists' });
  assert.equal(optionalNumber(''), undefined);
  assert.equal(optionalNumber(' 2.5 '), 2.5);
  assert.ok(Number.isNaN(optionalNumber('abc')));
});

test('roleCan follows the shared route table', () => {
  assert.ok(roleCan('proxy_admin', 'POST', '/key/generate'));
  assert.ok(roleCan('proxy_admin_viewer', 'GET', '/key/list'));
  assert.ok(!roleCan('proxy_admin_viewer', 'POST', '/key/generate'));
  assert.ok(!roleCan('proxy_admin_viewer', 'POST', '/key/delete'));
  assert.ok(roleCan('proxy_admin_viewer', 'GET', '/audit'));
  assert.ok(!roleCan('internal_user', 'GET', '/audit'));
  assert.ok(roleCan('internal_user', 'POST', '/key/generate'));
  assert.ok(!roleCan('internal_user_viewer', 'POST', '/key/generate'));
  assert.ok(!roleCan('nobody', 'GET', '/key/list'));
});
