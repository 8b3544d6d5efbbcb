import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModelRegistry, PRICE_TABLE, costOf, estimatePromptTokens, worstCaseCost, worstCaseTokens } from '../../../src-main/core/proxy/index.ts';

const reg = new ModelRegistry([
  { model_name: 'gpt-4o', litellm_params: { model: 'openai/gpt-4o-2024-08-06' } },
  { model_name: 'mini', litellm_params: { model: 'openai/gpt-4o-mini' } },
  { model_name: 'priced', litellm_params: { model: 'openai/gpt-4o' }, model_info: { input_cost_per_token: 0.001, output_cost_per_token: 0.002, max_output_tokens: 100 } },
  { model_name: 'lp-priced', litellm_params: { model: 'openai/custom', api_base: 'http://127.0.0.1:9/v1', input_cost_per_token: 0.5, output_cost_per_token: 1 } },
  { model_name: 'claude-*', litellm_params: { model: 'anthropic/*' } },
  { model_name: 'local', litellm_params: { model: 'ollama/gpt-4o' } },
  { model_name: 'unknown', litellm_params: { model: 'openai/my-finetune-xyz' } },
]);
const usage = { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 };
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} != ${b}`);

test('built-in prices apply, dated names find their base model and the longest prefix wins', () => {
  close(costOf(usage, reg.resolve('gpt-4o')!), 1000 * 2.5e-6 + 500 * 1e-5);
  close(costOf(usage, reg.resolve('mini')!), 1000 * 1.5e-7 + 500 * 6e-7);
  const sonnet = PRICE_TABLE['claude-sonnet-4']!;
  close(costOf(usage, reg.resolve('claude-sonnet-4-20250514')!), 1000 * sonnet.input + 500 * sonnet.output);
  const opus45 = PRICE_TABLE['claude-opus-4-5']!;
  close(costOf(usage, reg.resolve('claude-opus-4-5-20251101')!), 1000 * opus45.input + 500 * opus45.output);
});

test('model_info and litellm_params prices override the table; unknown and ollama models are free', () => {
  close(costOf(usage, reg.resolve('priced')!), 1000 * 0.001 + 500 * 0.002);
  close(costOf(usage, reg.resolve('lp-priced')!), 1000 * 0.5 + 500 * 1);
  assert.equal(costOf(usage, reg.resolve('unknown')!), 0);
  assert.equal(costOf(usage, reg.resolve('local')!), 0);
});

test('estimatePromptTokens counts ~chars/4 plus per-message overhead for each body shape', () => {
  const chat = estimatePromptTokens('chat', { model: 'm', messages: [{ role: 'user', content: 'x'.repeat(400) }, { role: 'user', content: [{ type: 'text', text: 'y'.repeat(40) }] }] });
  assert.equal(chat, 110 + 3 + 8);
  const msgs = estimatePromptTokens('messages', { model: 'm', system: 'z'.repeat(40), messages: [{ role: 'user', content: 'x'.repeat(40) }] });
  assert.equal(msgs, 20 + 3 + 8);
  assert.equal(estimatePromptTokens('embedding', { model: 'm', input: ['abcd', 'efgh'] }), 2 + 3 + 2);
  assert.equal(estimatePromptTokens('completion', { model: 'm', prompt: 'abcdefgh' }), 2 + 3 + 1);
});

test('worst case uses max_tokens, else max_completion_tokens, else the model limit, else 4096', () => {
  const body = { model: 'x', messages: [{ role: 'user', content: 'x'.repeat(400) }] };
  const prompt = estimatePromptTokens('chat', body);
  const d = reg.resolve('gpt-4o')!;
  assert.equal(worstCaseTokens('chat', { ...body, max_tokens: 50 }, d), prompt + 50);
  assert.equal(worstCaseTokens('chat', { ...body, max_completion_tokens: 70 }, d), prompt + 70);
  assert.equal(worstCaseTokens('chat', body, d), prompt + 16_384);
  assert.equal(worstCaseTokens('chat', body, reg.resolve('priced')!), prompt + 100);
  assert.equal(worstCaseTokens('chat', body, reg.resolve('unknown')!), prompt + 4096);
  close(worstCaseCost('chat', { ...body, max_tokens: 50 }, d), prompt * 2.5e-6 + 50 * 1e-5);
  assert.ok(worstCaseCost('chat', { ...body, max_tokens: 50 }, d) >= costOf({ prompt_tokens: prompt, completion_tokens: 50, total_tokens: prompt + 50 }, d));
  assert.equal(worstCaseCost('chat', body, reg.resolve('local')!), 0);
  assert.equal(worstCaseCost('count_tokens', body, d), 0);
});
