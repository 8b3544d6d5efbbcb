import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startUpstream, type Upstream } from '../../support/upstream.ts';
import { startGateway, type TestGateway } from '../../support/gateway.ts';

let up: Upstream;
let gw: TestGateway;
const PROVIDER_SECRET = 'sk-provider-secret-AAAAAAAAAAAAAAAA';

before(async () => {
  up = await startUpstream();
  gw = await startGateway({
    env: { UPSTREAM_KEY: PROVIDER_SECRET },
    config: `
model_list:
  - model_name: gpt-4o
    litellm_params: { model: openai/gpt-4o, api_base: ${up.url}/v1, api_key: os.environ/UPSTREAM_KEY }
    model_info: { input_cost_per_token: 0.000001, output_cost_per_token: 0.000002, access_groups: [beta] }
  - model_name: gpt-4o-mini
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${up.url}/v1, api_key: os.environ/UPSTREAM_KEY }
  - model_name: claude-*
    litellm_params: { model: anthropic/*, api_base: ${up.url}, api_key: keychain/anthropic }
  - model_name: local-missing-secret
    litellm_params: { model: openai/llama, api_base: ${up.url}/v1, api_key: keychain/not-set }
`,
    secrets: { anthropic: 'sk-ant-secret-BBBBBBBBBBBBBBBB' },
  });
});
after(async () => {
  await gw.stop();
  await up.close();
});

async function newKey(body: Record<string, unknown> = {}): Promise<string> {
  const r = await gw.call('POST', '/key/generate', body);
  assert.equal(r.status, 200, r.text);
  return r.json.key as string;
}

test('OpenAI SDK: streamed chat through a virtual key reaches the upstream with the provider secret', async () => {
  const key = await newKey({ models: ['gpt-4o'] });
  const client = new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1` });
  const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hello' }], stream: true });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  assert.ok(text.length > 0);
  const last = up.requests.at(-1)!;
  assert.equal(last.headers.authorization, `Bearer ${PROVIDER_SECRET}`);
  assert.ok(!JSON.stringify(last.headers).includes(key), 'the virtual key must not reach the provider');
  const done = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
  assert.ok(done.usage!.total_tokens > 0);
});

test('Anthropic SDK: /v1/messages via a wildcard deployment and a keychain secret', async () => {
  const key = await newKey();
  const client = new Anthropic({ apiKey: key, baseURL: gw.url });
  const msg = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(msg.type, 'message');
  assert.equal(up.requests.at(-1)!.headers['x-api-key'], 'sk-ant-secret-BBBBBBBBBBBBBBBB');
});

test('model access: key models, wildcards and access groups; /v1/models lists only allowed models', async () => {
  const key = await newKey({ models: ['gpt-4o'] });
  const client = new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  await assert.rejects(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }), (err: any) => {
    assert.equal(err.status, 403);
    assert.equal(err.error.type, 'key_model_access_denied');
    assert.equal(err.error.param, 'model');
    return true;
  });
  const models = await client.models.list();
  assert.deepEqual(models.data.map((m) => m.id), ['gpt-4o']);
  const group = await newKey({ models: ['beta'] });
  const g = await gw.call('GET', '/v1/models', undefined, { authorization: `Bearer ${group}` });
  assert.deepEqual(g.json.data.map((m: { id: string }) => m.id), ['gpt-4o']);
  const wild = await newKey({ models: ['openai/*'] });
  const w = await gw.call('GET', '/v1/models', undefined, { authorization: `Bearer ${wild}` });
  assert.deepEqual(w.json.data.map((m: { id: string }) => m.id).sort(), ['gpt-4o', 'gpt-4o-mini', 'local-missing-secret']);
  const all = await newKey({ models: [] });
  assert.equal((await gw.call('GET', '/v1/models', undefined, { authorization: `Bearer ${all}` })).json.data.length, 4);
});

test('bodies that would redirect the upstream or carry credentials are refused with 400', async () => {
  const key = await newKey();
  for (const body of [
    { model: 'gpt-4o', messages: [], api_base: 'http://evil.example' },
    { model: 'gpt-4o', messages: [], base_url: 'http://evil.example' },
    { model: 'gpt-4o', messages: [], api_key: 'x' },
    { model: 'gpt-4o', messages: [], extra_headers: { a: 'b' } },
    { model: 'gpt-4o', messages: [], metadata: { api_base: 'http://evil.example' } },
  ]) {
    const before = up.requests.length;
    const r = await gw.call('POST', '/v1/chat/completions', body, { authorization: `Bearer ${key}` });
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.json.error.type, 'invalid_request_error');
    assert.ok(r.json.error.param);
    assert.equal(up.requests.length, before, 'nothing forwarded');
  }
});

test('a missing secret is a 500 configuration_error naming the reference, never a silent empty key', async () => {
  const r = await gw.call('POST', '/v1/chat/completions', { model: 'local-missing-secret', messages: [{ role: 'user', content: 'x' }] });
  assert.equal(r.status, 500);
  assert.equal(r.json.error.type, 'configuration_error');
  assert.match(r.json.error.message, /keychain\/not-set/);
});

test('upstream errors keep the upstream status in the envelope; no provider secret in any response or log', async () => {
  up.failWith(429);
  const r = await gw.call('POST', '/v1/chat/completions', { model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] });
  up.failWith(null);
  assert.equal(r.status, 429);
  assert.equal(r.json.error.type, 'upstream_error');
  assert.equal(r.json.error.code, '429');
  const logs = gw.logs.join('\n');
  assert.ok(!logs.includes(PROVIDER_SECRET));
  assert.ok(!logs.includes('sk-ant-secret'));
  const info = await gw.call('GET', '/openapi.json');
  assert.equal(info.status, 200);
  assert.ok(info.json.paths['/key/generate'].post.requestBody);
});
