/**
 * Format translation: the OpenAI SDK against an Anthropic deployment, and the Anthropic SDK against
 * an OpenAI-compatible deployment, streamed and not, with usage carried across.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startUpstream, promptTokensFor, TOKEN_TEXT } from '../../support/upstream.ts';
import type { Upstream } from '../../support/upstream.ts';
import { startHarness, PROVIDER_KEY } from './harness.ts';
import type { Harness } from './harness.ts';

describe('format translation', () => {
  let up: Upstream;
  let gw: Harness;
  let openai: OpenAI;
  let anthropic: Anthropic;

  before(async () => {
    up = await startUpstream();
    gw = await startHarness([
      { model_name: 'claude-*', litellm_params: { model: 'anthropic/*', api_base: up.url } },
      { model_name: 'local-gpt', litellm_params: { model: 'openai/llama3', api_base: `${up.url}/v1` } },
    ]);
    openai = new OpenAI({ apiKey: 'sk-client', baseURL: `${gw.url}/v1`, maxRetries: 0 });
    anthropic = new Anthropic({ apiKey: 'sk-client', baseURL: gw.url, maxRetries: 0 });
  });
  after(async () => {
    await gw.close();
    await up.close();
  });

  test('OpenAI chat to an Anthropic deployment: system lifted out, max_tokens set, answer and usage translated back', async () => {
    const before = gw.results.length;
    const out = await openai.chat.completions.create({
      model: 'claude-3-5-haiku-latest',
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi there' }],
      max_tokens: 6,
      stop: 'END',
    });
    const seen = up.requests.at(-1)!;
    assert.equal(seen.path, '/v1/messages');
    assert.equal(seen.headers['x-api-key'], PROVIDER_KEY);
    const sent = seen.body as Record<string, unknown>;
    assert.equal(sent.system, 'Be brief.');
    assert.deepEqual(sent.messages, [{ role: 'user', content: [{ type: 'text', text: 'Hi there' }] }]);
    assert.equal(sent.max_tokens, 6);
    assert.deepEqual(sent.stop_sequences, ['END']);
    assert.equal(out.object, 'chat.completion');
    assert.equal(out.model, 'claude-3-5-haiku-latest');
    assert.equal(out.choices[0]?.message.content, TOKEN_TEXT.repeat(6));
    assert.equal(out.choices[0]?.finish_reason, 'length');
    const input = promptTokensFor(sent);
    assert.deepEqual(out.usage, { prompt_tokens: input, completion_tokens: 6, total_tokens: input + 6 });
    assert.deepEqual((await gw.result(before + 1)).usage, out.usage);
  });

  test('OpenAI streaming to an Anthropic deployment: chunks in OpenAI format, usage chunk only when asked', async () => {
    const before = gw.results.length;
    for (const includeUsage of [false, true]) {
      const stream = await openai.chat.completions.create({
        model: 'claude-sonnet-4-20250514',
        messages: [{ role: 'user', content: 'Stream please' }],
        max_tokens: 4,
        stream: true,
        ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
      });
      let text = '';
      let usage: OpenAI.CompletionUsage | undefined;
      let finish: string | null | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
        if (chunk.usage) usage = chunk.usage;
      }
      assert.equal(text, TOKEN_TEXT.repeat(4));
      assert.equal(finish, 'length');
      const input = promptTokensFor(up.requests.at(-1)!.body as Record<string, unknown>);
      if (includeUsage) assert.deepEqual(usage, { prompt_tokens: input, completion_tokens: 4, total_tokens: input + 4 });
      else assert.equal(usage, undefined);
      const r = await gw.result(before + (includeUsage ? 2 : 1));
      assert.deepEqual(r.usage, { prompt_tokens: input, completion_tokens: 4, total_tokens: input + 4 });
      assert.ok(r.cost > 0);
    }
  });

  test('Anthropic messages to an OpenAI-compatible deployment, non-streamed', async () => {
    const before = gw.results.length;
    const msg = await anthropic.messages.create({ model: 'local-gpt', max_tokens: 3, system: 'You are terse.', messages: [{ role: 'user', content: 'Hello' }] });
    const seen = up.requests.at(-1)!;
    assert.equal(seen.path, '/v1/chat/completions');
    assert.equal(seen.headers.authorization, `Bearer ${PROVIDER_KEY}`);
    const sent = seen.body as Record<string, unknown>;
    assert.equal(sent.model, 'llama3');
    assert.deepEqual(sent.messages, [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Hello' }]);
    assert.equal(msg.type, 'message');
    assert.equal((msg.content[0] as { text: string }).text, TOKEN_TEXT.repeat(3));
    assert.equal(msg.stop_reason, 'max_tokens');
    const input = promptTokensFor(sent);
    assert.deepEqual(msg.usage.input_tokens, input);
    assert.deepEqual(msg.usage.output_tokens, 3);
    assert.equal((await gw.result(before + 1)).usage.total_tokens, input + 3);
  });

  test('Anthropic streaming to an OpenAI-compatible deployment: a well-formed event stream with usage', async () => {
    const before = gw.results.length;
    const stream = anthropic.messages.stream({ model: 'local-gpt', max_tokens: 5, messages: [{ role: 'user', content: 'Go' }] });
    const final = await stream.finalMessage();
    assert.equal((final.content[0] as { text: string }).text, TOKEN_TEXT.repeat(5));
    const sent = up.requests.at(-1)!.body as Record<string, unknown>;
    assert.deepEqual(sent.stream_options, { include_usage: true });
    const input = promptTokensFor(sent);
    assert.equal(final.usage.output_tokens, 5);
    assert.equal(final.usage.input_tokens, input);
    assert.equal(final.stop_reason, 'max_tokens');
    assert.deepEqual((await gw.result(before + 1)).usage, { prompt_tokens: input, completion_tokens: 5, total_tokens: input + 5 });
  });

  test('embeddings to an Anthropic deployment are a clear 400 naming the model', async () => {
    await assert.rejects(openai.embeddings.create({ model: 'claude-3-5-haiku-latest', input: 'x' }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.APIError);
      assert.equal(err.status, 400);
      const e = err.error as { type: string; param: string };
      assert.equal(e.type, 'invalid_request_error');
      assert.equal(e.param, 'model');
      return true;
    });
  });
});
