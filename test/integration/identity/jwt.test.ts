/**
 * JWT auth against a real oidc-provider: verification failures (CONTRACT 5 "bad input"), claim
 * mapping, key cache behaviour (rotation, stale copy, outage) and OIDC userinfo.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPublicKey } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import { generateKeyPair, SignJWT, base64url } from 'jose';
import { GatewayError } from '../../../src-shared/errors.ts';
import type { ErrorCode } from '../../../src-shared/errors.ts';
import { generalSettingsSchema } from '../../../src-shared/config.ts';
import type { JwtAuthConfig } from '../../../src-shared/config.ts';
import { normaliseIdentitySettings } from '../../../src-main/core/auth/identity.ts';
import type { JwtSettings } from '../../../src-main/core/auth/identity.ts';
import { createJwtAuthenticator } from '../../../src-main/core/auth/jwt/index.ts';
import type { JwtAuthenticator } from '../../../src-main/core/auth/jwt/index.ts';
import { startOidcProvider } from '../../support/oidc.ts';
import type { TestOidc } from '../../support/oidc.ts';
import { FakeClock, FakeDirectory, REQ } from '../../unit/auth/fake-directory.ts';

let op: TestOidc;

before(async () => {
  op = await startOidcProvider({ accounts: { alice: { email: 'alice@corp.example', groups: ['eng'] } } });
});
after(async () => {
  await op.stop();
});

function settingsFor(extra: JwtAuthConfig = {}, keyUrl: string | string[] = op.jwksUri): JwtSettings {
  const general = generalSettingsSchema.parse({
    enable_jwt_auth: true,
    litellm_jwtauth: { public_key_url: keyUrl, audience: op.resource, issuer: op.issuer, ...extra },
  });
  const s = normaliseIdentitySettings(general, {}).jwt;
  assert.ok(s);
  return s;
}

interface Rig {
  auth: JwtAuthenticator;
  dir: FakeDirectory;
  clock: FakeClock;
  fetches: () => number;
}

function rig(extra: JwtAuthConfig = {}, opts: { dir?: FakeDirectory; keyUrl?: string | string[]; settings?: Partial<JwtSettings> } = {}): Rig {
  const dir = opts.dir ?? new FakeDirectory();
  const clock = new FakeClock();
  let n = 0;
  const countingFetch = (input: string, init?: RequestInit) => {
    n++;
    return fetch(input, init);
  };
  const settings = { ...settingsFor(extra, opts.keyUrl), ...opts.settings };
  const auth = createJwtAuthenticator(settings, { clock, directory: dir, fetch: countingFetch });
  return { auth, dir, clock, fetches: () => n };
}

function bearer(token: string) {
  return { token, header: 'authorization' };
}

async function rejectsWith(p: Promise<unknown>, code: ErrorCode, status: number, message?: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof GatewayError, `expected GatewayError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.equal(err.status, status);
    if (message) assert.match(err.message, message);
    return true;
  });
}

function nowSec(clock: FakeClock): number {
  return Math.floor(clock.now() / 1000);
}

function baseClaims(clock: FakeClock, extra: Record<string, unknown> = {}) {
  return { iss: op.issuer, aud: op.resource, sub: 'alice', iat: nowSec(clock), exp: nowSec(clock) + 600, ...extra };
}

describe('JWT: accepted tokens', () => {
  it('a provider-minted client_credentials JWT is accepted; claims map to a Principal', async () => {
    const r = rig();
    const p = await r.auth.authenticate(bearer(await op.issueJwt()), REQ);
    assert.ok(p);
    assert.equal(p.method, 'jwt');
    assert.equal(p.user_id, op.clients.m2m.client_id);
    assert.equal(p.user_role, 'internal_user');
    assert.equal(p.display, `jwt:${op.clients.m2m.client_id}`);
    assert.equal(p.team_id, null);
    assert.deepEqual(r.dir.writes, []);
  });

  it('the stored user\'s role applies to a user token', async () => {
    const r = rig({}, { dir: new FakeDirectory().addUser('alice', 'org_admin', { user_email: 'alice@corp.example' }) });
    const p = await r.auth.authenticate(bearer(await op.issueJwt({ sub: 'alice' })), REQ);
    assert.equal(p?.user_id, 'alice');
    assert.equal(p?.user_role, 'org_admin');
    assert.equal(p?.user_email, 'alice@corp.example');
  });

  it('an OIDC discovery URL works as the key source, as do several URLs with one unreachable', async () => {
    const r1 = rig({}, { keyUrl: op.discoveryUrl });
    assert.ok(await r1.auth.authenticate(bearer(await op.issueJwt()), REQ));
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const deadPort = (dead.address() as AddressInfo).port;
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    const r2 = rig({}, { keyUrl: [`http://127.0.0.1:${deadPort}/jwks`, op.jwksUri] });
    assert.ok(await r2.auth.authenticate(bearer(await op.issueJwt()), REQ));
  });

  it('leeway: a token expired 10 s ago passes with the default 30 s leeway', async () => {
    const r = rig();
    const t = await op.signWithProviderKey(baseClaims(r.clock, { exp: nowSec(r.clock) - 10 }));
    assert.ok(await r.auth.authenticate(bearer(t), REQ));
  });

  it('falls through (null) for no credential, virtual keys and opaque tokens without userinfo', async () => {
    const r = rig();
    assert.equal(await r.auth.authenticate(null, REQ), null);
    assert.equal(await r.auth.authenticate(bearer('sk-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'), REQ), null);
    assert.equal(await r.auth.authenticate(bearer('some-opaque-token'), REQ), null);
    assert.equal(r.fetches(), 0);
  });
});

describe('JWT: bad input (each 401, nothing upserted)', () => {
  const upsertAll: JwtAuthConfig = { team_id_jwt_field: 'team_id', team_id_upsert: true, user_id_upsert: true, user_email_jwt_field: 'email' };

  it('expired', async () => {
    const r = rig(upsertAll);
    const t = await op.signWithProviderKey(baseClaims(r.clock, { exp: nowSec(r.clock) - 120, iat: nowSec(r.clock) - 720 }));
    await rejectsWith(r.auth.authenticate(bearer(t), REQ), 'ERR_TOKEN_EXPIRED', 401, /expired/);
    assert.deepEqual(r.dir.writes, []);
  });

  it('expired by the injected clock (provider-minted token, clock moved past exp + leeway)', async () => {
    const r = rig(upsertAll);
    const t = await op.issueJwt();
    r.clock.advance(3600_000 + 31_000);
    await rejectsWith(r.auth.authenticate(bearer(t), REQ), 'ERR_TOKEN_EXPIRED', 401);
  });

  it('not yet valid (nbf beyond leeway)', async () => {
    const r = rig(upsertAll);
    const t = await op.signWithProviderKey(baseClaims(r.clock, { nbf: nowSec(r.clock) + 120 }));
    await rejectsWith(r.auth.authenticate(bearer(t), REQ), 'ERR_INVALID_TOKEN', 401, /not yet valid/);
    assert.deepEqual(r.dir.writes, []);
  });

  it('no exp at all', async () => {
    const r = rig();
    const { exp: _exp, ...claims } = baseClaims(r.clock);
    const t = await op.signWithProviderKey(claims);
    await rejectsWith(r.auth.authenticate(bearer(t), REQ), 'ERR_INVALID_TOKEN', 401);
  });

  it('wrong audience (a real token minted for another resource)', async () => {
    const r = rig(upsertAll);
    const t = await op.issueJwt({ team_id: 'new-team' }, 'https://other-service.example/api');
    await rejectsWith(r.auth.authenticate(bearer(t), REQ), 'ERR_INVALID_TOKEN', 401, /audience/);
    assert.deepEqual(r.dir.writes, []);
  });

  it('wrong issuer', async () => {
    const r = rig(upsertAll);
    const t = await op.signWithProviderKey(baseClaims(r.clock, { iss: 'https://evil.example' }));
    await rejectsWith(r.auth.authenticate(bearer(t), REQ), 'ERR_INVALID_TOKEN', 401, /issuer/);
    assert.deepEqual(r.dir.writes, []);
  });

  it('unknown kid: one refetch, then 401; no second refetch within 30 s; concurrent requests share the refetch', async () => {
    const r = rig(upsertAll);
    assert.ok(await r.auth.authenticate(bearer(await op.issueJwt()), REQ));
    const before = r.fetches();
    const { privateKey } = await generateKeyPair('RS256');
    const rogue = (kid: string) => new SignJWT(baseClaims(r.clock, { team_id: 'x' })).setProtectedHeader({ alg: 'RS256', kid }).sign(privateKey);
    await rejectsWith(r.auth.authenticate(bearer(await rogue('rogue-1')), REQ), 'ERR_INVALID_TOKEN', 401, /kid/);
    assert.equal(r.fetches(), before + 1, 'exactly one refetch');
    await rejectsWith(r.auth.authenticate(bearer(await rogue('rogue-2')), REQ), 'ERR_INVALID_TOKEN', 401);
    assert.equal(r.fetches(), before + 1, 'no refetch within 30 s');
    r.clock.advance(31_000);
    const tokens = await Promise.all([1, 2, 3, 4, 5].map((i) => rogue(`burst-${i}`)));
    const results = await Promise.allSettled(tokens.map((t) => r.auth.authenticate(bearer(t), REQ)));
    assert.ok(results.every((x) => x.status === 'rejected'));
    assert.equal(r.fetches(), before + 2, 'one single-flight refetch for the burst');
    assert.deepEqual(r.dir.writes, [`upsertUser:${op.clients.m2m.client_id}`], 'only the valid warm-up token upserted');
  });

  it('alg none is refused before any key lookup', async () => {
    const r = rig(upsertAll);
    const t = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url.encode(JSON.stringify(baseClaims(r.clock)))}.`;
    await rejectsWith(r.auth.authenticate(bearer(t), REQ), 'ERR_INVALID_TOKEN', 401, /"none" is not accepted/);
    assert.equal(r.fetches(), 0);
    assert.deepEqual(r.dir.writes, []);
  });

  it('RS256 -> HS256 confusion with the public key as the HMAC secret is refused before any key lookup', async () => {
    const r = rig(upsertAll);
    const pem = createPublicKey({ key: op.publicJwk as unknown as JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string;
    for (const secret of [pem, JSON.stringify(op.publicJwk)]) {
      const t = await new SignJWT(baseClaims(r.clock)).setProtectedHeader({ alg: 'HS256', kid: op.publicJwk.kid }).sign(new TextEncoder().encode(secret));
      await rejectsWith(r.auth.authenticate(bearer(t), REQ), 'ERR_INVALID_TOKEN', 401, /HS256/);
    }
    assert.equal(r.fetches(), 0);
    assert.deepEqual(r.dir.writes, []);
  });

  it('tampered payload (signature no longer matches)', async () => {
    const r = rig(upsertAll);
    const t = await op.issueJwt({ sub: 'mallory' });
    const [h, , s] = t.split('.');
    const forged = { ...JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()), sub: 'admin', scope: 'litellm_proxy_admin' };
    const tampered = `${h}.${base64url.encode(JSON.stringify(forged))}.${s}`;
    await rejectsWith(r.auth.authenticate(bearer(tampered), REQ), 'ERR_INVALID_TOKEN', 401, /signature/);
    assert.deepEqual(r.dir.writes, []);
  });

  it('oversized token (> 16 KiB)', async () => {
    const r = rig(upsertAll);
    const t = await op.signWithProviderKey(baseClaims(r.clock, { padding: 'x'.repeat(17 * 1024) }));
    await rejectsWith(r.auth.authenticate(bearer(t), REQ), 'ERR_INVALID_TOKEN', 401, /larger than 16384/);
    assert.equal(r.fetches(), 0);
  });

  it('claims that are not JSON', async () => {
    const r = rig(upsertAll);
    const t = `${base64url.encode(JSON.stringify({ alg: 'RS256', kid: op.publicJwk.kid }))}.${base64url.encode('this is not json')}.${base64url.encode('sig')}`;
    await rejectsWith(r.auth.authenticate(bearer(t), REQ), 'ERR_INVALID_TOKEN', 401, /not a JSON object/);
    assert.equal(r.fetches(), 0);
  });

  it('header that is not JSON', async () => {
    const r = rig();
    const t = `${base64url.encode('{{{')}.${base64url.encode('{}')}.${base64url.encode('sig')}`;
    await rejectsWith(r.auth.authenticate(bearer(t), REQ), 'ERR_INVALID_TOKEN', 401, /header/);
  });

  for (const [label, claims, pattern] of [
    ['team id is a number', { team_id: 42 }, /"team_id" \(team id\) must be a string/],
    ['team id is an object', { team_id: { id: 't1' } }, /"team_id" \(team id\) must be a string/],
    ['email is not a string', { email: ['a@corp.example'] }, /"email" \(email\) must be a string/],
    ['sub is a number', { sub: 7 }, /"sub"/],
  ] as const) {
    it(`wrong claim type: ${label} (signed by the real provider)`, async () => {
      const r = rig(upsertAll);
      const t = await op.issueJwt(claims);
      await rejectsWith(r.auth.authenticate(bearer(t), REQ), 'ERR_INVALID_TOKEN', 401, pattern);
      assert.deepEqual(r.dir.writes, [], 'nothing upserted');
    });
  }

  it('wrong claim type: team ids not an array of strings', async () => {
    const r = rig({ ...upsertAll, team_ids_jwt_field: 'groups' });
    const t = await op.issueJwt({ groups: ['a', 1] });
    await rejectsWith(r.auth.authenticate(bearer(t), REQ), 'ERR_INVALID_TOKEN', 401, /array of strings/);
    assert.deepEqual(r.dir.writes, []);
  });
});

describe('JWT: claim mapping (litellm_jwtauth)', () => {
  it('admin scope -> proxy_admin, limited by admin_allowed_routes', async () => {
    const r = rig({ admin_allowed_routes: ['management_routes', 'info_routes'] });
    const p = await r.auth.authenticate(bearer(await op.issueJwt({ sub: 'ops' }, undefined, 'litellm_proxy_admin llm.read')), REQ);
    assert.equal(p?.user_role, 'proxy_admin');
    assert.deepEqual(p?.allowed_routes, ['management_routes', 'info_routes']);
    assert.deepEqual(p?.scopes, ['litellm_proxy_admin', 'llm.read']);
  });

  it('scp array also carries the admin scope; without admin_allowed_routes no route narrowing', async () => {
    const r = rig();
    const p = await r.auth.authenticate(bearer(await op.signWithProviderKey(baseClaims(r.clock, { scp: ['litellm_proxy_admin'] }))), REQ);
    assert.equal(p?.user_role, 'proxy_admin');
    assert.equal(p?.allowed_routes, undefined);
  });

  it('role mapping with glob patterns (jwt_litellm_role_map and role_mappings), dotted claim path', async () => {
    const r = rig({
      roles_jwt_field: 'realm_access.roles',
      jwt_litellm_role_map: [{ jwt_role: 'tollgate-admin', litellm_role: 'proxy_admin' }, { jwt_role: 'dev-*', litellm_role: 'internal_user' }],
      role_mappings: [{ role: 'viewer?', internal_role: 'internal_user_viewer' }],
    });
    const dev = await r.auth.authenticate(bearer(await op.issueJwt({ sub: 'd1', realm_access: { roles: ['other', 'dev-frontend'] } })), REQ);
    assert.equal(dev?.user_role, 'internal_user');
    const admin = await r.auth.authenticate(bearer(await op.issueJwt({ sub: 'a1', realm_access: { roles: ['tollgate-admin'] } })), REQ);
    assert.equal(admin?.user_role, 'proxy_admin');
    const viewer = await r.auth.authenticate(bearer(await op.issueJwt({ sub: 'v1', realm_access: { roles: ['viewer1'] } })), REQ);
    assert.equal(viewer?.user_role, 'internal_user_viewer');
  });

  it('enforce_rbac: an unmapped role is 403, nothing upserted', async () => {
    const r = rig({ roles_jwt_field: 'roles', enforce_rbac: true, user_id_upsert: true, jwt_litellm_role_map: [{ jwt_role: 'llm-user', litellm_role: 'internal_user' }] });
    await rejectsWith(r.auth.authenticate(bearer(await op.issueJwt({ sub: 'u9', roles: ['guest'] })), REQ), 'ERR_CLAIMS_NOT_ALLOWED', 403, /enforce_rbac/);
    assert.deepEqual(r.dir.writes, []);
    const ok = await r.auth.authenticate(bearer(await op.issueJwt({ sub: 'u9', roles: ['llm-user'] })), REQ);
    assert.equal(ok?.user_role, 'internal_user');
    assert.deepEqual(r.dir.writes, ['upsertUser:u9']);
  });

  it('user_allowed_email_domain: outside -> 403, missing -> 403, inside -> ok (case-insensitive)', async () => {
    const r = rig({ user_email_jwt_field: 'email', user_allowed_email_domain: 'corp.example', user_id_upsert: true });
    await rejectsWith(r.auth.authenticate(bearer(await op.issueJwt({ sub: 'eve', email: 'eve@evil.example' })), REQ), 'ERR_CLAIMS_NOT_ALLOWED', 403, /outside the allowed domain/);
    await rejectsWith(r.auth.authenticate(bearer(await op.issueJwt({ sub: 'eve', email: 'eve@corp.example.evil.example' })), REQ), 'ERR_CLAIMS_NOT_ALLOWED', 403);
    await rejectsWith(r.auth.authenticate(bearer(await op.issueJwt({ sub: 'eve' })), REQ), 'ERR_CLAIMS_NOT_ALLOWED', 403, /no email/);
    assert.deepEqual(r.dir.writes, []);
    const p = await r.auth.authenticate(bearer(await op.issueJwt({ sub: 'bob', email: 'Bob@CORP.example' })), REQ);
    assert.equal(p?.user_email, 'Bob@CORP.example');
  });

  it('scope mappings narrow models and routes; no mapped scope -> 403', async () => {
    const r = rig({
      enforce_scope_based_access: true,
      scope_mappings: [
        { scope: 'models.cheap', models: ['gpt-4o-mini'] },
        { scope: 'models.all', models: ['gpt-4o', 'gpt-4o-mini'], routes: ['/v1/chat/completions'] },
      ],
    });
    const cheap = await r.auth.authenticate(bearer(await op.issueJwt({}, undefined, 'models.cheap')), REQ);
    assert.deepEqual(cheap?.models, ['gpt-4o-mini']);
    assert.equal(cheap?.allowed_routes, undefined);
    const all = await r.auth.authenticate(bearer(await op.issueJwt({}, undefined, 'models.cheap models.all')), REQ);
    assert.deepEqual(all?.models, ['gpt-4o-mini', 'gpt-4o']);
    assert.deepEqual(all?.allowed_routes, ['/v1/chat/completions']);
    await rejectsWith(r.auth.authenticate(bearer(await op.issueJwt({}, undefined, 'llm.read')), REQ), 'ERR_CLAIMS_NOT_ALLOWED', 403, /scope/);
  });

  it('team token: known team -> role team, team_allowed_routes, org from the team, user_id null', async () => {
    const dir = new FakeDirectory().addTeam('team-a', { organization_id: 'org-1' });
    const r = rig({ team_id_jwt_field: 'team_id', end_user_id_jwt_field: 'customer' }, { dir });
    const p = await r.auth.authenticate(bearer(await op.issueJwt({ team_id: 'team-a', customer: 'cust-7' })), REQ);
    assert.equal(p?.user_role, 'team');
    assert.equal(p?.team_id, 'team-a');
    assert.equal(p?.user_id, null);
    assert.equal(p?.org_id, 'org-1');
    assert.equal(p?.end_user_id, 'cust-7');
    assert.deepEqual(p?.allowed_routes, ['llm_api_routes']);
    assert.equal(p?.display, `jwt:${op.clients.m2m.client_id}`);
  });

  it('unknown team without team_id_upsert -> 403; with it the team is upserted', async () => {
    const r = rig({ team_id_jwt_field: 'team_id' });
    await rejectsWith(r.auth.authenticate(bearer(await op.issueJwt({ team_id: 'ghost' })), REQ), 'ERR_CLAIMS_NOT_ALLOWED', 403, /ghost/);
    const r2 = rig({ team_id_jwt_field: 'team_id', team_id_upsert: true });
    const p = await r2.auth.authenticate(bearer(await op.issueJwt({ team_id: 'new-team' })), REQ);
    assert.equal(p?.team_id, 'new-team');
    assert.deepEqual(r2.dir.writes, ['upsertTeam:new-team']);
  });

  it('team_ids: known teams become candidates (Principal.team_ids); team_id_default when none claimed', async () => {
    const dir = new FakeDirectory().addTeam('t1').addTeam('t3');
    const r = rig({ team_ids_jwt_field: 'groups', team_id_default: 't3' }, { dir });
    const p = await r.auth.authenticate(bearer(await op.issueJwt({ groups: ['t1', 't2', 't3'] })), REQ);
    assert.deepEqual(p?.team_ids, ['t1', 't3']);
    assert.equal(p?.team_id, 't1');
    const d = await r.auth.authenticate(bearer(await op.issueJwt({})), REQ);
    assert.equal(d?.team_id, 't3');
  });

  it('user_id_upsert creates the user (with the team membership); org and object id fields', async () => {
    const dir = new FakeDirectory().addTeam('t1');
    const r = rig({ user_id_upsert: true, team_id_jwt_field: 'team_id', user_email_jwt_field: 'email', org_id_jwt_field: 'org', object_id_jwt_field: 'oid' }, { dir });
    const p = await r.auth.authenticate(bearer(await op.issueJwt({ sub: 'ignored-sub', oid: 'user-oid-1', email: 'n@corp.example', team_id: 't1', org: 'org-9' })), REQ);
    assert.equal(p?.user_id, 'user-oid-1');
    assert.equal(p?.user_role, 'internal_user');
    assert.equal(p?.org_id, 'org-9');
    assert.deepEqual(dir.writes, ['upsertUser:user-oid-1', 'addTeamMember:t1:user-oid-1']);
    assert.equal(dir.getUser('user-oid-1')?.user_email, 'n@corp.example');
  });

  it('a stored user found by email when the id is unknown', async () => {
    const dir = new FakeDirectory().addUser('u-42', 'proxy_admin_viewer', { user_email: 'carol@corp.example' });
    const r = rig({ user_email_jwt_field: 'email' }, { dir });
    const p = await r.auth.authenticate(bearer(await op.issueJwt({ sub: 'idp-carol', email: 'carol@corp.example' })), REQ);
    assert.equal(p?.user_id, 'u-42');
    assert.equal(p?.user_role, 'proxy_admin_viewer');
  });

  it('custom_validate: false -> 403 (nothing upserted), true -> accepted; it sees the claims', async () => {
    const seen: string[] = [];
    const r = rig({ user_id_upsert: true }, {
      settings: {
        customValidate: (claims) => {
          seen.push(String(claims.sub));
          return claims.department === 'research';
        },
      },
    });
    await rejectsWith(r.auth.authenticate(bearer(await op.issueJwt({ sub: 'x1', department: 'sales' })), REQ), 'ERR_CLAIMS_NOT_ALLOWED', 403, /custom_validate/);
    assert.deepEqual(r.dir.writes, []);
    assert.ok(await r.auth.authenticate(bearer(await op.issueJwt({ sub: 'x2', department: 'research' })), REQ));
    assert.deepEqual(seen, ['x1', 'x2']);
  });
});

describe('JWT: key cache', () => {
  it('key rotation is picked up through the unknown-kid refetch; the old key is then refused', async () => {
    const r = rig();
    const oldToken = await op.issueJwt();
    assert.ok(await r.auth.authenticate(bearer(oldToken), REQ));
    const f0 = r.fetches();
    await op.restartWithNewKeys();
    const newToken = await op.issueJwt();
    assert.ok(await r.auth.authenticate(bearer(newToken), REQ), 'new kid accepted after one refetch');
    assert.equal(r.fetches(), f0 + 1);
    await rejectsWith(r.auth.authenticate(bearer(oldToken), REQ), 'ERR_INVALID_TOKEN', 401, /kid/);
  });

  it('keys are cached for public_key_ttl, then refreshed', async () => {
    const r = rig({ public_key_ttl: 60 });
    await r.auth.authenticate(bearer(await op.issueJwt()), REQ);
    const f0 = r.fetches();
    await r.auth.authenticate(bearer(await op.issueJwt()), REQ);
    assert.equal(r.fetches(), f0, 'cached');
    r.clock.advance(61_000);
    await r.auth.authenticate(bearer(await op.signWithProviderKey(baseClaims(r.clock))), REQ);
    assert.equal(r.fetches(), f0 + 1, 'refreshed after the TTL');
    assert.deepEqual(r.auth.keys?.status().map((s) => s.stale), [false]);
  });

  it('the stale copy is served while the provider is down; no keys at all is 503', async () => {
    const r = rig({ public_key_ttl: 60 });
    await r.auth.warm();
    const fresh = rig();
    await op.stop();
    try {
      r.clock.advance(10 * 60_000);
      const t = await op.signWithProviderKey(baseClaims(r.clock, { sub: 'during-outage' }));
      const p = await r.auth.authenticate(bearer(t), REQ);
      assert.equal(p?.user_id, 'during-outage');
      assert.deepEqual(r.auth.keys?.status().map((s) => s.stale), [true]);
      // A second request during the back-off does not wait on the IdP again.
      const f = r.fetches();
      assert.ok(await r.auth.authenticate(bearer(t), REQ));
      assert.equal(r.fetches(), f);
      await rejectsWith(fresh.auth.authenticate(bearer(t), REQ), 'ERR_AUTH_PROVIDER_UNAVAILABLE', 503, /no keys are cached/);
    } finally {
      await op.start();
    }
    // Back up: the fresh authenticator recovers (after the no-keys retry spacing).
    fresh.clock.advance(2_000);
    assert.ok(await fresh.auth.authenticate(bearer(await op.issueJwt()), REQ));
  });
});

describe('OIDC userinfo for opaque tokens', () => {
  it('resolves the token at userinfo, maps claims, caches for 60 s; 401 for a rejected token; 503 when down', async () => {
    const dir = new FakeDirectory();
    const r = rig({ oidc_userinfo_endpoint: op.userinfoEndpoint, user_email_jwt_field: 'email', team_ids_jwt_field: 'groups', team_id_upsert: true }, { dir });
    const token = await op.issueUserAccessToken('alice');
    const p = await r.auth.authenticate(bearer(token), REQ);
    assert.equal(p?.method, 'jwt');
    assert.equal(p?.user_email, 'alice@corp.example');
    assert.deepEqual(p?.team_ids, ['eng']);
    const f = r.fetches();
    await r.auth.authenticate(bearer(token), REQ);
    assert.equal(r.fetches(), f, 'cached');
    r.clock.advance(61_000);
    await r.auth.authenticate(bearer(token), REQ);
    assert.equal(r.fetches(), f + 1, 'refetched after 60 s');

    await rejectsWith(r.auth.authenticate(bearer('not-a-real-access-token-value'), REQ), 'ERR_INVALID_TOKEN', 401);
    const other = await op.issueUserAccessToken('alice');
    await op.stop();
    try {
      await rejectsWith(r.auth.authenticate(bearer(other), REQ), 'ERR_AUTH_PROVIDER_UNAVAILABLE', 503);
      // The cached answer for the first token still serves within its 60 s.
      assert.ok(await r.auth.authenticate(bearer(token), REQ));
    } finally {
      await op.start();
    }
  });
});

describe('JWT: verified-token cache', () => {
  it('a cached token is still refused once it expires', async () => {
    const r = rig();
    const t = await op.signWithProviderKey(baseClaims(r.clock, { exp: nowSec(r.clock) + 5 }));
    assert.ok(await r.auth.authenticate(bearer(t), REQ));
    assert.ok(await r.auth.authenticate(bearer(t), REQ), 'served again within its lifetime');
    r.clock.advance(5_000 + 31_000);
    await rejectsWith(r.auth.authenticate(bearer(t), REQ), 'ERR_TOKEN_EXPIRED', 401, /expired/);
  });

  it('a tampered copy of a cached token is verified on its own and refused', async () => {
    const r = rig();
    const t = await op.signWithProviderKey(baseClaims(r.clock, { team: 'a' }));
    assert.ok(await r.auth.authenticate(bearer(t), REQ));
    const [h, , s] = t.split('.');
    const forged = `${h}.${base64url.encode(JSON.stringify(baseClaims(r.clock, { team: 'b', sub: 'admin' })))}.${s}`;
    await rejectsWith(r.auth.authenticate(bearer(forged), REQ), 'ERR_INVALID_TOKEN', 401, /signature/);
  });
});
