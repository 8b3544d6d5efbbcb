/**
 * The baseline for the benchmark: the least a Node pass-through proxy can do. A node:http server
 * that forwards method, path, headers and body to the upstream through an undici Pool
 * (keep-alive) and streams the answer back. No auth, no parsing, no accounting, no logging.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'undici';

export interface BareProxy {
  url: string;
  close(): Promise<void>;
}

/* Hop-by-hop headers (RFC 9110 section 7.6.1) plus host, which the Pool sets itself. */
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host']);

function forwardHeaders(h: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !HOP.has(k)) out[k] = v;
  return out;
}

export async function startBareProxy(upstreamUrl: string, connections = 128): Promise<BareProxy> {
  const pool = new Pool(upstreamUrl, { connections, keepAliveTimeout: 30_000, pipelining: 1 });
  const server: Server = createServer((req, res) => {
    void (async () => {
      const up = await pool.request({
        method: (req.method ?? 'GET') as 'GET',
        path: req.url ?? '/',
        headers: forwardHeaders(req.headers),
        ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body: req }),
      });
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && !HOP.has(k)) headers[k] = v;
      res.writeHead(up.statusCode, headers);
      await pipeline(up.body, res);
    })().catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `bare proxy: ${String(err)}`, type: 'bad_gateway' } }));
      } else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.close();
    },
  };
}
