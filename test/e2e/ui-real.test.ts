/**
 * The management UI end to end: real Chromium on the built UI (dist/ui) served by a real gateway
 * (real SQLite, real clock) in front of a real OpenAI-compatible upstream on loopback, and the real
 * `openai` SDK calling the key the UI created. Nothing is stubbed: every number the UI shows here
 * was computed by the gateway from requests that went through it.
 *
 * Screenshots of every page go to test-artifacts/ui-*.png (gitignored).
 */
import { after, before, test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { Browser, Page } from 'playwright-core';
import { MASTER, startGateway } from '../support/gateway.ts';
import type { TestGateway } from '../support/gateway.ts';
import { startUpstream } from '../support/upstream.ts';
import type { Upstream } from '../support/upstream.ts';
import { ARTIFACTS, browserSkipReason, ensureUiBuilt, hasHorizontalScroll, launchBrowser, openPage, screenshot } from '../support/browser.ts';
import type { TestPage } from '../support/browser.ts';

// One chat request "hi" costs 4 prompt tokens * 0.001 + 20 completion tokens * 0.002 = $0.044.
const MODEL = 'gpt-4o-mini';
const COST = 0.044;

const skip = browserSkipReason();
let up: Upstream;
let gw: TestGateway;
let browser: Browser | undefined;

before(async () => {
  if (skip !== null) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const f of readdirSync(ARTIFACTS, { withFileTypes: true })) if (f.isFile() && f.name.startsWith('ui-')) rmSync(join(ARTIFACTS, f.name));
  ensureUiBuilt();
  up = await startUpstream();
  gw = await startGateway({
    realClock: true,
    env: { UPSTREAM_KEY: 'sk-upstream-secret-0000' },
    config: `
model_list:
  - model_name: ${MODEL}
    litellm_params: { model: openai/${MODEL}, api_base: ${up.url}/v1, api_key: os.environ/UPSTREAM_KEY }
    model_info: { input_cost_per_token: 0.001, output_cost_per_token: 0.002 }
  - model_name: other-model
    litellm_params: { model: openai/other, api_base: ${up.url}/v1, api_key: os.environ/UPSTREAM_KEY }
`,
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await gw?.stop();
  await up?.close();
});

function flush(): void {
  (gw.internals.governance as { flush(): void }).flush();
}

function sdk(key: string): OpenAI {
  return new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
}

async function chat(key: string): Promise<OpenAI.Chat.Completions.ChatCompletion> {
  return sdk(key).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
}

/** Rejects with the SDK's error; resolves with its status and envelope. */
async function chatError(key: string): Promise<{ status: number; type: string; message: string }> {
  try {
    await chat(key);
  } catch (err) {
    if (err instanceof OpenAI.APIError) {
      const e = err.error as { type?: string; message?: string } | undefined;
      return { status: err.status ?? 0, type: e?.type ?? '', message: e?.message ?? err.message };
    }
    throw err;
  }
  throw new Error('the request was expected to be refused');
}

async function goTo(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: label === 'Providers & models' ? 'Providers & models' : label }).waitFor();
}

function money(n: number): string {
  return `$${n.toFixed(4)}`;
}

function skipped(t: TestContext): boolean {
  if (skip === null && browser !== undefined) return false;
  t.skip(skip ?? 'no browser');
  return true;
}

test('sign-in page, one-time link exchanged once, a replayed link refused with a message', async (t) => {
  if (skipped(t)) return;
  const signin = await openPage(browser!);
  await signin.page.goto(`${gw.url}/ui/`);
  await signin.page.getByRole('heading', { name: 'Sign in' }).waitFor();
  assert.ok(await signin.page.getByLabel('Master key').isVisible());
  assert.equal(await signin.page.getByRole('link', { name: 'Sign in with SSO' }).getAttribute('href'), '/sso/key/generate');
  await screenshot(signin.page, 'ui-signin');
  // Empty: refused on the field, in the browser. Wrong: refused by the gateway. Right: signed in.
  await signin.page.getByRole('button', { name: 'Sign in with master key' }).click();
  assert.equal(await signin.page.getByLabel('Master key').getAttribute('aria-invalid'), 'true');
  await signin.page.getByLabel('Master key').fill('sk-not-the-master-key');
  await signin.page.getByRole('button', { name: 'Sign in with master key' }).click();
  await signin.page.getByRole('alert').filter({ hasText: 'The gateway did not accept this key.' }).waitFor();
  await signin.page.getByLabel('Master key').fill(MASTER);
  await signin.page.getByRole('button', { name: 'Sign in with master key' }).click();
  await signin.page.getByTestId('signed-in-role').filter({ hasText: 'Admin' }).waitFor();
  await signin.close();

  const link = gw.gateway.createSignInLink();
  assert.match(link, /\/ui\/#token=/);
  const first = await openPage(browser!);
  await first.page.goto(link);
  await first.page.getByTestId('signed-in-role').waitFor();
  assert.equal(await first.page.getByTestId('signed-in-role').textContent(), 'Admin');
  assert.ok(!first.page.url().includes('token='), 'the token left the address bar');
  await first.close();

  const replay = await openPage(browser!);
  await replay.page.goto(link);
  const alert = replay.page.getByRole('alert').filter({ hasText: 'sign-in link was not accepted' });
  await alert.waitFor();
  assert.match((await alert.textContent()) ?? '', /expired or was already used/);
  assert.equal(await replay.page.getByTestId('signed-in-role').count(), 0);
  assert.ok(!replay.page.url().includes('token='));
  await screenshot(replay.page, 'ui-signin-replayed-link');
  await replay.close();
});

test('an admin clicks through keys, spend, budgets, rotation, teams, audit, settings and sign-out', async (t) => {
  if (skipped(t)) return;
  const admin: TestPage = await openPage(browser!, { permissions: ['clipboard-read', 'clipboard-write'] });
  const { page } = admin;
  // Every call the UI makes to the gateway API, with its headers (cookies included, if any).
  const apiCalls: Promise<{ url: string; headers: Record<string, string> }>[] = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (!path.startsWith('/ui/') || path === '/ui/session' || path === '/ui/whoami') {
      const call = r.allHeaders().then((headers) => ({ url: `${r.method()} ${path}`, headers }));
      // Handled here too, so a request that outlives the page is not an unhandled rejection; the
      // step that awaits these still fails on any of them.
      call.catch(() => undefined);
      apiCalls.push(call);
    }
  });
  let key = '';
  let keyId = '';
  let sessionToken = '';
  // The steps share one page: after a failure the rest would only fail in its wake.
  let broken = false;
  const step = async (name: string, fn: () => Promise<void>): Promise<void> => {
    await t.test(name, async (st) => {
      if (broken) return st.skip('an earlier step failed');
      try {
        await fn();
      } catch (err) {
        broken = true;
        await screenshot(page, `ui-failed-${name.replace(/\W+/g, '-').slice(0, 40)}`).catch(() => undefined);
        throw err;
      }
    });
  };

  await step('sign in with the link; the overview is empty', async () => {
    await page.goto(gw.gateway.createSignInLink());
    await page.getByTestId('signed-in-role').waitFor();
    const stored = await page.evaluate<string | null>("sessionStorage.getItem('tollgate.session')");
    sessionToken = (JSON.parse(stored ?? '{}') as { token?: string }).token ?? '';
    assert.match(sessionToken, /^tgs_/);
    assert.equal(await page.evaluate<string>('document.cookie'), '');
    assert.equal(await page.evaluate<number>('localStorage.length'), 0, 'nothing in localStorage');
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await page.getByText('No spend yet').waitFor();
    await screenshot(page, 'ui-overview-empty');
  });

  await step('keyboard: Tab reaches "Create key", Enter opens the dialog, Escape closes it', async () => {
    await goTo(page, 'Keys');
    await page.getByText('No keys yet').waitFor();
    await page.evaluate('document.activeElement?.blur()');
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate<boolean>("document.activeElement?.tagName === 'BUTTON' && document.activeElement.textContent === 'Create key'");
    }
    assert.ok(reached, 'Tab reaches the Create key button');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Create key' });
    await dialog.waitFor();
    assert.equal(await page.evaluate<string | null>("document.activeElement?.closest('[data-field]')?.getAttribute('data-field') ?? null"), 'key_alias', 'focus starts in the first field');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate<string | null>('document.activeElement?.textContent ?? null'), 'Create key', 'focus returns to the button');
  });

  await step('create a key with a budget, copy it, call it with the OpenAI SDK', async () => {
    await page.getByRole('button', { name: 'Create key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create key' });
    await dialog.getByLabel('Alias').fill('notebook');
    await dialog.getByRole('checkbox', { name: MODEL }).check();
    await dialog.getByLabel('Max budget (USD)').fill('-1');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    assert.equal(await dialog.getByLabel('Max budget (USD)').getAttribute('aria-invalid'), 'true', 'the shared schema refuses a negative budget before sending');
    await dialog.getByLabel('Max budget (USD)').fill('1');
    await screenshot(page, 'ui-keys-create');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    const shown = page.getByTestId('new-key');
    await shown.waitFor();
    const fromPage = await shown.inputValue();
    assert.match(fromPage, /^sk-/);
    await page.getByRole('button', { name: 'Copy key' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    key = await page.evaluate<string>('navigator.clipboard.readText()');
    assert.equal(key, fromPage, 'the clipboard holds the key shown');
    await page.getByRole('tab', { name: 'OpenAI · Python' }).click();
    const py = (await page.getByTestId('snippet-openai-python').textContent()) ?? '';
    assert.ok(py.includes(`${gw.url}/v1`) && py.includes(key) && py.includes(MODEL), 'the Python snippet is ready to paste');
    await screenshot(page, 'ui-keys-new-key');
    await page.getByRole('button', { name: 'I have saved the key' }).click();
    await shown.waitFor({ state: 'detached' });

    const row = page.getByTestId('keys-table').getByRole('row').filter({ hasText: 'notebook' });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /\$0\.00 \/ \$1\.00/);

    const done = await chat(key);
    assert.equal(done.usage?.prompt_tokens, 4);
    assert.equal(done.usage?.completion_tokens, 20);
    assert.ok(up.requests.some((r) => r.path === '/v1/chat/completions'), 'the upstream answered');
    const info = await gw.call('GET', `/key/info?key=${encodeURIComponent(key)}`);
    keyId = info.json.info.key_id as string;
    flush();
  });

  await step('the request and its cost show in Request logs and on the Overview', async () => {
    await goTo(page, 'Request logs');
    const logs = page.getByTestId('logs-table');
    await logs.waitFor();
    const row = logs.getByRole('row').filter({ hasText: MODEL });
    assert.equal(await row.count(), 1);
    const text = (await row.textContent()) ?? '';
    assert.ok(text.includes('notebook'), 'the key alias');
    assert.ok(text.includes(money(COST)), `the cost ${money(COST)} in: ${text}`);
    assert.ok(/success/.test(text));
    await screenshot(page, 'ui-logs');

    // Filter by the key (its alias is what the user knows): still one row; another model: none.
    await page.getByLabel('Key').fill('notebook');
    await page.getByRole('button', { name: 'Apply' }).click();
    await logs.getByRole('row').filter({ hasText: MODEL }).waitFor();
    await page.getByLabel('Model').fill('other-model');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('No requests match').waitFor();
    await page.getByRole('button', { name: 'Reset' }).click();
    await logs.waitFor();

    await goTo(page, 'Overview');
    await page.getByTestId('spend-chart').waitFor();
    const stats = page.getByRole('region', { name: 'Totals' });
    assert.match((await stats.textContent()) ?? '', new RegExp(`Spend today\\${money(COST)}`));
    assert.match((await stats.textContent()) ?? '', /Requests today1/);
    assert.equal(await page.getByTestId('spend-chart').locator('.recharts-bar-rectangle path, .recharts-rectangle').count() > 0, true, 'the chart draws a bar');
    const topKeys = page.getByRole('region', { name: 'Top keys this month' });
    assert.match((await topKeys.textContent()) ?? '', new RegExp(`notebook1\\${money(COST)}`), 'top keys name the key by its alias');
    assert.match((await page.getByRole('region', { name: 'Top models this month' }).textContent()) ?? '', new RegExp(`${MODEL}1\\${money(COST)}`));
    await screenshot(page, 'ui-overview');
  });

  await step('a lower budget set in the UI refuses the key past it; the UI shows the spend', async () => {
    await goTo(page, 'Keys');
    await page.getByRole('button', { name: 'Edit notebook' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit notebook' });
    await dialog.getByLabel('Max budget (USD)').fill('0.05');
    await screenshot(page, 'ui-keys-edit');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByTestId('keys-table').getByRole('row').filter({ hasText: 'notebook' });
    await row.filter({ hasText: '$0.0500' }).waitFor();

    await chat(key); // 0.044 < 0.05: allowed, spend becomes 0.088
    const refused = await chatError(key);
    assert.equal(refused.status, 429);
    assert.equal(refused.type, 'budget_exceeded');
    assert.match(refused.message, /0\.088/);
    flush();

    await page.getByRole('button', { name: 'Refresh' }).click();
    await row.filter({ hasText: `${money(2 * COST)} / $0.0500` }).waitFor();
    assert.ok(await row.getByText('Over budget').isVisible(), 'the row says the key is over its budget');
    await screenshot(page, 'ui-keys-over-budget');
  });

  await step('rotate with a grace period: a new secret, the old one still works, spend stays', async () => {
    await page.getByRole('button', { name: 'Rotate notebook' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rotate notebook' });
    await dialog.getByLabel('Grace period').fill('1h');
    await dialog.getByRole('button', { name: 'Rotate key' }).click();
    const shown = page.getByTestId('new-key');
    await shown.waitFor();
    const rotated = await shown.inputValue();
    assert.match(rotated, /^sk-/);
    assert.notEqual(rotated, key);
    assert.ok(await page.getByText('The old secret works until its grace period ends.').isVisible());
    await screenshot(page, 'ui-keys-rotated');
    await page.getByRole('button', { name: 'I have saved the key' }).click();

    for (const k of [key, rotated]) {
      const r = await gw.call('GET', '/v1/models', undefined, { authorization: `Bearer ${k}` });
      assert.equal(r.status, 200, 'old (in its grace period) and new key both authenticate');
    }
    const info = await gw.call('GET', `/key/info?key=${encodeURIComponent(rotated)}`);
    assert.equal(info.json.info.key_id, keyId, 'the key keeps its identity');
    const row = page.getByTestId('keys-table').getByRole('row').filter({ hasText: 'notebook' });
    await row.filter({ hasText: money(2 * COST) }).waitFor();
    key = rotated;
  });

  await step('block, unblock, and delete with confirmation', async () => {
    await page.getByRole('button', { name: 'Block notebook' }).click();
    const row = page.getByTestId('keys-table').getByRole('row').filter({ hasText: 'notebook' });
    await row.getByText('Blocked').waitFor();
    const blocked = await gw.call('GET', '/v1/models', undefined, { authorization: `Bearer ${key}` });
    assert.equal(blocked.status, 401);
    await page.getByRole('button', { name: 'Unblock notebook' }).click();
    await page.getByRole('button', { name: 'Block notebook' }).waitFor();
    await row.getByText('Over budget').waitFor();
    assert.equal((await gw.call('GET', '/v1/models', undefined, { authorization: `Bearer ${key}` })).status, 200, 'unblocked');

    // A second key to delete.
    const second = await gw.call('POST', '/key/generate', { key_alias: 'throwaway' });
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByRole('button', { name: 'Delete throwaway' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete key?' });
    await confirm.waitFor();
    assert.equal(await page.evaluate<string | null>('document.activeElement?.textContent ?? null'), 'Cancel', 'the safe choice has focus');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    assert.equal((await gw.call('GET', '/v1/models', undefined, { authorization: `Bearer ${second.json.key as string}` })).status, 200, 'Cancel deletes nothing');
    await page.getByRole('button', { name: 'Delete throwaway' }).click();
    await screenshot(page, 'ui-keys-delete-confirm');
    await confirm.getByRole('button', { name: 'Delete key' }).click();
    await confirm.waitFor({ state: 'detached' });
    await page.getByTestId('keys-table').getByRole('row').filter({ hasText: 'throwaway' }).waitFor({ state: 'detached' });
    assert.equal((await gw.call('GET', '/v1/models', undefined, { authorization: `Bearer ${second.json.key as string}` })).status, 401, 'the deleted key is refused');
    await screenshot(page, 'ui-keys');
  });

  await step('create a team and add a member', async () => {
    assert.equal((await gw.call('POST', '/user/new', { user_id: 'alice', user_email: 'alice@example.com', user_role: 'internal_user' })).status, 200);
    await goTo(page, 'Teams');
    await page.getByRole('button', { name: 'New team' }).click();
    const dialog = page.getByRole('dialog', { name: 'New team' });
    await dialog.getByLabel('Name').fill('Platform');
    await dialog.getByLabel('Max budget (USD)').fill('25');
    await dialog.getByRole('button', { name: 'Create team' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByRole('row').filter({ hasText: 'Platform' });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /\$25\.00/);

    await page.getByRole('button', { name: 'Members of Platform' }).click();
    const members = page.getByRole('dialog', { name: 'Members of Platform' });
    await members.getByText('No members yet').waitFor();
    await members.getByRole('button', { name: 'Add member' }).click();
    const add = page.getByRole('dialog', { name: 'Add member to Platform' });
    await add.getByLabel('User ID').fill('nobody');
    await add.getByRole('button', { name: 'Add member' }).click();
    await add.locator('[data-field="user_id"] .field-error').filter({ hasText: 'not found' }).waitFor();
    await add.getByLabel('User ID').fill('alice');
    await add.getByLabel('Role in team').selectOption('admin');
    await add.getByRole('button', { name: 'Add member' }).click();
    const after = page.getByRole('dialog', { name: 'Members of Platform' });
    await after.getByRole('row').filter({ hasText: 'alice' }).waitFor();
    assert.match((await after.getByRole('row').filter({ hasText: 'alice' }).textContent()) ?? '', /alice@example\.com.*Team admin/);
    await screenshot(page, 'ui-team-members');
    await after.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('row').filter({ hasText: 'Platform' }).getByRole('cell').nth(2).filter({ hasText: /^1$/ }).waitFor();
    await screenshot(page, 'ui-teams');
    const team = (await gw.call('GET', '/team/list')).json as Array<{ team_alias: string; members_with_roles: Array<{ user_id: string; role: string }> }>;
    assert.deepEqual(team.find((x) => x.team_alias === 'Platform')?.members_with_roles.map((m) => [m.user_id, m.role]), [['alice', 'admin']]);
  });

  await step('the other pages render what the gateway serves', async () => {
    await goTo(page, 'Users');
    await page.getByRole('row').filter({ hasText: 'alice@example.com' }).waitFor();
    assert.match((await page.getByRole('row').filter({ hasText: 'alice@example.com' }).textContent()) ?? '', /Platform/, 'teams by name');
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog', { name: 'New user' });
    const roles = await dialog.getByLabel('Role').locator('option').evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value));
    assert.deepEqual([...roles].sort(), ['internal_user', 'internal_user_viewer', 'org_admin', 'proxy_admin', 'proxy_admin_viewer'], 'only the roles the API takes for users');
    await dialog.getByLabel('User ID').fill('carol');
    await dialog.getByLabel('Email').fill('carol-at-example');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    assert.equal(await dialog.getByLabel('Email').getAttribute('aria-invalid'), 'true');
    await dialog.getByLabel('Email').fill('carol@example.com');
    await dialog.getByLabel('Role').selectOption('proxy_admin_viewer');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('row').filter({ hasText: 'carol@example.com' }).filter({ hasText: 'Admin viewer' }).waitFor();
    assert.equal(((await gw.call('GET', '/user/info?user_id=carol')).json as { user_info: { user_role: string } }).user_info.user_role, 'proxy_admin_viewer');
    await screenshot(page, 'ui-users');
    // A shared budget, a customer on it, spend attributed to the customer, then the customer blocked.
    await goTo(page, 'Budgets');
    await page.getByText('No budgets yet').waitFor();
    await page.getByRole('button', { name: 'New budget' }).click();
    const newBudget = page.getByRole('dialog', { name: 'New budget' });
    await newBudget.getByLabel('Budget ID').fill('free-tier');
    await newBudget.getByLabel('Max budget (USD)').fill('2');
    await newBudget.getByLabel('Resets every').fill('1mo');
    await newBudget.getByRole('button', { name: 'Create budget' }).click();
    await page.getByRole('row').filter({ hasText: 'free-tier' }).filter({ hasText: '$2.00' }).filter({ hasText: '1mo' }).waitFor();
    await screenshot(page, 'ui-budgets');
    await goTo(page, 'Customers');
    await page.getByText('No customers yet').waitFor();
    await page.getByRole('button', { name: 'New customer' }).click();
    const newCustomer = page.getByRole('dialog', { name: 'New customer' });
    await newCustomer.getByLabel('Customer ID').fill('acme');
    await newCustomer.getByLabel('Alias').fill('Acme Corp');
    await newCustomer.getByLabel('Budget ID').fill('free-tier');
    await newCustomer.getByRole('button', { name: 'Create customer' }).click();
    await newCustomer.waitFor({ state: 'detached' });
    const appKey = (await gw.call('POST', '/key/generate', { key_alias: 'app' })).json.key as string;
    await sdk(appKey).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], user: 'acme' });
    flush();
    await page.getByRole('link', { name: 'Keys' }).click();
    await goTo(page, 'Customers');
    const acme = page.getByRole('row').filter({ hasText: 'acme' });
    await acme.filter({ hasText: 'Acme Corp' }).filter({ hasText: `${money(COST)} / $2.00` }).waitFor();
    await page.getByRole('button', { name: 'Block acme' }).click();
    await acme.getByText('Blocked').waitFor();
    const refused = await sdk(appKey).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], user: 'acme' }).then(() => 0, (err: unknown) => (err instanceof OpenAI.APIError ? (err.status ?? 0) : -1));
    assert.equal(refused, 401, 'a blocked customer is refused');
    await screenshot(page, 'ui-customers');
    await goTo(page, 'Providers & models');
    await page.getByRole('cell', { name: MODEL, exact: true }).waitFor();
    assert.equal(await page.getByRole('alert').count(), 0, 'no error banner');
    await screenshot(page, 'ui-models');
  });

  await step('the audit log shows the changes, by whom', async () => {
    await goTo(page, 'Audit log');
    const table = page.getByTestId('audit-table');
    await table.waitFor();
    const text = (await table.textContent()) ?? '';
    for (const action of ['key.generate', 'key.update', 'key.regenerate', 'key.block', 'key.unblock', 'key.delete', 'team.new', 'team.member_add', 'ui.sign_in']) {
      assert.ok(text.includes(action), `audit shows ${action}`);
    }
    const update = table.getByRole('row').filter({ hasText: 'key.update' }).first();
    assert.ok((await update.textContent())?.includes('owner'), 'the actor is the signed-in user');
    await update.locator('summary').click();
    assert.match((await update.textContent()) ?? '', /"max_budget": 0\.05/);
    assert.ok(!text.includes(key), 'no raw key in the audit log');
    await screenshot(page, 'ui-audit');
  });

  await step('authentication settings render /config/auth', async () => {
    await goTo(page, 'Authentication');
    const cfg = (await gw.call('GET', '/config/auth')).json as { jwt: { enabled: boolean }; oauth2: { enabled: boolean } };
    assert.equal(cfg.jwt.enabled, false);
    for (const title of ['Master key', 'JWT', 'OAuth2 token introspection', 'OAuth2 proxy headers', 'Custom auth']) {
      await page.getByRole('heading', { level: 2, name: title, exact: true }).waitFor();
    }
    const jwt = page.getByRole('region', { name: 'JWT' });
    assert.ok(await jwt.getByText('Off').isVisible());
    assert.ok(await page.getByText('127.0.0.1').first().isVisible(), 'allowed hosts');
    await screenshot(page, 'ui-auth-settings');
  });

  await step('the layout works at 1024 px', async () => {
    await page.setViewportSize({ width: 1024, height: 768 });
    for (const label of ['Overview', 'Request logs', 'Keys', 'Teams', 'Users', 'Providers & models', 'Authentication', 'Audit log']) {
      await goTo(page, label);
      await page.locator('.state-loading').waitFor({ state: 'detached' });
      assert.equal(await hasHorizontalScroll(page), false, `${label} fits 1024 px`);
      assert.ok(await page.getByRole('navigation', { name: 'Main' }).isVisible());
      if (['Keys', 'Teams', 'Users', 'Providers & models'].includes(label)) {
        // Tables with row actions fit without sideways scrolling, so every action is in sight.
        assert.equal(await page.evaluate<boolean>("[...document.querySelectorAll('.table-wrap')].every((el) => el.scrollWidth <= el.clientWidth)"), true, `${label}: the table fits`);
        const buttons = page.locator('td.actions').first().locator('button');
        if ((await buttons.count()) > 0) {
          const box = await buttons.last().boundingBox();
          assert.ok(box !== null && box.x + box.width <= 1024, `${label}: the last row action is on screen`);
        }
      }
      await screenshot(page, `ui-${label.toLowerCase().replace(/\W+/g, '-')}-1024`);
    }
    await page.setViewportSize({ width: 1280, height: 820 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await goTo(page, 'Overview');
    await page.getByTestId('spend-chart').waitFor();
    await screenshot(page, 'ui-overview-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  await step('sign out revokes the session on the server', async () => {
    assert.equal((await gw.call('GET', '/key/list', undefined, { authorization: `Bearer ${sessionToken}` })).status, 200);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.ok(await page.getByText('You are signed out.').isVisible());
    assert.equal(await page.evaluate<string | null>("sessionStorage.getItem('tollgate.session')"), null);
    // The revoke is sent before the page forgets the token; poll the server until it has landed.
    let status = 0;
    for (let i = 0; i < 50; i++) {
      status = (await gw.call('GET', '/key/list', undefined, { authorization: `Bearer ${sessionToken}` })).status;
      if (status === 401) break;
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(status, 401, 'the old session token is refused');
  });

  await step('every API call carried the bearer and no cookie', async () => {
    const calls = await Promise.all(apiCalls);
    assert.ok(calls.length > 30, `the UI called the API (${calls.length} calls)`);
    for (const c of calls) {
      assert.equal(c.headers.cookie, undefined, `${c.url} sends no cookie`);
      if (c.url === 'POST /ui/session') assert.equal(c.headers.authorization, undefined, 'the link exchange sends no credential');
      else assert.match(c.headers.authorization ?? '', /^Bearer tgs_/, `${c.url} sends the session bearer`);
    }
  });

  await admin.close();
});

test('a proxy_admin_viewer reads everything and sees no write buttons', async (t) => {
  if (skipped(t)) return;
  assert.equal((await gw.call('POST', '/user/new', { user_id: 'auditor', user_role: 'proxy_admin_viewer' })).status, 200);
  await gw.call('POST', '/key/generate', { key_alias: 'viewer-visible' });
  assert.equal((await gw.call('POST', '/user/new', { user_id: 'bob', user_role: 'internal_user' })).status, 200);
  assert.equal((await gw.call('POST', '/team/new', { team_alias: 'Research', members_with_roles: [{ user_id: 'bob', role: 'user' }] })).status, 200);
  const sessions = gw.internals.sessions as { createSignInToken(p: { user_id: string; user_role: string }): string };
  const token = sessions.createSignInToken({ user_id: 'auditor', user_role: 'proxy_admin_viewer' });
  const viewer = await openPage(browser!);
  const { page } = viewer;
  await page.goto(`${gw.url}/ui/#token=${token}`);
  await page.getByTestId('signed-in-role').waitFor();
  assert.equal(await page.getByTestId('signed-in-role').textContent(), 'Admin viewer');
  assert.match((await page.getByTestId('signed-in-user').textContent()) ?? '', /auditor/);

  const writes = /^(Create key|New team|New user|New customer|New budget|Add provider|Add member|Edit|Rotate|Block|Unblock|Delete|Remove)\b/;
  await goTo(page, 'Keys');
  await page.getByTestId('keys-table').getByRole('row').filter({ hasText: 'viewer-visible' }).waitFor();
  assert.equal(await page.getByRole('button', { name: writes }).count(), 0, 'no key actions');
  await screenshot(page, 'ui-viewer-keys');
  await goTo(page, 'Teams');
  await page.getByRole('row').filter({ hasText: 'Research' }).waitFor();
  assert.equal(await page.getByRole('button', { name: writes }).count(), 0, 'no team actions');
  await page.getByRole('button', { name: 'Members of Research' }).click();
  const members = page.getByRole('dialog', { name: 'Members of Research' });
  await members.getByRole('row').filter({ hasText: 'bob' }).waitFor();
  assert.equal(await members.getByRole('button', { name: writes }).count(), 0, 'no member actions');
  await members.getByRole('button', { name: 'Done' }).click();
  for (const label of ['Users', 'Customers', 'Budgets', 'Providers & models']) {
    await goTo(page, label);
    await page.locator('.state-loading').waitFor({ state: 'detached' });
    assert.equal(await page.getByRole('button', { name: writes }).count(), 0, `no write actions on ${label}`);
  }
  await goTo(page, 'Audit log');
  await page.getByTestId('audit-table').waitFor();
  await goTo(page, 'Request logs');
  await page.getByTestId('logs-table').waitFor();
  await screenshot(page, 'ui-viewer-logs');

  const stored = JSON.parse((await page.evaluate<string | null>("sessionStorage.getItem('tollgate.session')")) ?? '{}') as { token: string };
  const write = await gw.call('POST', '/key/generate', {}, { authorization: `Bearer ${stored.token}` });
  assert.equal(write.status, 403, 'the gateway refuses the viewer too');
  await viewer.close();
});
