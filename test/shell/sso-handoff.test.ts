import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayHost, SessionHolder, exchangeSignInToken, wireSsoHandOff } from '../../src-main/shell/index.ts';
import type { UiSession } from '../../src-main/core/gateway-types.ts';
import { FakeGateway, FakeWindow, settle } from './fakes.ts';

const ssoSession: UiSession = { session_token: 'sso-session-token-0123456789', expires_at: '2099-01-01T00:00:00.000Z', user_id: 'alice@example.com', user_role: 'internal_user' };

async function setup(win: FakeWindow | null) {
  const gateway = new FakeGateway();
  const host = new GatewayHost(async () => gateway);
  await host.start();
  const sessions = new SessionHolder(host);
  const exchanged: Array<[string, string]> = [];
  const errors: unknown[] = [];
  let opened = 0;
  wireSsoHandOff({
    onSsoComplete: (l) => host.onSsoComplete(l),
    sessions,
    gatewayUrl: () => host.url(),
    exchange: async (url, token) => {
      exchanged.push([url, token]);
      if (token === 'bad') throw new Error('refused');
      return ssoSession;
    },
    getWindow: () => win,
    openWindow: () => void opened++,
    onError: (e) => void errors.push(e),
  });
  return { gateway, host, sessions, exchanged, errors, opened: () => opened };
}

test('the window starts with a per-launch owner session', async () => {
  const { sessions, gateway } = await setup(null);
  const s = sessions.get();
  assert.equal(s?.user_role, 'proxy_admin');
  assert.equal(s?.gateway_url, 'http://127.0.0.1:4000');
  assert.equal(sessions.get(), s, 'the same session while it is valid');
  assert.equal(gateway.sessionsMade, 1);
});

test('SSO completion signs the window in and brings it to the front', async () => {
  const win = new FakeWindow(true);
  const { gateway, sessions, exchanged, errors } = await setup(win);
  sessions.get();
  gateway.emitSso('one-time-token');
  await settle();
  assert.deepEqual(exchanged, [['http://127.0.0.1:4000', 'one-time-token']]);
  assert.deepEqual(errors, []);
  assert.deepEqual(sessions.get(), { ...ssoSession, gateway_url: 'http://127.0.0.1:4000' });
  assert.deepEqual(win.calls, ['reload', 'restore', 'show', 'focus']);
});

test('SSO completion with the window closed opens it', async () => {
  const { gateway, opened, sessions } = await setup(null);
  gateway.emitSso('one-time-token');
  await settle();
  assert.equal(opened(), 1);
  assert.equal(sessions.get()?.user_id, 'alice@example.com');
});

test('a failed exchange changes nothing and is reported', async () => {
  const win = new FakeWindow();
  const { gateway, sessions, errors } = await setup(win);
  const before = sessions.get();
  gateway.emitSso('bad');
  await settle();
  assert.equal(errors.length, 1);
  assert.equal(sessions.get(), before);
  assert.deepEqual(win.calls, []);
});

test('the hand-off survives pause and resume of the gateway', async () => {
  const win = new FakeWindow();
  const { host, gateway, sessions } = await setup(win);
  await host.pause();
  assert.equal(gateway.listenerCount, 0);
  assert.equal(sessions.get(), null, 'no session while paused');
  await host.resume();
  gateway.emitSso('after-resume');
  await settle();
  assert.equal(sessions.get()?.user_id, 'alice@example.com');
});

test('an expiring session is replaced by a fresh owner session', async () => {
  let now = Date.parse('2030-01-01T00:00:00Z');
  const gateway = new FakeGateway();
  const host = new GatewayHost(async () => gateway);
  await host.start();
  const sessions = new SessionHolder(host, () => now);
  sessions.set({ ...ssoSession, expires_at: '2030-01-01T00:10:00Z', gateway_url: 'http://127.0.0.1:4000' });
  assert.equal(sessions.get()?.user_id, 'alice@example.com');
  now += 9.5 * 60_000;
  assert.equal(sessions.get()?.user_id, 'owner');
});

test('exchangeSignInToken posts the token to /ui/session and validates the answer', async () => {
  const calls: Array<{ url: string; init: RequestInit | undefined }> = [];
  const fakeFetch = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init });
    return new Response(JSON.stringify(ssoSession), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  assert.deepEqual(await exchangeSignInToken('http://127.0.0.1:4000', 'tok', fakeFetch), ssoSession);
  assert.equal(calls[0]?.url, 'http://127.0.0.1:4000/ui/session');
  assert.equal(calls[0]?.init?.method, 'POST');
  assert.equal(calls[0]?.init?.body, JSON.stringify({ token: 'tok' }));

  const reply = (status: number, body: unknown) => (async () => new Response(JSON.stringify(body), { status })) as unknown as typeof fetch;
  await assert.rejects(exchangeSignInToken('http://127.0.0.1:4000', 'tok', reply(401, { error: {} })), /HTTP 401/);
  await assert.rejects(exchangeSignInToken('http://127.0.0.1:4000', 'tok', reply(200, { ...ssoSession, user_role: 'god' })), /unexpected body/);
  await assert.rejects(exchangeSignInToken('http://127.0.0.1:4000', 'tok', reply(200, { session_token: 'x' })), /unexpected body/);
});
