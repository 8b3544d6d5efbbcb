import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidSecretName, validateSecretName } from '../../../src-main/core/secrets/index.ts';
import { isGatewayError } from '../../../src-shared/errors.ts';

function rejects(name: string, pattern: RegExp): void {
  assert.throws(
    () => validateSecretName(name),
    (err: unknown) => isGatewayError(err) && err.code === 'ERR_BAD_REQUEST' && pattern.test(err.message) && /A-Z, a-z, 0-9/.test(err.message),
    `expected ${JSON.stringify(name)} to be refused with ${pattern}`,
  );
}

test('accepts names of 1..128 characters from [A-Za-z0-9._-]', () => {
  for (const name of ['a', 'openai', 'OPENAI_API_KEY', 'azure.eu-west', 'x'.repeat(128), 'master_key', '...a']) {
    assert.doesNotThrow(() => validateSecretName(name), name);
    assert.ok(isValidSecretName(name));
  }
});

test('refuses empty and too long names', () => {
  rejects('', /is empty/);
  rejects('x'.repeat(129), /129 characters long \(at most 128\)/);
});

test('refuses path separators and relative path names', () => {
  rejects('../etc/passwd', /path separator/);
  rejects('a/b', /path separator/);
  rejects('a\\b', /path separator/);
  rejects('.', /relative path/);
  rejects('..', /relative path/);
});

test('refuses control characters and shows them escaped', () => {
  for (const name of ['a\nb', 'a\u0000', '\u001b[31mred', 'tab\there', 'del\u007f', 'c1\u009b']) {
    rejects(name, /control character/);
    try {
      validateSecretName(name);
    } catch (err) {
      // eslint-disable-next-line no-control-regex
      assert.doesNotMatch((err as Error).message, /[\u0000-\u001f\u007f-\u009f]/);
    }
  }
});

test('refuses other characters (spaces, unicode, shell metacharacters)', () => {
  for (const name of ['a b', 'clé', 'a;b', 'a$b', 'a:b']) rejects(name, /not allowed/);
});
