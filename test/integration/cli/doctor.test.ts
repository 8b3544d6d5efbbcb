import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startUpstream } from '../../support/upstream.ts';

const BIN = fileURLToPath(new URL('../../../bin/tollgate.mjs', import.meta.url));

function doctor(args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [BIN, 'doctor', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d) => { out += String(d); });
    c.stderr.on('data', (d) => { out += String(d); });
    c.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

test('doctor: one line per check, providers probed, a non-zero exit with a fix when something is wrong', async () => {
  const up = await startUpstream();
  try {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-doctor-'));
    const cfg = join(dir, 'config.yaml');
    writeFileSync(cfg, `
model_list:
  - model_name: good
    litellm_params: { model: openai/gpt-4o, api_base: ${up.url}/v1, api_key: os.environ/GOOD_KEY }
  - model_name: down
    litellm_params: { model: openai/gpt-4o, api_base: http://127.0.0.1:9/v1, api_key: os.environ/GOOD_KEY }
  - model_name: missing-secret
    litellm_params: { model: openai/gpt-4o, api_base: ${up.url}/v1, api_key: os.environ/NOT_SET_ANYWHERE }
`);
    const r = await doctor(['--config', cfg, '--data-dir', join(dir, 'data'), '--port', '0'], { GOOD_KEY: 'sk-doctor-secret-value' });
    assert.equal(r.code, 1);
    assert.match(r.out, /^ok {4}config: .*valid \(3 deployments\)$/m);
    assert.match(r.out, /^ok {4}data dir: /m);
    assert.match(r.out, /^ok {4}provider good: .*answered/m);
    assert.match(r.out, /^FAIL {2}provider down: .*not reachable/m);
    assert.match(r.out, /^FAIL {2}provider missing-secret: .*NOT_SET_ANYWHERE/m);
    assert.match(r.out, /fix: /);
    assert.ok(!r.out.includes('sk-doctor-secret-value'), 'doctor never prints a secret');
    assert.equal(up.requests.at(-1)?.headers.authorization, 'Bearer sk-doctor-secret-value', 'the key was really tried');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'general_settings:\n  master_kye: x\n');
    const b = await doctor(['--config', bad, '--data-dir', join(dir, 'data'), '--port', '0'], {});
    assert.equal(b.code, 1);
    assert.match(b.out, /FAIL {2}config: .*general_settings\.master_kye/s);
  } finally {
    await up.close();
  }
});
