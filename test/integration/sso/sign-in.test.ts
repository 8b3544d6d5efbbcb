/**
 * SSO sign-in against the real oidc-provider (generic OIDC with GENERIC_ISSUER: discovery and
 * ID-token validation): the authorize request carries PKCE S256, state and nonce; a completed
 * login ends at /ui/#token= with a one-time token that POST /ui/session accepts once; new users
 * are internal_user_viewer, PROXY_ADMIN_ID is proxy_admin, a configured role claim maps to a
 * role; the user is created through the governance routes with audit rows; /config/auth shows
 * the SSO section without secrets; no token, code or secret reaches a log line.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startOidcProvider, type TestOidc } from '../../support/oidc.ts';
import { MASTER, startGateway, type TestGateway } from '../../support/gateway.ts';
import { fullLogin, genericEnv, get, registerCallbacks, startLogin, tokenFromLocation } from './support.ts';

let oidc: TestOidc;
let gw: TestGateway;
let admin: TestGateway;
let roles: TestGateway;

before(async () => {
  oidc = await startOidcProvider({
    accounts: {
      alice: { email: 'alice@example.com', email_verified: true, name: 'Alice Example' },
      root: { email: 'root@example.com', email_verified: true, name: 'Root' },
      olga: { email: 'olga@example.com', email_verified: true, roles: ['not-a-role', 'org_admin'] },
      vic: { email: 'vic@example.com', email_verified: true, roles: 'superuser' },
    },
  });
  gw = await startGateway({ env: genericEnv(oidc) });
  admin = await startGateway({ env: genericEnv(oidc, { PROXY_ADMIN_ID: 'root' }) });
  roles = await startGateway({ env: genericEnv(oidc, { GENERIC_USER_ROLE_ATTRIBUTE: 'roles' }) });
  await registerCallbacks(oidc, [gw, admin, roles]);
});

after(async () => {
  await Promise.all([gw?.stop(), admin?.stop(), roles?.stop()]);
  await oidc?.stop();
});

async function exchange(g: TestGateway, token: string): Promise<{ status: number; json: any }> {
  const r = await g.call('POST', '/ui/session', { token }, { authorization: '' });
  return { status: r.status, json: r.json };
}

test('the authorize request carries PKCE S256, a fresh state and nonce, and the loopback redirect URI', async () => {
  const a = await startLogin(gw);
  const b = await startLogin(gw);
  assert.equal(a.origin, new URL(oidc.issuer).origin);
  assert.equal(a.pathname, '/auth');
  const p = a.searchParams;
  assert.equal(p.get('response_type'), 'code');
  assert.equal(p.get('client_id'), oidc.clients.sso.client_id);
  assert.equal(p.get('redirect_uri'), `${gw.url}/sso/callback`);
  assert.equal(p.get('code_challenge_method'), 'S256');
  assert.match(p.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
  assert.match(p.get('state') ?? '', /^[A-Za-z0-9_-]{43}$/);
  assert.match(p.get('nonce') ?? '', /^[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(p.get('scope')?.split(' ').sort(), ['email', 'openid', 'profile']);
  assert.equal(p.has('code_verifier'), false, 'the verifier never leaves the gateway');
  for (const k of ['state', 'nonce', 'code_challenge']) assert.notEqual(b.searchParams.get(k), p.get(k), `${k} is fresh per login`);
});

test('a completed login redirects to /ui/#token=, and the token buys exactly one session', async () => {
  const { result } = await fullLogin(gw, oidc, 'alice');
  assert.equal(result.status, 302);
  assert.equal(result.headers.get('referrer-policy'), 'no-referrer');
  assert.ok(result.location?.startsWith(`${gw.url}/ui/#token=tgl_`), String(result.location));
  const token = tokenFromLocation(result.location);

  const first = await exchange(gw, token);
  assert.equal(first.status, 200);
  assert.equal(first.json.user_id, 'alice');
  assert.equal(first.json.user_role, 'internal_user_viewer');
  const who = await gw.call('GET', '/ui/whoami', undefined, { authorization: `Bearer ${first.json.session_token}` });
  assert.equal(who.status, 200);
  assert.deepEqual(who.json, { user_id: 'alice', user_role: 'internal_user_viewer', user_email: 'alice@example.com', method: 'ui_session' });

  const second = await exchange(gw, token);
  assert.equal(second.status, 401, 'the sign-in token is single use');
});

test('a new SSO user is internal_user_viewer, created through the governance routes with audit rows', async () => {
  const info = await gw.call('GET', '/user/info?user_id=alice');
  assert.equal(info.status, 200);
  const u = info.json.user_info ?? info.json;
  assert.equal(u.user_role, 'internal_user_viewer');
  assert.equal(u.user_email, 'alice@example.com');
  assert.equal(u.user_alias, 'Alice Example');

  const created = await gw.call('GET', '/audit?object_type=user&object_id=alice&action=user.new');
  assert.equal(created.json.total, 1);
  assert.equal(created.json.data[0].actor, 'sso:generic');
  const signIns = await gw.call('GET', '/audit?object_type=user&object_id=alice&action=sso.sign_in');
  assert.ok(signIns.json.total >= 1);
  assert.equal(signIns.json.data[0].after.provider, 'generic');

  // A viewer may not create keys: the role is enforced, not just reported.
  const { result } = await fullLogin(gw, oidc, 'alice');
  const s = await exchange(gw, tokenFromLocation(result.location));
  const key = await gw.call('POST', '/key/generate', {}, { authorization: `Bearer ${s.json.session_token}` });
  assert.equal(key.status, 403);
  const again = await gw.call('GET', '/audit?object_type=user&object_id=alice&action=user.new');
  assert.equal(again.json.total, 1, 'a returning user is not created twice');
});

test('PROXY_ADMIN_ID signs that user in as proxy_admin; everyone else stays a viewer', async () => {
  const { result } = await fullLogin(admin, oidc, 'root');
  const s = await exchange(admin, tokenFromLocation(result.location));
  assert.equal(s.json.user_role, 'proxy_admin');
  const users = await admin.call('GET', '/user/list', undefined, { authorization: `Bearer ${s.json.session_token}` });
  assert.equal(users.status, 200, 'the admin session can use admin routes');

  const other = await fullLogin(admin, oidc, 'alice');
  const v = await exchange(admin, tokenFromLocation(other.result.location));
  assert.equal(v.json.user_role, 'internal_user_viewer');
  const denied = await admin.call('GET', '/user/list', undefined, { authorization: `Bearer ${v.json.session_token}` });
  assert.equal(denied.status, 403);
});

test('GENERIC_USER_ROLE_ATTRIBUTE maps a known role; an unknown value grants nothing', async () => {
  const olga = await fullLogin(roles, oidc, 'olga');
  assert.equal((await exchange(roles, tokenFromLocation(olga.result.location))).json.user_role, 'org_admin');
  const vic = await fullLogin(roles, oidc, 'vic');
  assert.equal((await exchange(roles, tokenFromLocation(vic.result.location))).json.user_role, 'internal_user_viewer');
});

test('/config/auth shows the SSO section and no secret', async () => {
  const r = await gw.call('GET', '/config/auth');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.sso, {
    enabled: true, provider: 'generic', client_id: oidc.clients.sso.client_id, issuer: oidc.issuer,
    redirect_uri: `${gw.url}/sso/callback`, allowed_email_domains: [],
  });
  assert.ok(!r.text.includes(oidc.clients.sso.client_secret));
});

test('a gateway without SSO says so, on both routes and in /config/auth', async () => {
  const plain = await startGateway();
  try {
    for (const path of ['/sso/key/generate', '/sso/callback?code=x&state=y']) {
      const r = await get(`${plain.url}${path}`);
      assert.equal(r.status, 404);
      assert.match(r.headers.get('content-type') ?? '', /text\/html/);
      assert.match(r.text, /not set up/);
    }
    const cfg = await plain.call('GET', '/config/auth');
    assert.equal(cfg.json.sso.enabled, false);
    assert.equal(cfg.json.sso.provider, null);
    await assert.rejects(plain.gateway.startSso!(), /not configured/);
  } finally {
    await plain.stop();
  }
});

test('no log line carries a sign-in token, a code, a state or the client secret', () => {
  const all = [gw, admin, roles].flatMap((g) => g.logs).join('\n');
  assert.ok(all.includes('sso sign-in'), 'the sign-ins were logged');
  assert.doesNotMatch(all, /tgl_|tgs_/);
  assert.doesNotMatch(all, /code=|state=/);
  assert.ok(!all.includes(oidc.clients.sso.client_secret));
  assert.ok(!all.includes(MASTER));
});
