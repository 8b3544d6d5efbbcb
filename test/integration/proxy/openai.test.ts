/**
 * The forwarder against a real OpenAI-format upstream, driven by the real `openai` SDK.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startUpstream, promptTokensFor, TOKEN_TEXT } from '../../support/upstream.ts';
import type { Upstream } from '../../support/upstream.ts';
import { startHarness, eventually, PROVIDER_KEY } from './harness.ts';
import type { Harness } from './harness.ts';
import { estimatePromptTokens } from '../../../src-main/core/proxy/index.ts';

const GPT4O_IN = 2.5e-6;
const GPT4O_OUT = 1e-5;
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} != ${b}`);

describe('OpenAI pass-through', () => {
  let up: Upstream;
  let gw: Harness;
  let client: OpenAI;

  before(async () => {
    up = await startUpstream();
    gw = await startHarness([
      { model_name: 'gpt-4o', litellm_params: { model: 'openai/gpt-4o', api_base: `${up.url}/v1` } },
      { model_name: 'fail-429', litellm_params: { model: 'openai/fail-429', api_base: `${up.url}/v1` } },
      { model_name: 'fail-500', litellm_params: { model: 'openai/fail-500', api_base: `${up.url}/v1` } },
      { model_name: 'emb', litellm_params: { model: 'openai/text-embedding-3-small', api_base: `${up.url}/v1` } },
      { model_name: 'az', litellm_params: { model: 'azure/my-deploy', api_base: up.url, api_version: '2024-06-01' } },
      { model_name: 'dead', litellm_params: { model: 'openai/gpt-4o', api_base: 'http://127.0.0.1:1/v1' } },
    ]);
    client = new OpenAI({
      apiKey: 'sk-client-own-credential',
      baseURL: `${gw.url}/v1`,
      maxRetries: 0,
      defaultHeaders: { 'x-litellm-api-key': 'sk-client-litellm', cookie: 'session=abc' },
    });
  });
  after(async () => {
    await gw.close();
    await up.close();
  });

  test('non-streamed chat: answer, usage and cost; upstream model name set; provider key sent, client credentials not', async () => {
    const before = gw.results.length;
    const messages = [{ role: 'user' as const, content: 'Hello there, how are you?' }];
    const out = await client.chat.completions.create({ model: 'gpt-4o', messages, max_tokens: 7 });
    assert.equal(out.choices[0]?.message.content, TOKEN_TEXT.repeat(7));
    const prompt = promptTokensFor({ messages });
    assert.deepEqual(out.usage, { prompt_tokens: prompt, completion_tokens: 7, total_tokens: prompt + 7 });
    const r = await gw.result(before + 1);
    assert.equal(r.status, 200);
    assert.equal(r.streamed, false);
    assert.equal(r.aborted, false);
    assert.deepEqual(r.usage, { prompt_tokens: prompt, completion_tokens: 7, total_tokens: prompt + 7 });
    close(r.cost, prompt * GPT4O_IN + 7 * GPT4O_OUT);
    const seen = up.requests.at(-1)!;
    assert.equal(seen.path, '/v1/chat/completions');
    assert.equal(seen.headers.authorization, `Bearer ${PROVIDER_KEY}`);
    assert.equal(seen.headers['x-litellm-api-key'], undefined);
    assert.equal(seen.headers.cookie, undefined);
    assert.equal(seen.headers['x-api-key'], undefined);
    assert.ok(!JSON.stringify(seen.headers).includes('sk-client'));
    assert.equal((seen.body as { model: string }).model, 'gpt-4o');
  });

  test('streamed chat without include_usage: upstream is asked for usage, the client never sees the usage chunk, usage is charged', async () => {
    const before = gw.results.length;
    const messages = [{ role: 'user' as const, content: 'Stream me something' }];
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages, stream: true });
    let text = '';
    let usageChunks = 0;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks += 1;
      if (chunk.usage) usageChunks += 1;
      text += chunk.choices[0]?.delta.content ?? '';
    }
    assert.equal(text, TOKEN_TEXT.repeat(20));
    assert.equal(usageChunks, 0);
    assert.equal(chunks, 22); // role chunk + 20 tokens + finish chunk
    const sent = up.requests.at(-1)!.body as { stream_options?: { include_usage?: boolean } };
    assert.equal(sent.stream_options?.include_usage, true);
    const r = await gw.result(before + 1);
    const prompt = promptTokensFor({ messages });
    assert.equal(r.streamed, true);
    assert.equal(r.aborted, false);
    assert.deepEqual(r.usage, { prompt_tokens: prompt, completion_tokens: 20, total_tokens: prompt + 20 });
    close(r.cost, prompt * GPT4O_IN + 20 * GPT4O_OUT);
  });

  test('streamed chat with include_usage: the client gets the final usage chunk', async () => {
    const before = gw.results.length;
    const messages = [{ role: 'user' as const, content: 'Count please' }];
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages, stream: true, stream_options: { include_usage: true }, max_tokens: 5 });
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    const prompt = promptTokensFor({ messages });
    assert.deepEqual(usage, { prompt_tokens: prompt, completion_tokens: 5, total_tokens: prompt + 5 });
    const r = await gw.result(before + 1);
    assert.deepEqual(r.usage, usage);
  });

  test('completions and embeddings are forwarded with their usage', async () => {
    const before = gw.results.length;
    const c = await client.completions.create({ model: 'gpt-4o', prompt: 'Once upon a time', max_tokens: 3 });
    assert.equal(c.choices[0]?.text, TOKEN_TEXT.repeat(3));
    const e = await client.embeddings.create({ model: 'emb', input: ['abcdefgh', 'ijkl'] });
    assert.equal(e.data.length, 2);
    assert.equal(up.requests.at(-1)!.path, '/v1/embeddings');
    assert.equal((up.requests.at(-1)!.body as { model: string }).model, 'text-embedding-3-small');
    const rc = await gw.result(before + 1);
    assert.equal(rc.usage.completion_tokens, 3);
    const re = await gw.result(before + 2);
    const prompt = promptTokensFor({ input: ['abcdefgh', 'ijkl'] });
    assert.deepEqual(re.usage, { prompt_tokens: prompt, completion_tokens: 0, total_tokens: prompt });
    close(re.cost, prompt * 2e-8);
  });

  test('azure deployments use the deployment path, api-version and the api-key header', async () => {
    const out = await client.chat.completions.create({ model: 'az', messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 });
    assert.equal(out.choices[0]?.message.content, TOKEN_TEXT.repeat(2));
    const seen = up.requests.at(-1)!;
    assert.equal(seen.path, '/openai/deployments/my-deploy/chat/completions?api-version=2024-06-01');
    assert.equal(seen.headers['api-key'], PROVIDER_KEY);
    assert.equal(seen.headers.authorization, undefined);
  });

  test('upstream 429 and 500 reach the client as the envelope with the upstream status; nothing is charged', async () => {
    const before = gw.results.length;
    for (const [model, status] of [['fail-429', 429], ['fail-500', 500]] as const) {
      await assert.rejects(client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }] }), (err: unknown) => {
        assert.ok(err instanceof OpenAI.APIError);
        assert.equal(err.status, status);
        assert.deepEqual(err.error, { message: `Fake upstream error ${status} for model ${model}`, type: 'upstream_error', param: null, code: String(status) });
        if (status === 429) assert.equal(err.headers?.get('retry-after'), '7');
        return true;
      });
    }
    const r429 = await gw.result(before + 1);
    assert.equal(r429.status, 429);
    assert.equal(r429.cost, 0);
    assert.equal(r429.upstreamError, 'Fake upstream error 429 for model fail-429');
    assert.equal((await gw.result(before + 2)).status, 500);
  });

  test('an upstream error message never carries the provider key', async () => {
    const leaky = await startUpstream();
    const leakyGw = await startHarness([{ model_name: 'fail-401', litellm_params: { model: 'openai/fail-401', api_base: `${leaky.url}/v1` } }], () => 'fail-401');
    try {
      // the fake upstream puts the model name in its message; here the model name equals the key
      const res = await fetch(`${leakyGw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'fail-401', messages: [] }) });
      assert.equal(res.status, 401);
      const body = (await res.json()) as { error: { message: string; type: string; code: string } };
      assert.equal(body.error.type, 'upstream_error');
      assert.equal(body.error.code, '401');
      assert.ok(!body.error.message.includes('fail-401'), body.error.message);
      assert.match(body.error.message, /\[redacted\]/);
    } finally {
      await leakyGw.close();
      await leaky.close();
    }
  });

  test('connection refused before any byte: 502 ERR_UPSTREAM envelope, nothing written by the forwarder', async () => {
    const before = gw.results.length;
    await assert.rejects(client.chat.completions.create({ model: 'dead', messages: [{ role: 'user', content: 'x' }] }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.APIError);
      assert.equal(err.status, 502);
      const e = err.error as { type: string; code: string; message: string };
      assert.equal(e.type, 'upstream_error');
      assert.equal(e.code, '502');
      assert.match(e.message, /could not be reached/);
      assert.ok(!e.message.includes(PROVIDER_KEY));
      return true;
    });
    assert.equal(gw.results.length, before); // forward threw instead of returning
  });

  test('a client that drops a stream halfway is charged the partial usage and the upstream is aborted', async () => {
    const slow = await startUpstream({ chunkDelayMs: 100 });
    const slowGw = await startHarness([{ model_name: 'gpt-4o', litellm_params: { model: 'openai/gpt-4o', api_base: `${slow.url}/v1` } }]);
    try {
      const c = new OpenAI({ apiKey: 'sk-client', baseURL: `${slowGw.url}/v1`, maxRetries: 0 });
      const messages = [{ role: 'user' as const, content: 'A long answer please' }];
      const stream = await c.chat.completions.create({ model: 'gpt-4o', messages, stream: true });
      let tokens = 0;
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content) tokens += 1;
        if (tokens === 3) break; // the SDK aborts the request
      }
      const r = await slowGw.result(1);
      assert.equal(r.aborted, true);
      assert.equal(r.streamed, true);
      assert.ok(r.usage.completion_tokens >= 3 && r.usage.completion_tokens < 20, `completion ${r.usage.completion_tokens}`);
      // no usage chunk arrived: the prompt is our estimate
      assert.equal(r.usage.prompt_tokens, estimatePromptTokens('chat', { model: 'gpt-4o', messages, stream: true }));
      close(r.cost, r.usage.prompt_tokens * GPT4O_IN + r.usage.completion_tokens * GPT4O_OUT);
      await eventually(() => slow.streamsAborted() === 1);
    } finally {
      await slowGw.close();
      await slow.close();
    }
  });
});

test('an upstream slower than the deployment timeout is a 504 ERR_UPSTREAM', async () => {
  const slow = await startUpstream({ latencyMs: 1500 });
  const slowGw = await startHarness([{ model_name: 'm', litellm_params: { model: 'openai/gpt-4o', api_base: `${slow.url}/v1`, timeout: 0.2 } }]);
  try {
    const res = await fetch(`${slowGw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', messages: [] }) });
    assert.equal(res.status, 504);
    const body = (await res.json()) as { error: { type: string; code: string; message: string } };
    assert.equal(body.error.type, 'upstream_error');
    assert.equal(body.error.code, '504');
    assert.match(body.error.message, /did not answer in time/);
  } finally {
    await slowGw.close();
    await slow.close();
  }
});

test('a client that leaves a non-streamed request is charged the full answer the provider produced', async () => {
  const slow = await startUpstream({ latencyMs: 1000 });
  const slowGw = await startHarness([{ model_name: 'gpt-4o', litellm_params: { model: 'openai/gpt-4o', api_base: `${slow.url}/v1` } }]);
  try {
    const messages = [{ role: 'user', content: 'Take your time' }];
    const ac = new AbortController();
    const pending = fetch(`${slowGw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o', messages, max_tokens: 8 }), signal: ac.signal });
    await eventually(() => slow.requests.length === 1);
    ac.abort();
    await assert.rejects(pending, { name: 'AbortError' });
    const r = await slowGw.result(1);
    assert.equal(r.aborted, true);
    assert.equal(r.streamed, false);
    const prompt = promptTokensFor({ messages });
    assert.deepEqual(r.usage, { prompt_tokens: prompt, completion_tokens: 8, total_tokens: prompt + 8 });
    close(r.cost, prompt * GPT4O_IN + 8 * GPT4O_OUT);
  } finally {
    await slowGw.close();
    await slow.close();
  }
});
