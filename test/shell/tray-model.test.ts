import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTrayModel, formatSpend, trayTooltip } from '../../src-main/shell/index.ts';
import type { TrayItem } from '../../src-main/shell/index.ts';
import type { GatewayStatus } from '../../src-main/core/gateway-types.ts';

const running: GatewayStatus = { running: true, url: 'http://127.0.0.1:4000', host: '127.0.0.1', port: 4000, todaySpend: 1.234, inFlight: 0 };

function labels(items: TrayItem[]): string[] {
  return items.map((i) => (i.kind === 'separator' ? '---' : i.label));
}

test('running: status, today spend, open, pause, start at login, quit', () => {
  const items = buildTrayModel({ status: running, paused: false, startAtLogin: false });
  assert.deepEqual(labels(items), [
    'Tollgate — running on 127.0.0.1:4000',
    'Today: $1.23',
    '---',
    'Open window',
    'Pause gateway',
    'Start at login',
    '---',
    'Quit',
  ]);
  const pause = items.find((i) => i.kind === 'action' && i.id === 'pause');
  assert.deepEqual(pause, { kind: 'action', id: 'pause', label: 'Pause gateway', enabled: true });
  assert.deepEqual(items.find((i) => i.kind === 'checkbox'), { kind: 'checkbox', id: 'toggle-start-at-login', label: 'Start at login', checked: false });
});

test('paused: resume instead of pause, status says paused', () => {
  const items = buildTrayModel({ status: null, paused: true, startAtLogin: true });
  assert.equal(labels(items)[0], 'Tollgate — paused');
  assert.equal(labels(items)[1], 'Today: $0.00');
  assert.ok(items.some((i) => i.kind === 'action' && i.id === 'resume' && i.enabled));
  assert.ok(!items.some((i) => i.kind === 'action' && i.id === 'pause'));
  assert.ok(items.some((i) => i.kind === 'checkbox' && i.checked));
});

test('busy and stopped states disable pause and resume', () => {
  const busy = buildTrayModel({ status: running, paused: false, busy: true, startAtLogin: null });
  assert.ok(busy.some((i) => i.kind === 'action' && i.id === 'pause' && !i.enabled));
  const stopped = buildTrayModel({ status: { ...running, running: false, port: null }, paused: false, startAtLogin: null });
  assert.equal(labels(stopped)[0], 'Tollgate — stopped');
  assert.ok(stopped.some((i) => i.kind === 'action' && i.id === 'pause' && !i.enabled));
});

test('start at login is left out where the OS has no login items', () => {
  assert.ok(!buildTrayModel({ status: running, paused: false, startAtLogin: null }).some((i) => i.kind === 'checkbox'));
});

test('spend is formatted as dollars', () => {
  assert.equal(formatSpend(0), '$0.00');
  assert.equal(formatSpend(1.234), '$1.23');
  assert.equal(formatSpend(1.235), '$1.24');
  assert.equal(formatSpend(1234.5), '$1,234.50');
  assert.equal(formatSpend(0.004), '< $0.01');
  assert.equal(formatSpend(Number.NaN), '$0.00');
  assert.equal(formatSpend(-3), '$0.00');
  assert.equal(trayTooltip({ status: running, paused: false, startAtLogin: null }), 'Tollgate — running on 127.0.0.1:4000\nToday: $1.23');
});
