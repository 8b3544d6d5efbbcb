/**
 * JWT over HTTP beyond the basics (test/integration/gateway/jwt.test.ts): the seed's
 * general_settings aliases with an email-domain restriction and the admin scope, enforce_rbac with
 * role mappings, the IdP going down with keys cached (stale copy served) and with none (503),
 * and key rotation picked up on an unknown kid. Tokens come from a real oidc-provider.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startUpstream, type Upstream } from '../../support/upstream.ts';
import { FakeClock, startGateway, type TestGateway } from '../../support/gateway.ts';
import { startOidcProvider, type TestOidc } from '../../support/oidc.ts';
import { bearer, chat, expectStatus, raw } from './helpers.ts';

let up: Upstream;
let op: TestOidc;

function models(): string {
  return `
model_list:
  - model_name: gpt-4o
    litellm_params: { model: openai/gpt-4o, api_base: ${up.url}/v1, api_key: os.environ/K }
  - model_name: gpt-4o-mini
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${up.url}/v1, api_key: os.environ/K }
`;
}

before(async () => {
  up = await startUpstream();
  op = await startOidcProvider();
});
after(async () => {
  await op.stop();
  await up.close();
});

async function llm(gw: TestGateway, token: string, model = 'gpt-4o') {
  return raw(gw.url, 'POST', '/v1/chat/completions', chat(model), bearer(token));
}

describe('the seed\'s JWT settings (general_settings aliases) plus an issuer', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({
      realClock: true,
      config: `${models()}
general_settings:
  enable_jwt_auth: true
  jwt_public_key_url: "${op.discoveryUrl}"
  jwt_audience: "${op.resource}"
  jwt_issuer: "${op.issuer}"
  jwt_admin_scope: "litellm_proxy_admin"
  user_allowed_email_domain: "corp.example"
  litellm_jwtauth:
    user_id_upsert: true
    team_ids_jwt_field: teams
`,
      env: { K: 'sk-upstream-secret' },
    });
    expectStatus(await gw.call('POST', '/team/new', { team_id: 'jwt-team', models: ['gpt-4o-mini'] }), 200);
  });
  after(async () => gw.stop());

  test('user_allowed_email_domain: inside 200, outside 403 and nothing upserted', async () => {
    expectStatus(await llm(gw, await op.issueJwt({ sub: 'ann', email: 'ann@corp.example' })), 200);
    expectStatus(await gw.call('GET', '/user/info?user_id=ann'), 200);
    expectStatus(await llm(gw, await op.issueJwt({ sub: 'ann2', email: 'Ann2@CORP.EXAMPLE' })), 200);
    const outside = [
      { sub: 'eve1', email: 'eve@evil.example' },
      { sub: 'eve2', email: 'eve@corp.example.evil.com' },
      { sub: 'eve3', email: 'eve@sub.corp.example' },
      { sub: 'eve4', email: 'corp.example@evil.example' },
      { sub: 'eve5' },
    ];
    for (const claims of outside) {
      const r = await llm(gw, await op.issueJwt(claims));
      expectStatus(r, 403, 'auth_error');
      assert.match(r.json.error.message, /domain|email/);
      expectStatus(await gw.call('GET', `/user/info?user_id=${claims.sub}`), 404);
    }
    // An email claim of the wrong type is a bad token (401), not a policy refusal.
    expectStatus(await llm(gw, await op.issueJwt({ sub: 'eve6', email: ['ann@corp.example'] })), 401, 'auth_error');
  });

  test('admin scope: can call /key/generate and /audit; the same user without it cannot read /audit', async () => {
    const admin = await op.issueJwt({ sub: 'root', email: 'root@corp.example' }, op.resource, 'litellm_proxy_admin');
    const k = await raw(gw.url, 'POST', '/key/generate', { key_alias: 'made-by-jwt-admin', models: ['gpt-4o-mini'] }, bearer(admin));
    expectStatus(k, 200);
    assert.match(k.json.key, /^sk-/);
    expectStatus(await llm(gw, k.json.key, 'gpt-4o-mini'), 200);
    expectStatus(await raw(gw.url, 'GET', '/audit', undefined, bearer(admin)), 200);

    const plain = await op.issueJwt({ sub: 'root2', email: 'root2@corp.example' }, op.resource, 'llm.read');
    expectStatus(await raw(gw.url, 'GET', '/audit', undefined, bearer(plain)), 403, 'auth_error');
    expectStatus(await raw(gw.url, 'POST', '/user/new', { user_id: 'x' }, bearer(plain)), 403, 'auth_error');
    // A scope merely containing the admin scope's name is not it.
    const lookalike = await op.issueJwt({ sub: 'root3', email: 'root3@corp.example', scope: 'litellm_proxy_admin_not' });
    expectStatus(await raw(gw.url, 'GET', '/audit', undefined, bearer(lookalike)), 403, 'auth_error');
    // A team token (teams, no user: here no subject, so nothing to upsert) may call the LLM routes only.
    const team = await op.issueJwt({ sub: undefined, email: 'svc@corp.example', teams: ['jwt-team'] });
    expectStatus(await llm(gw, team, 'gpt-4o-mini'), 200);
    expectStatus(await raw(gw.url, 'POST', '/key/generate', {}, bearer(team)), 403, 'auth_error');
  });
});

describe('enforce_rbac with role mappings', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({
      realClock: true,
      config: `${models()}
general_settings:
  enable_jwt_auth: true
  litellm_jwtauth:
    public_key_url: ${op.jwksUri}
    audience: ${op.resource}
    issuer: ${op.issuer}
    enforce_rbac: true
    roles_jwt_field: realm_access.roles
    role_mappings:
      - { role: llm-users, internal_role: internal_user }
      - { role: "auditor-*", internal_role: proxy_admin_viewer }
`,
      env: { K: 'sk-upstream-secret' },
    });
  });
  after(async () => gw.stop());

  test('a mapped role gets its Tollgate role; an unmapped or missing role is 403', async () => {
    expectStatus(await llm(gw, await op.issueJwt({ sub: 'u1', realm_access: { roles: ['llm-users'] } })), 200);
    const auditor = await op.issueJwt({ sub: 'u2', realm_access: { roles: ['auditor-eu'] } });
    expectStatus(await raw(gw.url, 'GET', '/audit', undefined, bearer(auditor)), 200);
    expectStatus(await llm(gw, auditor), 403, 'auth_error');
    for (const claims of [{ sub: 'u3', realm_access: { roles: ['admins'] } }, { sub: 'u4', realm_access: { roles: [] } }, { sub: 'u5' }, { sub: 'u6', roles: ['llm-users'] }]) {
      const r = await llm(gw, await op.issueJwt(claims));
      expectStatus(r, 403, 'auth_error');
      assert.match(r.json.error.message, /enforce_rbac/);
    }
    // The admin scope is the one way past RBAC without a mapped role.
    expectStatus(await llm(gw, await op.issueJwt({ sub: 'u7' }, op.resource, 'litellm_proxy_admin')), 200);
  });
});

describe('IdP outages and key rotation (fake clock)', () => {
  const config = (ttl: number): string => `${models()}
general_settings:
  enable_jwt_auth: true
  litellm_jwtauth:
    public_key_url: ${op.discoveryUrl}
    audience: ${op.resource}
    issuer: ${op.issuer}
    public_key_ttl: ${ttl}
`;

  test('JWKS provider down with keys cached: still 200, even once the cached keys are past their TTL', async () => {
    const gw = await startGateway({ clock: new FakeClock(Date.now()), config: config(60), env: { K: 'sk-upstream-secret' } });
    try {
      const before = await op.issueJwt({ sub: 'cached-1' });
      const later = await op.issueJwt({ sub: 'cached-2' });
      expectStatus(await llm(gw, before), 200);
      await op.stop();
      try {
        expectStatus(await llm(gw, before), 200);
        gw.clock.advance(120_000); // the keys are now stale; the refresh fails; the stale copy serves
        expectStatus(await llm(gw, later), 200);
        expectStatus(await llm(gw, before), 200);
      } finally {
        await op.start();
      }
    } finally {
      await gw.stop();
    }
  });

  test('no keys ever fetched and the provider down: 503 auth_provider_unavailable, then 200 once it is back', async () => {
    const token = await op.issueJwt({ sub: 'cold' });
    await op.stop();
    let gw: TestGateway | undefined;
    try {
      gw = await startGateway({ clock: new FakeClock(Date.now()), config: config(600), env: { K: 'sk-upstream-secret' } });
      const r = await llm(gw, token);
      expectStatus(r, 503, 'auth_provider_unavailable');
      assert.ok(!r.text.includes(token));
    } finally {
      await op.start();
    }
    try {
      gw.clock.advance(2_000);
      expectStatus(await llm(gw, token), 200);
    } finally {
      await gw.stop();
    }
  });

  test('key rotation: a token signed with the new key is accepted; one signed with the retired key is not', async () => {
    const gw = await startGateway({ clock: new FakeClock(Date.now()), config: config(600), env: { K: 'sk-upstream-secret' } });
    try {
      const old = await op.issueJwt({ sub: 'rot-old' });
      expectStatus(await llm(gw, old), 200);
      const oldKid = op.publicJwk.kid;
      await op.restartWithNewKeys();
      assert.notEqual(op.publicJwk.kid, oldKid);
      const fresh = await op.issueJwt({ sub: 'rot-new' });
      expectStatus(await llm(gw, fresh), 200);
      const r = await llm(gw, old);
      expectStatus(r, 401, 'auth_error');
      // Later random kids do not make the gateway hammer the provider (refetch at most every 30 s).
      const n = op.requestCount;
      for (let i = 0; i < 3; i++) {
        const forged = await op.signWithProviderKey({ sub: 'x', aud: op.resource, iss: op.issuer, exp: Math.floor(Date.now() / 1000) + 600 }, { kid: `kid-${i}` });
        expectStatus(await llm(gw, forged), 401, 'auth_error');
      }
      assert.equal(op.requestCount, n);
    } finally {
      await gw.stop();
    }
  });
});
