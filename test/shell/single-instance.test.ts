import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bringToFront, onSecondInstance } from '../../src-main/shell/index.ts';
import { FakeWindow } from './fakes.ts';

test('a second instance restores and focuses the existing window', () => {
  const win = new FakeWindow(true);
  let opened = 0;
  onSecondInstance(() => win, () => opened++);
  assert.deepEqual(win.calls, ['restore', 'show', 'focus']);
  assert.equal(opened, 0);
});

test('a visible window is only shown and focused', () => {
  const win = new FakeWindow(false);
  assert.equal(bringToFront(win), true);
  assert.deepEqual(win.calls, ['show', 'focus']);
});

test('with the window closed (app in the tray) a second instance opens a new one', () => {
  let opened = 0;
  onSecondInstance(() => null, () => opened++);
  onSecondInstance(() => new FakeWindow(false, true), () => opened++);
  assert.equal(opened, 2);
});
