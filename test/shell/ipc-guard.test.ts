import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createGetSessionHandler, isTrustedSender } from '../../src-main/shell/index.ts';
import type { DesktopSession, IpcSenderLike } from '../../src-main/shell/index.ts';

const MAIN = 7;
const ok: IpcSenderLike = { sender: { id: MAIN }, senderFrame: { url: 'app://tollgate/ui/#/keys', parent: null } };

test('the main window top frame on app:// is trusted', () => {
  assert.equal(isTrustedSender(ok, MAIN), true);
});

test('other webContents, other frames and other documents are not', () => {
  assert.equal(isTrustedSender({ ...ok, sender: { id: 8 } }, MAIN), false);
  assert.equal(isTrustedSender(ok, null), false, 'no main window');
  assert.equal(isTrustedSender({ ...ok, senderFrame: null }, MAIN), false, 'frame gone');
  assert.equal(isTrustedSender({ ...ok, senderFrame: { url: 'app://tollgate/ui/', parent: {} } }, MAIN), false, 'subframe');
  for (const url of ['https://evil.example/', 'http://127.0.0.1:4000/ui/', 'file:///tmp/x.html', 'about:blank', 'data:text/html,x', 'app://evil/ui/', 'app://tollgate/../x']) {
    assert.equal(isTrustedSender({ ...ok, senderFrame: { url, parent: null } }, MAIN), false, url);
  }
});

test('tollgate:get-session answers the trusted sender and refuses everyone else', () => {
  const session: DesktopSession = {
    session_token: 'tok_abcdefghijklmnop',
    expires_at: '2099-01-01T00:00:00Z',
    user_id: 'owner',
    user_role: 'proxy_admin',
    gateway_url: 'http://127.0.0.1:4000',
  };
  const handler = createGetSessionHandler({ get: () => session }, () => MAIN);
  assert.deepEqual(handler(ok), session);
  assert.throws(() => handler({ ...ok, sender: { id: 99 } }), /untrusted sender/);
  assert.throws(() => handler({ ...ok, senderFrame: { url: 'https://evil.example/', parent: null } }), /untrusted sender/);
  const paused = createGetSessionHandler({ get: () => null }, () => MAIN);
  assert.throws(() => paused(ok), /paused/);
});
