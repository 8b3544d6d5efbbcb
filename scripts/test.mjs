#!/usr/bin/env node
// The test command: every test file under test/, run by node's own runner through tsx.
// Keychain tests need a Secret Service; when `dbus-run-session` and `gnome-keyring-daemon`
// exist and none is running, the whole run is wrapped in a private session bus with an
// unlocked keyring (see scripts/with-keyring.sh). Prints node's summary plus one plain line
// `N passed, N failed` for CI.
import { spawn } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (/\.test\.(ts|mts|tsx)$/.test(name)) out.push(p);
  }
  return out;
}

let files = walk(join(root, 'test')).map((f) => relative(root, f)).sort();
if (filters.length > 0) files = files.filter((f) => filters.some((x) => f.includes(x)));

const wantKeyring = !process.env.DBUS_SESSION_BUS_ADDRESS && existsSync('/usr/bin/dbus-run-session') && existsSync('/usr/bin/gnome-keyring-daemon');
const nodeArgs = ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files];
const [cmd, args] = wantKeyring
  ? ['dbus-run-session', ['--', 'sh', join(root, 'scripts/with-keyring.sh'), process.execPath, ...nodeArgs]]
  : [process.execPath, nodeArgs];

const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TOLLGATE_TEST: '1' } });
let pass = 0;
let fail = 0;
let tail = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString()).slice(-4000);
});
child.on('close', (code) => {
  const p = /ℹ pass (\d+)/.exec(tail);
  const f = /ℹ fail (\d+)/.exec(tail);
  pass = p ? Number(p[1]) : 0;
  fail = f ? Number(f[1]) : (code === 0 ? 0 : 1);
  process.stdout.write(`${pass} passed, ${fail} failed\n`);
  process.exit(code ?? 1);
});
