/**
 * OAuth2 introspection end to end over HTTP: opaque access tokens minted by a real oidc-provider
 * call the LLM through the gateway, which asks the provider's RFC 7662 introspection endpoint
 * (client Basic auth) once per token and then serves the answer from its cache.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startUpstream, type Upstream } from '../../support/upstream.ts';
import { startGateway, type TestGateway } from '../../support/gateway.ts';
import { startOidcProvider, type TestOidc } from '../../support/oidc.ts';
import { bearer, chat, expectStatus, raw } from './helpers.ts';

let up: Upstream;
let op: TestOidc;
let gw: TestGateway;

before(async () => {
  up = await startUpstream();
  op = await startOidcProvider();
  gw = await startGateway({
    realClock: true, // the provider stamps exp with the wall clock
    config: `
model_list:
  - model_name: gpt-4o
    litellm_params: { model: openai/gpt-4o, api_base: ${up.url}/v1, api_key: os.environ/K }
    model_info: { input_cost_per_token: 0.001, output_cost_per_token: 0.001 }
  - model_name: gpt-4o-mini
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${up.url}/v1, api_key: os.environ/K }
    model_info: { input_cost_per_token: 0.001, output_cost_per_token: 0.001 }
general_settings:
  enable_oauth2_auth: true
  oauth_token_info_endpoint: ${op.introspectionEndpoint}
  oauth_client_id: ${op.clients.introspector.client_id}
  oauth_client_secret: os.environ/OAUTH_SECRET
`,
    env: { K: 'sk-upstream-secret', OAUTH_SECRET: op.clients.introspector.client_secret },
  });
  expectStatus(await gw.call('POST', '/user/new', { user_id: 'oa-mini', models: ['gpt-4o-mini'] }), 200);
  expectStatus(await gw.call('POST', '/user/new', { user_id: 'oa-broke', max_budget: 0 }), 200);
});
after(async () => {
  await gw.stop();
  await op.stop();
  await up.close();
});

async function revoke(token: string): Promise<void> {
  const basic = Buffer.from(`${op.clients.m2m.client_id}:${op.clients.m2m.client_secret}`).toString('base64');
  const res = await fetch(`${op.issuer}/token/revocation`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
  });
  assert.equal(res.status, 200);
}

test('an opaque token from the real provider calls /v1/chat/completions; the second call is served from the cache', async () => {
  const token = await op.issueOpaque({ sub: 'oa-alice' });
  const upstreamBefore = up.requests.length;
  const n0 = op.requestCount;
  const first = await raw(gw.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), bearer(token));
  expectStatus(first, 200);
  assert.ok(Array.isArray(first.json.choices));
  assert.equal(up.requests.length, upstreamBefore + 1);
  assert.equal(op.requestCount, n0 + 1, 'one introspection request for a new token');
  const upstreamAuth = up.requests.at(-1)?.headers.authorization;
  assert.equal(upstreamAuth, 'Bearer sk-upstream-secret', 'the caller\'s token is never forwarded upstream');

  const second = await raw(gw.url, 'POST', '/v1/chat/completions', chat('gpt-4o-mini'), bearer(token));
  expectStatus(second, 200);
  assert.equal(op.requestCount, n0 + 1, 'the same token is not introspected again');
});

test('the token\'s user is the stored user: its model list and budget apply', async () => {
  const mini = await op.issueOpaque({ sub: 'oa-mini' });
  expectStatus(await raw(gw.url, 'POST', '/v1/chat/completions', chat('gpt-4o-mini'), bearer(mini)), 200);
  const denied = await raw(gw.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), bearer(mini));
  expectStatus(denied, 403, 'user_model_access_denied');
  assert.equal(denied.json.error.param, 'model');

  const broke = await op.issueOpaque({ sub: 'oa-broke' });
  const r = await raw(gw.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), bearer(broke));
  expectStatus(r, 429, 'budget_exceeded');
});

test('a revoked or unknown token is 401 and an inactive answer is never cached', async () => {
  const token = await op.issueOpaque({ sub: 'oa-revoked' });
  await revoke(token);
  const n0 = op.requestCount;
  for (let i = 0; i < 2; i++) {
    const r = await raw(gw.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), bearer(token));
    expectStatus(r, 401, 'auth_error');
    assert.match(r.json.error.message, /not active/);
  }
  assert.equal(op.requestCount, n0 + 2, 'each inactive answer was asked again');
  expectStatus(await raw(gw.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), bearer('never-issued-opaque-token')), 401, 'auth_error');
});

test('a role the provider asserts must be a Tollgate role; an unknown one is refused (403)', async () => {
  const token = await op.issueOpaque({ sub: 'oa-odd', role: 'superuser' });
  const r = await raw(gw.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), bearer(token));
  expectStatus(r, 403, 'auth_error');
});

test('virtual keys and the master key never reach the introspection endpoint', async () => {
  const n0 = op.requestCount;
  const unknownKey = `sk-${'A'.repeat(43)}`;
  expectStatus(await raw(gw.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), bearer(unknownKey)), 401, 'token_not_found_in_db');
  const { json: k } = await gw.call('POST', '/key/generate', {});
  expectStatus(await raw(gw.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), bearer(k.key)), 200);
  expectStatus(await gw.call('POST', '/v1/chat/completions', chat('gpt-4o')), 200);
  expectStatus(await raw(gw.url, 'POST', '/v1/chat/completions', chat('gpt-4o')), 401, 'auth_error');
  assert.equal(op.requestCount, n0);
});

test('a client-credentials token without sub: 401 naming oauth_user_id_field_name; with it set to client_id the client is the user', async () => {
  const m2m = await op.issueOpaque({}, 'llm.read');
  const r = await raw(gw.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), bearer(m2m));
  expectStatus(r, 401, 'auth_error');
  assert.match(r.json.error.message, /oauth_user_id_field_name: client_id/);

  const byClient = await startGateway({
    realClock: true,
    config: `
model_list:
  - model_name: gpt-4o
    litellm_params: { model: openai/gpt-4o, api_base: ${up.url}/v1, api_key: os.environ/K }
    model_info: { input_cost_per_token: 0.001, output_cost_per_token: 0.001 }
general_settings:
  enable_oauth2_auth: true
  oauth_token_info_endpoint: ${op.introspectionEndpoint}
  oauth_client_id: ${op.clients.introspector.client_id}
  oauth_client_secret: os.environ/OAUTH_SECRET
  oauth_user_id_field_name: client_id
`,
    env: { K: 'sk-upstream-secret', OAUTH_SECRET: op.clients.introspector.client_secret },
  });
  try {
    expectStatus(await byClient.call('POST', '/user/new', { user_id: op.clients.m2m.client_id, max_budget: 10 }), 200);
    expectStatus(await raw(byClient.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), bearer(m2m)), 200);
    const info = await byClient.call('GET', `/user/info?user_id=${op.clients.m2m.client_id}`);
    assert.ok(info.json.user_info.spend > 0, info.text);
  } finally {
    await byClient.stop();
  }
});

test('provider stopped: a token it never vouched for is 503 auth_provider_unavailable; a cached one still works', async () => {
  const cached = await op.issueOpaque({ sub: 'oa-cached' });
  expectStatus(await raw(gw.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), bearer(cached)), 200);
  const fresh = await op.issueOpaque({ sub: 'oa-fresh' });
  await op.stop();
  try {
    const r = await raw(gw.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), bearer(fresh));
    expectStatus(r, 503, 'auth_provider_unavailable');
    assert.equal(r.json.error.code, '503');
    assert.ok(!r.text.includes(op.clients.introspector.client_secret), 'the client secret is never in an error');
    assert.ok(!r.text.includes(fresh), 'the token is never in an error');
    expectStatus(await raw(gw.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), bearer(cached)), 200);
  } finally {
    await op.start();
  }
  expectStatus(await raw(gw.url, 'POST', '/v1/chat/completions', chat('gpt-4o'), bearer(fresh)), 200);
});
