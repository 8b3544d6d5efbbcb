import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyRoute, routeMatches } from '../../../src-shared/routes.ts';

test('classifyRoute finds static and parameterised routes', () => {
  assert.equal(classifyRoute('POST', '/v1/chat/completions')?.perm, 'llm');
  assert.equal(classifyRoute('POST', '/key/sk-abc/regenerate')?.path, '/key/:key/regenerate');
  assert.equal(classifyRoute('GET', '/v1/chat/completions'), undefined);
  assert.equal(classifyRoute('POST', '/key//regenerate'), undefined);
});

test('routeMatches understands classes, wildcards, prefixes and exact paths', () => {
  const chat = classifyRoute('POST', '/v1/chat/completions');
  assert.ok(routeMatches('llm_api_routes', '/v1/chat/completions', chat));
  assert.ok(routeMatches('LiteLLMRoutes.llm_api_routes', '/v1/chat/completions', chat));
  assert.ok(!routeMatches('management_routes', '/v1/chat/completions', chat));
  assert.ok(routeMatches('/v1/*', '/v1/chat/completions', chat));
  assert.ok(routeMatches('/v1/', '/v1/chat/completions', chat));
  assert.ok(!routeMatches('/v1/chat', '/v1/chat/completions', chat));
  assert.ok(routeMatches('/v1/chat/completions', '/v1/chat/completions', chat));
});
