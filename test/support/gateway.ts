/**
 * Starts a real gateway for integration tests: a temp data dir with a real SQLite file, an
 * in-memory secret store, a config written to disk, a controllable clock, captured logs.
 */
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGateway, type Gateway } from '../../src-main/core/index.ts';
import { createMemorySecretStore } from '../../src-main/core/secrets/index.ts';
import type { SecretStore } from '../../src-main/core/ports.ts';

export const MASTER = 'sk-master-test-0123456789';

export class FakeClock {
  t: number;
  constructor(start = Date.parse('2026-03-02T10:00:00Z')) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface TestGateway {
  gateway: Gateway;
  url: string;
  dataDir: string;
  clock: FakeClock;
  logs: string[];
  secrets: SecretStore;
  internals: Record<string, unknown>;
  /** fetch against the gateway with the master key unless headers say otherwise. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; json: any; headers: Headers; text: string }>;
  stop(): Promise<void>;
}

export async function startGateway(opts: { config?: string; env?: Record<string, string>; secrets?: Record<string, string>; clock?: FakeClock; realClock?: boolean; logLevel?: string | undefined; secretStore?: SecretStore } = {}): Promise<TestGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-test-'));
  let configPath: string | undefined;
  if (opts.config !== undefined) {
    configPath = join(dataDir, 'config.yaml');
    writeFileSync(configPath, opts.config);
  }
  const secrets = opts.secretStore ?? createMemorySecretStore();
  for (const [k, v] of Object.entries(opts.secrets ?? {})) await secrets.set(k, v);
  const clock = opts.clock ?? new FakeClock();
  const logs: string[] = [];
  const gateway = await createGateway({
    dataDir, port: 0, masterKey: MASTER, secretStore: secrets, logLevel: opts.logLevel ?? 'info',
    env: { ...opts.env },
    ...(opts.realClock === true ? {} : { clock }),
    logDestination: { write: (line: string) => void logs.push(line) },
    ...(configPath === undefined ? {} : { configPath }),
  });
  const { url } = await gateway.start();
  return {
    gateway, url, dataDir, clock, logs, secrets,
    internals: (gateway as unknown as { _internals: Record<string, unknown> })._internals,
    async call(method, path, body, headers) {
      const res = await fetch(url + path, {
        method,
        headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await res.text();
      let json: unknown = null;
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
      return { status: res.status, json, headers: res.headers, text };
    },
    async stop() {
      await gateway.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
