import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generalSettingsSchema } from '../../../src-shared/config.ts';
import { IdentitySettingsError, isJwtShaped, normaliseIdentitySettings, parseCidr } from '../../../src-main/core/auth/identity.ts';

/** Parses as the config loader would (the schema is strict), then normalises. */
function normalise(general: unknown, env: Record<string, string> = {}) {
  return normaliseIdentitySettings(generalSettingsSchema.parse(general), env);
}

function failsNaming(fn: () => unknown, setting: string, pattern?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof IdentitySettingsError, `expected IdentitySettingsError, got ${String(err)}`);
    assert.equal(err.setting, setting);
    assert.ok(err.message.includes(setting), err.message);
    if (pattern) assert.match(err.message, pattern);
    return true;
  });
}

describe('normaliseIdentitySettings: the seed examples (authentication.md, Configuration Examples)', () => {
  const seedJwt = {
    enable_jwt_auth: true,
    jwt_public_key_url: 'https://your-domain.com/.well-known/jwks.json',
    jwt_audience: 'your-audience',
    jwt_admin_scope: 'litellm_proxy_admin',
    user_allowed_email_domain: 'your-company.com',
  };

  it('JWT example as written fails, naming jwt_issuer and why', () => {
    failsNaming(() => normalise(seedJwt), 'jwt_issuer', /any issuer's token would be accepted.*disable_issuer_validation: true/);
    assert.throws(() => normalise(seedJwt), {
      message: "enable_jwt_auth needs jwt_issuer (or litellm_jwtauth.issuer / JWT_ISSUER): without it any issuer's token would be accepted; set litellm_jwtauth.disable_issuer_validation: true to opt out",
    });
  });

  it('JWT example loads with JWT_ISSUER set, aliases merged', () => {
    const s = normalise(seedJwt, { JWT_ISSUER: 'https://idp.your-domain.com' });
    assert.ok(s.jwt);
    assert.deepEqual(s.jwt.publicKeyUrls, ['https://your-domain.com/.well-known/jwks.json']);
    assert.equal(s.jwt.audience, 'your-audience');
    assert.equal(s.jwt.issuer, 'https://idp.your-domain.com');
    assert.equal(s.jwt.adminJwtScope, 'litellm_proxy_admin');
    assert.equal(s.jwt.userAllowedEmailDomain, 'your-company.com');
    assert.equal(s.jwt.leewaySeconds, 30);
    assert.equal(s.jwt.publicKeyTtlSeconds, 600);
    assert.equal(s.jwt.userIdJwtField, 'sub');
    assert.deepEqual(s.jwt.teamAllowedRoutes, ['llm_api_routes']);
    assert.ok(!(s.jwt.algorithms as string[]).some((a) => a.startsWith('HS') || a === 'none'));
  });

  it('JWT example loads with an explicit disable_issuer_validation', () => {
    const s = normalise({ ...seedJwt, litellm_jwtauth: { disable_issuer_validation: true } });
    assert.equal(s.jwt?.issuer, null);
  });

  it('OAuth2 example loads', () => {
    const s = normalise({
      enable_oauth2_auth: true,
      oauth_token_info_endpoint: 'https://your-oauth-server.com/token_info',
      oauth_client_id: 'your-client-id',
      oauth_client_secret: 'your-client-secret',
      oauth_user_id_field_name: 'sub',
      oauth_user_role_field_name: 'role',
      oauth_user_team_id_field_name: 'team_id',
    });
    assert.deepEqual(
      { ...s.oauth2 },
      {
        tokenInfoEndpoint: 'https://your-oauth-server.com/token_info',
        clientId: 'your-client-id',
        clientSecret: 'your-client-secret',
        userIdField: 'sub',
        userRoleField: 'role',
        teamIdField: 'team_id',
        jwtEnabled: false,
        maxCacheSeconds: 300,
        maxCacheEntries: 10_000,
      },
    );
  });

  const seedProxy = {
    enable_oauth2_proxy_auth: true,
    oauth2_config_mappings: {
      user_id: 'X-Goog-Authenticated-User-Email',
      user_email: 'X-Goog-Authenticated-User-Email',
      max_budget: 'X-Custom-Budget',
      models: 'X-Custom-Models',
    },
  };

  it('OAuth2-proxy example as written fails, naming trusted_proxy_ranges', () => {
    failsNaming(() => normalise(seedProxy), 'trusted_proxy_ranges', /identity headers/);
  });

  it('OAuth2-proxy example loads with trusted_proxy_ranges; header names lower-cased', () => {
    const s = normalise({ ...seedProxy, trusted_proxy_ranges: ['127.0.0.1/32', '::1'] });
    assert.deepEqual(s.oauth2Proxy?.mappings, {
      user_id: 'x-goog-authenticated-user-email',
      user_email: 'x-goog-authenticated-user-email',
      max_budget: 'x-custom-budget',
      models: 'x-custom-models',
    });
    assert.deepEqual(s.oauth2Proxy?.trustedProxyRanges, [
      { address: '127.0.0.1', prefix: 32, family: 'ipv4' },
      { address: '::1', prefix: 128, family: 'ipv6' },
    ]);
  });

  it('custom auth example loads (dotted form, mode on by default)', () => {
    const s = normalise({
      custom_auth: 'path.to.your.custom_auth_function',
      allow_user_auth: true,
      public_routes: ['LiteLLMRoutes.public_routes', '/spend/calculate', '/api/*'],
    });
    assert.deepEqual(s.customAuth, { spec: 'path.to.your.custom_auth_function', mode: 'on' });
    assert.equal(s.jwt, null);
    assert.equal(s.oauth2, null);
    assert.equal(s.oauth2Proxy, null);
  });
});

describe('normaliseIdentitySettings: JWT', () => {
  it('audience is required unless disabled', () => {
    failsNaming(() => normalise({ enable_jwt_auth: true, jwt_public_key_url: 'https://idp/jwks', jwt_issuer: 'https://idp' }), 'jwt_audience', /disable_audience_validation: true/);
    const s = normalise({ enable_jwt_auth: true, jwt_public_key_url: 'https://idp/jwks', jwt_issuer: 'https://idp', litellm_jwtauth: { disable_audience_validation: true } });
    assert.equal(s.jwt?.audience, null);
  });

  it('a key URL is required', () => {
    failsNaming(() => normalise({ enable_jwt_auth: true, jwt_issuer: 'https://idp', jwt_audience: 'a' }), 'jwt_public_key_url');
  });

  it('environment: comma list of key URLs, audience, issuer', () => {
    const s = normalise({ enable_jwt_auth: true }, {
      JWT_PUBLIC_KEY_URL: 'https://a.example/jwks, https://b.example/.well-known/openid-configuration',
      JWT_AUDIENCE: 'aud',
      JWT_ISSUER: 'https://iss',
    });
    assert.deepEqual(s.jwt?.publicKeyUrls, ['https://a.example/jwks', 'https://b.example/.well-known/openid-configuration']);
    assert.equal(s.jwt?.audience, 'aud');
  });

  it('litellm_jwtauth wins over the environment; conflicting config sources are an error', () => {
    const s = normalise({ enable_jwt_auth: true, litellm_jwtauth: { public_key_url: 'https://c/jwks', audience: 'x', issuer: 'https://i' } }, { JWT_AUDIENCE: 'env-aud' });
    assert.equal(s.jwt?.audience, 'x');
    failsNaming(() => normalise({ enable_jwt_auth: true, jwt_public_key_url: 'https://c/jwks', jwt_audience: 'a', litellm_jwtauth: { audience: 'b', issuer: 'https://i' } }), 'jwt_audience', /disagree/);
  });

  it('symmetric or none algorithms cannot be configured', () => {
    failsNaming(() => normalise({ enable_jwt_auth: true, jwt_public_key_url: 'https://c/jwks', jwt_audience: 'a', jwt_issuer: 'https://i', litellm_jwtauth: { algorithms: ['RS256', 'HS256'] } }), 'litellm_jwtauth.algorithms');
    failsNaming(() => normalise({ enable_jwt_auth: true, jwt_public_key_url: 'https://c/jwks', jwt_audience: 'a', jwt_issuer: 'https://i', litellm_jwtauth: { algorithms: ['none'] } }), 'litellm_jwtauth.algorithms');
  });

  it('role mappings must name Tollgate roles; both LiteLLM spellings merge in order', () => {
    const base = { enable_jwt_auth: true, jwt_public_key_url: 'https://c/jwks', jwt_audience: 'a', jwt_issuer: 'https://i' };
    failsNaming(() => normalise({ ...base, litellm_jwtauth: { roles_jwt_field: 'roles', role_mappings: [{ role: 'admin', internal_role: 'superuser' }] } }), 'litellm_jwtauth.role_mappings[0].internal_role');
    const s = normalise({ ...base, litellm_jwtauth: { roles_jwt_field: 'roles', role_mappings: [{ role: 'admin', internal_role: 'proxy_admin' }], jwt_litellm_role_map: [{ jwt_role: 'dev-*', litellm_role: 'internal_user' }] } });
    assert.deepEqual(s.jwt?.roleMappings, [{ pattern: 'admin', role: 'proxy_admin' }, { pattern: 'dev-*', role: 'internal_user' }]);
  });

  it('os.environ/ references resolve from env; keychain/ must be resolved first', () => {
    const s = normalise({ enable_oauth2_auth: true, oauth_token_info_endpoint: 'https://o/introspect', oauth_client_id: 'id', oauth_client_secret: 'os.environ/OAUTH_SECRET' }, { OAUTH_SECRET: 's3cret' });
    assert.equal(s.oauth2?.clientSecret, 's3cret');
    failsNaming(() => normalise({ enable_oauth2_auth: true, oauth_token_info_endpoint: 'https://o/introspect', oauth_client_id: 'id', oauth_client_secret: 'os.environ/MISSING' }), 'oauth_client_secret');
    failsNaming(() => normalise({ enable_oauth2_auth: true, oauth_token_info_endpoint: 'https://o/introspect', oauth_client_id: 'id', oauth_client_secret: 'keychain/oauth' }), 'oauth_client_secret');
  });
});

describe('normaliseIdentitySettings: OAuth2 and proxy', () => {
  it('OAuth2 from environment variables, defaults for field names, token-info without client credentials', () => {
    const s = normalise({ enable_oauth2_auth: true, enable_jwt_auth: false }, { OAUTH_TOKEN_INFO_ENDPOINT: 'https://o/tokeninfo', OAUTH_USER_ROLE_FIELD_NAME: 'litellm_role' });
    assert.equal(s.oauth2?.tokenInfoEndpoint, 'https://o/tokeninfo');
    assert.equal(s.oauth2?.clientId, undefined);
    assert.equal(s.oauth2?.userIdField, 'sub');
    assert.equal(s.oauth2?.userRoleField, 'litellm_role');
    assert.equal(s.oauth2?.teamIdField, 'team_id');
  });

  it('OAuth2 without an endpoint, or with half the client credentials, fails', () => {
    failsNaming(() => normalise({ enable_oauth2_auth: true }), 'oauth_token_info_endpoint');
    failsNaming(() => normalise({ enable_oauth2_auth: true, oauth_token_info_endpoint: 'https://o/i', oauth_client_id: 'x' }), 'oauth_client_secret');
  });

  it('proxy: invalid CIDR and missing user_id mapping are named', () => {
    failsNaming(() => normalise({ enable_oauth2_proxy_auth: true, trusted_proxy_ranges: ['10.0.0.0/33'], oauth2_config_mappings: { user_id: 'x-user' } }), 'trusted_proxy_ranges', /10\.0\.0\.0\/33/);
    failsNaming(() => normalise({ enable_oauth2_proxy_auth: true, trusted_proxy_ranges: ['10.0.0.0/8'] }), 'oauth2_config_mappings.user_id');
  });

  it('parseCidr', () => {
    assert.deepEqual(parseCidr('10.1.0.0/16'), { address: '10.1.0.0', prefix: 16, family: 'ipv4' });
    assert.deepEqual(parseCidr('fd00::/8'), { address: 'fd00::', prefix: 8, family: 'ipv6' });
    assert.equal(parseCidr('localhost'), undefined);
    assert.equal(parseCidr('1.2.3.4/x'), undefined);
  });
});

describe('isJwtShaped', () => {
  it('three base64url parts; sk- keys and opaque tokens are not JWTs', () => {
    assert.equal(isJwtShaped('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'), true);
    assert.equal(isJwtShaped('eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'), true, 'alg none keeps its JWT shape so it is refused as a JWT');
    assert.equal(isJwtShaped('sk-abc.def.ghi'), false);
    assert.equal(isJwtShaped('opaque-token_value'), false);
    assert.equal(isJwtShaped('a.b'), false);
    assert.equal(isJwtShaped('a.b.c.d'), false);
    assert.equal(isJwtShaped('a..c'), false);
    assert.equal(isJwtShaped('a.b+.c'), false);
  });
});
