import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateLlmBody } from '../../../src-main/core/proxy/index.ts';
import { GatewayError } from '../../../src-shared/errors.ts';

function refused(body: unknown): GatewayError {
  try {
    validateLlmBody(body);
  } catch (err) {
    assert.ok(err instanceof GatewayError);
    return err;
  }
  assert.fail('expected validateLlmBody to throw');
}

test('a plain chat body passes and unknown fields are kept', () => {
  const body = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], some_new_param: 1, metadata: { tags: ['a'] } };
  const out = validateLlmBody(body);
  assert.equal(out.model, 'gpt-4o');
  assert.equal(out.some_new_param, 1);
});

test('upstream-redirecting and credential parameters are refused at top level with param named', () => {
  for (const key of ['api_base', 'base_url', 'api_key', 'api_version', 'extra_headers', 'extra_body', 'custom_llm_provider', 'headers', 'azure_ad_token', 'aws_access_key_id', 'aws_secret_access_key', 'API_BASE']) {
    const err = refused({ model: 'gpt-4o', [key]: 'http://evil.example' });
    assert.equal(err.code, 'ERR_FORBIDDEN_PARAM', key);
    assert.equal(err.status, 400);
    assert.equal(err.type, 'invalid_request_error');
    assert.equal(err.param, key);
  }
});

test('the same parameters nested under metadata and litellm_metadata are refused', () => {
  const a = refused({ model: 'm', metadata: { api_base: 'http://evil.example' } });
  assert.equal(a.code, 'ERR_FORBIDDEN_PARAM');
  assert.equal(a.param, 'metadata.api_base');
  const b = refused({ model: 'm', litellm_metadata: { api_key: 'x' } });
  assert.equal(b.param, 'litellm_metadata.api_key');
});

test('the error message does not echo the refused value', () => {
  const err = refused({ model: 'm', api_key: 'sk-super-secret-value' });
  assert.ok(!err.message.includes('sk-super-secret-value'));
  assert.ok(!JSON.stringify(err.toEnvelope()).includes('sk-super-secret-value'));
});

test('non-object bodies and missing or non-string model are ERR_BAD_REQUEST', () => {
  for (const b of [null, 'text', 42, [1, 2]]) {
    const err = refused(b);
    assert.equal(err.code, 'ERR_BAD_REQUEST');
  }
  const missing = refused({ messages: [] });
  assert.equal(missing.code, 'ERR_BAD_REQUEST');
  assert.equal(missing.param, 'model');
  for (const model of [5, '', '   ', null, ['gpt-4o']]) {
    const err = refused({ model });
    assert.equal(err.code, 'ERR_BAD_REQUEST');
    assert.equal(err.param, 'model');
  }
});
