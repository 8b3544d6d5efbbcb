/**
 * SSO settings from LiteLLM's environment names: what each provider turns into, and the setups
 * that must stop the gateway at startup instead of serving a weaker login (missing endpoints,
 * plain http off loopback, a domain allow-list on a multi-tenant Microsoft app, a bad base URL).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSsoSettings, parseDomains, isLoopbackHostname } from '../../../src-main/core/sso/index.ts';
import { startGateway } from '../../support/gateway.ts';

const GENERIC = {
  GENERIC_CLIENT_ID: 'cid', GENERIC_CLIENT_SECRET: 'shh',
  GENERIC_AUTHORIZATION_ENDPOINT: 'https://idp.example/authorize', GENERIC_TOKEN_ENDPOINT: 'https://idp.example/token', GENERIC_USERINFO_ENDPOINT: 'https://idp.example/userinfo',
};

test('no client id: SSO is off', () => {
  assert.equal(readSsoSettings({}, {}), null);
  assert.equal(readSsoSettings({}, { GENERIC_CLIENT_ID: '  ' }), null);
});

test("Google and Microsoft use discovery, LiteLLM's claims, and their issuers", () => {
  const g = readSsoSettings({}, { GOOGLE_CLIENT_ID: 'g', GOOGLE_CLIENT_SECRET: 's' })!;
  assert.equal(g.provider, 'google');
  assert.equal(g.issuer, 'https://accounts.google.com');
  assert.deepEqual(g.attributes.userId, ['sub']);
  assert.equal(g.clientSecret, 's');
  const m = readSsoSettings({}, { MICROSOFT_CLIENT_ID: 'm', MICROSOFT_TENANT: 'contoso.onmicrosoft.com', ALLOWED_EMAIL_DOMAINS: 'contoso.com' })!;
  assert.equal(m.provider, 'microsoft');
  assert.equal(m.issuer, 'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0');
  assert.deepEqual(m.attributes.userId, ['oid', 'sub']);
  assert.equal(readSsoSettings({}, { MICROSOFT_CLIENT_ID: 'm' })!.issuer, 'https://login.microsoftonline.com/common/v2.0');
});

test('Microsoft: ALLOWED_EMAIL_DOMAINS on a multi-tenant app is refused (nOAuth); a bad tenant is refused', () => {
  assert.throws(() => readSsoSettings({}, { MICROSOFT_CLIENT_ID: 'm', ALLOWED_EMAIL_DOMAINS: 'contoso.com' }), /MICROSOFT_TENANT.*not verified/);
  assert.throws(() => readSsoSettings({}, { MICROSOFT_CLIENT_ID: 'm', MICROSOFT_TENANT: 'organizations', ALLOWED_EMAIL_DOMAINS: 'contoso.com' }), /MICROSOFT_TENANT/);
  assert.throws(() => readSsoSettings({}, { MICROSOFT_CLIENT_ID: 'm', MICROSOFT_TENANT: '../evil' }), /MICROSOFT_TENANT must be/);
});

test('generic: defaults follow LiteLLM; the role claim is used only when configured', () => {
  const s = readSsoSettings({ custom_sso: './hooks.mjs', proxy_base_url: 'https://cfg.example' }, { ...GENERIC, PROXY_ADMIN_ID: 'boss', ALLOWED_EMAIL_DOMAINS: ' A.com,@b.org ,' })!;
  assert.equal(s.provider, 'generic');
  assert.equal(s.issuer, null);
  assert.equal(s.scope, 'openid email profile');
  assert.deepEqual(s.attributes, { userId: ['preferred_username', 'sub'], email: 'email', displayName: 'name', role: null });
  assert.equal(s.adminId, 'boss');
  assert.deepEqual(s.allowedEmailDomains, ['a.com', 'b.org']);
  assert.equal(s.customSso, './hooks.mjs');
  assert.equal(s.proxyBaseUrl, 'https://cfg.example', 'the config file is used when the environment has no PROXY_BASE_URL');
  const t = readSsoSettings({ proxy_base_url: 'https://cfg.example' }, { ...GENERIC, PROXY_BASE_URL: 'https://env.example/', GENERIC_USER_ID_ATTRIBUTE: 'email', GENERIC_USER_ROLE_ATTRIBUTE: 'realm_access.roles', GENERIC_SCOPE: 'email' })!;
  assert.equal(t.proxyBaseUrl, 'https://env.example', 'the environment beats the config file');
  assert.deepEqual(t.attributes.userId, ['email']);
  assert.equal(t.attributes.role, 'realm_access.roles');
  assert.equal(t.scope, 'email', 'without an issuer the scope is as configured');
});

test('generic with GENERIC_ISSUER: discovery; openid is always requested', () => {
  const s = readSsoSettings({}, { GENERIC_CLIENT_ID: 'cid', GENERIC_ISSUER: 'https://idp.example', GENERIC_SCOPE: 'email profile' })!;
  assert.equal(s.issuer, 'https://idp.example');
  assert.deepEqual(s.endpoints, {});
  assert.equal(s.scope, 'openid email profile');
  assert.equal(s.clientSecret, undefined, 'a public client (PKCE only) is allowed');
});

test('generic without an issuer needs all three endpoints, and says which are missing', () => {
  assert.throws(() => readSsoSettings({}, { GENERIC_CLIENT_ID: 'cid', GENERIC_AUTHORIZATION_ENDPOINT: 'https://idp.example/a' }), /GENERIC_TOKEN_ENDPOINT, GENERIC_USERINFO_ENDPOINT are not/);
});

test('plain http is refused off loopback, for every endpoint and the issuer; credentials in URLs too', () => {
  assert.throws(() => readSsoSettings({}, { ...GENERIC, GENERIC_TOKEN_ENDPOINT: 'http://idp.example/token' }), /GENERIC_TOKEN_ENDPOINT must be an https URL/);
  assert.throws(() => readSsoSettings({}, { GENERIC_CLIENT_ID: 'c', GENERIC_ISSUER: 'http://10.0.0.5:8080' }), /GENERIC_ISSUER must be an https URL/);
  assert.throws(() => readSsoSettings({}, { ...GENERIC, GENERIC_USERINFO_ENDPOINT: 'https://u:p@idp.example/me' }), /must not carry credentials/);
  assert.throws(() => readSsoSettings({}, { ...GENERIC, GENERIC_AUTHORIZATION_ENDPOINT: 'javascript:alert(1)' }), /must be an https URL/);
  assert.ok(readSsoSettings({}, { ...GENERIC, GENERIC_TOKEN_ENDPOINT: 'http://127.0.0.1:9000/token', GENERIC_USERINFO_ENDPOINT: 'http://[::1]:9000/me' }));
  assert.throws(() => readSsoSettings({}, { ...GENERIC, PROXY_BASE_URL: 'https://x.example/?a=1' }), /PROXY_BASE_URL must be a plain base URL/);
  assert.throws(() => readSsoSettings({}, { ...GENERIC, PROXY_BASE_URL: 'ftp://x.example' }), /PROXY_BASE_URL must be an http\(s\) URL/);
});

test('several providers: LiteLLM order, with a warning', () => {
  const warnings: string[] = [];
  const s = readSsoSettings({}, { ...GENERIC, GOOGLE_CLIENT_ID: 'g' }, (m) => warnings.push(m))!;
  assert.equal(s.provider, 'google');
  assert.match(warnings[0] ?? '', /GOOGLE_CLIENT_ID, GENERIC_CLIENT_ID are all set; using GOOGLE_CLIENT_ID/);
});

test('helpers: domains and loopback hosts', () => {
  assert.deepEqual(parseDomains(undefined), []);
  assert.deepEqual(parseDomains('X.com,,y.org'), ['x.com', 'y.org']);
  for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '[::1]', '::1']) assert.equal(isLoopbackHostname(h), true, h);
  for (const h of ['10.0.0.1', 'example.com', '127.0.0.1.evil.com', '0.0.0.0']) assert.equal(isLoopbackHostname(h), false, h);
});

test('the gateway refuses to start with an unsafe SSO setup, naming the variable', async () => {
  await assert.rejects(startGateway({ env: { ...GENERIC, GENERIC_TOKEN_ENDPOINT: 'http://idp.example/token' } }), /SSO: GENERIC_TOKEN_ENDPOINT must be an https URL/);
  await assert.rejects(startGateway({ env: { GENERIC_CLIENT_ID: 'cid' } }), /SSO: GENERIC_CLIENT_ID is set but/);
});
