import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayHost, createQuitHandler, desktopGatewayOptions } from '../../src-main/shell/index.ts';
import { FakeGateway, settle } from './fakes.ts';

test('pause stops the gateway; resume creates a new one on the same port', async () => {
  const made: Array<{ port?: number }> = [];
  const gateways: FakeGateway[] = [];
  const host = new GatewayHost(async (overrides) => {
    made.push(overrides);
    const g = new FakeGateway(overrides.port ?? 4123);
    gateways.push(g);
    return g;
  });
  await host.start();
  assert.equal(host.url(), 'http://127.0.0.1:4123');
  assert.equal(host.origin(), 'http://127.0.0.1:4123');
  assert.equal(host.status()?.running, true);
  await host.pause();
  assert.equal(gateways[0]?.stopped, 1);
  assert.equal(host.isPaused(), true);
  assert.equal(host.url(), null);
  assert.equal(host.status(), null);
  assert.equal(host.createOwnerSession(), null);
  await host.resume();
  assert.deepEqual(made, [{}, { port: 4123 }]);
  assert.equal(host.isPaused(), false);
  assert.equal(host.url(), 'http://127.0.0.1:4123');
  await host.stop();
  await host.stop();
  assert.equal(gateways[1]?.stopped, 1, 'stop is idempotent');
});

test('quit waits for the gateway to stop, then exits once', async () => {
  let stopped = 0;
  let release: () => void = () => {};
  const exits: number[] = [];
  const quit = createQuitHandler({
    stop: () => new Promise<void>((resolve) => { stopped++; release = resolve; }),
    exit: (code) => void exits.push(code),
  });
  let prevented = 0;
  const event = { preventDefault: () => void prevented++ };
  quit(event);
  quit(event);
  await settle();
  assert.equal(stopped, 1);
  assert.equal(prevented, 2);
  assert.deepEqual(exits, []);
  release();
  await settle();
  assert.deepEqual(exits, [0]);
  quit(event);
  assert.equal(prevented, 2, 'after stopping, quitting is not held back');
});

test('a stuck or failing stop still lets the app exit', async () => {
  const exits: number[] = [];
  createQuitHandler({ stop: () => new Promise<void>(() => {}), exit: (c) => void exits.push(c), timeoutMs: 10 })({ preventDefault() {} });
  createQuitHandler({ stop: async () => { throw new Error('disk full'); }, exit: (c) => void exits.push(c), onError: () => {} })({ preventDefault() {} });
  await new Promise((r) => setTimeout(r, 30));
  assert.deepEqual(exits.sort(), [0, 1]);
});

test('desktop options: loopback only, userData by default, the CLI environment honoured', () => {
  assert.deepEqual(desktopGatewayOptions({}, '/home/u/.config/Tollgate'), { dataDir: '/home/u/.config/Tollgate', host: '127.0.0.1', env: {} });
  const env = { TOLLGATE_DATA_DIR: '/d', TOLLGATE_CONFIG: '/c.yaml', TOLLGATE_PORT: '4001', LITELLM_MASTER_KEY: 'sk-x' };
  const o = desktopGatewayOptions(env, '/ud');
  assert.equal(o.dataDir, '/d');
  assert.equal(o.configPath, '/c.yaml');
  assert.equal(o.port, 4001);
  assert.equal(o.masterKey, 'sk-x');
  assert.equal(o.host, '127.0.0.1');
  assert.throws(() => desktopGatewayOptions({ TOLLGATE_PORT: 'abc' }, '/ud'), /TOLLGATE_PORT/);
  assert.throws(() => desktopGatewayOptions({ TOLLGATE_PORT: '70000' }, '/ud'), /TOLLGATE_PORT/);
});
