import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../../src-shared/errors.ts';
import { generalSettingsSchema } from '../../../src-shared/config.ts';
import { normaliseIdentitySettings } from '../../../src-main/core/auth/identity.ts';
import { createOAuth2ProxyAuthenticator, createPeerTrust } from '../../../src-main/core/auth/oauth2-proxy/index.ts';
import type { AuthRequest } from '../../../src-main/core/auth/principal.ts';
import { FakeDirectory } from './fake-directory.ts';

const general = {
  enable_oauth2_proxy_auth: true,
  trusted_proxy_ranges: ['127.0.0.1/32', '10.0.0.0/8', '::1/128'],
  oauth2_config_mappings: {
    user_id: 'X-Goog-Authenticated-User-Email',
    user_email: 'X-Goog-Authenticated-User-Email',
    team_id: 'X-Team',
    org_id: 'X-Org',
    max_budget: 'X-Custom-Budget',
    models: 'X-Custom-Models',
  },
};

function proxy(dir = new FakeDirectory()) {
  const s = normaliseIdentitySettings(generalSettingsSchema.parse(general), {}).oauth2Proxy;
  assert.ok(s);
  return createOAuth2ProxyAuthenticator(s, { directory: dir });
}

function req(remoteAddress: string, headers: Record<string, string>): AuthRequest {
  return { method: 'POST', path: '/v1/chat/completions', headers, remoteAddress };
}

const identityHeaders = {
  'x-goog-authenticated-user-email': 'alice@corp.example',
  'x-team': 'team-a',
  'x-org': 'org-a',
  'x-custom-budget': '12.5',
  'x-custom-models': 'gpt-4o-mini, claude-3-haiku,gpt-4o-mini',
};

describe('oauth2-proxy headers', () => {
  it('a trusted peer\'s headers map to a Principal; models narrow, max_budget caps', async () => {
    const p = await proxy().authenticate(null, req('127.0.0.1', identityHeaders));
    assert.deepEqual(p, {
      method: 'oauth2_proxy',
      user_id: 'alice@corp.example',
      user_role: 'internal_user',
      user_email: 'alice@corp.example',
      team_id: 'team-a',
      org_id: 'org-a',
      end_user_id: null,
      key_id: null,
      display: 'oauth2_proxy:alice@corp.example',
      models: ['gpt-4o-mini', 'claude-3-haiku'],
      max_budget: 12.5,
    });
  });

  it('IPv4-mapped IPv6 and IPv6 peers inside the ranges are trusted', async () => {
    for (const addr of ['::ffff:127.0.0.1', '::FFFF:10.20.30.40', '10.255.0.1', '::1']) {
      assert.ok(await proxy().authenticate(null, req(addr, identityHeaders)), addr);
    }
  });

  it('an untrusted peer\'s identity headers are ignored (fall through), X-Forwarded-For included', async () => {
    for (const addr of ['192.168.1.5', '::ffff:192.168.1.5', '127.0.0.2', '::2', 'fe80::1%eth0', 'not-an-ip', '']) {
      const p = await proxy().authenticate(null, req(addr, { ...identityHeaders, 'x-forwarded-for': '127.0.0.1', 'x-real-ip': '127.0.0.1' }));
      assert.equal(p, null, addr);
    }
  });

  it('a trusted peer without the user header: fall through', async () => {
    assert.equal(await proxy().authenticate(null, req('127.0.0.1', { 'x-team': 'team-a' })), null);
  });

  it('the role is never a header\'s: the stored user\'s role or internal_user', async () => {
    const dir = new FakeDirectory().addUser('bob@corp.example', 'internal_user_viewer');
    const p = await proxy(dir).authenticate(null, req('127.0.0.1', {
      'x-goog-authenticated-user-email': 'bob@corp.example',
      'x-litellm-user-role': 'proxy_admin',
      'x-user-role': 'proxy_admin',
      'x-role': 'proxy_admin',
    }));
    assert.equal(p?.user_role, 'internal_user_viewer');
    // There is no mapping through which a header could name a role: the schema refuses one.
    assert.throws(() => generalSettingsSchema.parse({ ...general, oauth2_config_mappings: { user_id: 'x-u', user_role: 'x-role' } }));
  });

  it('a budget header can only be a non-negative number (it caps, never raises: Principal.max_budget)', async () => {
    for (const bad of ['-5', 'lots', '1e9', 'Infinity', '5;drop']) {
      await assert.rejects(proxy().authenticate(null, req('127.0.0.1', { ...identityHeaders, 'x-custom-budget': bad })), (e: unknown) => e instanceof GatewayError && e.status === 401, bad);
    }
    const p = await proxy().authenticate(null, req('127.0.0.1', { ...identityHeaders, 'x-custom-budget': '0' }));
    assert.equal(p?.max_budget, 0);
  });

  it('the team\'s organization applies when no org header is sent', async () => {
    const dir = new FakeDirectory().addTeam('team-a', { organization_id: 'org-from-team' });
    const { 'x-org': _drop, ...headers } = identityHeaders;
    assert.equal((await proxy(dir).authenticate(null, req('127.0.0.1', headers)))?.org_id, 'org-from-team');
  });

  it('createPeerTrust: CIDR edges', () => {
    const trust = createPeerTrust([{ address: '192.168.0.0', prefix: 24, family: 'ipv4' }, { address: 'fd00::', prefix: 8, family: 'ipv6' }]);
    assert.equal(trust('192.168.0.255'), true);
    assert.equal(trust('192.168.1.0'), false);
    assert.equal(trust('fdff::1'), true);
    assert.equal(trust('fe00::1'), false);
  });
});
