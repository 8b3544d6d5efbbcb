import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModelRegistry, upstreamUrl } from '../../../src-main/core/proxy/index.ts';
import type { DeploymentConfig } from '../../../src-shared/config.ts';

const list: DeploymentConfig[] = [
  { model_name: 'gpt-4o', litellm_params: { model: 'openai/gpt-4o', api_key: 'os.environ/OPENAI_API_KEY' }, model_info: { access_groups: ['beta'] } },
  { model_name: 'claude-*', litellm_params: { model: 'anthropic/*', api_key: 'keychain/anthropic' } },
  { model_name: 'claude-special', litellm_params: { model: 'anthropic/claude-3-5-haiku-20241022' } },
  { model_name: 'local', litellm_params: { model: 'ollama/llama3.2' } },
  { model_name: 'vllm', litellm_params: { model: 'meta-llama/Llama-3.1-8B', api_base: 'http://127.0.0.1:8000/v1/' } },
  { model_name: 'az', litellm_params: { model: 'azure/my-deploy', api_base: 'https://x.openai.azure.com', api_version: '2024-06-01', api_key: 'k' } },
  { model_name: 'lb', litellm_params: { model: 'openai/a', api_base: 'http://127.0.0.1:1/v1' } },
  { model_name: 'lb', litellm_params: { model: 'openai/b', api_base: 'http://127.0.0.1:2/v1' } },
  { model_name: 'nobase', litellm_params: { model: 'weird/thing' } },
];

test('exact names resolve with default api_base and the provider prefix stripped', () => {
  const reg = new ModelRegistry(list);
  const d = reg.resolve('gpt-4o');
  assert.ok(d);
  assert.equal(d.provider, 'openai');
  assert.equal(d.upstream_model, 'gpt-4o');
  assert.equal(d.api_base, 'https://api.openai.com/v1');
  assert.equal(d.api_key_ref, 'os.environ/OPENAI_API_KEY');
  assert.deepEqual(d.model_info.access_groups, ['beta']);
  assert.equal(d.timeout_ms, 600_000);
});

test('exact names beat wildcards; wildcard anthropic/* forwards the requested name', () => {
  const reg = new ModelRegistry(list);
  const special = reg.resolve('claude-special');
  assert.equal(special?.upstream_model, 'claude-3-5-haiku-20241022');
  const wild = reg.resolve('claude-sonnet-4-20250514');
  assert.ok(wild);
  assert.equal(wild.provider, 'anthropic');
  assert.equal(wild.model_name, 'claude-*');
  assert.equal(wild.upstream_model, 'claude-sonnet-4-20250514');
  assert.equal(wild.api_base, 'https://api.anthropic.com');
  assert.equal(upstreamUrl(wild, 'messages').href, 'https://api.anthropic.com/v1/messages');
  assert.equal(reg.resolve('gpt-5'), undefined);
});

test('ollama, unknown-prefix OpenAI-compatible and azure deployments build the right URLs', () => {
  const reg = new ModelRegistry(list);
  const local = reg.resolve('local')!;
  assert.equal(local.provider, 'ollama');
  assert.equal(upstreamUrl(local, 'chat').href, 'http://127.0.0.1:11434/v1/chat/completions');
  const vllm = reg.resolve('vllm')!;
  assert.equal(vllm.provider, 'openai_compatible');
  assert.equal(vllm.upstream_model, 'meta-llama/Llama-3.1-8B');
  assert.equal(upstreamUrl(vllm, 'embedding').href, 'http://127.0.0.1:8000/v1/embeddings');
  const az = reg.resolve('az')!;
  assert.equal(az.provider, 'azure');
  assert.equal(upstreamUrl(az, 'chat').href, 'https://x.openai.azure.com/openai/deployments/my-deploy/chat/completions?api-version=2024-06-01');
  // an unknown prefix without api_base has nowhere to go
  assert.equal(reg.resolve('nobase'), undefined);
});

test('several deployments under one name are used round-robin', () => {
  const reg = new ModelRegistry(list);
  const picks = [1, 2, 3, 4].map(() => reg.resolve('lb')!.api_base);
  assert.deepEqual(picks, ['http://127.0.0.1:1/v1', 'http://127.0.0.1:2/v1', 'http://127.0.0.1:1/v1', 'http://127.0.0.1:2/v1']);
});

test('set() replaces the deployments live; modelNames and accessGroupsOf reflect them', () => {
  const reg = new ModelRegistry(list);
  assert.deepEqual(reg.modelNames(), ['gpt-4o', 'claude-*', 'claude-special', 'local', 'vllm', 'az', 'lb', 'nobase']);
  assert.deepEqual(reg.accessGroupsOf('gpt-4o'), ['beta']);
  assert.deepEqual(reg.accessGroupsOf('local'), []);
  reg.set([{ model_name: 'only', litellm_params: { model: 'openai/x', timeout: 5 }, model_info: { access_groups: ['g1', 'g2'] } }]);
  assert.equal(reg.resolve('gpt-4o'), undefined);
  assert.equal(reg.resolve('only')?.timeout_ms, 5000);
  assert.deepEqual(reg.modelNames(), ['only']);
  assert.deepEqual(reg.accessGroupsOf('only'), ['g1', 'g2']);
});
