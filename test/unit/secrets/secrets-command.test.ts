import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import type { SecretStore } from '../../../src-main/core/ports.ts';
import { runSecretsCommand } from '../../../src-main/cli/secrets.ts';
import { createEnvSecretStore, createMemorySecretStore } from '../../../src-main/core/secrets/index.ts';

interface Run {
  code: number;
  out: string;
  err: string;
}

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString('utf8')));
  return { stream, text: () => text };
}

async function run(args: string[], store: SecretStore, input: string | NodeJS.ReadableStream = '', isTTY = false): Promise<Run> {
  const out = sink();
  const err = sink();
  const stdin = typeof input === 'string' ? Readable.from([Buffer.from(input)]) : input;
  const code = await runSecretsCommand(args, { stdin, stdout: out.stream, stderr: err.stream, isTTY, store });
  return { code, out: out.text(), err: err.text() };
}

test('set reads the value from stdin (one trailing newline trimmed), list shows names only, delete removes', async () => {
  const store = createMemorySecretStore();
  const set = await run(['set', 'openai'], store, 'sk-from-stdin\n');
  assert.equal(set.code, 0, set.err);
  assert.equal(await store.get('openai'), 'sk-from-stdin');
  assert.ok(!set.out.includes('sk-from-stdin') && !set.err.includes('sk-from-stdin'), 'the value is never printed');

  await run(['set', 'pem'], store, 'line1\nline2\n\n');
  assert.equal(await store.get('pem'), 'line1\nline2\n', 'only one trailing newline is trimmed');
  await run(['set', 'crlf'], store, 'v\r\n');
  assert.equal(await store.get('crlf'), 'v');

  const list = await run(['list'], store);
  assert.equal(list.code, 0);
  assert.equal(list.out, 'crlf\nopenai\npem\n');

  const del = await run(['delete', 'openai'], store);
  assert.equal(del.code, 0);
  assert.equal(await store.get('openai'), null);
  const again = await run(['delete', 'openai'], store);
  assert.equal(again.code, 1);
  assert.match(again.err, /No secret named openai/);
});

test('a value given in argv is refused, not echoed, and nothing is stored', async () => {
  const store = createMemorySecretStore();
  for (const args of [['set', 'openai', 'sk-argv-secret'], ['set', 'openai', '--value=sk-argv-secret'], ['set', '--value', 'sk-argv-secret']]) {
    const r = await run(args, store, 'ignored');
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, /Refusing to take a secret value from the command line/);
    assert.match(r.err, /stdin/);
    assert.ok(!r.err.includes('sk-argv-secret') && !r.out.includes('sk-argv-secret'));
  }
  assert.deepEqual(await store.list(), []);
});

test('empty values are refused', async () => {
  const store = createMemorySecretStore();
  for (const input of ['', '\n', '   \n']) {
    const r = await run(['set', 'openai'], store, input);
    assert.equal(r.code, 1);
    assert.match(r.err, /Refusing to store an empty value for openai/);
  }
  assert.equal(await store.get('openai'), null);
});

test('invalid names, missing names and unknown subcommands fail with a message', async () => {
  const store = createMemorySecretStore();
  const bad = await run(['set', '../x'], store, 'v');
  assert.notEqual(bad.code, 0);
  assert.match(bad.err, /path separator/);
  const missing = await run(['delete'], store);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /needs a NAME/);
  const unknown = await run(['frobnicate'], store);
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /Unknown subcommand "frobnicate"/);
  const help = await run(['--help'], store);
  assert.equal(help.code, 0);
  assert.match(help.out, /tollgate secrets set NAME/);
});

test('a store error (read-only env store) is a non-zero exit with its message', async () => {
  const r = await run(['set', 'openai'], createEnvSecretStore({}), 'sk-x');
  assert.equal(r.code, 1);
  assert.match(r.err, /read-only/);
  assert.ok(!r.err.includes('sk-x'));
});

/** A fake terminal: records raw-mode changes; input is pushed by the test. */
function fakeTTY(): PassThrough & { setRawMode: (m: boolean) => void; modes: boolean[]; isRaw: boolean } {
  const stream = new PassThrough() as PassThrough & { setRawMode: (m: boolean) => void; modes: boolean[]; isRaw: boolean };
  stream.modes = [];
  stream.isRaw = false;
  stream.setRawMode = (m) => {
    stream.modes.push(m);
    stream.isRaw = m;
  };
  return stream;
}

test('on a terminal the value is read through a hidden prompt (raw mode, no echo, backspace works)', async () => {
  const store = createMemorySecretStore();
  const tty = fakeTTY();
  const pending = run(['set', 'openai'], store, tty, true);
  tty.write('sk-typoX\u007f\r');
  const r = await pending;
  assert.equal(r.code, 0, r.err);
  assert.equal(await store.get('openai'), 'sk-typo');
  assert.deepEqual(tty.modes, [true, false], 'raw mode on for the prompt, restored after');
  assert.match(r.err, /Value for openai \(input hidden\): /);
  assert.ok(!r.err.includes('sk-typo') && !r.out.includes('sk-typo'), 'typed characters are not echoed');
});

test('Ctrl-C at the hidden prompt cancels and stores nothing', async () => {
  const store = createMemorySecretStore();
  const tty = fakeTTY();
  const pending = run(['set', 'openai'], store, tty, true);
  tty.write('sk-part\u0003');
  const r = await pending;
  assert.equal(r.code, 130);
  assert.match(r.err, /Cancelled/);
  assert.equal(await store.get('openai'), null);
});
