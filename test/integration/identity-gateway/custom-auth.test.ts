/**
 * Custom auth end to end over HTTP, with the operator's module (test/fixtures/identity/my_auth.mjs)
 * placed beside the config file as LiteLLM users do. Mode `on` loads it by LiteLLM's dotted form
 * (`my_auth.user_api_key_auth`), mode `auto` by path (`./my_auth.mjs`, default export). Whatever
 * the module answers, the common checks (route, model, budget, limits, blocked) run afterwards.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startUpstream, type Upstream } from '../../support/upstream.ts';
import { MASTER } from '../../support/gateway.ts';
import { bearer, chat, expectStatus, startGatewayInDir, type DirGateway } from './helpers.ts';

let up: Upstream;
let on: DirGateway;
let auto: DirGateway;

function config(customAuth: string, mode: string | null): string {
  return `
model_list:
  - model_name: gpt-4o
    litellm_params: { model: openai/gpt-4o, api_base: ${up.url}/v1, api_key: os.environ/K }
    model_info: { input_cost_per_token: 0.001, output_cost_per_token: 0.001 }
  - model_name: gpt-4o-mini
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${up.url}/v1, api_key: os.environ/K }
    model_info: { input_cost_per_token: 0.001, output_cost_per_token: 0.001 }
general_settings:
  custom_auth: ${customAuth}
${mode === null ? '' : `  custom_auth_settings: { mode: ${mode} }\n`}`;
}

before(async () => {
  up = await startUpstream();
  on = await startGatewayInDir({ config: config('my_auth.user_api_key_auth', null), fixtures: ['my_auth.mjs'], env: { K: 'sk-upstream-secret' } });
  auto = await startGatewayInDir({ config: config('./my_auth.mjs', 'auto'), fixtures: ['my_auth.mjs'], env: { K: 'sk-upstream-secret' } });
  for (const gw of [on, auto]) {
    expectStatus(await gw.admin('POST', '/user/new', { user_id: 'cu-broke', max_budget: 0 }), 200);
    expectStatus(await gw.admin('POST', '/user/new', { user_id: 'cu-blocked', blocked: true }), 200);
    expectStatus(await gw.admin('POST', '/user/new', { user_id: 'cu-stored-mini', models: ['gpt-4o-mini'] }), 200);
    expectStatus(await gw.admin('POST', '/team/new', { team_id: 'mini-team', models: ['gpt-4o-mini'] }), 200);
  }
});
after(async () => {
  await on.stop();
  await auto.stop();
  await up.close();
});

async function llm(gw: DirGateway, token: string, model = 'gpt-4o', extra: Record<string, string> = {}) {
  return gw.call('POST', '/v1/chat/completions', chat(model), { ...bearer(token), ...extra });
}

for (const mode of ['on', 'auto'] as const) {
  describe(`custom auth, mode ${mode}: principals pass the common checks afterwards`, () => {
    const gw = (): DirGateway => (mode === 'on' ? on : auto);

    test('models narrow: a principal with models [gpt-4o-mini] gets 403 on gpt-4o', async () => {
      expectStatus(await llm(gw(), 'p-mini', 'gpt-4o-mini'), 200);
      const r = await llm(gw(), 'p-mini', 'gpt-4o');
      expectStatus(r, 403, 'key_model_access_denied');
      assert.equal(r.json.error.param, 'model');
      // A principal's list never widens the stored user's.
      expectStatus(await llm(gw(), 'p-widen', 'gpt-4o'), 403, 'user_model_access_denied');
      // The principal's team's models apply.
      expectStatus(await llm(gw(), 'p-team', 'gpt-4o'), 403, 'team_model_access_denied');
    });

    test('routes: an internal_user principal gets 403 on /audit; allowed_routes narrows', async () => {
      expectStatus(await gw().call('GET', '/audit', undefined, bearer('p-internal')), 403, 'auth_error');
      expectStatus(await gw().call('GET', '/v1/models', undefined, bearer('p-internal')), 200);
      expectStatus(await gw().call('GET', '/v1/models', undefined, bearer('p-routes')), 200);
      expectStatus(await llm(gw(), 'p-routes'), 403, 'auth_error');
    });

    test('budgets, limits and blocks: the stored user\'s, and the principal\'s own', async () => {
      expectStatus(await llm(gw(), 'p-stored-broke'), 429, 'budget_exceeded');
      expectStatus(await llm(gw(), 'p-budget-zero'), 429, 'budget_exceeded');
      expectStatus(await llm(gw(), 'p-blocked'), 401, 'auth_error');
      expectStatus(await llm(gw(), 'p-rpm'), 200);
      expectStatus(await llm(gw(), 'p-rpm'), 429, 'rate_limit_error');
    });

    test('a string answer is validated as a virtual key: a real one works, an unknown one is 401', async () => {
      const { json: k } = await gw().admin('POST', '/key/generate', { models: ['gpt-4o-mini'] });
      expectStatus(await llm(gw(), `vk_${k.key}`, 'gpt-4o-mini'), 200);
      expectStatus(await llm(gw(), `vk_${k.key}`, 'gpt-4o'), 403, 'key_model_access_denied');
      const unknown = await llm(gw(), 'unknown-key');
      expectStatus(unknown, 401, 'token_not_found_in_db');
      expectStatus(await gw().admin('POST', '/key/block', { key: k.key }), 200);
      expectStatus(await llm(gw(), `vk_${k.key}`, 'gpt-4o-mini'), 401, 'auth_error');
      expectStatus(await llm(gw(), 'vk_not-a-key'), 401, 'auth_error');
      // A string is only ever a virtual key: returning the master key grants nothing.
      const master = await llm(gw(), 'echo', 'gpt-4o', { 'x-fixture-return': MASTER });
      expectStatus(master, 401, 'auth_error');
      assert.ok(!master.text.includes(MASTER));
    });

    test('a throw is 401 with its message (the credential redacted)', async () => {
      const r = await llm(gw(), 'throw-me');
      expectStatus(r, 401, 'auth_error');
      assert.equal(r.json.error.message, 'account of [credential] is locked');
      assert.ok(!r.text.includes('throw-me'));
    });

    test('an invalid principal is a configuration error, never a caller', async () => {
      const r = await llm(gw(), 'p-invalid');
      expectStatus(r, 500, 'configuration_error');
    });

    test('the master key always works, even when the module refuses everything', async () => {
      expectStatus(await llm(gw(), MASTER, 'gpt-4o', { 'x-fixture-throw': '1' }), 200);
      expectStatus(await gw().call('GET', '/audit', undefined, { ...bearer(MASTER), 'x-fixture-throw': '1' }), 200);
      expectStatus(await llm(gw(), 'p-mini', 'gpt-4o-mini', { 'x-fixture-throw': '1' }), 401, 'auth_error');
    });
  });
}

test('null in mode on is 401, even for a valid virtual key; no credential is 401', async () => {
  const { json: k } = await on.admin('POST', '/key/generate', {});
  expectStatus(await llm(on, k.key), 401, 'auth_error');
  expectStatus(await llm(on, 'nobody-knows-me'), 401, 'auth_error');
  expectStatus(await on.call('POST', '/v1/chat/completions', chat('gpt-4o')), 401, 'auth_error');
});

test('null in mode auto falls through to the built-in methods: virtual keys work, unknown tokens are 401', async () => {
  const { json: k } = await auto.admin('POST', '/key/generate', { models: ['gpt-4o-mini'] });
  expectStatus(await llm(auto, k.key, 'gpt-4o-mini'), 200);
  expectStatus(await llm(auto, k.key, 'gpt-4o'), 403, 'key_model_access_denied');
  expectStatus(await llm(auto, `sk-${'Q'.repeat(43)}`), 401, 'token_not_found_in_db');
  expectStatus(await llm(auto, 'nobody-knows-me'), 401, 'auth_error');
  expectStatus(await auto.call('POST', '/v1/chat/completions', chat('gpt-4o')), 401, 'auth_error');
});

// A principal's max_budget for a user with nothing stored is kept against the identity's own spend
// (see oauth2-proxy.test.ts).
test('a principal\'s max_budget binds for a user with nothing stored once its spend reaches it', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 3; i++) statuses.push((await llm(auto, 'p-capped')).status);
  assert.deepEqual(statuses, [200, 200, 429]);
});
