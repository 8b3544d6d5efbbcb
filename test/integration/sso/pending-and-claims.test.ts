/**
 * The pure parts of SSO: the pending-login store (single use, expiry on the injected clock, a
 * bound, since the start route is public) and the claims mapping (dotted paths, numeric ids,
 * refused ids, role claims that only grant known roles, the email-domain rule).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PendingLogins, MAX_PENDING, PENDING_TTL_MS, identityFrom, checkEmailDomain, claimAt, SsoRefusal } from '../../../src-main/core/sso/index.ts';
import { FakeClock } from '../../support/gateway.ts';

const login = (state: string) => ({ state, codeVerifier: `v-${state}`, nonce: `n-${state}`, redirectUri: 'http://127.0.0.1:1/sso/callback' });

test('a pending login is taken once', () => {
  const p = new PendingLogins(new FakeClock());
  p.add(login('s1'));
  const first = p.take('s1');
  assert.equal(first.status, 'ok');
  assert.equal(first.status === 'ok' && first.login.codeVerifier, 'v-s1');
  assert.deepEqual(p.take('s1'), { status: 'unknown' });
  assert.deepEqual(p.take('never'), { status: 'unknown' });
});

test('a pending login expires after 10 minutes, by the injected clock', () => {
  const clock = new FakeClock();
  const p = new PendingLogins(clock);
  p.add(login('a'));
  p.add(login('b'));
  clock.advance(PENDING_TTL_MS - 1);
  assert.equal(p.take('a').status, 'ok');
  clock.advance(1);
  assert.deepEqual(p.take('b'), { status: 'expired' });
  assert.equal(p.size, 0);
});

test('the store is bounded: past MAX_PENDING the oldest login goes first', () => {
  const p = new PendingLogins(new FakeClock());
  for (let i = 0; i <= MAX_PENDING; i++) p.add(login(`s${i}`));
  assert.equal(p.size, MAX_PENDING);
  assert.deepEqual(p.take('s0'), { status: 'unknown' });
  assert.equal(p.take(`s${MAX_PENDING}`).status, 'ok');
});

const ATTRS = { userId: ['preferred_username', 'sub'], email: 'email', displayName: 'name', role: 'realm_access.roles' };

test('claims: the user id falls back, numbers are ids, dotted paths reach nested claims', () => {
  assert.equal(identityFrom({ sub: 's-1', preferred_username: 'pat' }, ATTRS).user_id, 'pat');
  assert.equal(identityFrom({ sub: 's-1', preferred_username: ' ' }, ATTRS).user_id, 's-1');
  assert.equal(identityFrom({ sub: 1234 }, ATTRS).user_id, '1234');
  assert.equal(claimAt({ a: { b: { c: 1 } } }, 'a.b.c'), 1);
  assert.equal(claimAt({ 'a.b': 2, a: { b: 3 } }, 'a.b'), 2, 'a claim literally named with a dot wins');
  assert.equal(claimAt({ a: [1] }, 'a.0'), undefined, 'no indexing into arrays');
});

test('claims: no id, or an id Tollgate cannot store, is refused', () => {
  assert.throws(() => identityFrom({ email: 'x@y.z' }, ATTRS), (e: unknown) => e instanceof SsoRefusal && e.reason === 'no_user_id');
  assert.throws(() => identityFrom({ sub: 'a\nb' }, ATTRS), (e: unknown) => e instanceof SsoRefusal && e.reason === 'bad_user_id');
  assert.throws(() => identityFrom({ sub: 'x'.repeat(257) }, ATTRS), (e: unknown) => e instanceof SsoRefusal && e.reason === 'bad_user_id');
});

test('claims: the role claim grants only a known user role; team and customer roles are not user roles', () => {
  assert.equal(identityFrom({ sub: 'a', realm_access: { roles: ['offline_access', 'proxy_admin_viewer'] } }, ATTRS).role_claim, 'proxy_admin_viewer');
  assert.equal(identityFrom({ sub: 'a', realm_access: { roles: 'org_admin' } }, ATTRS).role_claim, 'org_admin');
  assert.equal(identityFrom({ sub: 'a', realm_access: { roles: ['team', 'customer', 'admin'] } }, ATTRS).role_claim, null);
  assert.equal(identityFrom({ sub: 'a', role: 'proxy_admin' }, { ...ATTRS, role: null }).role_claim, null, 'no role attribute configured: no role read');
});

test('claims: an email that is not an address is dropped; the domain rule is exact and needs a verified address', () => {
  assert.equal(identityFrom({ sub: 'a', email: 'not-an-address' }, ATTRS).user_email, null);
  const ok = identityFrom({ sub: 'a', email: 'Pat@Example.COM' }, ATTRS);
  checkEmailDomain(ok, ['example.com']);
  checkEmailDomain(ok, []);
  const refused = (claims: Record<string, unknown>, reason: string) =>
    assert.throws(() => checkEmailDomain(identityFrom(claims, ATTRS), ['example.com']), (e: unknown) => e instanceof SsoRefusal && e.reason === reason && e.status === 403);
  refused({ sub: 'a', email: 'pat@example.com.evil.test' }, 'email_domain');
  refused({ sub: 'a', email: 'pat@evil-example.com' }, 'email_domain');
  refused({ sub: 'a', email: 'pat@dept.example.com' }, 'email_domain');
  refused({ sub: 'a', email: 'pat@example.com', email_verified: false }, 'email_unverified');
  refused({ sub: 'a', email: 'pat@example.com', email_verified: 'false' }, 'email_unverified');
  refused({ sub: 'a' }, 'email_missing');
});
