/**
 * `general_settings.custom_sso` (a module beside the config, like custom_auth) against the real
 * oidc-provider: it receives the person's identity and claims and may set models, budget and role
 * for the user; a throw refuses the login with its message; an answer outside the schema refuses
 * it too (nothing created). PROXY_ADMIN_ID still wins over what the function says.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOidcProvider, type TestOidc } from '../../support/oidc.ts';
import { startGateway, type TestGateway } from '../../support/gateway.ts';
import { fullLogin, genericEnv, registerCallbacks, tokenFromLocation } from './support.ts';

const HANDLER = `
export async function decide(info) {
  globalThis.__tollgateSsoInfo = info;
  if (info.id === 'contractor') throw new Error('Contractors sign in through the <partner> portal.');
  if (info.id === 'weird') return { user_role: 'superuser' };
  if (info.id === 'extra') return { models: ['gpt-4o'], teams: ['x'] };
  if (info.id === 'root') return { user_role: 'internal_user_viewer' };
  if (info.claims.groups?.includes('ml')) return { models: ['gpt-4o-mini', 'claude-*'], max_budget: 5, budget_duration: '30d', user_role: 'internal_user' };
  return null;
}
`;

let oidc: TestOidc;
let gw: TestGateway;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-custom-sso-'));
  writeFileSync(join(dir, 'sso_hooks.mjs'), HANDLER);
  oidc = await startOidcProvider({
    accounts: {
      erin: { email: 'erin@example.com', email_verified: true, name: 'Erin Lab', given_name: 'Erin', family_name: 'Lab', groups: ['ml'] },
      frank: { email: 'frank@example.com', email_verified: true },
    },
  });
  gw = await startGateway({ env: genericEnv(oidc, { PROXY_ADMIN_ID: 'root' }), config: `general_settings:\n  custom_sso: ${join(dir, 'sso_hooks.mjs')}:decide\n` });
  await registerCallbacks(oidc, [gw]);
});

after(async () => {
  await gw?.stop();
  await oidc?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function signIn(login: string): Promise<{ status: number; role?: string; text: string }> {
  const { result } = await fullLogin(gw, oidc, login);
  if (result.status !== 302) return { status: result.status, text: result.text };
  const s = await gw.call('POST', '/ui/session', { token: tokenFromLocation(result.location) }, { authorization: '' });
  return { status: 302, role: s.json.user_role, text: '' };
}

async function user(id: string): Promise<any> {
  const r = await gw.call('GET', `/user/info?user_id=${id}`);
  return r.status === 200 ? (r.json.user_info ?? r.json) : null;
}

test('custom_sso sets models, budget and role from the claims, and sees LiteLLM-style user info', async () => {
  const r = await signIn('erin');
  assert.equal(r.status, 302);
  assert.equal(r.role, 'internal_user');
  const u = await user('erin');
  assert.deepEqual(u.models, ['gpt-4o-mini', 'claude-*']);
  assert.equal(u.max_budget, 5);
  assert.equal(u.budget_duration, '30d');
  const info = (globalThis as any).__tollgateSsoInfo;
  assert.equal(info.id, 'erin');
  assert.equal(info.email, 'erin@example.com');
  assert.equal(info.display_name, 'Erin Lab');
  assert.equal(info.provider, 'generic');
  assert.deepEqual(info.claims.groups, ['ml']);
});

test('custom_sso returning null leaves the defaults', async () => {
  const r = await signIn('frank');
  assert.equal(r.role, 'internal_user_viewer');
  assert.deepEqual((await user('frank')).models, []);
});

test('a throw in custom_sso refuses the login with its (escaped) message; nothing is created', async () => {
  const r = await signIn('contractor');
  assert.equal(r.status, 403);
  assert.match(r.text, /Contractors sign in through the &lt;partner&gt; portal\./);
  assert.match(r.text, /Reason: custom_sso</);
  assert.equal(await user('contractor'), null);
});

test('an answer outside the schema (unknown role, unknown field) refuses the login and names the field', async () => {
  const weird = await signIn('weird');
  assert.equal(weird.status, 500);
  assert.match(weird.text, /custom_sso_invalid/);
  assert.match(weird.text, /user_role/);
  const extra = await signIn('extra');
  assert.equal(extra.status, 500);
  assert.match(extra.text, /custom_sso_invalid/);
  assert.equal(await user('weird'), null);
  assert.equal(await user('extra'), null);
});

test('PROXY_ADMIN_ID wins over custom_sso', async () => {
  const r = await signIn('root');
  assert.equal(r.role, 'proxy_admin');
});

test('a custom_sso that cannot be loaded stops the gateway at startup, naming the setting', async () => {
  await assert.rejects(
    startGateway({ env: genericEnv(oidc), config: `general_settings:\n  custom_sso: ${join(dir, 'missing.mjs')}\n` }),
    /custom_sso.*missing\.mjs.*does not exist/,
  );
});
