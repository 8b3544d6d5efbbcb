import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGateway, ConfigError } from '../../../src-main/core/index.ts';
import { createMemorySecretStore } from '../../../src-main/core/secrets/index.ts';

function openDbHandles(dir: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).startsWith(dir);
    } catch {
      return false;
    }
  }).length;
}

test('a gateway that fails to start after opening its database closes it again', { skip: process.platform !== 'linux' ? 'reads /proc/self/fd' : false }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-startup-'));
  const cfg = join(dir, 'config.yaml');
  // JWT without an issuer: refused at the identity step, after the store and governance exist.
  writeFileSync(cfg, 'general_settings:\n  enable_jwt_auth: true\n  jwt_public_key_url: http://127.0.0.1:9/jwks\n  jwt_audience: a\n');
  await assert.rejects(
    createGateway({ dataDir: join(dir, 'data'), configPath: cfg, port: 0, masterKey: 'sk-startup-test-master', secretStore: createMemorySecretStore(), logLevel: 'silent' }),
    (err: unknown) => err instanceof ConfigError && /jwt_issuer/.test(err.message),
  );
  assert.equal(openDbHandles(join(dir, 'data')), 0, 'no file of the data dir stays open');
});
