/**
 * Shared pieces of the identity-over-HTTP tests: a raw fetch that sends only the headers given
 * (no master key by default), a gateway whose config file sits in a directory of our choosing
 * (so `custom_auth` modules can be placed beside it, as operators do), and the `tollgate` CLI.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { createGateway, type Gateway } from '../../../src-main/core/index.ts';
import { createMemorySecretStore } from '../../../src-main/core/secrets/index.ts';
import { FakeClock, MASTER } from '../../support/gateway.ts';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/identity/', import.meta.url));
export const BIN = fileURLToPath(new URL('../../../bin/tollgate.mjs', import.meta.url));

export interface Reply {
  status: number;
  json: any;
  text: string;
  headers: Headers;
}

/** fetch with exactly the given headers (no credential unless one is passed). */
export async function raw(url: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(url + path, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, json, text, headers: res.headers };
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** A small chat body; `max_tokens` keeps the worst-case reservation small and known. */
export function chat(model: string): Record<string, unknown> {
  return { model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 };
}

export interface DirGateway {
  gateway: Gateway;
  url: string;
  dir: string;
  clock: FakeClock;
  logs: string[];
  /** As the master key (management setup). */
  admin(method: string, path: string, body?: unknown): Promise<Reply>;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  stop(): Promise<void>;
}

/**
 * Starts a gateway with `config` written to DIR/config.yaml, after copying `fixtures`
 * (paths relative to test/fixtures/identity/, kept relative under DIR) beside it.
 */
export async function startGatewayInDir(opts: { config: string; fixtures?: string[]; env?: Record<string, string>; realClock?: boolean; clock?: FakeClock }): Promise<DirGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-idgw-'));
  for (const f of opts.fixtures ?? []) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    copyFileSync(join(FIXTURES, f), join(dir, f));
  }
  const configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, opts.config);
  const clock = opts.clock ?? new FakeClock();
  const logs: string[] = [];
  let gateway: Gateway;
  let url: string;
  try {
    gateway = await createGateway({
      dataDir: join(dir, 'data'), port: 0, masterKey: MASTER, secretStore: createMemorySecretStore(), logLevel: 'info',
      env: { ...opts.env }, configPath,
      ...(opts.realClock === true ? {} : { clock }),
      logDestination: { write: (line: string) => void logs.push(line) },
    });
    ({ url } = await gateway.start());
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    gateway, url, dir, clock, logs,
    admin: (method, path, body) => raw(url, method, path, body, bearer(MASTER)),
    call: (method, path, body, headers) => raw(url, method, path, body, headers),
    async stop() {
      await gateway.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Fails the test with the reply's text when the status is not the expected one. */
export function expectStatus(r: Reply, status: number, type?: string): void {
  assert.equal(r.status, status, r.text);
  if (type !== undefined) assert.equal(r.json?.error?.type, type, r.text);
}

export interface CliRun {
  exit: Promise<number>;
  out(): string;
  err(): string;
  kill(): void;
}

/** Runs `tollgate ARGS` with a master key and insecure secret storage allowed (no keychain here). */
export function runCli(args: string[], env: Record<string, string> = {}): CliRun {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, TOLLGATE_MASTER_KEY: MASTER, TOLLGATE_ALLOW_INSECURE_SECRETS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += String(d); });
  child.stderr.on('data', (d) => { stderr += String(d); });
  const exit = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  return { exit, out: () => stdout, err: () => stderr, kill: () => child.kill('SIGTERM') };
}

/** Resolves with the gateway URL once `serve` prints its readiness line, or fails with stderr if it exits first. */
export async function listening(p: CliRun): Promise<string> {
  let exited: number | null = null;
  void p.exit.then((c) => { exited = c; });
  for (;;) {
    const m = /^Tollgate listening on (http:\/\/\S+)$/m.exec(p.out());
    if (m?.[1] !== undefined) return m[1];
    if (exited !== null) assert.fail(`serve exited ${exited} before listening: ${p.err()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
