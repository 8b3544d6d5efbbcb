import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideNavigation, decideWindowOpen } from '../../src-main/shell/index.ts';
import type { OpenExternalPolicy } from '../../src-main/shell/index.ts';

const policy: OpenExternalPolicy = { gatewayOrigin: () => 'http://127.0.0.1:4000', trustedOrigins: [] };

test('the window may navigate within the UI only', () => {
  assert.deepEqual(decideNavigation('app://tollgate/ui/', policy), { action: 'allow' });
  assert.deepEqual(decideNavigation('app://tollgate/ui/#/keys', policy), { action: 'allow' });
});

test('navigation anywhere else is denied, and only safe links go to the system browser', () => {
  const denied: Array<[string, boolean]> = [
    ['http://evil.example/', false],
    ['http://127.0.0.1:4000/ui/', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['data:text/html,<script>alert(1)</script>', false],
    ['app://tollgate/../../etc/passwd', false],
    ['app://tollgate/%2e%2e/%2e%2e/etc/passwd', false],
    ['app://evil/ui/', false],
    ['about:blank', false],
    ['https://docs.litellm.ai/', true],
    ['http://127.0.0.1:4000/sso/key/generate', true],
  ];
  for (const [url, external] of denied) {
    assert.deepEqual(decideNavigation(url, policy), { action: 'deny', openExternally: external }, url);
  }
});

test('window.open is always denied; only safe links go to the system browser', () => {
  assert.deepEqual(decideWindowOpen('app://tollgate/ui/', policy), { action: 'deny', openExternally: false });
  assert.deepEqual(decideWindowOpen('https://platform.openai.com/api-keys', policy), { action: 'deny', openExternally: true });
  for (const url of ['http://evil.example/', 'file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,x', 'https://u:p@evil.example/']) {
    assert.deepEqual(decideWindowOpen(url, policy), { action: 'deny', openExternally: false }, url);
  }
});
