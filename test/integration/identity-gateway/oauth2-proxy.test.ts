/**
 * OAuth2-proxy headers end to end over HTTP. The test client connects from 127.0.0.1, so one
 * gateway trusting 127.0.0.1/32 believes the headers and another trusting only 10.0.0.0/8 must
 * ignore them, whatever X-Forwarded-For says. Headers only narrow: models intersect, budgets lower.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startUpstream, type Upstream } from '../../support/upstream.ts';
import { startGateway, type TestGateway } from '../../support/gateway.ts';
import { chat, expectStatus, raw, bearer } from './helpers.ts';

let up: Upstream;
let trusted: TestGateway;
let untrusted: TestGateway;

const EMAIL = 'X-Goog-Authenticated-User-Email';

function config(ranges: string): string {
  return `
model_list:
  - model_name: gpt-4o
    litellm_params: { model: openai/gpt-4o, api_base: ${up.url}/v1, api_key: os.environ/K }
    model_info: { input_cost_per_token: 0.001, output_cost_per_token: 0.001 }
  - model_name: gpt-4o-mini
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${up.url}/v1, api_key: os.environ/K }
    model_info: { input_cost_per_token: 0.001, output_cost_per_token: 0.001 }
general_settings:
  enable_oauth2_proxy_auth: true
  trusted_proxy_ranges: ${ranges}
  oauth2_config_mappings:
    user_id: "${EMAIL}"
    user_email: "${EMAIL}"
    max_budget: "X-Custom-Budget"
    models: "X-Custom-Models"
    team_id: "X-Team"
`;
}

before(async () => {
  up = await startUpstream();
  trusted = await startGateway({ config: config('["127.0.0.1/32"]'), env: { K: 'sk-upstream-secret' } });
  untrusted = await startGateway({ config: config('["10.0.0.0/8"]'), env: { K: 'sk-upstream-secret' } });
  for (const gw of [trusted, untrusted]) {
    expectStatus(await gw.call('POST', '/user/new', { user_id: 'pat@corp.example', user_email: 'pat@corp.example', max_budget: 100 }), 200);
    expectStatus(await gw.call('POST', '/user/new', { user_id: 'mini@corp.example', models: ['gpt-4o-mini'] }), 200);
    expectStatus(await gw.call('POST', '/user/new', { user_id: 'broke@corp.example', max_budget: 0 }), 200);
    expectStatus(await gw.call('POST', '/user/new', { user_id: 'rl@corp.example', rpm_limit: 1 }), 200);
    expectStatus(await gw.call('POST', '/user/new', { user_id: 'viewer@corp.example', user_role: 'internal_user_viewer' }), 200);
    expectStatus(await gw.call('POST', '/user/new', { user_id: 'member@corp.example', models: ['gpt-4o-mini'] }), 200);
    expectStatus(await gw.call('POST', '/team/new', { team_id: 'full-team', models: ['gpt-4o', 'gpt-4o-mini'] }), 200);
    expectStatus(await gw.call('POST', '/team/new', { team_id: 'mini-team', models: ['gpt-4o-mini'] }), 200);
    expectStatus(await gw.call('POST', '/team/member_add', { team_id: 'full-team', member: [{ user_id: 'member@corp.example', role: 'user' }] }), 200);
  }
});
after(async () => {
  await trusted.stop();
  await untrusted.stop();
  await up.close();
});

function as(user: string, extra: Record<string, string> = {}): Record<string, string> {
  return { [EMAIL]: user, ...extra };
}

test('from a trusted peer the header maps to the stored user: its spend, model list, budget, rate limit and role', async () => {
  expectStatus(await raw(trusted.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), as('pat@corp.example')), 200);
  const info = await trusted.call('GET', '/user/info?user_id=pat%40corp.example');
  expectStatus(info, 200);
  assert.ok(info.json.user_info.spend > 0, `spend is charged to the stored user: ${info.text}`);

  const mini = await raw(trusted.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), as('mini@corp.example'));
  expectStatus(mini, 403, 'user_model_access_denied');
  expectStatus(await raw(trusted.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), as('broke@corp.example')), 429, 'budget_exceeded');

  expectStatus(await raw(trusted.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), as('rl@corp.example')), 200);
  const limited = await raw(trusted.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), as('rl@corp.example'));
  expectStatus(limited, 429, 'rate_limit_error');
  assert.ok(limited.headers.get('retry-after') !== null);

  // The role is the stored user's; no header grants one.
  expectStatus(await raw(trusted.url, 'POST', '/key/generate', {}, as('viewer@corp.example')), 403, 'auth_error');
  expectStatus(await raw(trusted.url, 'GET', '/audit', undefined, as('pat@corp.example', { 'x-litellm-user-role': 'proxy_admin', 'X-Custom-Role': 'proxy_admin' })), 403, 'auth_error');
  expectStatus(await raw(trusted.url, 'GET', '/audit', undefined, as('stranger@corp.example')), 403, 'auth_error');
  // A trusted peer without the user header has no identity.
  expectStatus(await raw(trusted.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), { 'X-Custom-Models': 'gpt-4o' }), 401, 'auth_error');
});

test('X-Custom-Models narrows the models (403 for another one) and never widens them', async () => {
  const narrowed = as('pat@corp.example', { 'X-Custom-Models': 'gpt-4o-mini' });
  expectStatus(await raw(trusted.url, 'POST', '/v1/chat/completions', chat('gpt-4o-mini'), narrowed), 200);
  const denied = await raw(trusted.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), narrowed);
  expectStatus(denied, 403);
  assert.match(denied.json.error.type, /model_access_denied$/);
  assert.equal(denied.json.error.param, 'model');
  const listed = await raw(trusted.url, 'GET', '/v1/models', undefined, narrowed);
  expectStatus(listed, 200);
  assert.deepEqual(listed.json.data.map((m: { id: string }) => m.id), ['gpt-4o-mini']);

  const widen = as('mini@corp.example', { 'X-Custom-Models': 'gpt-4o, gpt-4o-mini' });
  expectStatus(await raw(trusted.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), widen), 403, 'user_model_access_denied');
});

test('X-Custom-Budget can lower the budget but never raise it', async () => {
  // pat has spent a little (previous test) out of 100.
  const lowered = await raw(trusted.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), as('pat@corp.example', { 'X-Custom-Budget': '0.001' }));
  expectStatus(lowered, 429, 'budget_exceeded');
  expectStatus(await raw(trusted.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), as('pat@corp.example', { 'X-Custom-Budget': '0' })), 429, 'budget_exceeded');
  expectStatus(await raw(trusted.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), as('pat@corp.example', { 'X-Custom-Budget': '50' })), 200);
  // broke's stored budget is 0: a header of 1000 does not lift it.
  expectStatus(await raw(trusted.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), as('broke@corp.example', { 'X-Custom-Budget': '1000' })), 429, 'budget_exceeded');
  for (const bad of ['-5', 'abc', '1e309', 'Infinity']) {
    expectStatus(await raw(trusted.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), as('pat@corp.example', { 'X-Custom-Budget': bad })), 401, 'auth_error');
  }
});

// For a user with nothing stored the header budget is kept against the identity's own spend, which
// must be reserved and settled like any other scope (it once stayed 0, so the cap never bound).
test('X-Custom-Budget binds for a user with nothing stored once its spend reaches it', async () => {
  const headers = as('nobody-stored@corp.example', { 'X-Custom-Budget': '0.01' });
  const statuses: number[] = [];
  // Each call costs 0.009 (4 prompt + 5 completion tokens at 0.001): the third must be refused.
  for (let i = 0; i < 3; i++) statuses.push((await raw(trusted.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), headers)).status);
  assert.deepEqual(statuses, [200, 200, 429]);
});

test('X-Team: a stored user acts only for a team it belongs to; a team never widens a non-member\'s models', async () => {
  // A member acts for its team, whose models govern (as for a team key).
  expectStatus(await raw(trusted.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), as('member@corp.example', { 'X-Team': 'full-team' })), 200);
  // A stored user who is not a member cannot borrow the team's wider model list (or its budget).
  const r = await raw(trusted.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), as('mini@corp.example', { 'X-Team': 'full-team' }));
  expectStatus(r, 403, 'auth_error');
  assert.match(r.json.error.message, /not a member/);
  expectStatus(await raw(trusted.url, 'POST', '/v1/chat/completions', chat('gpt-4o-mini'), as('mini@corp.example', { 'X-Team': 'full-team' })), 403, 'auth_error');
  // For a user with nothing stored, the team's restrictions are what is in force.
  expectStatus(await raw(trusted.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), as('stranger@corp.example', { 'X-Team': 'mini-team' })), 403, 'team_model_access_denied');
  expectStatus(await raw(trusted.url, 'POST', '/v1/chat/completions', chat('gpt-4o-mini'), as('stranger@corp.example', { 'X-Team': 'mini-team' })), 200);
});

test('from a peer outside trusted_proxy_ranges the headers are ignored, whatever X-Forwarded-For says', async () => {
  const spoofs: Record<string, string>[] = [
    {},
    { 'X-Forwarded-For': '10.1.2.3' },
    { 'X-Forwarded-For': '10.1.2.3, 127.0.0.1', 'X-Real-IP': '10.1.2.3', Forwarded: 'for=10.1.2.3' },
  ];
  for (const extra of spoofs) {
    const r = await raw(untrusted.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), as('pat@corp.example', extra));
    expectStatus(r, 401, 'auth_error');
  }
  // With another credential, that credential decides and the headers add nothing: a key with no
  // owner is not narrowed to mini's models, nor charged to mini.
  const { json: k } = await untrusted.call('POST', '/key/generate', {});
  expectStatus(await raw(untrusted.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), { ...bearer(k.key), ...as('mini@corp.example', { 'X-Forwarded-For': '10.1.2.3' }) }), 200);
  const info = await untrusted.call('GET', '/user/info?user_id=mini%40corp.example');
  assert.equal(info.json.user_info.spend, 0, info.text);
});
