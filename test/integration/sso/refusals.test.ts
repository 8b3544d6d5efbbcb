/**
 * Every way a callback must be refused (issue 6 "Bad input"), against the real oidc-provider:
 * tampered state, replayed callback, expired login (injected clock), a callback whose state the
 * gateway never issued (no PKCE verifier: login CSRF), a code from another authorization request
 * injected into a pending login (PKCE mismatch), an IdP error, an email outside
 * ALLOWED_EMAIL_DOMAINS or unverified, a blocked user. Each answers a page that says why, with a
 * strict CSP and escaped text, and creates nothing: no redirect, no token, no listener call, no
 * user, no sign-in audit row.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { startOidcProvider, type TestOidc } from '../../support/oidc.ts';
import { startGateway, type TestGateway } from '../../support/gateway.ts';
import { fullLogin, genericEnv, get, loginAtIdp, registerCallbacks, startLogin, tokenFromLocation, type CallbackResult } from './support.ts';

let oidc: TestOidc;
let gw: TestGateway;
let domains: TestGateway;
const handedOff: string[] = [];

before(async () => {
  oidc = await startOidcProvider({
    accounts: {
      alice: { email: 'alice@example.com', email_verified: true },
      bob: { email: 'Bob@EXAMPLE.com', email_verified: true },
      mallory: { email: 'mallory@evil.test', email_verified: true },
      sub: { email: 'sub@dept.example.com', email_verified: true },
      unverified: { email: 'unverified@example.com', email_verified: false },
      noemail: {},
      carol: { email: 'carol@example.com', email_verified: true },
    },
  });
  gw = await startGateway({ env: genericEnv(oidc) });
  domains = await startGateway({ env: genericEnv(oidc, { ALLOWED_EMAIL_DOMAINS: 'example.com, example.org' }) });
  domains.gateway.onSsoComplete((t) => handedOff.push(t));
  await registerCallbacks(oidc, [gw, domains]);
});

after(async () => {
  await Promise.all([gw?.stop(), domains?.stop()]);
  await oidc?.stop();
});

function b64url(buf: Buffer): string {
  return buf.toString('base64url');
}

/** An authorization request the gateway did not make: our own PKCE pair, state and nonce. */
function foreignAuthorizeUrl(g: TestGateway, state = b64url(randomBytes(32))): { url: string; verifier: string } {
  const verifier = b64url(randomBytes(32));
  const u = new URL(`${oidc.issuer}/auth`);
  u.search = new URLSearchParams({
    client_id: oidc.clients.sso.client_id, response_type: 'code', scope: 'openid email profile', redirect_uri: `${g.url}/sso/callback`,
    state, nonce: b64url(randomBytes(16)), code_challenge: b64url(createHash('sha256').update(verifier).digest()), code_challenge_method: 'S256',
  }).toString();
  return { url: u.href, verifier };
}

/** A refusal page: the status, the reason, the headers, and nothing that signs anyone in. */
function assertRefused(r: CallbackResult, status: number, reason: RegExp): void {
  assert.equal(r.status, status, r.text.slice(0, 400));
  assert.equal(r.location, null, 'no redirect');
  assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(r.text, /Sign-in refused/);
  assert.match(r.text, /Nothing was created and you are not signed in/);
  const m = /Reason: ([^<]+)</.exec(r.text);
  assert.ok(m !== null, 'the page names the reason');
  assert.match(m[1]!, reason);
  assert.doesNotMatch(r.text, /tgl_|tgs_|#token=/);
  const csp = r.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.match(csp, /form-action 'none'/);
  assert.doesNotMatch(csp, /script-src|unsafe-inline/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(r.headers.get('cache-control'), 'no-store');
}

async function userExists(g: TestGateway, id: string): Promise<boolean> {
  return (await g.call('GET', `/user/info?user_id=${encodeURIComponent(id)}`)).status === 200;
}

async function signInRows(g: TestGateway, id: string): Promise<number> {
  return (await g.call('GET', `/audit?object_type=user&object_id=${encodeURIComponent(id)}&action=sso.sign_in`)).json.total;
}

test('a tampered state is refused; the untampered callback still completes afterwards', async () => {
  const authorize = await startLogin(gw);
  const callback = await loginAtIdp(oidc, authorize.href, 'alice');
  const state = callback.searchParams.get('state')!;
  const tampered = new URL(callback);
  tampered.searchParams.set('state', state.slice(0, -1) + (state.endsWith('A') ? 'B' : 'A'));
  assertRefused(await get(tampered), 400, /^state_unknown$/);
  assert.equal(await userExists(gw, 'alice'), false);

  const ok = await get(callback);
  assert.equal(ok.status, 302);
  tokenFromLocation(ok.location);
});

test('a replayed callback is refused: the pending login is single use', async () => {
  const { callbackUrl, result } = await fullLogin(gw, oidc, 'carol');
  assert.equal(result.status, 302);
  const rows = await signInRows(gw, 'carol');
  assertRefused(await get(callbackUrl), 400, /^state_unknown$/);
  assert.equal(await signInRows(gw, 'carol'), rows, 'the replay signed no one in');
});

test('a login older than 10 minutes is refused (injected clock)', async () => {
  const authorize = await startLogin(gw);
  gw.clock.advance(10 * 60 * 1000 + 1);
  const callback = await loginAtIdp(oidc, authorize.href, 'late');
  assertRefused(await get(callback), 400, /^login_expired$/);
  assert.equal(await userExists(gw, 'late'), false);
  // Expired logins are gone, not waiting: the same callback again is simply unknown.
  assertRefused(await get(callback), 400, /^state_unknown$/);
});

test('a callback for a login this gateway never started (no PKCE verifier) is refused, though its code is real', async () => {
  const { url } = foreignAuthorizeUrl(gw);
  const callback = await loginAtIdp(oidc, url, 'intruder');
  assert.ok(callback.searchParams.get('code'), 'the provider issued a real code');
  assertRefused(await get(callback), 400, /^state_unknown$/);
  assert.equal(await userExists(gw, 'intruder'), false);
});

test('a code from another authorization request injected into a pending login fails PKCE at the provider', async () => {
  const pending = await startLogin(gw);
  const { url } = foreignAuthorizeUrl(gw);
  const attackerCallback = await loginAtIdp(oidc, url, 'intruder2');
  const injected = new URL(`${gw.url}/sso/callback`);
  injected.searchParams.set('code', attackerCallback.searchParams.get('code')!);
  injected.searchParams.set('state', pending.searchParams.get('state')!);
  injected.searchParams.set('iss', attackerCallback.searchParams.get('iss')!);
  assertRefused(await get(injected), 400, /^token_invalid_grant$/);
  assert.equal(await userExists(gw, 'intruder2'), false);
});

test('callbacks without a state, with repeated parameters, or with an IdP error are refused; error text is escaped', async () => {
  assertRefused(await get(`${gw.url}/sso/callback?code=abc`), 400, /^state_missing$/);
  assertRefused(await get(`${gw.url}/sso/callback?code=a&state=b&state=c`), 400, /^bad_callback$/);

  const pending = await startLogin(gw);
  const state = pending.searchParams.get('state')!;
  const r = await get(`${gw.url}/sso/callback?error=access_denied&state=${state}&error_description=${encodeURIComponent('<script>alert(1)</script> "x"')}`);
  assertRefused(r, 400, /^idp_access_denied$/);
  assert.ok(!r.text.includes('<script>'), 'no markup from the callback reaches the page');
  assert.ok(r.text.includes('&lt;script&gt;alert(1)&lt;/script&gt; &quot;x&quot;'));
  // The error consumed the pending login.
  assertRefused(await get(`${gw.url}/sso/callback?code=x&state=${state}`), 400, /^state_unknown$/);
});

test('ALLOWED_EMAIL_DOMAINS: an address elsewhere is refused with a page, and nothing is created', async () => {
  const { result } = await fullLogin(domains, oidc, 'mallory');
  assertRefused(result, 403, /^email_domain$/);
  assert.match(result.text, /mallory@evil\.test is not allowed to sign in here/);
  assert.match(result.text, /@example\.com, @example\.org/);
  assert.equal(await userExists(domains, 'mallory'), false);
  assert.equal(await signInRows(domains, 'mallory'), 0);
  assert.deepEqual(handedOff, [], 'the desktop shell was not told anything');

  const sub = await fullLogin(domains, oidc, 'sub');
  assertRefused(sub.result, 403, /^email_domain$/);
  assert.equal(await userExists(domains, 'sub'), false, 'a subdomain is another domain');
});

test('ALLOWED_EMAIL_DOMAINS: an unverified or missing address is refused', async () => {
  assertRefused((await fullLogin(domains, oidc, 'unverified')).result, 403, /^email_unverified$/);
  assertRefused((await fullLogin(domains, oidc, 'noemail')).result, 403, /^email_missing$/);
  assert.equal(await userExists(domains, 'unverified'), false);
  assert.equal(await userExists(domains, 'noemail'), false);
  assert.deepEqual(handedOff, []);
});

test('ALLOWED_EMAIL_DOMAINS: an allowed domain (any case) signs in; with a shell listening, the token goes to it and the browser is told to return to the app', async () => {
  const { result } = await fullLogin(domains, oidc, 'bob');
  assert.equal(result.status, 200);
  assert.equal(result.location, null);
  assert.match(result.text, /You are signed in/);
  assert.match(result.text, /Return to the Tollgate app/);
  assert.doesNotMatch(result.text, /tgl_/, 'the browser never sees the token');
  assert.equal(handedOff.length, 1);
  const s = await domains.call('POST', '/ui/session', { token: handedOff[0] }, { authorization: '' });
  assert.equal(s.status, 200);
  assert.equal(s.json.user_id, 'bob');
  const again = await domains.call('POST', '/ui/session', { token: handedOff[0] }, { authorization: '' });
  assert.equal(again.status, 401);
});

test('a blocked user is refused and stays blocked', async () => {
  const { result } = await fullLogin(gw, oidc, 'dave');
  assert.equal(result.status, 302);
  const blocked = await gw.call('POST', '/user/update', { user_id: 'dave', blocked: true });
  assert.equal(blocked.status, 200, blocked.text);
  const again = await fullLogin(gw, oidc, 'dave');
  assertRefused(again.result, 403, /^user_blocked$/);
  assert.equal((await gw.call('GET', '/user/info?user_id=dave')).json.user_info?.blocked ?? (await gw.call('GET', '/user/info?user_id=dave')).json.blocked, true);
});
