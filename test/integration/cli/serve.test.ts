import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../bin/tollgate.mjs', import.meta.url));

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, TOLLGATE_MASTER_KEY: 'sk-cli-test-master-key-0000', TOLLGATE_ALLOW_INSECURE_SECRETS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += String(d); });
  child.stderr.on('data', (d) => { stderr += String(d); });
  const exit = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  return { child, exit, out: () => stdout, err: () => stderr };
}

async function waitFor(pred: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600 && !pred(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(pred(), `timed out waiting for ${what}`);
}

test('serve prints exactly one readiness line, answers, and exits 0 on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-cli-'));
  const p = run(['serve', '--port', '0', '--data-dir', dir]);
  await waitFor(() => p.out().includes('\n'), 'readiness line');
  const lines = p.out().trim().split('\n');
  assert.equal(lines.length, 1);
  const m = /^Tollgate listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(lines[0]!);
  assert.ok(m, lines[0]);
  const res = await fetch(`${m[1]}/health/readiness`);
  assert.equal(res.status, 200);
  assert.match(p.err(), /\/ui\/#token=tgl_/);
  p.child.kill('SIGTERM');
  assert.equal(await p.exit, 0);
  assert.equal(p.out().trim().split('\n').length, 1);
});

test('a bad config exits non-zero naming the YAML path of the bad value', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-cli-'));
  const cfg = join(dir, 'config.yaml');
  writeFileSync(cfg, 'general_settings:\n  enable_jwt_auht: true\n');
  const p = run(['serve', '--port', '0', '--data-dir', dir, '--config', cfg]);
  assert.notEqual(await p.exit, 0);
  assert.match(p.err(), /general_settings\.enable_jwt_auht/);
  assert.equal(p.out(), '');
});

test('a taken port exits non-zero and says so', async () => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  const port = (blocker.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-cli-'));
  const p = run(['serve', '--port', String(port), '--data-dir', dir]);
  const code = await p.exit;
  blocker.close();
  assert.notEqual(code, 0);
  assert.match(p.err(), /already in use/);
});

test('an unusable data dir exits non-zero naming it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-cli-'));
  const file = join(dir, 'not-a-dir');
  writeFileSync(file, 'x');
  const p = run(['serve', '--port', '0', '--data-dir', join(file, 'sub')]);
  assert.notEqual(await p.exit, 0);
  assert.match(p.err(), /not-a-dir/);
});
