import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkExternalUrl, createOpenExternal, idpOriginsFromEnv } from '../../src-main/shell/index.ts';
import type { OpenExternalPolicy } from '../../src-main/shell/index.ts';

const policy: OpenExternalPolicy = {
  gatewayOrigin: () => 'http://127.0.0.1:4000',
  trustedOrigins: ['http://localhost:8080/realms/dev/protocol/openid-connect/auth'],
};

test('https URLs and the configured IdP origin are opened', async () => {
  const opened: string[] = [];
  const external = createOpenExternal(async (u) => void opened.push(u), policy);
  assert.equal(await external.open('https://idp.example.com/authorize?client_id=x&code_challenge=y&state=z'), true);
  assert.equal(await external.open('http://localhost:8080/realms/dev/protocol/openid-connect/auth?state=1'), true);
  assert.equal(await external.open('http://127.0.0.1:4000/sso/key/generate'), true);
  assert.deepEqual(opened, [
    'https://idp.example.com/authorize?client_id=x&code_challenge=y&state=z',
    'http://localhost:8080/realms/dev/protocol/openid-connect/auth?state=1',
    'http://127.0.0.1:4000/sso/key/generate',
  ]);
});

test('dangerous schemes, other http and credentials are refused and nothing is opened', async () => {
  const opened: string[] = [];
  const refused: string[] = [];
  const external = createOpenExternal(async (u) => void opened.push(u), policy, (u) => void refused.push(u));
  const bad = [
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    'file:///etc/passwd',
    'file://server/share/x.exe',
    'data:text/html;base64,PHNjcmlwdD4=',
    'http://evil.example/',
    'http://127.0.0.1:4000/key/list',
    'http://127.0.0.1:9999/sso/key/generate',
    'http://localhost:8081/',
    'https://user:pass@idp.example.com/',
    'https://user@idp.example.com/',
    'http://u:p@127.0.0.1:4000/sso/key/generate',
    'smb://evil/share',
    'vbscript:msgbox(1)',
    'ms-msdt:/id',
    'app://tollgate/ui/',
    '',
    'not a url',
    `https://example.com/${'a'.repeat(9000)}`,
  ];
  for (const url of bad) {
    assert.equal(await external.open(url), false, url);
    assert.equal(checkExternalUrl(url, policy).ok, false, url);
  }
  assert.deepEqual(opened, []);
  assert.equal(refused.length, bad.length);
  assert.ok(refused.every((u) => !u.includes('@')), 'refusal logs carry no credentials');
});

test('the gateway SSO start is refused while the gateway is paused', () => {
  const paused: OpenExternalPolicy = { gatewayOrigin: () => null, trustedOrigins: [] };
  assert.equal(checkExternalUrl('http://127.0.0.1:4000/sso/key/generate', paused).ok, false);
});

test('IdP origins come from the GENERIC_* variables', () => {
  assert.deepEqual(
    idpOriginsFromEnv({ GENERIC_AUTHORIZATION_ENDPOINT: 'http://localhost:8080/auth', GENERIC_ISSUER: 'https://idp.example.com/realms/x', OTHER: 'x' }),
    ['http://localhost:8080', 'https://idp.example.com'],
  );
  assert.deepEqual(idpOriginsFromEnv({ GENERIC_ISSUER: 'javascript:alert(1)' }), []);
});
