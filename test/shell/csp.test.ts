import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCsp, loopbackOrigin } from '../../src-main/shell/index.ts';

function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name ?? '', values]));
}

test('the CSP allows only the app itself and the gateway origin', () => {
  const d = directives(buildCsp('http://127.0.0.1:4000'));
  assert.deepEqual(d.get('default-src'), ["'self'"]);
  assert.deepEqual(d.get('script-src'), ["'self'"]);
  assert.deepEqual(d.get('connect-src'), ["'self'", 'http://127.0.0.1:4000']);
  assert.deepEqual(d.get('object-src'), ["'none'"]);
  assert.deepEqual(d.get('frame-ancestors'), ["'none'"]);
  assert.deepEqual(d.get('base-uri'), ["'none'"]);
  assert.deepEqual(d.get('form-action'), ["'none'"]);
});

test('the CSP never allows eval, inline script or wildcards', () => {
  const csp = buildCsp('http://127.0.0.1:4000/');
  assert.doesNotMatch(csp, /unsafe-eval/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.doesNotMatch(csp, /wasm-unsafe-eval/);
  assert.doesNotMatch(csp, /\*/);
  assert.doesNotMatch(csp, /https?:(\s|;|$)/, 'no bare scheme sources');
  assert.match(csp, /connect-src 'self' http:\/\/127\.0\.0\.1:4000;/, 'origin only, no path');
});

test('without a running gateway connect-src is self only', () => {
  assert.deepEqual(directives(buildCsp(null)).get('connect-src'), ["'self'"]);
});

test('a non-loopback or non-http gateway URL is refused', () => {
  assert.throws(() => loopbackOrigin('http://192.168.1.5:4000'));
  assert.throws(() => loopbackOrigin('https://127.0.0.1:4000'));
  assert.throws(() => loopbackOrigin('http://user:pw@127.0.0.1:4000'));
  assert.throws(() => loopbackOrigin('http://127.0.0.1.evil.com:4000'));
  assert.equal(loopbackOrigin('http://[::1]:4000/x'), 'http://[::1]:4000');
});
