/**
 * The other budget and limit levels of CONTRACT section 7 over HTTP, through a real gateway and
 * the fake upstream: per-model key budgets and rpm, temp_budget_increase, tpm_limit, user limits
 * across several keys, the default end-user budget for unknown end users, the global budget,
 * key rotation keeping budgets, and a budget_duration change on /key/update.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startUpstream, promptTokensFor, completionTokensFor, type Upstream } from '../../support/upstream.ts';
import { startGateway, type TestGateway } from '../../support/gateway.ts';

const IN = 0.000001;
const OUT = 0.001;
const MESSAGES = [{ role: 'user', content: 'hi' }];
const BODY = { messages: MESSAGES, max_tokens: 10 };
const COST = promptTokensFor(BODY) * IN + completionTokensFor(BODY) * OUT;

let up: Upstream;
let gw: TestGateway;

const models = (url: string): string => `
model_list:
  - model_name: priced
    litellm_params: { model: openai/priced, api_base: ${url}/v1, api_key: os.environ/UPSTREAM_KEY }
    model_info: { input_cost_per_token: ${IN}, output_cost_per_token: ${OUT} }
  - model_name: other
    litellm_params: { model: openai/other, api_base: ${url}/v1, api_key: os.environ/UPSTREAM_KEY }
    model_info: { input_cost_per_token: ${IN}, output_cost_per_token: ${OUT} }
`;

before(async () => {
  up = await startUpstream();
  gw = await startGateway({
    env: { UPSTREAM_KEY: 'sk-provider-secret-limits-00000000' },
    config: `${models(up.url)}
litellm_settings:
  max_end_user_budget: ${Number((2 * COST).toFixed(9))}
`,
  });
});
after(async () => {
  await gw.stop();
  await up.close();
});

const near = (a: number, b: number, msg?: string): void => assert.ok(Math.abs(a - b) < 1e-9, msg ?? `${a} != ${b}`);

async function newKey(g: TestGateway, body: Record<string, unknown> = {}): Promise<{ key: string; key_id: string }> {
  const r = await g.call('POST', '/key/generate', body);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

async function chat(g: TestGateway, key: string, model = 'priced', headers: Record<string, string> = {}): Promise<{ status: number; json: any; headers: Headers }> {
  return g.call('POST', '/v1/chat/completions', { model, ...BODY }, { authorization: `Bearer ${key}`, ...headers });
}

function refused(r: { status: number; json: any }, type: string, message: RegExp): void {
  assert.equal(r.status, 429, JSON.stringify(r.json));
  assert.equal(r.json.error.type, type);
  assert.match(r.json.error.message, message);
}

test('model_max_budget and model_rpm_limit on a key hold per model; other models are unaffected', async () => {
  const k = await newKey(gw, { key_alias: 'per-model', model_max_budget: { priced: { budget_limit: COST } }, model_rpm_limit: { other: 2 } });
  assert.equal((await chat(gw, k.key)).status, 200);
  refused(await chat(gw, k.key), 'budget_exceeded', /^Budget exceeded for key model 'per-model priced': spend 0\.010004 USD, max_budget 0\.010004 USD/);
  assert.equal((await chat(gw, k.key, 'other')).status, 200);
  assert.equal((await chat(gw, k.key, 'other')).status, 200);
  const r = await chat(gw, k.key, 'other');
  refused(r, 'rate_limit_error', /key model other: rpm_limit 2/);
  assert.ok(r.headers.get('retry-after') !== null);
  near((await gw.call('GET', `/key/info?key=${k.key_id}`)).json.info.spend, 3 * COST);
});

test('temp_budget_increase raises max_budget until temp_budget_expiry, then the base budget applies again', async () => {
  const expiry = new Date(gw.clock.now() + 3_600_000).toISOString();
  const k = await newKey(gw, { key_alias: 'temp', max_budget: COST, temp_budget_increase: COST, temp_budget_expiry: expiry });
  assert.equal((await chat(gw, k.key)).status, 200);
  assert.equal((await chat(gw, k.key)).status, 200, 'the increase admits a second request');
  refused(await chat(gw, k.key), 'budget_exceeded', /max_budget 0\.020008 USD/);
  gw.clock.advance(3_600_000);
  refused(await chat(gw, k.key), 'budget_exceeded', /max_budget 0\.010004 USD/);
  const raised = await gw.call('POST', '/key/update', { key: k.key_id, max_budget: 3 * COST });
  assert.equal(raised.status, 200, raised.text);
  assert.equal((await chat(gw, k.key)).status, 200, '/key/update applies at once');
});

test('tpm_limit counts prompt + completion tokens; refused at or above the limit in the window', async () => {
  // Each request reserves its estimate (8 + 10 tokens) and settles to 14 real tokens.
  const k = await newKey(gw, { key_alias: 'tpm', tpm_limit: 28 });
  assert.equal((await chat(gw, k.key)).status, 200);
  const second = await chat(gw, k.key);
  assert.equal(second.status, 200);
  assert.equal(second.headers.get('x-ratelimit-limit-tokens'), '28');
  const third = await chat(gw, k.key);
  refused(third, 'rate_limit_error', /key: tpm_limit 28 reached/);
  assert.equal(third.headers.get('x-ratelimit-remaining-tokens'), '0');
  gw.clock.advance(60_000);
  assert.equal((await chat(gw, k.key)).status, 200);
});

test('user limits hold across all of the user\'s keys (rpm_limit and max_budget)', async () => {
  const u = await gw.call('POST', '/user/new', { user_id: 'multi', rpm_limit: 3, max_budget: Number((5 * COST).toFixed(9)) });
  assert.equal(u.status, 200, u.text);
  const keys = await Promise.all([0, 1, 2].map(() => newKey(gw, { user_id: 'multi' })));
  const results = await Promise.all(keys.flatMap((k) => [chat(gw, k.key), chat(gw, k.key)]));
  assert.equal(results.filter((r) => r.status === 200).length, 3);
  for (const r of results.filter((x) => x.status !== 200)) refused(r, 'rate_limit_error', /^Rate limit exceeded for user: rpm_limit 3 reached/);
  gw.clock.advance(60_000);
  assert.equal((await chat(gw, keys[0]!.key)).status, 200);
  assert.equal((await chat(gw, keys[1]!.key)).status, 200);
  refused(await chat(gw, keys[2]!.key), 'budget_exceeded', /^Budget exceeded for user 'multi': spend 0\.05002 USD, max_budget 0\.05002 USD$/);
  near((await gw.call('GET', '/user/info?user_id=multi')).json.user_info.spend, 5 * COST);
});

test('an end user with no customer row gets litellm_settings.max_end_user_budget; creating it later keeps its spend', async () => {
  const k = await newKey(gw, { key_alias: 'shop' });
  const h = { 'x-litellm-end-user-id': 'walk-in' };
  assert.equal((await chat(gw, k.key, 'priced', h)).status, 200);
  assert.equal((await chat(gw, k.key, 'priced', h)).status, 200);
  refused(await chat(gw, k.key, 'priced', h), 'budget_exceeded', /^Budget exceeded for customer 'walk-in'/);
  assert.equal((await chat(gw, k.key, 'priced', { 'x-litellm-end-user-id': 'someone-else' })).status, 200, 'each end user has their own');
  const c = await gw.call('POST', '/customer/new', { user_id: 'walk-in', max_budget: Number((3 * COST).toFixed(9)) });
  assert.equal(c.status, 200, c.text);
  near(c.json.spend, 2 * COST);
  assert.equal((await chat(gw, k.key, 'priced', h)).status, 200);
  refused(await chat(gw, k.key, 'priced', h), 'budget_exceeded', /customer 'walk-in'/);
});

test('a rotated key keeps its spend and budget (they follow key_id)', async () => {
  const k = await newKey(gw, { key_alias: 'rotating', max_budget: Number((2 * COST).toFixed(9)) });
  assert.equal((await chat(gw, k.key)).status, 200);
  const rot = await gw.call('POST', `/key/${k.key}/regenerate`, {});
  assert.equal(rot.status, 200, rot.text);
  const fresh = rot.json.key as string;
  assert.equal(rot.json.key_id, k.key_id);
  near((await gw.call('GET', `/key/info?key=${encodeURIComponent(fresh)}`)).json.info.spend, COST);
  assert.equal((await chat(gw, fresh)).status, 200);
  refused(await chat(gw, fresh), 'budget_exceeded', /key 'rotating'/);
});

test('/key/update changing budget_duration moves the next reset to the new calendar', async () => {
  // 2026-03-02 is a Monday; the FakeClock has moved on by now, so compute from it.
  const k = await newKey(gw, { key_alias: 'cadence', budget_duration: '1d' });
  const day = (await gw.call('GET', `/key/info?key=${k.key_id}`)).json.info.budget_reset_at as string;
  assert.ok(day !== null, 'the first reset is shown at once');
  const now = new Date(gw.clock.now());
  assert.equal(Date.parse(day), Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  const upd = await gw.call('POST', '/key/update', { key: k.key_id, budget_duration: '1mo' });
  assert.equal(upd.status, 200, upd.text);
  const month = (await gw.call('GET', `/key/info?key=${k.key_id}`)).json.info.budget_reset_at as string;
  assert.equal(Date.parse(month), Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1), `next reset ${month}`);
  const none = await gw.call('POST', '/key/update', { key: k.key_id, budget_duration: null });
  assert.equal(none.status, 200, none.text);
  assert.equal((await gw.call('GET', `/key/info?key=${k.key_id}`)).json.info.budget_reset_at, null);
});

test('litellm_settings.max_budget: the global budget refuses every key once spent', async () => {
  const g = await startGateway({
    env: { UPSTREAM_KEY: 'sk-provider-secret-limits-00000000' },
    config: `${models(up.url)}
litellm_settings:
  max_budget: ${Number((2 * COST).toFixed(9))}
  budget_duration: 1d
`,
  });
  try {
    const a = await newKey(g);
    const b = await newKey(g);
    assert.equal((await chat(g, a.key)).status, 200);
    assert.equal((await chat(g, b.key)).status, 200);
    const r = await chat(g, a.key);
    refused(r, 'budget_exceeded', /^Budget exceeded for global 'litellm_settings\.max_budget': spend 0\.020008 USD, max_budget 0\.020008 USD$/);
    assert.ok(r.headers.get('retry-after') !== null, 'the global reset time is known');
    refused(await chat(g, b.key, 'other'), 'budget_exceeded', /global/);
    g.clock.advance(86_400_000);
    assert.equal((await chat(g, b.key)).status, 200, 'the global budget resets with its budget_duration');
  } finally {
    await g.stop();
  }
});
