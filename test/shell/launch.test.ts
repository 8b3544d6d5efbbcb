import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MISSING_BINARY_MESSAGE, locateElectronBinary } from '../../src-main/shell/index.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('npm run app without Electron binary prints one line and exits 1', () => {
  // An empty override directory makes the binary missing even on a machine that has it.
  const empty = mkdtempSync(join(tmpdir(), 'tollgate-no-electron-'));
  try {
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'app.mjs')], {
      cwd: root,
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: empty },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `${MISSING_BINARY_MESSAGE}\n`);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(MISSING_BINARY_MESSAGE, /npx install-electron/);
    assert.match(MISSING_BINARY_MESSAGE, /npm start/);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test('the binary is found the way electron/index.js finds it, without downloading', () => {
  const files: Record<string, string> = { '/nm/electron/path.txt': 'electron\n' };
  const existing = new Set(['/nm/electron/dist/electron', '/override/electron']);
  const deps = (env: Record<string, string | undefined>, packageDir: string | null = '/nm/electron') => ({
    packageDir,
    env,
    exists: (p: string) => existing.has(p),
    readText: (p: string) => files[p] ?? null,
  });
  assert.equal(locateElectronBinary(deps({})), '/nm/electron/dist/electron');
  assert.equal(locateElectronBinary(deps({ ELECTRON_OVERRIDE_DIST_PATH: '/override' })), '/override/electron');
  assert.equal(locateElectronBinary(deps({ ELECTRON_OVERRIDE_DIST_PATH: '/nowhere' })), null);
  assert.equal(locateElectronBinary(deps({}, null)), null, 'electron package not installed');
  existing.delete('/nm/electron/dist/electron');
  assert.equal(locateElectronBinary(deps({})), null, 'path.txt but no dist');
  delete files['/nm/electron/path.txt'];
  assert.equal(locateElectronBinary(deps({})), null, 'postinstall never ran');
});
