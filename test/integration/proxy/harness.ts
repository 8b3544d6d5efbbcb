/**
 * A tiny gateway for the proxy tests: a real node:http server on 127.0.0.1:0 whose handler
 * validates the body, resolves the deployment and calls `Forwarder.forward` directly (no auth, no
 * budgets: those are other modules). Each forward's result is recorded for the tests to check.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Forwarder, ModelRegistry, validateLlmBody } from '../../../src-main/core/proxy/index.ts';
import type { ForwardResult, LlmKind, ResolvedDeployment } from '../../../src-main/core/proxy/index.ts';
import { GatewayError } from '../../../src-shared/errors.ts';
import type { DeploymentConfig } from '../../../src-shared/config.ts';

export const PROVIDER_KEY = 'sk-provider-secret-0123456789abcdef';

const ROUTES: Record<string, LlmKind> = {
  '/v1/chat/completions': 'chat',
  '/chat/completions': 'chat',
  '/v1/completions': 'completion',
  '/v1/embeddings': 'embedding',
  '/v1/messages': 'messages',
  '/v1/messages/count_tokens': 'count_tokens',
};

export interface Harness {
  url: string;
  registry: ModelRegistry;
  results: ForwardResult[];
  /** Resolves with the n-th (1-based) forward result once it exists. */
  result(n: number): Promise<ForwardResult>;
  close(): Promise<void>;
}

export async function startHarness(models: DeploymentConfig[], apiKeyFor: (d: ResolvedDeployment) => string | null = () => PROVIDER_KEY): Promise<Harness> {
  const registry = new ModelRegistry(models);
  const forwarder = new Forwarder({ clock: { now: () => Date.now() } });
  const results: ForwardResult[] = [];
  const waiters: Array<() => void> = [];
  const record = (r: ForwardResult) => {
    results.push(r);
    for (const w of waiters.splice(0)) w();
  };
  let seq = 0;

  const server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const kind = ROUTES[new URL(req.url ?? '/', 'http://x').pathname];
      if (!kind || req.method !== 'POST') throw new GatewayError('ERR_ROUTE_NOT_FOUND', 'no such route');
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        throw new GatewayError('ERR_BAD_REQUEST', 'body is not JSON');
      }
      const body = validateLlmBody(parsed);
      const deployment = registry.resolve(body.model);
      if (!deployment) throw new GatewayError('ERR_MODEL_NOT_FOUND', `no model ${body.model}`, { param: 'model' });
      const ac = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) ac.abort();
      });
      const requestId = `req-${++seq}`;
      const result = await forwarder.forward({
        kind,
        body,
        deployment,
        apiKey: apiKeyFor(deployment),
        clientRes: res,
        clientAbort: ac.signal,
        requestId,
        responseHeaders: { 'x-request-id': requestId },
        clientHeaders: req.headers,
      });
      record(result);
    })().catch((err: unknown) => {
      const e = err instanceof GatewayError ? err : new GatewayError('ERR_INTERNAL', 'internal error', { cause: err });
      if (!res.headersSent) {
        res.writeHead(e.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(e.toEnvelope()));
      } else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    registry,
    results,
    result: (n) =>
      new Promise((resolve) => {
        const check = () => {
          const r = results[n - 1];
          if (r) resolve(r);
          else waiters.push(check);
        };
        check();
      }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await forwarder.close();
    },
  };
}

/** Polls a condition without asserting on time (the test runner's timeout bounds it). */
export async function eventually(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 10));
}
