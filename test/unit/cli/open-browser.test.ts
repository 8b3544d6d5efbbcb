import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSystemBrowserOpener, isOpenableUrl } from '../../../src-main/cli/open-browser.ts';
import { howToReadMasterKey } from '../../../src-main/cli/serve.ts';

test('the headless browser opener opens only plain http(s) URLs', async () => {
  assert.ok(isOpenableUrl('https://idp.example.com/authorize?client_id=x'));
  assert.ok(isOpenableUrl('http://127.0.0.1:4000/sso/key/generate'));
  for (const bad of ['javascript:alert(1)', 'file:///etc/passwd', 'data:text/html,x', 'https://user:pw@idp.example.com/', 'not a url', '$(rm -rf /)']) {
    assert.equal(isOpenableUrl(bad), false, bad);
    await assert.rejects(createSystemBrowserOpener('linux').open(bad), /refusing/);
  }
});

test('the first-run message says where the master key is and how to read it, never the key', () => {
  assert.match(howToReadMasterKey('keychain', '/d', 'linux'), /secret-tool lookup service tollgate username master_key/);
  assert.match(howToReadMasterKey('keychain', '/d', 'darwin'), /security find-generic-password -s tollgate -a master_key -w/);
  assert.match(howToReadMasterKey('file', '/data', 'linux'), /\/data\/master_key/);
});
