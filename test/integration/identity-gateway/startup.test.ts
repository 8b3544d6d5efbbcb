/**
 * Startup with the seed's four identity configuration examples (test/fixtures/identity/seed-*.yaml,
 * copied from authentication.md with URLs moved to loopback), through the real `tollgate serve`.
 * Those that are safe load as written; the two that leave out what Tollgate requires for safety
 * (the JWT example's issuer, the OAuth2-proxy example's trusted_proxy_ranges) exit non-zero with a
 * message naming the missing setting and why; so does an unknown key under litellm_jwtauth.
 * The refusals and one start go through the real command; the other starts load the same files
 * in-process (each `tollgate` process costs seconds of CPU on these 2-core machines).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MASTER } from '../../support/gateway.ts';
import { FIXTURES, bearer, expectStatus, listening, raw, runCli, startGatewayInDir, type CliRun } from './helpers.ts';

function dataDir(): string {
  return mkdtempSync(join(tmpdir(), 'tollgate-idstart-'));
}

function serve(config: string, env: Record<string, string> = {}): { run: CliRun; dir: string } {
  const dir = dataDir();
  return { run: runCli(['serve', '--config', config, '--port', '0', '--data-dir', dir], env), dir };
}

async function stopped(s: { run: CliRun; dir: string }): Promise<void> {
  s.run.kill();
  assert.equal(await s.run.exit, 0, s.run.err());
  rmSync(s.dir, { recursive: true, force: true });
}

test('the examples that leave out a safety setting, and a typo under litellm_jwtauth, exit non-zero naming it and why', async () => {
  const dir = dataDir();
  const typo = join(dir, 'typo.yaml');
  writeFileSync(typo, `general_settings:
  enable_jwt_auth: true
  litellm_jwtauth:
    public_key_url: http://127.0.0.1:9/jwks
    audience: tollgate
    issuer: http://127.0.0.1:9
    enforce_rabc: true
`);
  const jwt = serve(join(FIXTURES, 'seed-jwt.yaml'));
  const proxy = serve(join(FIXTURES, 'seed-oauth2-proxy.yaml'));
  const bad = serve(typo);
  const [jwtCode, proxyCode, badCode] = await Promise.all([jwt.run.exit, proxy.run.exit, bad.run.exit]);

  assert.notEqual(jwtCode, 0);
  assert.equal(jwt.run.out(), '', 'never printed the readiness line');
  assert.match(jwt.run.err(), /seed-jwt\.yaml/);
  assert.match(jwt.run.err(), /jwt_issuer/);
  assert.match(jwt.run.err(), /JWT_ISSUER/);
  assert.match(jwt.run.err(), /any issuer's token would be accepted/);
  assert.match(jwt.run.err(), /disable_issuer_validation/);

  assert.notEqual(proxyCode, 0);
  assert.equal(proxy.run.out(), '');
  assert.match(proxy.run.err(), /trusted_proxy_ranges/);
  assert.match(proxy.run.err(), /could send identity headers/);

  assert.notEqual(badCode, 0);
  assert.equal(bad.run.out(), '');
  assert.match(bad.run.err(), /general_settings\.litellm_jwtauth\.enforce_rabc/);
  assert.match(bad.run.err(), /line 7/);
  for (const d of [dir, jwt.dir, proxy.dir, bad.dir]) rmSync(d, { recursive: true, force: true });
});

test('the OAuth2 example loads as written, and fails closed (503) while its endpoint is unreachable', async () => {
  const s = serve(join(FIXTURES, 'seed-oauth2.yaml'));
  try {
    const url = await listening(s.run);
    const r = await raw(url, 'GET', '/v1/models', undefined, bearer('some-opaque-access-token'));
    expectStatus(r, 503, 'auth_provider_unavailable');
    assert.ok(!r.text.includes('your-client-secret'));
    expectStatus(await raw(url, 'GET', '/v1/models', undefined, bearer(MASTER)), 200);
  } finally {
    await stopped(s);
  }
});

test('the custom-auth example loads as written: dotted custom_auth beside the config, route-class public_routes, allow_user_auth', async () => {
  const gw = await startGatewayInDir({ config: readFileSync(join(FIXTURES, 'seed-custom-auth.yaml'), 'utf8'), fixtures: ['path/to/your.mjs'] });
  try {
    expectStatus(await gw.call('GET', '/v1/models', undefined, bearer('seed-custom-ok')), 200);
    expectStatus(await gw.call('GET', '/audit', undefined, bearer('seed-custom-ok')), 403, 'auth_error');
    // Mode `on` (the default): what the module does not accept is refused, virtual keys included.
    const { json: k } = await gw.admin('POST', '/key/generate', {});
    expectStatus(await gw.call('GET', '/v1/models', undefined, bearer(k.key)), 401, 'auth_error');
    expectStatus(await gw.call('GET', '/v1/models', undefined, bearer('something-else')), 401, 'auth_error');
    expectStatus(await gw.call('GET', '/v1/models'), 401, 'auth_error');
    expectStatus(await gw.admin('GET', '/v1/models'), 200);
    // public_routes: "/spend/calculate" needs no credential; LiteLLMRoutes.public_routes keeps the health routes public.
    const calc = await gw.call('POST', '/spend/calculate', { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    assert.notEqual(calc.status, 401, calc.text);
    assert.notEqual(calc.status, 403, calc.text);
    expectStatus(await gw.call('GET', '/health/readiness'), 200);
    expectStatus(await gw.call('GET', '/audit'), 401, 'auth_error');
  } finally {
    await gw.stop();
  }
});

test('the JWT example starts once an issuer is given (JWT_ISSUER); the OAuth2-proxy example once trusted_proxy_ranges is', async () => {
  const jwt = await startGatewayInDir({ config: readFileSync(join(FIXTURES, 'seed-jwt.yaml'), 'utf8'), env: { JWT_ISSUER: 'http://127.0.0.1:9' } });
  const proxy = await startGatewayInDir({ config: `${readFileSync(join(FIXTURES, 'seed-oauth2-proxy.yaml'), 'utf8')}  trusted_proxy_ranges: ["127.0.0.1/32"]\n` });
  try {
    // The JWKS URL is unreachable and nothing is cached: a JWT is 503, never accepted unverified.
    const token = `${Buffer.from('{"alg":"RS256","kid":"k"}').toString('base64url')}.${Buffer.from('{"sub":"a","exp":9999999999}').toString('base64url')}.c2ln`;
    expectStatus(await jwt.call('GET', '/v1/models', undefined, bearer(token)), 503, 'auth_provider_unavailable');
    const user = { 'X-Goog-Authenticated-User-Email': 'pat@your-company.com' };
    expectStatus(await proxy.call('GET', '/v1/models', undefined, user), 200);
    expectStatus(await proxy.call('GET', '/audit', undefined, user), 403, 'auth_error');
    expectStatus(await proxy.call('POST', '/v1/chat/completions', { model: 'x', messages: [] }, { ...user, 'X-Custom-Budget': 'lots' }), 401, 'auth_error');
  } finally {
    await jwt.stop();
    await proxy.stop();
  }
});

test('a custom_auth module that is not beside the config is a startup error naming the setting and where it looked', async () => {
  await assert.rejects(
    startGatewayInDir({ config: readFileSync(join(FIXTURES, 'seed-custom-auth.yaml'), 'utf8') }),
    (err: Error) => {
      assert.match(err.message, /general_settings\.custom_auth/);
      assert.match(err.message, /path\.to\.your\.custom_auth_function/);
      assert.match(err.message, /path\/to\/your\.mjs/);
      return true;
    },
  );
});
