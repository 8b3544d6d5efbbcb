/**
 * SSO end to end in real Chromium (playwright-core, Debian's /usr/bin/chromium) against the real
 * gateway serving the built UI and the real oidc-provider, all on loopback: from the UI's
 * "Sign in with SSO" the browser goes to the provider, the person fills its login form and
 * consents, the gateway's callback sends the browser to /ui/#token=, and the UI exchanges the
 * token and shows the user and role (PROXY_ADMIN_ID -> proxy_admin, others internal_user_viewer),
 * with the fragment cleared and no cookie from the gateway. Negative: an email outside
 * ALLOWED_EMAIL_DOMAINS lands on the refusal page, and the UI is not signed in.
 * Every request off 127.0.0.1 is aborted (the provider's page imports a web font).
 * Screenshots go to test-artifacts/ (gitignored).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startOidcProvider, type TestOidc } from '../support/oidc.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { genericEnv, registerCallbacks } from '../integration/sso/support.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ARTIFACTS = join(ROOT, 'test-artifacts');
const CHROMIUM = '/usr/bin/chromium';
const CHROME_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (install Debian's chromium package)`;

let oidc: TestOidc;
let gw: TestGateway;
let strict: TestGateway;
let browser: Browser | undefined;

before(async () => {
  if (skip !== false) return;
  if (!existsSync(join(ROOT, 'dist', 'ui', 'index.html'))) execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  mkdirSync(ARTIFACTS, { recursive: true });
  oidc = await startOidcProvider({
    accounts: {
      alice: { email: 'alice@example.com', email_verified: true, name: 'Alice Example' },
      root: { email: 'root@example.com', email_verified: true, name: 'Root' },
      mallory: { email: 'mallory@evil.test', email_verified: true },
    },
  });
  // The browser's clock is real, so the gateway's is too (session expiry is shown and enforced by the UI).
  gw = await startGateway({ realClock: true, env: genericEnv(oidc, { PROXY_ADMIN_ID: 'root' }) });
  strict = await startGateway({ realClock: true, env: genericEnv(oidc, { ALLOWED_EMAIL_DOMAINS: 'example.com' }) });
  await registerCallbacks(oidc, [gw, strict]);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROME_ARGS });
});

after(async () => {
  await browser?.close();
  await Promise.all([gw?.stop(), strict?.stop()]);
  await oidc?.stop();
});

async function freshPage(): Promise<{ context: BrowserContext; page: Page; gatewayCookies: string[]; cspViolations: string[] }> {
  const context = await browser!.newContext({ viewport: { width: 1280, height: 820 }, reducedMotion: 'reduce' });
  await context.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort()));
  const page = await context.newPage();
  page.on('pageerror', (err) => assert.fail(`page error: ${err.message}`));
  // Cookies are per host, not per port, so the provider's cookies on 127.0.0.1 show up in the
  // jar; what matters is that no gateway response sets one.
  const gatewayCookies: string[] = [];
  page.on('response', (res) => {
    const origin = new URL(res.url()).origin;
    if (origin === gw.url || origin === strict.url) {
      // A response still being read when its page closes rejects: that is the test ending, not a cookie.
      res.headerValue('set-cookie').then((v) => {
        if (v !== null) gatewayCookies.push(`${res.url()}: ${v}`);
      }, () => undefined);
    }
  });
  const cspViolations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(`${page.url()}: ${m.text()}`);
  });
  return { context, page, gatewayCookies, cspViolations };
}

/** At the provider: the devInteractions login form, then the consent form. */
async function signInAtProvider(page: Page, login: string, shot?: string): Promise<void> {
  await page.waitForURL((u) => u.origin === oidc.issuer && u.pathname.startsWith('/interaction/'));
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  if (shot !== undefined) await page.screenshot({ path: join(ARTIFACTS, shot) });
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.waitForURL((u) => u.origin === oidc.issuer && u.pathname.startsWith('/interaction/'));
  await page.getByRole('button', { name: 'Continue' }).click();
}

test('SSO from the UI: provider login page, callback, signed in as the mapped user and role', { skip }, async () => {
  const { context, page, gatewayCookies } = await freshPage();
  try {
    await page.goto(`${gw.url}/ui/`);
    await page.getByRole('link', { name: 'Sign in with SSO' }).click();
    await signInAtProvider(page, 'alice', 'sso-provider-login.png');

    await page.getByTestId('signed-in-user').waitFor();
    assert.equal(new URL(page.url()).origin, gw.url);
    assert.match(await page.getByTestId('signed-in-user').innerText(), /alice/);
    assert.equal(await page.getByTestId('signed-in-role').getAttribute('title'), 'internal_user_viewer');
    assert.equal(new URL(page.url()).hash.includes('token='), false, 'the one-time token left the address bar');
    assert.deepEqual(gatewayCookies, [], 'the gateway set no cookie');
    await page.screenshot({ path: join(ARTIFACTS, 'sso-signed-in.png'), fullPage: true });

    const u = await gw.call('GET', '/user/info?user_id=alice');
    assert.equal(u.status, 200, 'the SSO user exists on the gateway');
  } finally {
    await context.close();
  }
});

test('SSO with PROXY_ADMIN_ID: the UI shows a proxy admin', { skip }, async () => {
  const { context, page } = await freshPage();
  try {
    await page.goto(`${gw.url}/sso/key/generate`);
    await signInAtProvider(page, 'root');
    await page.getByTestId('signed-in-user').waitFor();
    assert.equal(await page.getByTestId('signed-in-role').getAttribute('title'), 'proxy_admin');
    await page.screenshot({ path: join(ARTIFACTS, 'sso-signed-in-admin.png'), fullPage: true });
  } finally {
    await context.close();
  }
});

test('SSO refused: an email outside ALLOWED_EMAIL_DOMAINS shows the refusal page, and the UI stays signed out', { skip }, async () => {
  const { context, page, cspViolations } = await freshPage();
  try {
    await page.goto(`${strict.url}/ui/`);
    await page.getByRole('link', { name: 'Sign in with SSO' }).click();
    await signInAtProvider(page, 'mallory');

    await page.getByRole('heading', { name: 'Sign-in refused' }).waitFor();
    const url = new URL(page.url());
    assert.equal(url.origin, strict.url);
    assert.equal(url.pathname, '/sso/callback');
    const text = await page.locator('main').innerText();
    assert.match(text, /mallory@evil\.test is not allowed to sign in here/);
    assert.match(text, /Nothing was created and you are not signed in/);
    assert.match(text, /Reason: email_domain/);
    const color = await page.getByRole('heading', { name: 'Sign-in refused' }).evaluate((h) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(h).color);
    assert.equal(color, 'rgb(164, 38, 44)', "the page's one inline style is allowed by its CSP hash");
    assert.deepEqual(cspViolations.filter((v) => v.includes('/sso/')), [], 'nothing on the refusal page breaks its CSP');
    await page.screenshot({ path: join(ARTIFACTS, 'sso-refused.png'), fullPage: true });

    await page.goto(`${strict.url}/ui/`);
    await page.getByRole('link', { name: 'Sign in with SSO' }).waitFor();
    assert.equal(await page.getByTestId('signed-in-user').count(), 0);
    assert.equal((await strict.call('GET', '/user/info?user_id=mallory')).status, 404);
  } finally {
    await context.close();
  }
});
