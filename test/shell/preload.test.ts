import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { GET_SESSION_CHANNEL } from '../../src-main/shell/index.ts';

const read = (p: string) => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');

// The preload and main.ts need Electron to run; these checks pin what they must contain.
test('the preload exposes exactly one function on one channel', () => {
  const src = read('src-main/electron/preload.ts').replace(/\/\*[\s\S]*?\*\//g, '');
  assert.equal((src.match(/exposeInMainWorld\(/g) ?? []).length, 1);
  assert.match(src, /exposeInMainWorld\('tollgate', \{\s*getSession: \(\): Promise<unknown> => ipcRenderer\.invoke\('([^']+)'\),\s*\}\)/);
  assert.equal(/ipcRenderer\.invoke\('([^']+)'\)/.exec(src)?.[1], GET_SESSION_CHANNEL);
  assert.doesNotMatch(src, /ipcRenderer\.(on|send|sendSync|postMessage)\b/);
  assert.doesNotMatch(src, /from 'node:|require\(/);
});

test('main.ts wires every guard', () => {
  const src = read('src-main/electron/main.ts');
  for (const needle of [
    'requestSingleInstanceLock()',
    "registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }])",
    'setPermissionRequestHandler((_wc, _permission, callback) => callback(false))',
    'setPermissionCheckHandler(() => false)',
    'setWindowOpenHandler(',
    "return { action: 'deny' }",
    "'will-navigate'",
    "'will-frame-navigate'",
    "'will-redirect'",
    "contents.on('will-attach-webview', (event) => event.preventDefault())",
    'ipcMain.handle(GET_SESSION_CHANNEL, (event) => getSession(event))',
    'protocol.handle(APP_SCHEME, createAppProtocolHandler(',
    'buildWindowOptions(',
    'stop: () => gatewayHost.stop()',
  ]) {
    assert.ok(src.includes(needle), needle);
  }
  const code = src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  assert.doesNotMatch(code, /bypassCSP|corsEnabled|nodeIntegration: true|webSecurity: false|loadFile\(|file:\/\//);
  assert.equal((code.match(/shell\.openExternal\(/g) ?? []).length, 1, 'one openExternal call, inside the validating wrapper');
});
