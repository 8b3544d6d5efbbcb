import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayError } from '../../../src-shared/errors.ts';
import { createCustomAuthenticator, loadCustomAuth, loadCustomValidate, resolveSpec } from '../../../src-main/core/auth/custom/index.ts';
import type { CustomAuthFunction } from '../../../src-main/core/auth/custom/index.ts';
import type { AuthRequest, Principal } from '../../../src-main/core/auth/principal.ts';
import { FakeDirectory } from './fake-directory.ts';

let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-custom-auth-'));
  writeFileSync(join(dir, 'my_auth.mjs'), `
    export async function user_api_key_auth(request, apiKey) {
      if (apiKey === 'let-me-in') return { user_id: 'custom-user', user_role: 'internal_user', models: ['gpt-4o-mini'], max_budget: 1, rpm_limit: 5, seen: request.path };
      if (apiKey === 'as-key') return 'sk-virtual';
      if (apiKey === 'boom') throw new Error('upstream directory said no for ' + apiKey + ' ' + 'x'.repeat(500));
      return null;
    }
    export default function () { return { user_id: 'from-default' }; }
    export const notAFunction = 42;
  `);
  writeFileSync(join(dir, 'cjs_auth.js'), `exports.check = async () => ({ user_id: 'from-cjs' });`);
  mkdirSync(join(dir, 'pkg'));
  writeFileSync(join(dir, 'pkg', 'mod.mjs'), `export function fn() { return { user_id: 'nested' }; }`);
  writeFileSync(join(dir, 'validate.mjs'), `export function only_research(claims) { return claims.department === 'research'; }`);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const request: AuthRequest = { method: 'POST', path: '/v1/chat/completions', headers: { 'x-extra': 'yes' }, remoteAddress: '127.0.0.1' };
const cred = (token: string) => ({ token, header: 'authorization' });

describe('custom auth: loading (CONTRACT 2 spec forms)', () => {
  it('module.function beside the config (mjs, then js), ./file.mjs default, ./file.mjs:name, nested dotted', async () => {
    const probe = async (spec: string) => {
      const fn = await loadCustomAuth(spec, dir);
      return ((await fn({ method: 'GET', path: '/', headers: {} }, null)) as { user_id?: string } | null)?.user_id;
    };
    assert.equal(await probe('my_auth.user_api_key_auth'), undefined);
    assert.equal(await probe('cjs_auth.check'), 'from-cjs');
    assert.equal(await probe('./my_auth.mjs'), 'from-default');
    assert.equal(await probe('./my_auth.mjs:default'), 'from-default');
    assert.equal(await probe('pkg.mod.fn'), 'nested');
    assert.equal(await probe(join(dir, 'pkg', 'mod.mjs') + ':fn'), 'nested');
    assert.deepEqual(resolveSpec('./pkg/mod.mjs:fn', dir), { file: join(dir, 'pkg', 'mod.mjs'), exportName: 'fn' });
  });

  it('errors name the spec and what is wrong', async () => {
    await assert.rejects(loadCustomAuth('missing.fn', dir), /custom_auth "missing\.fn": neither .*missing\.mjs nor .*missing\.js exists/);
    await assert.rejects(loadCustomAuth('./nope.mjs', dir), /does not exist/);
    await assert.rejects(loadCustomAuth('./my_auth.mjs:notAFunction', dir), /no function export "notAFunction"/);
    await assert.rejects(loadCustomAuth('my_auth.absent', dir), /no function export "absent"/);
    await assert.rejects(loadCustomAuth('justaword', dir), /neither module\.function nor/);
    await assert.rejects(loadCustomValidate('./nope.mjs', dir), /litellm_jwtauth\.custom_validate/);
  });

  it('custom_validate loads with the same rules', async () => {
    const v = await loadCustomValidate('validate.only_research', dir);
    assert.equal(await v({ department: 'research' }), true);
    assert.equal(await v({ department: 'sales' }), false);
  });
});

describe('custom auth: results and modes', () => {
  it('a principal-ish object is validated and becomes a custom Principal (narrowing fields kept)', async () => {
    const fn = await loadCustomAuth('my_auth.user_api_key_auth', dir);
    const p = await createCustomAuthenticator(fn, 'on').authenticate(cred('let-me-in'), request);
    assert.deepEqual(p, {
      method: 'custom',
      user_id: 'custom-user',
      user_role: 'internal_user',
      user_email: null,
      team_id: null,
      org_id: null,
      end_user_id: null,
      key_id: null,
      display: 'custom:custom-user',
      models: ['gpt-4o-mini'],
      rpm_limit: 5,
      max_budget: 1,
    });
  });

  it('the function receives method, path, headers and the api key (null without a credential)', async () => {
    const calls: unknown[] = [];
    const fn: CustomAuthFunction = (req, apiKey) => {
      calls.push({ ...req, apiKey });
      return null;
    };
    await createCustomAuthenticator(fn, 'auto').authenticate(null, request);
    assert.deepEqual(calls, [{ method: 'POST', path: '/v1/chat/completions', headers: { 'x-extra': 'yes' }, apiKey: null }]);
  });

  it('without user_role: the stored user\'s role, else internal_user', async () => {
    const d = new FakeDirectory().addUser('u1', 'org_admin');
    const a = createCustomAuthenticator(() => ({ user_id: 'u1' }), 'on', { directory: d });
    assert.equal((await a.authenticate(null, request))?.user_role, 'org_admin');
    const b = createCustomAuthenticator(() => ({ user_id: 'u2' }), 'on', { directory: d });
    assert.equal((await b.authenticate(null, request))?.user_role, 'internal_user');
  });

  it('an invalid object (unknown role, bad limits) is a configuration error naming the field', async () => {
    for (const [bad, field] of [[{ user_role: 'superuser' }, 'user_role'], [{ rpm_limit: -1 }, 'rpm_limit'], [{ models: 'gpt-4o' }, 'models'], [{ max_budget: 'lots' }, 'max_budget']] as const) {
      await assert.rejects(createCustomAuthenticator(() => bad, 'on').authenticate(null, request), (e: unknown) => {
        assert.ok(e instanceof GatewayError);
        assert.equal(e.code, 'ERR_CONFIGURATION');
        assert.match(e.message, new RegExp(field));
        return true;
      });
    }
  });

  it('a string is a virtual key: resolve() says so; authenticate() hands it to the integrator\'s validator', async () => {
    const fn = await loadCustomAuth('my_auth.user_api_key_auth', dir);
    assert.deepEqual(await createCustomAuthenticator(fn, 'on').resolve(cred('as-key'), request), { kind: 'virtual_key', key: 'sk-virtual' });
    const vk: Principal = { method: 'virtual_key', user_id: 'k-owner', user_role: 'internal_user', team_id: null, org_id: null, end_user_id: null, key_id: 'key-1', display: 'sk-...tual' };
    const seen: string[] = [];
    const a = createCustomAuthenticator(fn, 'on', { resolveVirtualKey: async (key) => (seen.push(key), key === 'sk-virtual' ? vk : null) });
    assert.equal(await a.authenticate(cred('as-key'), request), vk);
    assert.deepEqual(seen, ['sk-virtual']);
    await assert.rejects(createCustomAuthenticator(fn, 'on').authenticate(cred('as-key'), request), (e: unknown) => e instanceof GatewayError && e.code === 'ERR_CONFIGURATION');
    const refusing = createCustomAuthenticator(fn, 'on', { resolveVirtualKey: async () => null });
    await assert.rejects(refusing.authenticate(cred('as-key'), request), (e: unknown) => e instanceof GatewayError && e.status === 401);
  });

  it('null falls through in auto and is 401 in on', async () => {
    const fn = await loadCustomAuth('my_auth.user_api_key_auth', dir);
    assert.equal(await createCustomAuthenticator(fn, 'auto').authenticate(cred('whatever'), request), null);
    await assert.rejects(createCustomAuthenticator(fn, 'on').authenticate(cred('whatever'), request), (e: unknown) => {
      assert.ok(e instanceof GatewayError);
      assert.equal(e.status, 401);
      assert.equal(e.type, 'auth_error');
      return true;
    });
  });

  it('a throw is 401 auth_error with the message, bounded, the credential redacted', async () => {
    const fn = await loadCustomAuth('my_auth.user_api_key_auth', dir);
    for (const mode of ['on', 'auto'] as const) {
      await assert.rejects(createCustomAuthenticator(fn, mode).authenticate(cred('boom'), request), (e: unknown) => {
        assert.ok(e instanceof GatewayError);
        assert.equal(e.status, 401);
        assert.equal(e.type, 'auth_error');
        assert.match(e.message, /^upstream directory said no for \[credential\] x+/);
        assert.ok(!e.message.includes('boom'));
        assert.ok(e.message.length <= 201);
        return true;
      });
    }
  });

  it('a GatewayError thrown by the function keeps its status', async () => {
    const a = createCustomAuthenticator(() => {
      throw new GatewayError('ERR_CLAIMS_NOT_ALLOWED', 'not in the allow-list');
    }, 'on');
    await assert.rejects(a.authenticate(null, request), (e: unknown) => e instanceof GatewayError && e.status === 403);
  });
});
