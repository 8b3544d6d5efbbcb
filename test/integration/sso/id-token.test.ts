/**
 * ID-token validation with GENERIC_ISSUER, and the no-issuer (userinfo) mode, against the real
 * oidc-provider. A relay in front of the provider's token endpoint (GENERIC_TOKEN_ENDPOINT
 * overrides the discovered one) swaps the real ID token for one with a changed claim, signed
 * with the provider's own key, or for one signed with another key under the provider's kid: a
 * token for another audience, another login's nonce, another issuer, an expired one, or a forged
 * signature is refused and creates nothing. Untouched, the same relay signs in, so the refusals
 * come from the tampering. Without an issuer the ID token is never read: identity comes from
 * userinfo, so a forged ID token changes nothing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startOidcProvider, type TestOidc } from '../../support/oidc.ts';
import { startGateway, type TestGateway } from '../../support/gateway.ts';
import { fullLogin, genericEnv, registerCallbacks, startTokenRelay, tokenFromLocation, userinfoEnv, type TokenRelay, type CallbackResult } from './support.ts';

let oidc: TestOidc;
let relay: TokenRelay;
let validating: TestGateway;
let userinfo: TestGateway;
let userinfoRelayed: TestGateway;

before(async () => {
  oidc = await startOidcProvider({
    accounts: {
      alice: { email: 'alice@example.com', email_verified: true, name: 'Alice' },
      root: { email: 'root@example.com', email_verified: true },
    },
  });
  relay = await startTokenRelay(oidc);
  validating = await startGateway({ env: genericEnv(oidc, { GENERIC_TOKEN_ENDPOINT: relay.url, PROXY_ADMIN_ID: 'root' }) });
  userinfo = await startGateway({ env: userinfoEnv(oidc, { GENERIC_USER_ID_ATTRIBUTE: 'email' }) });
  userinfoRelayed = await startGateway({ env: userinfoEnv(oidc, { GENERIC_TOKEN_ENDPOINT: relay.url, PROXY_ADMIN_ID: 'root' }) });
  await registerCallbacks(oidc, [validating, userinfo, userinfoRelayed]);
});

after(async () => {
  await Promise.all([validating?.stop(), userinfo?.stop(), userinfoRelayed?.stop()]);
  await relay?.stop();
  await oidc?.stop();
});

function assertRefusedFor(r: CallbackResult, reason: RegExp): void {
  assert.equal(r.status, 400, r.text.slice(0, 400));
  assert.equal(r.location, null);
  const m = /Reason: ([^<]+)</.exec(r.text);
  assert.ok(m !== null);
  assert.match(m[1]!, reason);
  assert.doesNotMatch(r.text, /tgl_|tgs_/);
}

async function tampered(mode: TokenRelay['mode'], tamper: TokenRelay['tamper'], login: string): Promise<CallbackResult> {
  relay.mode = mode;
  relay.tamper = tamper;
  try {
    return (await fullLogin(validating, oidc, login)).result;
  } finally {
    relay.mode = 'pass';
    relay.tamper = (c) => c;
  }
}

async function userExists(g: TestGateway, id: string): Promise<boolean> {
  return (await g.call('GET', `/user/info?user_id=${id}`)).status === 200;
}

test('through the relay, untouched, the login succeeds (the relay itself is sound)', async () => {
  const before = relay.forwarded;
  const { result } = await fullLogin(validating, oidc, 'alice');
  assert.equal(result.status, 302, result.text.slice(0, 300));
  tokenFromLocation(result.location);
  assert.equal(relay.forwarded, before + 1, 'the code went through the relay');
});

test('an ID token for another audience is refused', async () => {
  const r = await tampered('provider-key', (c) => ({ ...c, aud: 'another-client' }), 'aud-victim');
  assertRefusedFor(r, /^id_token_aud$/);
  assert.match(r.text, /not valid for this sign-in/);
  assert.equal(await userExists(validating, 'aud-victim'), false);
});

test("an ID token carrying another login's nonce is refused", async () => {
  const r = await tampered('provider-key', (c) => ({ ...c, nonce: 'nonce-of-another-login' }), 'nonce-victim');
  assertRefusedFor(r, /^id_token_nonce$/);
  assert.equal(await userExists(validating, 'nonce-victim'), false);
});

test('an ID token from another issuer is refused', async () => {
  const r = await tampered('provider-key', (c) => ({ ...c, iss: 'https://evil.example' }), 'iss-victim');
  assertRefusedFor(r, /^id_token_iss$/);
  assert.equal(await userExists(validating, 'iss-victim'), false);
});

test('an expired ID token is refused', async () => {
  const now = Math.floor(Date.now() / 1000);
  const r = await tampered('provider-key', (c) => ({ ...c, iat: now - 7200, exp: now - 3600 }), 'exp-victim');
  assertRefusedFor(r, /^id_token_time$/);
  assert.equal(await userExists(validating, 'exp-victim'), false);
});

test('an ID token signed with another key (under the provider kid) is refused, even claiming PROXY_ADMIN_ID', async () => {
  const r = await tampered('foreign-key', (c) => ({ ...c, sub: 'root' }), 'forger');
  assertRefusedFor(r, /^id_token_signature$/);
  assert.equal(await userExists(validating, 'root'), false);
  assert.equal(await userExists(validating, 'forger'), false);
});

test('without GENERIC_ISSUER the user comes from userinfo (GENERIC_USER_ID_ATTRIBUTE=email)', async () => {
  const { result } = await fullLogin(userinfo, oidc, 'alice');
  assert.equal(result.status, 302, result.text.slice(0, 300));
  const s = await userinfo.call('POST', '/ui/session', { token: tokenFromLocation(result.location) }, { authorization: '' });
  assert.equal(s.json.user_id, 'alice@example.com');
  assert.equal(s.json.user_role, 'internal_user_viewer');
  const cfg = await userinfo.call('GET', '/config/auth');
  assert.equal(cfg.json.sso.issuer, null);
  assert.equal(cfg.json.sso.provider, 'generic');
});

test('without GENERIC_ISSUER a forged ID token is never read: it cannot make anyone PROXY_ADMIN_ID', async () => {
  relay.mode = 'foreign-key';
  relay.tamper = (c) => ({ ...c, sub: 'root', preferred_username: 'root', email: 'root@example.com' });
  try {
    const { result } = await fullLogin(userinfoRelayed, oidc, 'alice');
    assert.equal(result.status, 302, result.text.slice(0, 300));
    const s = await userinfoRelayed.call('POST', '/ui/session', { token: tokenFromLocation(result.location) }, { authorization: '' });
    assert.equal(s.json.user_id, 'alice', 'identity from userinfo (sub), not from the forged token');
    assert.equal(s.json.user_role, 'internal_user_viewer');
    assert.equal(await userExists(userinfoRelayed, 'root'), false);
  } finally {
    relay.mode = 'pass';
    relay.tamper = (c) => c;
  }
});
