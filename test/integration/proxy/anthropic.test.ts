/**
 * The forwarder against a real Anthropic-format upstream, driven by the real `@anthropic-ai/sdk`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { startUpstream, promptTokensFor, TOKEN_TEXT } from '../../support/upstream.ts';
import type { Upstream } from '../../support/upstream.ts';
import { startHarness, eventually, PROVIDER_KEY } from './harness.ts';
import type { Harness } from './harness.ts';
import { PRICE_TABLE } from '../../../src-main/core/proxy/index.ts';

const SONNET = PRICE_TABLE['claude-sonnet-4']!;
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} != ${b}`);

describe('Anthropic pass-through', () => {
  let up: Upstream;
  let gw: Harness;
  let client: Anthropic;

  before(async () => {
    up = await startUpstream();
    gw = await startHarness([{ model_name: 'claude-*', litellm_params: { model: 'anthropic/*', api_base: up.url } }, { model_name: 'fail-*', litellm_params: { model: 'anthropic/*', api_base: up.url } }]);
    client = new Anthropic({ apiKey: 'sk-ant-client-own-credential', baseURL: gw.url, maxRetries: 0 });
  });
  after(async () => {
    await gw.close();
    await up.close();
  });

  test('non-streamed message: wildcard model forwarded as requested, usage and cost, x-api-key is the provider key', async () => {
    const before = gw.results.length;
    const messages = [{ role: 'user' as const, content: 'Hello Claude, tell me a story.' }];
    const msg = await client.messages.create({ model: 'claude-sonnet-4-20250514', max_tokens: 9, messages });
    assert.equal(msg.content[0]?.type, 'text');
    assert.equal((msg.content[0] as { text: string }).text, TOKEN_TEXT.repeat(9));
    const input = promptTokensFor({ messages });
    assert.equal(msg.usage.input_tokens, input);
    assert.equal(msg.usage.output_tokens, 9);
    const r = await gw.result(before + 1);
    assert.deepEqual(r.usage, { prompt_tokens: input, completion_tokens: 9, total_tokens: input + 9 });
    close(r.cost, input * SONNET.input + 9 * SONNET.output);
    const seen = up.requests.at(-1)!;
    assert.equal(seen.path, '/v1/messages');
    assert.equal(seen.headers['x-api-key'], PROVIDER_KEY);
    assert.equal(seen.headers.authorization, undefined);
    assert.equal(seen.headers['anthropic-version'], '2023-06-01');
    assert.ok(!JSON.stringify(seen.headers).includes('sk-ant-client'));
    assert.equal((seen.body as { model: string }).model, 'claude-sonnet-4-20250514');
  });

  test('streamed message: events pass through, usage from message_start + message_delta, anthropic-beta passed on', async () => {
    const before = gw.results.length;
    const messages = [{ role: 'user' as const, content: 'Stream it' }];
    const stream = client.messages.stream({ model: 'claude-3-5-haiku-latest', max_tokens: 12, messages }, { headers: { 'anthropic-beta': 'fake-beta-2025' } });
    const types: string[] = [];
    stream.on('streamEvent', (e) => types.push(e.type));
    const final = await stream.finalMessage();
    assert.equal((final.content[0] as { text: string }).text, TOKEN_TEXT.repeat(12));
    const input = promptTokensFor({ messages });
    assert.equal(final.usage.input_tokens, input);
    assert.equal(final.usage.output_tokens, 12);
    assert.equal(types[0], 'message_start');
    assert.equal(types.at(-1), 'message_stop');
    assert.ok(types.includes('message_delta'));
    const r = await gw.result(before + 1);
    assert.equal(r.streamed, true);
    assert.deepEqual(r.usage, { prompt_tokens: input, completion_tokens: 12, total_tokens: input + 12 });
    const haiku = PRICE_TABLE['claude-3-5-haiku']!;
    close(r.cost, input * haiku.input + 12 * haiku.output);
    assert.equal(up.requests.at(-1)!.headers['anthropic-beta'], 'fake-beta-2025');
  });

  test('count_tokens is forwarded and costs nothing', async () => {
    const before = gw.results.length;
    const messages = [{ role: 'user' as const, content: 'How many tokens is this?' }];
    const out = await client.messages.countTokens({ model: 'claude-sonnet-4-20250514', messages });
    assert.equal(out.input_tokens, promptTokensFor({ messages }));
    assert.equal(up.requests.at(-1)!.path, '/v1/messages/count_tokens');
    const r = await gw.result(before + 1);
    assert.equal(r.cost, 0);
    assert.equal(r.usage.total_tokens, 0);
  });

  test('an upstream 429 in Anthropic format becomes the envelope with status 429', async () => {
    await assert.rejects(client.messages.create({ model: 'fail-429', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }), (err: unknown) => {
      assert.ok(err instanceof Anthropic.APIError);
      assert.equal(err.status, 429);
      assert.deepEqual(err.error, { error: { message: 'Fake upstream error 429 for model fail-429', type: 'upstream_error', param: null, code: '429' } });
      return true;
    });
  });

  test('a dropped Anthropic stream is charged message_start input plus the streamed output so far', async () => {
    const slow = await startUpstream({ chunkDelayMs: 100 });
    const slowGw = await startHarness([{ model_name: 'claude-*', litellm_params: { model: 'anthropic/*', api_base: slow.url } }]);
    try {
      const c = new Anthropic({ apiKey: 'sk-ant-client', baseURL: slowGw.url, maxRetries: 0 });
      const messages = [{ role: 'user' as const, content: 'Long one please' }];
      const stream = await c.messages.create({ model: 'claude-sonnet-4-20250514', max_tokens: 20, messages, stream: true });
      let deltas = 0;
      for await (const ev of stream) {
        if (ev.type === 'content_block_delta') deltas += 1;
        if (deltas === 4) break;
      }
      const r = await slowGw.result(1);
      assert.equal(r.aborted, true);
      assert.equal(r.usage.prompt_tokens, promptTokensFor({ messages }));
      assert.ok(r.usage.completion_tokens >= 4 && r.usage.completion_tokens < 20, `completion ${r.usage.completion_tokens}`);
      assert.ok(r.cost > 0);
      await eventually(() => slow.streamsAborted() === 1);
    } finally {
      await slowGw.close();
      await slow.close();
    }
  });
});
