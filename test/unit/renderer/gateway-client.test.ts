// The UI's GatewayClient on plain Node with an injected fetch: envelope parsing, bearer header,
// no cookies, and the sign-out hook on refused credentials.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, GatewayClient, buildPath, parseErrorResponse } from '../../../src-renderer/api/GatewayClient.ts';

interface Seen {
  url: string;
  init: RequestInit;
}

function fakeFetch(status: number, body: string, seen: Seen[] = [], statusText = ''): typeof fetch {
  return async (input, init) => {
    seen.push({ url: String(input), init: init ?? {} });
    return new Response(status === 204 ? null : body, { status, statusText, headers: { 'content-type': 'application/json' } });
  };
}

test('parseErrorResponse reads the contract envelope', () => {
  const e = parseErrorResponse(
    400,
    'Bad Request',
    JSON.stringify({ error: { message: 'max_budget must be >= 0', type: 'invalid_request_error', param: 'max_budget', code: '400' } }),
  );
  assert.ok(e instanceof ApiError);
  assert.equal(e.status, 400);
  assert.equal(e.type, 'invalid_request_error');
  assert.equal(e.param, 'max_budget');
  assert.equal(e.code, '400');
  assert.equal(e.message, 'max_budget must be >= 0');
  assert.equal(e.isSessionError, false);
});

test('parseErrorResponse keeps expired_key params and marks session errors', () => {
  const e = parseErrorResponse(401, '', JSON.stringify({ error: { message: 'Key expired', type: 'expired_key', param: 'sk-...abcd', code: '401' } }));
  assert.equal(e.param, 'sk-...abcd');
  assert.equal(e.isSessionError, true);
  const upstream = parseErrorResponse(401, '', JSON.stringify({ error: { message: 'bad provider key', type: 'upstream_error', param: null, code: '401' } }));
  assert.equal(upstream.isSessionError, false, 'a provider 401 does not sign the user out');
});

test('parseErrorResponse tolerates other shapes and non-JSON bodies', () => {
  assert.equal(parseErrorResponse(500, '', JSON.stringify({ error: 'boom' })).message, 'boom');
  assert.equal(parseErrorResponse(422, '', JSON.stringify({ detail: 'nope' })).message, 'nope');
  assert.equal(parseErrorResponse(403, '', JSON.stringify({ detail: { error: 'denied' } })).message, 'denied');
  const html = parseErrorResponse(502, 'Bad Gateway', '<html>oops</html>');
  assert.equal(html.type, 'http_error');
  assert.equal(html.status, 502);
  assert.match(html.message, /502 Bad Gateway/);
  assert.equal(parseErrorResponse(404, '', '').param, null);
  // Empty strings in the envelope are treated as absent.
  const blank = parseErrorResponse(400, '', JSON.stringify({ error: { message: 'x', type: '', param: '', code: 400 } }));
  assert.equal(blank.type, 'http_error');
  assert.equal(blank.param, null);
  assert.equal(blank.code, '400');
});

test('requests carry the bearer, omit cookies and encode the query', async () => {
  const seen: Seen[] = [];
  const client = new GatewayClient({ baseUrl: 'http://127.0.0.1:4000/', getToken: () => 'tok-123', fetch: fakeFetch(200, '{"keys":[]}', seen) });
  const body = await client.get<{ keys: unknown[] }>('/key/list', { page: 2, size: 50, team_id: '', user_id: undefined, q: 'a b&c' });
  assert.deepEqual(body, { keys: [] });
  const call = seen[0]!;
  assert.equal(call.url, 'http://127.0.0.1:4000/key/list?page=2&size=50&q=a+b%26c');
  assert.equal(call.init.credentials, 'omit');
  assert.equal((call.init.headers as Record<string, string>).Authorization, 'Bearer tok-123');
});

test('POST sends JSON; the sign-in exchange sends no bearer', async () => {
  const seen: Seen[] = [];
  const grant = { session_token: 's', expires_at: null, user_id: 'admin', user_role: 'proxy_admin' };
  const client = new GatewayClient({ baseUrl: '', getToken: () => 'old', fetch: fakeFetch(200, JSON.stringify(grant), seen) });
  assert.deepEqual(await client.exchangeSignInToken('one-time'), grant);
  const call = seen[0]!;
  assert.equal(call.url, '/ui/session');
  assert.equal(call.init.method, 'POST');
  assert.equal(call.init.body, '{"token":"one-time"}');
  const headers = call.init.headers as Record<string, string>;
  assert.equal(headers['Content-Type'], 'application/json');
  assert.equal(headers.Authorization, undefined);
});

test('a refused credential calls onUnauthorized once and rejects with ApiError', async () => {
  let calls = 0;
  const env = JSON.stringify({ error: { message: 'session revoked', type: 'auth_error', param: null, code: '401' } });
  const client = new GatewayClient({ baseUrl: '', getToken: () => 't', fetch: fakeFetch(401, env), onUnauthorized: () => calls++ });
  await assert.rejects(client.get('/key/list'), (e: unknown) => e instanceof ApiError && e.status === 401 && e.message === 'session revoked');
  assert.equal(calls, 1);
  // A refused sign-in link is an error to show, not a session to end.
  await assert.rejects(client.exchangeSignInToken('x'), ApiError);
  assert.equal(calls, 1);
  // Nor is a 403 (authenticated but not allowed).
  const forbidden = new GatewayClient({ baseUrl: '', getToken: () => 't', fetch: fakeFetch(403, JSON.stringify({ error: { message: 'no', type: 'auth_error', param: null, code: '403' } })), onUnauthorized: () => calls++ });
  await assert.rejects(forbidden.get('/audit'), (e: unknown) => e instanceof ApiError && e.status === 403);
  assert.equal(calls, 1);
});

test('network failures become network_error; empty bodies resolve undefined', async () => {
  const down = new GatewayClient({ baseUrl: 'http://127.0.0.1:9', getToken: () => null, fetch: async () => { throw new TypeError('fetch failed'); } });
  await assert.rejects(down.get('/key/list'), (e: unknown) => e instanceof ApiError && e.status === 0 && e.type === 'network_error' && /127\.0\.0\.1:9/.test(e.message));
  const empty = new GatewayClient({ baseUrl: '', getToken: () => 't', fetch: fakeFetch(204, '') });
  assert.equal(await empty.revokeSession(), undefined);
  const bad = new GatewayClient({ baseUrl: '', getToken: () => 't', fetch: fakeFetch(200, 'not json') });
  await assert.rejects(bad.get('/x'), (e: unknown) => e instanceof ApiError && e.type === 'invalid_response');
});

test('buildPath drops empty values', () => {
  assert.equal(buildPath('/spend/logs', { start_date: '2025-01-01', model: '', user_id: null, page: 1 }), '/spend/logs?start_date=2025-01-01&page=1');
  assert.equal(buildPath('/audit'), '/audit');
});
