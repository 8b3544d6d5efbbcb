import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

// Electron cannot run here, so dist-electron/main.js is booted on Node against a fake Electron
// (test/shell/fake-electron), in an app directory laid out as electron-builder.yml packs it,
// with the real core. This proves the bundle loads, finds its files and wires the guards.
test('the built main process boots the real gateway and serves the window', { timeout: 120_000 }, () => {
  const artifacts = join(root, 'test-artifacts');
  mkdirSync(artifacts, { recursive: true });
  // Inside the project so that the bundle's bare imports resolve from its node_modules.
  const app = mkdtempSync(join(artifacts, 'shell-app-'));
  const data = mkdtempSync(join(tmpdir(), 'tollgate-shell-data-'));
  try {
    const built = spawnSync(process.execPath, [join(root, 'scripts', 'build-electron.mjs'), '--outdir', join(app, 'dist-electron')], { cwd: root, encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    cpSync(join(root, 'package.json'), join(app, 'package.json'));
    cpSync(join(root, 'assets'), join(app, 'assets'), { recursive: true });
    if (existsSync(join(root, 'src-main/core/store/migrations'))) {
      cpSync(join(root, 'src-main/core/store/migrations'), join(app, 'src-main/core/store/migrations'), { recursive: true });
    }
    mkdirSync(join(app, 'dist/ui/assets'), { recursive: true });
    writeFileSync(join(app, 'dist/ui/index.html'), '<!doctype html><title>Tollgate UI</title><script type="module" src="/ui/assets/app.js"></script>');
    writeFileSync(join(app, 'dist/ui/assets/app.js'), 'export {};');
    symlinkSync(join(root, 'node_modules'), join(app, 'node_modules'), 'dir');

    const run = spawnSync(process.execPath, ['--import', join(root, 'test/shell/fake-electron/register.mjs'), join(app, 'dist-electron/main.js')], {
      cwd: app,
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        ...process.env,
        FAKE_ELECTRON_APP_PATH: app,
        FAKE_ELECTRON_USER_DATA: data,
        TOLLGATE_PORT: '0',
        TOLLGATE_MASTER_KEY: `sk-${'a'.repeat(43)}`,
        TOLLGATE_LOG_LEVEL: 'silent',
        TOLLGATE_CONFIG: '',
      },
    });
    const line = run.stdout.split('\n').find((l) => l.startsWith('REPORT '));
    assert.ok(line, `no report; exit ${run.status}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
    assert.equal(run.status, 0, run.stderr);
    const r = JSON.parse(line.slice('REPORT '.length));

    assert.deepEqual(r.schemes, [{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    assert.equal(r.webPreferences.sandbox, true);
    assert.equal(r.webPreferences.contextIsolation, true);
    assert.equal(r.webPreferences.nodeIntegration, false);
    assert.equal(r.webPreferences.preload, join(app, 'dist-electron', 'preload.cjs'));
    assert.equal(r.loadedUrl, 'app://tollgate/ui/');
    assert.equal(r.page.status, 200);
    assert.match(r.page.body, /Tollgate UI/);
    assert.match(r.page.csp, /connect-src 'self' http:\/\/127\.0\.0\.1:\d+;/);
    assert.equal(r.asset, 200);
    assert.ok(r.traversal === 403 || r.traversal === 404, String(r.traversal));
    assert.equal(r.permissionGranted, false);
    assert.equal(r.permissionCheck, false);
    assert.deepEqual(r.navigationBlocked, { evil: true, file: true, app: false });
    assert.deepEqual(r.windowOpen, { action: 'deny' });
    assert.equal(r.webviewPrevented, true);
    assert.equal(r.session.role, 'proxy_admin');
    assert.match(r.session.gateway_url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(r.session.hasToken, true);
    assert.equal(r.untrustedRefused, true);
    assert.equal(r.whoami, 200, 'the session token works against the real gateway');
    assert.equal(r.whoamiAllowOrigin, 'app://tollgate', 'the gateway accepts the window origin');
    assert.ok(r.preflight.status >= 200 && r.preflight.status < 300, `preflight ${r.preflight.status}`);
    assert.equal(r.preflight.allowOrigin, 'app://tollgate');
    assert.match(r.tray.tooltip, /^Tollgate — running on 127\.0\.0\.1:\d+\nToday: \$0\.00$/);
    assert.deepEqual(r.tray.labels.slice(-4), ['Open window', 'Pause gateway', 'separator', 'Quit']);
    assert.deepEqual(r.opened, ['https://docs.example.com/', 'https://docs.example.com/']);
  } finally {
    rmSync(app, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
  }
});
