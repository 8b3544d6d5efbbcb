import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { startGateway, MASTER, type TestGateway } from '../../support/gateway.ts';

let gw: TestGateway;
let key: string;
before(async () => {
  gw = await startGateway({
    config: `
general_settings:
  litellm_key_header_name: X-My-Key
  allowed_origins: ["https://chat.example"]
  max_request_size_mb: 0.01
  public_routes: ["/spend/calculate"]
`,
  });
  key = (await gw.call('POST', '/key/generate', {})).json.key;
});
after(async () => {
  await gw.stop();
});

/** A raw request, so the Host header and odd headers are exactly what the test says. */
function raw(path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<{ status: number; body: string }> {
  const u = new URL(gw.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, path, method, headers, setHost: false }, (res) => {
      let b = '';
      res.on('data', (d) => { b += String(d); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: b }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

test('DNS rebinding: a foreign Host is 403 forbidden_host before any other work', async () => {
  for (const host of ['evil.example', 'evil.example:4000', '127.0.0.1.evil.example', 'localhost.']) {
    const r = await raw('/key/list', { host, authorization: `Bearer ${MASTER}` });
    assert.equal(r.status, 403, host);
    assert.equal(JSON.parse(r.body).error.type, 'forbidden_host');
  }
  const noAuth = await raw('/v1/models', { host: 'evil.example' });
  assert.equal(JSON.parse(noAuth.body).error.type, 'forbidden_host', 'host is checked before authentication');
  const ok = await raw('/health/liveliness', { host: `localhost:${new URL(gw.url).port}` });
  assert.equal(ok.status, 200);
  const v6 = await raw('/health/liveliness', { host: '[::1]:4000' });
  assert.equal(v6.status, 200);
});

test('browser Origin: management routes only from our own UI; LLM routes from allowed_origins', async () => {
  const evil = await gw.call('POST', '/key/generate', {}, { origin: 'https://evil.example' });
  assert.equal(evil.status, 403);
  assert.equal(evil.json.error.type, 'forbidden_origin');
  const allowedLlmOrigin = await gw.call('POST', '/key/generate', {}, { origin: 'https://chat.example' });
  assert.equal(allowedLlmOrigin.status, 403, 'allowed_origins do not open management routes');
  const llm = await gw.call('GET', '/v1/models', undefined, { origin: 'https://chat.example', authorization: `Bearer ${key}` });
  assert.equal(llm.status, 200);
  assert.equal(llm.headers.get('access-control-allow-origin'), 'https://chat.example');
  const own = await gw.call('GET', '/key/list', undefined, { origin: gw.url });
  assert.equal(own.status, 200);
  const pre = await fetch(`${gw.url}/key/generate`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
  assert.equal(pre.status, 403);
  const preOk = await fetch(`${gw.url}/v1/chat/completions`, { method: 'OPTIONS', headers: { origin: 'https://chat.example', 'access-control-request-method': 'POST' } });
  assert.equal(preOk.status, 204);
  assert.match(preOk.headers.get('access-control-allow-headers') ?? '', /authorization/);
  assert.equal(preOk.headers.get('access-control-allow-credentials'), null, 'no credentials mode: no cookies');
});

test('credential extraction: header order, Bearer rules, never the query string', async () => {
  const variants: Record<string, string>[] = [{ 'x-litellm-api-key': key }, { 'x-litellm-api-key': `Bearer ${key}` }, { 'api-key': key }, { 'x-api-key': key }, { 'x-goog-api-key': key }, { 'x-my-key': key }, { 'x-my-key': `Bearer ${key}` }];
  for (const h of variants) {
    const r = await fetch(`${gw.url}/v1/models`, { headers: h });
    assert.equal(r.status, 200, JSON.stringify(Object.keys(h)));
  }
  const q = await fetch(`${gw.url}/v1/models?api_key=${key}&key=${key}`);
  assert.equal(q.status, 401, 'keys in the query string are ignored');
  const bearerOnly = await raw('/v1/models', { host: '127.0.0.1', authorization: 'Bearer' });
  assert.equal(bearerOnly.status, 401);
  assert.match(JSON.parse(bearerOnly.body).error.message, /no token/);
  const basic = await raw('/v1/models', { host: '127.0.0.1', authorization: `Basic ${Buffer.from('a:b').toString('base64')}` });
  assert.equal(basic.status, 401);
  assert.equal(JSON.parse(basic.body).error.param, 'authorization');
  const tab = await raw('/v1/models', { host: '127.0.0.1', authorization: `Bearer ${key}\tx` });
  assert.equal(tab.status, 401);
  const hash = await gw.call('GET', '/v1/models', undefined, { authorization: `Bearer ${'a'.repeat(64)}` });
  assert.equal(hash.status, 401);
  assert.match(hash.json.error.message, /hash/);
  const first = await gw.call('GET', '/v1/models', undefined, { 'x-litellm-api-key': 'sk-wrong', authorization: `Bearer ${key}` });
  assert.equal(first.status, 401, 'the first present header wins; a later valid one does not rescue it');
  const unknown = await gw.call('GET', '/v1/models', undefined, { authorization: 'Bearer sk-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
  assert.equal(unknown.json.error.type, 'token_not_found_in_db');
  assert.ok(!unknown.text.includes('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), 'the error never repeats the full key');
  const none = await fetch(`${gw.url}/v1/models`);
  assert.equal(none.status, 401);
});

test('body limit, malformed JSON and unknown routes use the envelope', async () => {
  const big = await gw.call('POST', '/key/generate', { key_alias: 'x'.repeat(20_000) });
  assert.equal(big.status, 413);
  assert.equal(big.json.error.type, 'invalid_request_error');
  const bad = await gw.call('POST', '/v1/chat/completions', '{"model": "x",', { authorization: `Bearer ${key}` });
  assert.equal(bad.status, 400);
  assert.match(bad.json.error.message, /Malformed JSON/);
  const nf = await gw.call('GET', '/nope');
  assert.equal(nf.status, 404);
  assert.equal(nf.json.error.type, 'not_found_error');
  assert.equal(nf.json.error.code, '404');
});

test('public routes need no credential; /metrics needs an admin', async () => {
  assert.equal((await fetch(`${gw.url}/health/readiness`)).status, 200);
  assert.equal((await fetch(`${gw.url}/openapi.json`)).status, 200);
  const calc = await fetch(`${gw.url}/spend/calculate`, { method: 'POST', body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }), headers: { 'content-type': 'application/json' } });
  assert.notEqual(calc.status, 401, 'a configured public route');
  assert.equal((await fetch(`${gw.url}/metrics`)).status, 401);
  const m = await gw.call('GET', '/metrics');
  assert.equal(m.status, 200);
  assert.match(m.text, /tollgate_requests_total/);
  assert.match(m.text, /tollgate_auth_failures_total\{type="auth_error"\}/);
  assert.ok(!m.text.includes(key));
});

test('UI sessions: one-time sign-in link, bearer session, sign-out revokes, no cookies', async () => {
  const link = gw.gateway.createSignInLink();
  const token = new URL(link).hash.slice('#token='.length);
  const s = await fetch(`${gw.url}/ui/session`, { method: 'POST', body: JSON.stringify({ token }), headers: { 'content-type': 'application/json' } });
  assert.equal(s.status, 200);
  assert.equal(s.headers.get('set-cookie'), null);
  const session = await s.json() as { session_token: string; user_role: string };
  assert.equal(session.user_role, 'proxy_admin');
  const replay = await fetch(`${gw.url}/ui/session`, { method: 'POST', body: JSON.stringify({ token }), headers: { 'content-type': 'application/json' } });
  assert.equal(replay.status, 401, 'single use');
  const who = await gw.call('GET', '/ui/whoami', undefined, { authorization: `Bearer ${session.session_token}` });
  assert.equal(who.json.user_role, 'proxy_admin');
  const expired = gw.gateway.createSignInLink();
  gw.clock.advance(6 * 60 * 1000);
  const late = await fetch(`${gw.url}/ui/session`, { method: 'POST', body: JSON.stringify({ token: new URL(expired).hash.slice(7) }), headers: { 'content-type': 'application/json' } });
  assert.equal(late.status, 401, 'expired');
  assert.equal((await gw.call('DELETE', '/ui/session', undefined, { authorization: `Bearer ${session.session_token}` })).status, 200);
  assert.equal((await gw.call('GET', '/ui/whoami', undefined, { authorization: `Bearer ${session.session_token}` })).status, 401);
});

test('/openapi.json describes every route of the route table, with the zod request bodies', async () => {
  const { ROUTES } = await import('../../../src-shared/routes.ts');
  const doc = (await gw.call('GET', '/openapi.json', undefined, {})).json;
  for (const r of ROUTES) {
    const path = r.path.replace(/:([a-z_]+)/g, '{$1}');
    assert.ok(doc.paths[path]?.[r.method.toLowerCase()], `${r.method} ${r.path} is documented`);
  }
  for (const p of ['/key/generate', '/team/new', '/user/new', '/customer/new', '/budget/new', '/model/new']) {
    assert.ok(doc.paths[p].post.requestBody, `${p} has its request body schema`);
  }
  assert.equal(doc.paths['/key/generate'].post.requestBody.content['application/json'].schema.additionalProperties, false, 'strict bodies are documented as strict');
});
