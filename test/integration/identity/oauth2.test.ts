/**
 * OAuth2 tokens: RFC 7662 introspection against a real oidc-provider, the token-info GET path,
 * caching (until exp, bounded, never for inactive answers) and provider failures (503).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayError } from '../../../src-shared/errors.ts';
import type { ErrorCode } from '../../../src-shared/errors.ts';
import { generalSettingsSchema } from '../../../src-shared/config.ts';
import { normaliseIdentitySettings } from '../../../src-main/core/auth/identity.ts';
import type { OAuth2Settings } from '../../../src-main/core/auth/identity.ts';
import { createOAuth2Authenticator } from '../../../src-main/core/auth/oauth2/index.ts';
import { startOidcProvider } from '../../support/oidc.ts';
import type { TestOidc } from '../../support/oidc.ts';
import { FakeClock, FakeDirectory, REQ } from '../../unit/auth/fake-directory.ts';

let op: TestOidc;

interface Seen {
  method: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
}
let fake: Server;
let fakeUrl: string;
let fakeHandler: (seen: Seen, res: ServerResponse) => void = (_s, res) => res.end('{}');
const fakeSeen: Seen[] = [];

before(async () => {
  op = await startOidcProvider();
  fake = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const seen = { method: req.method ?? '', authorization: req.headers.authorization, contentType: req.headers['content-type'], body };
      fakeSeen.push(seen);
      fakeHandler(seen, res);
    });
  });
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}/introspect`;
});
after(async () => {
  await op.stop();
  await new Promise<void>((resolve) => fake.close(() => resolve()));
});

function settings(general: Record<string, unknown>, env: Record<string, string> = {}): OAuth2Settings {
  const s = normaliseIdentitySettings(generalSettingsSchema.parse({ enable_oauth2_auth: true, ...general }), env).oauth2;
  assert.ok(s);
  return s;
}

function introspectionSettings(): OAuth2Settings {
  return settings({ oauth_token_info_endpoint: op.introspectionEndpoint, oauth_client_id: op.clients.introspector.client_id, oauth_client_secret: op.clients.introspector.client_secret });
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

describe('OAuth2: RFC 7662 introspection (real provider)', () => {
  it('active token -> Principal from the configured fields; cached (no second call)', async () => {
    const clock = new FakeClock();
    const dir = new FakeDirectory().addTeam('team-b', { organization_id: 'org-b' });
    const auth = createOAuth2Authenticator(introspectionSettings(), { clock, directory: dir });
    const token = await op.issueOpaque({ sub: 'bob', role: 'internal_user_viewer', team_id: 'team-b', email: 'bob@corp.example' }, 'llm.read');
    const p = await auth.authenticate(bearer(token), REQ);
    assert.deepEqual(p, {
      method: 'oauth2',
      user_id: 'bob',
      user_role: 'internal_user_viewer',
      user_email: 'bob@corp.example',
      team_id: 'team-b',
      org_id: 'org-b',
      end_user_id: null,
      key_id: null,
      display: 'oauth2:bob',
      scopes: ['llm.read'],
    });
    const n = op.requestCount;
    assert.ok(await auth.authenticate(bearer(token), REQ));
    assert.equal(op.requestCount, n, 'served from the cache');
    clock.advance(301_000);
    assert.ok(await auth.authenticate(bearer(token), REQ));
    assert.equal(op.requestCount, n + 1, 'the cache is bounded to 5 minutes');
    assert.deepEqual(dir.writes, []);
  });

  it('without a role field the stored user\'s role (or internal_user) applies', async () => {
    const dir = new FakeDirectory().addUser('carol', 'org_admin');
    const auth = createOAuth2Authenticator(introspectionSettings(), { clock: new FakeClock(), directory: dir });
    assert.equal((await auth.authenticate(bearer(await op.issueOpaque({ sub: 'carol' })), REQ))?.user_role, 'org_admin');
    assert.equal((await auth.authenticate(bearer(await op.issueOpaque({ sub: 'dave' })), REQ))?.user_role, 'internal_user');
  });

  it('inactive token -> 401, never cached', async () => {
    const auth = createOAuth2Authenticator(introspectionSettings(), { clock: new FakeClock() });
    const n = op.requestCount;
    await rejectsWith(auth.authenticate(bearer('unknown-opaque-token-value'), REQ), 'ERR_INVALID_TOKEN', 401, /not active/);
    await rejectsWith(auth.authenticate(bearer('unknown-opaque-token-value'), REQ), 'ERR_INVALID_TOKEN', 401, /not active/);
    assert.equal(op.requestCount, n + 2, 'each inactive answer asked again');
  });

  it('a JWT goes to introspection when JWT auth is off, and is skipped when it is on', async () => {
    const jwt = await op.issueJwt({ sub: 'svc' });
    const off = createOAuth2Authenticator(introspectionSettings(), { clock: new FakeClock() });
    const n = op.requestCount;
    // oidc-provider refuses to introspect structured tokens (400 invalid_request): a 401 for the caller.
    await rejectsWith(off.authenticate(bearer(jwt), REQ), 'ERR_INVALID_TOKEN', 401);
    assert.equal(op.requestCount, n + 1);
    const on = createOAuth2Authenticator({ ...introspectionSettings(), jwtEnabled: true }, { clock: new FakeClock() });
    assert.equal(await on.authenticate(bearer(jwt), REQ), null);
    assert.equal(await on.authenticate(bearer('sk-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'), REQ), null);
    assert.equal(await on.authenticate(null, REQ), null);
    assert.equal(op.requestCount, n + 1, 'nothing asked when skipped');
  });

  it('provider down -> 503 for new tokens; cached tokens still served', async () => {
    const auth = createOAuth2Authenticator(introspectionSettings(), { clock: new FakeClock() });
    const cached = await op.issueOpaque({ sub: 'erin' });
    assert.ok(await auth.authenticate(bearer(cached), REQ));
    const fresh = await op.issueOpaque({ sub: 'frank' });
    await op.stop();
    try {
      await rejectsWith(auth.authenticate(bearer(fresh), REQ), 'ERR_AUTH_PROVIDER_UNAVAILABLE', 503, /could not be reached/);
      assert.equal((await auth.authenticate(bearer(cached), REQ))?.user_id, 'erin');
    } finally {
      await op.start();
    }
  });

  it('wrong client secret -> 503 (the gateway is misconfigured, not the caller)', async () => {
    const auth = createOAuth2Authenticator({ ...introspectionSettings(), clientSecret: 'wrong' }, { clock: new FakeClock() });
    await rejectsWith(auth.authenticate(bearer(await op.issueOpaque({ sub: 'g' })), REQ), 'ERR_AUTH_PROVIDER_UNAVAILABLE', 503, /client credentials/);
  });
});

describe('OAuth2: token-info GET (no client credentials)', () => {
  it('GET with the bearer token (real provider userinfo as the token-info endpoint)', async () => {
    op.setAccount('henry', { email: 'henry@corp.example' });
    const auth = createOAuth2Authenticator(settings({}, { OAUTH_TOKEN_INFO_ENDPOINT: op.userinfoEndpoint }), { clock: new FakeClock() });
    const p = await auth.authenticate(bearer(await op.issueUserAccessToken('henry')), REQ);
    assert.equal(p?.user_id, 'henry');
    assert.equal(p?.user_email, 'henry@corp.example');
    await rejectsWith(auth.authenticate(bearer('bogus-token'), REQ), 'ERR_INVALID_TOKEN', 401, /rejected/);
  });
});

describe('OAuth2: protocol details and failures (loopback fake endpoint)', () => {
  it('introspection request: POST form token=, client Basic auth with RFC 6749 encoding', async () => {
    fakeSeen.length = 0;
    fakeHandler = (_s, res) => res.end(JSON.stringify({ active: true, sub: 'u1' }));
    const auth = createOAuth2Authenticator(settings({ oauth_token_info_endpoint: fakeUrl, oauth_client_id: 'my client', oauth_client_secret: 'p@ss:word' }), { clock: new FakeClock() });
    await auth.authenticate(bearer('tok-123'), REQ);
    const seen = fakeSeen[0];
    assert.ok(seen);
    assert.equal(seen.method, 'POST');
    assert.equal(seen.contentType, 'application/x-www-form-urlencoded');
    assert.equal(new URLSearchParams(seen.body).get('token'), 'tok-123');
    assert.equal(seen.authorization, `Basic ${Buffer.from('my+client:p%40ss%3Aword').toString('base64')}`);
  });

  it('token-info request: GET with Authorization: Bearer', async () => {
    fakeSeen.length = 0;
    fakeHandler = (_s, res) => res.end(JSON.stringify({ sub: 'u2' }));
    const auth = createOAuth2Authenticator(settings({ oauth_token_info_endpoint: fakeUrl }), { clock: new FakeClock() });
    assert.equal((await auth.authenticate(bearer('tok-456'), REQ))?.user_id, 'u2');
    assert.equal(fakeSeen[0]?.method, 'GET');
    assert.equal(fakeSeen[0]?.authorization, 'Bearer tok-456');
  });

  it('cached until the token\'s exp; custom field names', async () => {
    const clock = new FakeClock();
    fakeSeen.length = 0;
    fakeHandler = (_s, res) => res.end(JSON.stringify({ active: true, uid: 'u3', litellm_role: 'proxy_admin_viewer', grp: 'team-x', exp: Math.floor(clock.now() / 1000) + 10 }));
    const auth = createOAuth2Authenticator(settings({ oauth_token_info_endpoint: fakeUrl, oauth_user_id_field_name: 'uid', oauth_user_role_field_name: 'litellm_role', oauth_user_team_id_field_name: 'grp' }), { clock });
    const p = await auth.authenticate(bearer('tok-exp'), REQ);
    assert.equal(p?.user_id, 'u3');
    assert.equal(p?.user_role, 'proxy_admin_viewer');
    assert.equal(p?.team_id, 'team-x');
    await auth.authenticate(bearer('tok-exp'), REQ);
    assert.equal(fakeSeen.length, 1);
    clock.advance(11_000);
    fakeHandler = (_s, res) => res.end(JSON.stringify({ active: true, uid: 'u3', exp: Math.floor(clock.now() / 1000) - 1 }));
    await rejectsWith(auth.authenticate(bearer('tok-exp'), REQ), 'ERR_TOKEN_EXPIRED', 401);
    assert.equal(fakeSeen.length, 2, 'asked again after exp');
  });

  it('the cache is bounded in entries', async () => {
    fakeSeen.length = 0;
    fakeHandler = (_s, res) => res.end(JSON.stringify({ active: true, sub: 'u' }));
    const auth = createOAuth2Authenticator({ ...settings({ oauth_token_info_endpoint: fakeUrl }), maxCacheEntries: 2 }, { clock: new FakeClock() });
    for (const t of ['a1', 'a2', 'a3', 'a1']) await auth.authenticate(bearer(t), REQ);
    assert.equal(fakeSeen.length, 4, 'a1 was evicted by a3');
  });

  it('active: false from token-info -> 401 and not cached', async () => {
    fakeSeen.length = 0;
    fakeHandler = (_s, res) => res.end(JSON.stringify({ active: false }));
    const auth = createOAuth2Authenticator(settings({ oauth_token_info_endpoint: fakeUrl }), { clock: new FakeClock() });
    await rejectsWith(auth.authenticate(bearer('dead'), REQ), 'ERR_INVALID_TOKEN', 401);
    await rejectsWith(auth.authenticate(bearer('dead'), REQ), 'ERR_INVALID_TOKEN', 401);
    assert.equal(fakeSeen.length, 2);
  });

  it('5xx -> 503, invalid JSON -> 503, a non-object -> 503, 401 from token-info -> 401', async () => {
    const auth = createOAuth2Authenticator(settings({ oauth_token_info_endpoint: fakeUrl }), { clock: new FakeClock() });
    fakeHandler = (_s, res) => {
      res.statusCode = 502;
      res.end('bad gateway');
    };
    await rejectsWith(auth.authenticate(bearer('t1'), REQ), 'ERR_AUTH_PROVIDER_UNAVAILABLE', 503, /502/);
    fakeHandler = (_s, res) => res.end('<html>not json</html>');
    await rejectsWith(auth.authenticate(bearer('t2'), REQ), 'ERR_AUTH_PROVIDER_UNAVAILABLE', 503, /JSON/);
    fakeHandler = (_s, res) => res.end('[1,2]');
    await rejectsWith(auth.authenticate(bearer('t3'), REQ), 'ERR_AUTH_PROVIDER_UNAVAILABLE', 503, /JSON object/);
    fakeHandler = (_s, res) => {
      res.statusCode = 401;
      res.end('{"error":"invalid_token"}');
    };
    await rejectsWith(auth.authenticate(bearer('t4'), REQ), 'ERR_INVALID_TOKEN', 401);
  });

  it('an unknown role is 403; a team id of the wrong type is 401; a missing user id is 401', async () => {
    const auth = createOAuth2Authenticator(settings({ oauth_token_info_endpoint: fakeUrl }), { clock: new FakeClock() });
    fakeHandler = (_s, res) => res.end(JSON.stringify({ sub: 'u', role: 'god' }));
    await rejectsWith(auth.authenticate(bearer('r1'), REQ), 'ERR_CLAIMS_NOT_ALLOWED', 403, /not a Tollgate role/);
    fakeHandler = (_s, res) => res.end(JSON.stringify({ sub: 'u', team_id: { id: 1 } }));
    await rejectsWith(auth.authenticate(bearer('r2'), REQ), 'ERR_INVALID_TOKEN', 401, /team id/);
    fakeHandler = (_s, res) => res.end(JSON.stringify({ active: true }));
    await rejectsWith(auth.authenticate(bearer('r3'), REQ), 'ERR_INVALID_TOKEN', 401, /no user id/);
  });
});
