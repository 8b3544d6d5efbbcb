import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildWindowOptions } from '../../src-main/shell/index.ts';

test('the window runs sandboxed, isolated, without Node and with web security on', () => {
  const o = buildWindowOptions({ preloadPath: '/app/dist-electron/preload.cjs' });
  const w = o.webPreferences;
  assert.ok(w);
  assert.equal(w.sandbox, true);
  assert.equal(w.contextIsolation, true);
  assert.equal(w.nodeIntegration, false);
  assert.equal(w.nodeIntegrationInWorker, false);
  assert.equal(w.nodeIntegrationInSubFrames, false);
  assert.equal(w.webSecurity, true);
  assert.equal(w.allowRunningInsecureContent, false);
  assert.equal(w.webviewTag, false);
  assert.equal(w.experimentalFeatures, false);
  assert.equal(w.spellcheck, false);
  assert.equal(w.navigateOnDragDrop, false);
  assert.equal(w.preload, '/app/dist-electron/preload.cjs');
  assert.equal(w.enableBlinkFeatures, undefined);
  assert.equal(w.partition, undefined, 'the app:// handler is registered on the default session');
});

test('DevTools are off unless asked for, and the window shows itself only when ready', () => {
  assert.equal(buildWindowOptions({ preloadPath: '/p' }).webPreferences?.devTools, false);
  assert.equal(buildWindowOptions({ preloadPath: '/p', devTools: true }).webPreferences?.devTools, true);
  assert.equal(buildWindowOptions({ preloadPath: '/p' }).show, false);
});
