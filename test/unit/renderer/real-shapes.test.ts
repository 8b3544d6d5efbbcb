// The UI's readers against the shapes the real gateway answers (checked against a running
// gateway: /global/spend/report rows name keys by key_id, /spend/logs reads a bare date as a UTC
// day, /audit rows carry before/after objects), plus the key helpers of the Keys and Logs pages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changeSummary, changedFields } from '../../../src-renderer/lib/audit.ts';
import { localDayInputsRange, localDayRange } from '../../../src-renderer/lib/format.ts';
import { isKeyReference, isOverBudget } from '../../../src-renderer/lib/keys.ts';
import { keyNames, readDayReport, readGroupReport } from '../../../src-renderer/lib/spend.ts';

const KEY_ID = 'a12bde3e-aacd-4ec8-8285-c964cb8ed812';
const HASH = '93bc37a5be53c62fece652a2db265e84d7b523ffcafe74bbc7187308f314e86e';

test('the key report names keys by alias through the key list; unknown ids stay, no key is "(no key)"', () => {
  const report = [
    { group_by: 'key', api_key: KEY_ID, spend: 0.044, total_requests: 1, prompt_tokens: 4, completion_tokens: 20, total_tokens: 24 },
    { group_by: 'key', api_key: 'deleted-key-id', spend: 0.5, total_requests: 3 },
    { group_by: 'key', api_key: null, spend: 0.01, total_requests: 1 },
  ];
  const list = { keys: [{ key_id: KEY_ID, token: HASH, key_name: 'sk-...KG00', key_alias: 'notebook' }, { key_id: 'k2', token: 'h2', key_name: 'sk-...zzzz', key_alias: null }], total_count: 2, current_page: 1, total_pages: 1 };
  const names = keyNames(list);
  assert.equal(names.get(KEY_ID), 'notebook');
  assert.equal(names.get(HASH), 'notebook');
  assert.equal(names.get('k2'), 'sk-...zzzz', 'no alias: the abbreviated key');
  const rows = readGroupReport(report, 'key', names);
  assert.deepEqual(rows.map((r) => [r.name, r.spend, r.requests]), [['deleted-key-id', 0.5, 3], ['notebook', 0.044, 1], ['(no key)', 0.01, 1]]);
  assert.deepEqual(keyNames(undefined), new Map());
});

test('the day report of the real gateway: date, spend, total_requests', () => {
  const days = readDayReport([{ group_by: 'day', date: '2026-11-26', spend: 0.044, total_requests: 1, prompt_tokens: 4, completion_tokens: 20, total_tokens: 24 }]);
  assert.deepEqual(days, [{ day: '2026-11-26', spend: 0.044, requests: 1, errors: null }]);
});

test('local calendar days become ISO instants: from local midnight to the next one (exclusive)', () => {
  const r = localDayRange(new Date(2026, 10, 1, 15, 30), new Date(2026, 10, 26, 23, 59));
  assert.equal(r.start_date, new Date(2026, 10, 1).toISOString());
  assert.equal(r.end_date, new Date(2026, 10, 27).toISOString());
  // Month end rolls over.
  assert.equal(localDayRange(new Date(2026, 11, 31), new Date(2026, 11, 31)).end_date, new Date(2027, 0, 1).toISOString());
  // What the gateway's date parameter accepts.
  assert.match(r.start_date, /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/);

  assert.deepEqual(localDayInputsRange('2026-11-20', '2026-11-26'), { start_date: new Date(2026, 10, 20).toISOString(), end_date: new Date(2026, 10, 27).toISOString() });
  assert.deepEqual(localDayInputsRange('', ''), {});
  assert.deepEqual(localDayInputsRange('junk', '2026-11-26'), { end_date: new Date(2026, 10, 27).toISOString() });
});

test('over budget means spend has reached max_budget; no budget is never over', () => {
  assert.equal(isOverBudget({ spend: 0.088, max_budget: 0.05 }), true);
  assert.equal(isOverBudget({ spend: 0.05, max_budget: 0.05 }), true);
  assert.equal(isOverBudget({ spend: 0.044, max_budget: 0.05 }), false);
  assert.equal(isOverBudget({ spend: 10, max_budget: null }), false);
  assert.equal(isOverBudget({}), false);
});

test('a key filter: raw keys, hashes and key ids pass through; anything else is an alias to look up', () => {
  assert.equal(isKeyReference('sk-K8Ndxj66mjvxnCGChEUpZF9igWvo'), true);
  assert.equal(isKeyReference(HASH), true);
  assert.equal(isKeyReference(KEY_ID), true);
  assert.equal(isKeyReference('notebook'), false);
  assert.equal(isKeyReference('ci-key-2'), false);
});

test('audit rows: created, deleted, or the fields that changed', () => {
  const key = { key_alias: 'nb', max_budget: 1, blocked: false };
  assert.equal(changeSummary(null, key), 'created');
  assert.equal(changeSummary(key, null), 'deleted');
  assert.equal(changeSummary(key, { ...key, max_budget: 0.05 }), 'max_budget');
  assert.equal(changeSummary({ members_with_roles: [] }, { members_with_roles: [{ user_id: 'alice', role: 'user' }] }), 'members_with_roles');
  assert.equal(changeSummary(key, key), 'details');
  assert.equal(changeSummary({}, { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 }), 'a, b, c, d +2');
  assert.deepEqual(changedFields({ a: 1, b: [1] }, { a: 1, b: [2], c: null }), ['b', 'c']);
});

test('form schemas are the gateway schemas: user roles exclude team/customer, strict bodies, form-only checks', async () => {
  const { budgetNewSchema, customerNewSchema, modelNewSchema, teamMemberAddSchema, teamNewSchema, TEAM_MEMBER_ROLES, USER_ROLES, userNewSchema } = await import('../../../src-renderer/lib/schemas.ts');
  assert.deepEqual([...USER_ROLES].sort(), ['internal_user', 'internal_user_viewer', 'org_admin', 'proxy_admin', 'proxy_admin_viewer']);
  assert.equal(userNewSchema.safeParse({ user_role: 'team' }).success, false, 'team is not a user role');
  assert.equal(userNewSchema.safeParse({ user_id: 'carol', user_role: 'proxy_admin_viewer', user_email: 'carol@example.com' }).success, true);
  const badEmail = userNewSchema.safeParse({ user_email: 'not-an-email' });
  assert.equal(badEmail.success, false);
  assert.deepEqual(badEmail.error?.issues.map((i) => i.path.join('.')), ['user_email']);
  assert.equal(userNewSchema.safeParse({ user_id: 'x', surprise: 1 }).success, false, 'strict like the API');

  assert.equal(teamNewSchema.safeParse({}).success, false, 'a team needs a name in the form');
  assert.equal(teamNewSchema.safeParse({ team_alias: 'Platform', max_budget: 25 }).success, true);
  assert.equal(TEAM_MEMBER_ROLES[0], 'user', 'Member is the default choice');
  assert.equal(teamMemberAddSchema.safeParse({ team_id: 't', member: [{ user_id: 'alice', role: 'admin' }] }).success, true);
  assert.equal(teamMemberAddSchema.safeParse({ team_id: 't', member: [{ user_id: 'alice', role: 'owner' }] }).success, false);

  assert.equal(customerNewSchema.safeParse({ user_id: 'cust-1', alias: 'Acme', max_budget: 5 }).success, true);
  assert.equal(budgetNewSchema.safeParse({ budget_id: 'free', max_budget: -1 }).success, false);

  assert.equal(modelNewSchema.safeParse({ model_name: 'llama', litellm_params: { model: 'ollama/llama3', api_base: 'http://127.0.0.1:11434/v1' } }).success, true);
  const noProvider = modelNewSchema.safeParse({ model_name: 'llama', litellm_params: { model: 'llama3' } });
  assert.equal(noProvider.success, false);
  assert.deepEqual(noProvider.error?.issues.map((i) => i.path.join('.')), ['litellm_params.model']);
});
