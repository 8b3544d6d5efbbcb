/**
 * UI SMOKE TEST: TEMPORARY, until the gateway serves /ui/.
 *
 * Runs the built management UI (dist/ui, built here with `npx vite build` when missing) in
 * Chromium. The static files are served by a tiny node:http server on 127.0.0.1:0 that also
 * answers the JSON API with canned responses shaped like CONTRACT section 4: the gateway is not
 * ready yet, so this checks the UI's side of the wire only (sign-in page, one-time link exchange,
 * bearer header, no cookies, fragment cleared, key creation shown once, role-based hiding,
 * sign-out). To be REPLACED by the real end-to-end suite against `tollgate serve` (sign in with
 * the printed link, create a key, call it with the OpenAI SDK, see the request and cost, set a
 * budget and see the key refused) once the gateway serves the UI.
 *
 * Screenshots go to test-artifacts/ (gitignored).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = join(ROOT, 'dist', 'ui');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROME_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const ADMIN_LINK = 'one-time-admin-7f3a';
const VIEWER_LINK = 'one-time-viewer-91bc';
const ADMIN_SESSION = 'sess-admin-5d1e';
const VIEWER_SESSION = 'sess-viewer-2c8b';
const NEW_KEY = 'sk-Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5';

interface ApiCall {
  method: string;
  path: string;
  authorization: string | undefined;
  cookie: string | undefined;
  body: unknown;
}

const calls: ApiCall[] = [];
let server: Server;
let base = '';
let browser: Browser | undefined;

const MIME: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon' };

function envelope(status: number, type: string, message: string, param: string | null = null): string {
  return JSON.stringify({ error: { message, type, param, code: String(status) } });
}

function today(offsetDays = 0): string {
  const d = new Date();
  d.setDate(d.getDate() - offsetDays);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

const KEYS = [
  { key_id: 'kid-1', token: 'a1'.repeat(32), key_name: 'sk-...x9Qa', key_alias: 'notebook', models: ['gpt-4o-mini'], spend: 0.4231, max_budget: 5, budget_duration: '1mo', blocked: false, expires: null },
  { key_id: 'kid-2', token: 'b2'.repeat(32), key_name: 'sk-...K2zP', key_alias: 'ci', models: [], spend: 1.02, max_budget: null, budget_duration: null, blocked: true, expires: '2030-01-01T00:00:00Z' },
];

function json(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(body);
}

/** Canned answers for the management API. Shapes follow CONTRACT section 4 / LiteLLM. */
function api(req: IncomingMessage, url: URL, body: unknown, res: ServerResponse): void {
  const path = url.pathname;
  if (req.method === 'POST' && path === '/ui/session') {
    const token = (body as { token?: string } | undefined)?.token;
    const expires = new Date(Date.now() + 3600_000).toISOString();
    if (token === ADMIN_LINK) return json(res, 200, JSON.stringify({ session_token: ADMIN_SESSION, expires_at: expires, user_id: 'owner', user_role: 'proxy_admin' }));
    if (token === VIEWER_LINK) return json(res, 200, JSON.stringify({ session_token: VIEWER_SESSION, expires_at: expires, user_id: 'auditor', user_role: 'proxy_admin_viewer' }));
    return json(res, 401, envelope(401, 'auth_error', 'Sign-in token is invalid, used or expired.'));
  }
  const auth = req.headers.authorization;
  if (auth !== `Bearer ${ADMIN_SESSION}` && auth !== `Bearer ${VIEWER_SESSION}`) return json(res, 401, envelope(401, 'auth_error', 'No valid credential.'));
  if (req.method === 'DELETE' && path === '/ui/session') return json(res, 200, '{}');
  if (req.method === 'GET' && path === '/global/spend/report') {
    const by = url.searchParams.get('group_by');
    if (by === 'day') return json(res, 200, JSON.stringify({ data: [0, 1, 2, 4, 7, 9].map((d, i) => ({ date: today(d), spend: 0.15 * (i + 1), requests: 10 + i, errors: i % 2 })) }));
    if (by === 'key') return json(res, 200, JSON.stringify({ data: [{ key_alias: 'notebook', spend: 2.1, requests: 40 }, { key_alias: 'ci', spend: 0.7, requests: 12 }] }));
    return json(res, 200, JSON.stringify({ data: [{ model: 'gpt-4o-mini', spend: 1.9, requests: 30 }, { model: 'claude-3-5-haiku', spend: 0.9, requests: 22 }] }));
  }
  if (req.method === 'GET' && path === '/spend/logs') {
    const row = { request_id: 'req-1', startTime: new Date(Date.now() - 60_000).toISOString(), endTime: new Date(Date.now() - 59_200).toISOString(), model: 'gpt-4o-mini', key_alias: 'notebook', key_name: 'sk-...x9Qa', user: 'owner', team_id: null, end_user: 'cust-7', prompt_tokens: 12, completion_tokens: 9, spend: 0.000021, status: 'success' };
    return json(res, 200, JSON.stringify({ data: [row], total_count: 1, current_page: 1, total_pages: 1 }));
  }
  if (req.method === 'GET' && path === '/key/list') return json(res, 200, JSON.stringify({ keys: KEYS, total_count: KEYS.length, current_page: 1, total_pages: 1 }));
  if (req.method === 'GET' && path === '/v1/models') return json(res, 200, JSON.stringify({ object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model' }, { id: 'claude-3-5-haiku', object: 'model' }] }));
  if (req.method === 'POST' && path === '/key/generate') {
    const b = body as Record<string, unknown>;
    if (b.key_alias === 'dup') return json(res, 409, envelope(409, 'conflict_error', 'A key with this alias exists.', 'key_alias'));
    return json(res, 200, JSON.stringify({ key: NEW_KEY, key_name: 'sk-...ly5a', key_id: 'kid-3', token: 'c3'.repeat(32), expires: null, ...b }));
  }
  return json(res, 404, envelope(404, 'not_found_error', `No route ${req.method} ${path} in the smoke stub.`));
}

function serveStatic(url: URL, res: ServerResponse): void {
  let rel = decodeURIComponent(url.pathname.slice('/ui/'.length));
  if (rel === '') rel = 'index.html';
  const file = normalize(join(DIST, rel));
  const target = file.startsWith(DIST) && existsSync(file) ? file : join(DIST, 'index.html');
  res.writeHead(200, { 'content-type': MIME[extname(target)] ?? 'application/octet-stream' });
  res.end(readFileSync(target));
}

before(async () => {
  if (!existsSync(join(DIST, 'index.html'))) execFileSync('npx', ['vite', 'build'], { cwd: ROOT, stdio: 'inherit' });
  mkdirSync(ARTIFACTS, { recursive: true });
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && (url.pathname === '/ui' || url.pathname === '/ui/' || url.pathname.startsWith('/ui/')) && url.pathname !== '/ui/whoami') {
      serveStatic(url, res);
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = text;
      }
      calls.push({ method: req.method ?? '', path: url.pathname, authorization: req.headers.authorization, cookie: req.headers.cookie, body });
      api(req, url, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (existsSync(CHROMIUM)) browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROME_ARGS });
});

after(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function freshPage(colorScheme: 'light' | 'dark' = 'light', width = 1280): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser!.newContext({ viewport: { width, height: 820 }, colorScheme, reducedMotion: 'reduce' });
  const page = await context.newPage();
  page.on('pageerror', (err) => assert.fail(`page error: ${err.message}`));
  return { context, page };
}

test('the sign-in page renders with master key and SSO options', async (t) => {
  if (browser === undefined) return t.skip(`no Chromium at ${CHROMIUM}`);
  const { context, page } = await freshPage();
  await page.goto(`${base}/ui/`);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  assert.ok(await page.getByRole('button', { name: 'Sign in with master key' }).isVisible());
  assert.equal(await page.getByRole('link', { name: 'Sign in with SSO' }).getAttribute('href'), '/sso/key/generate');
  assert.ok(await page.getByLabel('Master key').isVisible());
  // Empty submit is refused in the browser, on the field.
  await page.getByRole('button', { name: 'Sign in with master key' }).click();
  assert.equal(await page.getByLabel('Master key').getAttribute('aria-invalid'), 'true');
  await page.screenshot({ path: join(ARTIFACTS, 'ui-signin.png') });
  await context.close();
});

test('a one-time link is exchanged for a session, the fragment is cleared, and calls carry the bearer without cookies', async (t) => {
  if (browser === undefined) return t.skip(`no Chromium at ${CHROMIUM}`);
  const { context, page } = await freshPage();
  const before = calls.length;
  await page.goto(`${base}/ui/#token=${ADMIN_LINK}`);
  await page.getByTestId('signed-in-role').waitFor();
  assert.equal(await page.getByTestId('signed-in-role').textContent(), 'Admin');
  assert.match((await page.getByTestId('signed-in-user').textContent()) ?? '', /owner/);

  const exchange = calls.slice(before).find((c) => c.method === 'POST' && c.path === '/ui/session');
  assert.deepEqual(exchange?.body, { token: ADMIN_LINK });
  assert.equal(exchange?.authorization, undefined);
  assert.ok(!page.url().includes(ADMIN_LINK), 'the token left the address bar');
  assert.ok(!(await page.evaluate<string>('window.location.hash')).includes('token'));

  await page.getByTestId('spend-chart').waitFor();
  await page.getByText('Top keys this month').waitFor();
  const apiCalls = calls.slice(before).filter((c) => c.path !== '/ui/session');
  assert.ok(apiCalls.length >= 3, 'the overview loaded data');
  for (const c of apiCalls) {
    assert.equal(c.authorization, `Bearer ${ADMIN_SESSION}`, `${c.method} ${c.path} sends the bearer`);
    assert.equal(c.cookie, undefined, `${c.method} ${c.path} sends no cookie`);
  }
  const stored = await page.evaluate<{ session: string | null; local: number; cookies: string }>("({ session: sessionStorage.getItem('tollgate.session'), local: localStorage.length, cookies: document.cookie })");
  assert.match(stored.session ?? '', new RegExp(ADMIN_SESSION));
  assert.equal(stored.local, 0);
  assert.equal(stored.cookies, '');
  await page.screenshot({ path: join(ARTIFACTS, 'ui-overview.png'), fullPage: true });

  // Keys: list, create with a server-side field error, then the key shown once with snippets.
  await page.getByRole('link', { name: 'Keys' }).click();
  await page.getByTestId('keys-table').waitFor();
  assert.ok(await page.getByRole('cell', { name: 'sk-...x9Qa' }).isVisible());
  await page.screenshot({ path: join(ARTIFACTS, 'ui-keys.png'), fullPage: true });
  await page.getByRole('button', { name: 'Create key' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create key' });
  await dialog.waitFor();
  await dialog.getByLabel('Alias').fill('dup');
  await dialog.getByLabel('Max budget (USD)').fill('-1');
  await dialog.getByRole('button', { name: 'Create key' }).click();
  assert.equal(await dialog.getByLabel('Max budget (USD)').getAttribute('aria-invalid'), 'true', 'zod refuses a negative budget before sending');
  await dialog.getByLabel('Max budget (USD)').fill('5');
  await dialog.getByRole('button', { name: 'Create key' }).click();
  await dialog.locator('[data-field="key_alias"] .field-error').waitFor();
  assert.equal(await dialog.getByLabel('Alias').getAttribute('aria-invalid'), 'true', 'the server param is highlighted');
  await dialog.getByLabel('Alias').fill('notebook-2');
  await dialog.getByRole('checkbox', { name: 'gpt-4o-mini' }).check();
  await page.screenshot({ path: join(ARTIFACTS, 'ui-create-key.png') });
  await dialog.getByRole('button', { name: 'Create key' }).click();
  await page.getByTestId('new-key').waitFor();
  assert.equal(await page.getByTestId('new-key').inputValue(), NEW_KEY);
  const generate = calls.filter((c) => c.path === '/key/generate').at(-1);
  assert.deepEqual(generate?.body, { key_alias: 'notebook-2', models: ['gpt-4o-mini'], max_budget: 5 });
  await page.getByRole('tab', { name: 'OpenAI · Python' }).click();
  const py = (await page.getByTestId('snippet-openai-python').textContent()) ?? '';
  assert.ok(py.includes(`base_url="${base}/v1"`) && py.includes(NEW_KEY) && py.includes('gpt-4o-mini'));
  await page.screenshot({ path: join(ARTIFACTS, 'ui-new-key.png') });
  // Escape closes the dialog and the key is gone from the page.
  await page.keyboard.press('Escape');
  await page.getByTestId('new-key').waitFor({ state: 'detached' });

  // Dark mode and the 1024 px layout.
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByRole('link', { name: 'Overview' }).click();
  await page.getByTestId('spend-chart').waitFor();
  await page.screenshot({ path: join(ARTIFACTS, 'ui-overview-dark.png'), fullPage: true });
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.getByRole('link', { name: 'Request logs' }).click();
  await page.getByTestId('logs-table').waitFor();
  assert.ok(await page.evaluate<boolean>('document.documentElement.scrollWidth <= 1024'), 'no horizontal scroll at 1024 px');
  await page.screenshot({ path: join(ARTIFACTS, 'ui-logs-1024-dark.png'), fullPage: true });

  // Sign out revokes the session on the server and forgets it here.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  const revoke = calls.filter((c) => c.method === 'DELETE' && c.path === '/ui/session').at(-1);
  assert.equal(revoke?.authorization, `Bearer ${ADMIN_SESSION}`);
  assert.equal(await page.evaluate<string | null>("sessionStorage.getItem('tollgate.session')"), null);
  await context.close();
});

test('a refused link shows why; a viewer sees no write actions', async (t) => {
  if (browser === undefined) return t.skip(`no Chromium at ${CHROMIUM}`);
  const { context, page } = await freshPage();
  await page.goto(`${base}/ui/#token=used-already`);
  await page.getByRole('alert').filter({ hasText: 'sign-in link was not accepted' }).waitFor();
  assert.ok(!page.url().includes('used-already'));
  await context.close();

  const viewer = await freshPage();
  await viewer.page.goto(`${base}/ui/#token=${VIEWER_LINK}`);
  await viewer.page.getByTestId('signed-in-role').waitFor();
  assert.equal(await viewer.page.getByTestId('signed-in-role').textContent(), 'Admin viewer');
  await viewer.page.getByRole('link', { name: 'Keys' }).click();
  await viewer.page.getByTestId('keys-table').waitFor();
  assert.equal(await viewer.page.getByRole('button', { name: 'Create key' }).count(), 0);
  assert.equal(await viewer.page.getByRole('button', { name: /^(Delete|Block|Unblock|Rotate) / }).count(), 0);
  assert.ok(await viewer.page.getByRole('link', { name: 'Audit log' }).isVisible(), 'viewers read the audit log');
  await viewer.page.screenshot({ path: join(ARTIFACTS, 'ui-keys-viewer.png') });
  await viewer.context.close();
});
