/**
 * The desktop shell's side of SSO (ARCHITECTURE "The desktop shell"; RFC 8252: the system
 * browser, a loopback redirect): `Gateway.startSso()` hands out the authorize URL; with a
 * BrowserOpener, `/sso/key/generate?open=browser` opens it through the opener (at most once per
 * few seconds, since any web page could request that URL) and answers a page; the completed
 * login goes to the onSsoComplete listener and the browser is told to return to the app.
 * Also PROXY_BASE_URL as the redirect base.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGateway, type Gateway } from '../../../src-main/core/index.ts';
import { createMemorySecretStore } from '../../../src-main/core/secrets/index.ts';
import { startOidcProvider, type TestOidc } from '../../support/oidc.ts';
import { FakeClock, MASTER, startGateway, type TestGateway } from '../../support/gateway.ts';
import { genericEnv, get, loginAtIdp, registerCallbacks } from './support.ts';

let oidc: TestOidc;
let desktop: Gateway;
let desktopUrl: string;
let dataDir: string;
const clock = new FakeClock();
const opened: string[] = [];
const handedOff: string[] = [];
let proxied: TestGateway;

before(async () => {
  oidc = await startOidcProvider({ accounts: { dora: { email: 'dora@example.com', email_verified: true } } });
  dataDir = mkdtempSync(join(tmpdir(), 'tollgate-sso-desktop-'));
  desktop = await createGateway({
    dataDir, port: 0, masterKey: MASTER, secretStore: createMemorySecretStore(), clock, logLevel: 'silent',
    env: genericEnv(oidc),
    browserOpener: { open: async (url) => void opened.push(url) },
  });
  desktopUrl = (await desktop.start()).url;
  desktop.onSsoComplete((t) => handedOff.push(t));
  // A gateway reached through a reverse proxy: the redirect URI follows PROXY_BASE_URL.
  proxied = await startGateway({ env: genericEnv(oidc, { PROXY_BASE_URL: 'https://tollgate.example.com/' }) });
  await registerCallbacks(oidc, [{ url: desktopUrl }]);
});

after(async () => {
  await desktop?.stop();
  await proxied?.stop();
  await oidc?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function exchange(token: string): Promise<any> {
  const res = await fetch(`${desktopUrl}/ui/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
  return { status: res.status, json: await res.json() };
}

test('startSso() returns an authorize URL the shell can open; the login ends with the shell', async () => {
  const url = new URL(await desktop.startSso!());
  assert.equal(url.origin, new URL(oidc.issuer).origin);
  assert.equal(url.searchParams.get('redirect_uri'), `${desktopUrl}/sso/callback`);
  assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
  const callback = await loginAtIdp(oidc, url.href, 'dora');
  const r = await get(callback);
  assert.equal(r.status, 200);
  assert.match(r.text, /Return to the Tollgate app/);
  assert.equal(handedOff.length, 1);
  const s = await exchange(handedOff[0]!);
  assert.equal(s.status, 200);
  assert.equal(s.json.user_id, 'dora');
});

test('?open=browser opens the authorize URL through the BrowserOpener, at most once per cooldown', async () => {
  const first = await get(`${desktopUrl}/sso/key/generate?open=browser`);
  assert.equal(first.status, 200);
  assert.equal(first.location, null, 'the requesting page is not redirected');
  assert.match(first.text, /Continue in your browser/);
  assert.equal(opened.length, 1);
  assert.ok(opened[0]!.startsWith(`${oidc.issuer}/auth?`));

  const burst = await get(`${desktopUrl}/sso/key/generate?open=browser`);
  assert.equal(burst.status, 200);
  assert.equal(opened.length, 1, 'a second request right away opens nothing');

  clock.advance(5_000);
  await get(`${desktopUrl}/sso/key/generate?open=browser`);
  assert.equal(opened.length, 2);

  const before = handedOff.length;
  const r = await get(await loginAtIdp(oidc, opened[1]!, 'dora'));
  assert.equal(r.status, 200);
  assert.equal(handedOff.length, before + 1);
  assert.equal((await exchange(handedOff.at(-1)!)).status, 200);
});

test('without ?open=browser the same gateway redirects the browser itself', async () => {
  const r = await get(`${desktopUrl}/sso/key/generate`);
  assert.equal(r.status, 302);
  assert.ok(r.location?.startsWith(`${oidc.issuer}/auth?`));
});

test('PROXY_BASE_URL sets the redirect URI (trailing slash dropped)', async () => {
  const r = await get(`${proxied.url}/sso/key/generate`);
  assert.equal(r.status, 302);
  assert.equal(new URL(r.location!).searchParams.get('redirect_uri'), 'https://tollgate.example.com/sso/callback');
  const cfg = await proxied.call('GET', '/config/auth');
  assert.equal(cfg.json.sso.redirect_uri, 'https://tollgate.example.com/sso/callback');
});

test('an unreachable identity provider answers a page (503), and sign-in works once it is back', async () => {
  const offline = await startGateway({ env: genericEnv(oidc) });
  try {
    await oidc.stop();
    const r = await get(`${offline.url}/sso/key/generate`);
    assert.equal(r.status, 503);
    assert.match(r.text, /Reason: idp_unreachable/);
    await oidc.start();
    const again = await get(`${offline.url}/sso/key/generate`);
    assert.equal(again.status, 302, 'a failed discovery is retried');
  } finally {
    await oidc.start();
    await offline.stop();
  }
});
