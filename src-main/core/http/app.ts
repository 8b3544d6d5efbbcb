/**
 * The HTTP assembly (ARCHITECTURE "One request, one direction"): guard -> classify ->
 * authenticate -> authorize -> handle, in one middleware with one error path. Express provides
 * the server plumbing, the JSON body parser and static files for the UI.
 */
import express, { type Request, type Response } from 'express';
import type { RequestListener } from 'node:http';
import { existsSync } from 'node:fs';
import { GatewayError } from '../../../src-shared/errors.ts';
import { classifyRoute, routeMatches, type RouteEntry } from '../../../src-shared/routes.ts';
import type { AuthChain, AuthRequest, KeyIndex, Principal } from '../auth/index.ts';
import { checkRouteAccess } from '../policy/index.ts';
import type { Clock } from '../ports.ts';
import { scrubSecrets, type Logger, type Metrics } from '../observability/index.ts';
import { actorOf } from '../management/actor.ts';
import type { HandlerTable } from '../management/handlers.ts';
import { requestIdOf, type Guard } from './guard.ts';
import { toGatewayError, writeError } from './errors.ts';
import { handleLlm, listModels, type LlmDeps } from './llm.ts';

export interface HttpAppDeps {
  guard: Guard;
  chain: AuthChain;
  keyIndex: KeyIndex;
  handlers: () => HandlerTable;
  llm: LlmDeps;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  publicRoutes: readonly string[];
  requireAuthForMetrics: boolean;
  maxBodyBytes: number;
  uiDir: string | null;
  /** Tracks in-flight requests for graceful shutdown. */
  onRequestStart(): void;
  onRequestEnd(): void;
}

const ANONYMOUS: Principal = { method: 'custom', user_id: null, user_role: 'internal_user_viewer', team_id: null, org_id: null, end_user_id: null, key_id: null, display: 'anonymous' };

function routeClassOf(entry: RouteEntry | undefined): string {
  if (entry === undefined) return 'unknown';
  if (entry.perm === 'llm') return 'llm';
  if (entry.perm === 'public') return 'public';
  if (entry.classes.includes('ui_routes')) return 'ui';
  if (entry.classes.includes('admin_only_routes')) return 'admin';
  return 'management';
}

function paramsOf(entry: RouteEntry, path: string): Record<string, string> {
  const out: Record<string, string> = {};
  const segs = entry.path.split('/');
  const parts = path.split('/');
  segs.forEach((s, i) => {
    if (s.startsWith(':')) out[s.slice(1)] = decodeURIComponent(parts[i] ?? '');
  });
  return out;
}

export function authRequestOf(req: Request, path: string): AuthRequest {
  return { method: req.method, path, headers: req.headers, remoteAddress: req.socket.remoteAddress ?? '' };
}

/** The path of a request URL, without its query string (not decoded, like express's req.path). */
function pathOf(url: string | undefined): string {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return q === -1 ? u : u.slice(0, q);
}

/**
 * Returns the request listener for the HTTP server. LLM calls (POST to an LLM route) go straight
 * into the pipeline: they need none of express's routing, and skipping it is measurable on the
 * hot path. Everything else, the UI's static files included, goes through express.
 */
export function createHttpApp(deps: HttpAppDeps): RequestListener {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  const json = express.json({ limit: deps.maxBodyBytes, strict: false, type: () => true });
  const parseJson = (req: Request, res: Response): Promise<void> =>
    new Promise((resolve, reject) => {
      json(req, res, (err?: unknown) => (err ? reject(err) : resolve()));
    });

  const pipeline = async (req: Request, res: Response, next: (err?: unknown) => void): Promise<void> => {
    const started = process.hrtime.bigint();
    const requestId = requestIdOf(req);
    res.setHeader('x-request-id', requestId);
    res.setHeader('cache-control', 'no-store');
    const path = pathOf(req.url);
    const entry = classifyRoute(req.method, path);
    const routeClass = routeClassOf(entry);
    let principal: Principal | null = null;
    let model = '';
    deps.onRequestStart();
    deps.metrics.inFlight.inc();
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      deps.onRequestEnd();
      deps.metrics.inFlight.dec();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      deps.metrics.requests.inc({ route_class: routeClass, model, status: String(res.statusCode) });
      deps.metrics.latency.observe({ route_class: routeClass, model }, seconds);
      deps.logger.info({ req_id: requestId, method: req.method, path: scrubSecrets(pathOf(req.originalUrl ?? req.url)), status: res.statusCode, ms: Math.round(seconds * 1e4) / 10, who: principal?.display }, 'request');
    };
    res.on('finish', end);
    res.on('close', end);
    try {
      deps.guard.checkHost(req);
      if (entry === undefined) {
        if (req.method === 'OPTIONS') {
          const target = classifyRoute(String(req.headers['access-control-request-method'] ?? 'GET'), path);
          deps.guard.preflight(req, res, target?.perm === 'llm');
          return;
        }
        if ((req.method === 'GET' || req.method === 'HEAD') && (path === '/ui' || path.startsWith('/ui/') || path === '/')) {
          next();
          return;
        }
        throw new GatewayError('ERR_ROUTE_NOT_FOUND', `No route ${req.method} ${scrubSecrets(path).slice(0, 200)}.`);
      }
      // HEAD maps to GET in the route table; on the SSO routes a HEAD must not consume a login.
      if (req.method === 'HEAD' && entry.classes.includes('sso_routes')) throw new GatewayError('ERR_BAD_REQUEST', 'Use GET for the SSO routes.');
      deps.guard.checkOrigin(req, res, entry.perm === 'llm');
      const isPublic = entry.perm === 'public'
        || deps.publicRoutes.some((r) => routeMatches(r, path, entry))
        || (path === '/metrics' && !deps.requireAuthForMetrics);
      let key;
      if (!isPublic) {
        try {
          principal = await deps.chain.authenticate(authRequestOf(req, path));
          key = principal.key_id === null ? undefined : deps.keyIndex.byKeyId(principal.key_id);
          checkRouteAccess(principal, entry, path, key);
        } catch (err) {
          if (err instanceof GatewayError) deps.metrics.authFailures.inc({ type: err.type });
          throw err;
        }
      }
      const p = principal ?? ANONYMOUS;
      if (req.method === 'POST' || req.method === 'DELETE') await parseJson(req, res);
      const body: unknown = req.body;
      if (entry.perm === 'llm') {
        if (entry.method === 'GET') {
          res.json(listModels(deps.llm, p, key));
          return;
        }
        const r = await handleLlm(deps.llm, req, res, { principal: p, key, path, requestId, rawBody: body });
        model = r.model;
        return;
      }
      const handler = deps.handlers()[`${entry.method} ${entry.path}`];
      if (handler === undefined) throw new GatewayError('ERR_ROUTE_NOT_FOUND', `${entry.method} ${entry.path} is not available in this build.`);
      const result = await handler({
        principal: p, actor: actorOf(p, requestId), body, query: req.query as Record<string, string | undefined>,
        params: paramsOf(entry, path), requestId,
      });
      if (result instanceof RawResponse) {
        if (result.headers !== undefined) res.set(result.headers);
        res.status(result.status).type(result.contentType).send(result.body);
        return;
      }
      res.json(result ?? {});
    } catch (err) {
      const ge = toGatewayError(err, requestId);
      if (ge.code === 'ERR_INTERNAL') deps.logger.error({ req_id: requestId, err: scrubSecrets(String((err as Error)?.stack ?? err)) }, 'internal error');
      writeError(res, ge);
    }
  };
  app.use(pipeline);

  if (deps.uiDir !== null && existsSync(deps.uiDir)) {
    app.get('/', (_req, res) => res.redirect(302, '/ui/'));
    app.use('/ui', express.static(deps.uiDir, { index: 'index.html', fallthrough: true, etag: false }));
    app.use('/ui', (_req, res) => res.sendFile('index.html', { root: deps.uiDir! }));
  } else {
    app.use((req, res) => {
      res.status(404).type('text/plain').send('The Tollgate UI is not built. Run `npm run build:ui`, or use the HTTP API.');
    });
  }
  return (req, res) => {
    if (req.method === 'POST') {
      const entry = classifyRoute('POST', pathOf(req.url));
      if (entry !== undefined && entry.perm === 'llm') {
        void pipeline(req as Request, res as Response, () => app(req, res));
        return;
      }
    }
    app(req, res);
  };
}

/** A non-JSON answer from a management handler (metrics text, HTML). */
export class RawResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  /** Extra response headers (a redirect's `location`, a page's CSP). */
  readonly headers: Readonly<Record<string, string>> | undefined;
  constructor(status: number, contentType: string, body: string, headers?: Readonly<Record<string, string>>) {
    this.status = status;
    this.contentType = contentType;
    this.body = body;
    this.headers = headers;
  }
}
