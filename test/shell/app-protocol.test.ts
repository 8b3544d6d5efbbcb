import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_ENTRY_URL, contentTypeFor, createAppProtocolHandler, isAppUrl, resolveAppPath } from '../../src-main/shell/index.ts';

let base: string;
let root: string;
const CSP = "default-src 'self'";

before(() => {
  base = mkdtempSync(join(tmpdir(), 'tollgate-shell-'));
  root = join(base, 'ui');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Tollgate</title>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets', 'app.css'), 'body{}');
  writeFileSync(join(root, 'assets', 'logo.svg'), '<svg/>');
  writeFileSync(join(base, 'secret.txt'), 'SECRET');
  symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'link.txt'));
});

after(() => rmSync(base, { recursive: true, force: true }));

const handler = () => createAppProtocolHandler({ root, csp: () => CSP });
const get = (url: string) => handler()({ url, method: 'GET' });

test('serves the entry page with its content type, the CSP and nosniff', async () => {
  const res = await get(APP_ENTRY_URL);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(res.headers.get('content-security-policy'), CSP);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.match(await res.text(), /<title>Tollgate<\/title>/);
});

test('serves assets under the /ui/ base and at the root, with correct types', async () => {
  const js = await get('app://tollgate/ui/assets/app.js');
  assert.equal(js.status, 200);
  assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal(await js.text(), 'console.log(1)');
  const css = await get('app://tollgate/assets/app.css');
  assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
  assert.equal((await get('app://tollgate/ui/assets/logo.svg')).headers.get('content-type'), 'image/svg+xml');
  assert.equal(contentTypeFor('x.woff2'), 'font/woff2');
  assert.equal(contentTypeFor('x.unknown'), 'application/octet-stream');
});

test('extension-less unknown paths fall back to index.html; missing files are 404', async () => {
  assert.equal((await get('app://tollgate/ui/keys')).status, 200);
  assert.equal((await get('app://tollgate/ui/assets/missing.js')).status, 404);
});

test('path traversal is refused in every spelling', async () => {
  const attacks = [
    'app://tollgate/../secret.txt',
    'app://tollgate/ui/../../secret.txt',
    'app://tollgate/assets/..%2f..%2fsecret.txt',
    'app://tollgate/%2e%2e/secret.txt',
    'app://tollgate/%2E%2E/%2E%2E/secret.txt',
    'app://tollgate/.%2e/secret.txt',
    'app://tollgate/assets%2f..%2f..%2fsecret.txt',
    'app://tollgate/..%5csecret.txt',
    'app://tollgate/..\\secret.txt',
    'app://tollgate//etc/passwd',
    'app://tollgate/%2fetc%2fpasswd',
    'app://tollgate/index.html%00.js',
    'app://tollgate/C:/Windows/win.ini',
  ];
  for (const url of attacks) {
    const res = await get(url);
    assert.ok(res.status === 403 || res.status === 404, `${url} gave ${res.status}`);
    assert.notEqual(await res.text(), 'SECRET', url);
  }
  for (const url of attacks.slice(0, 8)) assert.equal(resolveAppPath(root, url), null, url);
});

test('a symlink that leaves the UI directory is not followed', async () => {
  const res = await get('app://tollgate/assets/link.txt');
  assert.equal(res.status, 404);
  assert.notEqual(await res.text(), 'SECRET');
});

test('other hosts, schemes and methods are refused', async () => {
  assert.equal((await get('app://evil/index.html')).status, 403);
  assert.equal((await get('file:///etc/passwd')).status, 403);
  assert.equal((await get('app://user:pw@ui/index.html')).status, 403);
  assert.equal((await handler()({ url: APP_ENTRY_URL, method: 'POST' })).status, 405);
  const head = await handler()({ url: APP_ENTRY_URL, method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(await head.text(), '');
});

test('isAppUrl accepts only the UI origin', () => {
  assert.ok(isAppUrl('app://tollgate/ui/'));
  assert.ok(isAppUrl('app://tollgate/ui/#/keys'));
  assert.ok(!isAppUrl('app://other/ui/'));
  assert.ok(!isAppUrl('app://tollgate/../x'));
  assert.ok(!isAppUrl('http://127.0.0.1:4000/ui/'));
  assert.ok(!isAppUrl('not a url'));
});
