/**
 * The guard in front of everything: Host allow-list (DNS rebinding: a page on evil.example that
 * resolves to 127.0.0.1 must not reach us, so the Host header is checked before any other work),
 * browser Origin policy (management routes only from our own UI; LLM routes from
 * `allowed_origins`), CORS answers for those, and request ids.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../../src-shared/errors.ts';

export interface GuardOptions {
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
  /** The gateway's own origins (its UI), e.g. http://127.0.0.1:4000 and app://tollgate. */
  ownOrigins: () => readonly string[];
}

/** `Host` without its port, lower-cased; IPv6 keeps its brackets. */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end === -1 ? h : h.slice(0, end + 1);
  }
  const colon = h.indexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

export class Guard {
  private readonly hosts: Set<string>;
  private readonly opts: GuardOptions;

  constructor(opts: GuardOptions) {
    this.opts = opts;
    this.hosts = new Set(opts.allowedHosts.map((h) => hostName(h)));
  }

  /** Throws forbidden_host for a Host that is not ours. */
  checkHost(req: IncomingMessage): void {
    const host = req.headers.host;
    if (host === undefined || !this.hosts.has(hostName(host))) {
      throw new GatewayError('ERR_FORBIDDEN_HOST', `Host "${(host ?? '').slice(0, 100)}" is not allowed (general_settings.allowed_hosts); this protects against DNS rebinding.`, { param: 'Host' });
    }
  }

  originAllowed(origin: string, llmRoute: boolean): boolean {
    if (this.opts.ownOrigins().includes(origin)) return true;
    return llmRoute && (this.opts.allowedOrigins.includes(origin) || this.opts.allowedOrigins.includes('*'));
  }

  /**
   * Browser requests carry Origin; non-browser clients (SDKs, curl) do not. A foreign Origin is
   * refused on management routes, and on LLM routes unless allow-listed.
   */
  checkOrigin(req: IncomingMessage, res: ServerResponse, llmRoute: boolean): void {
    const origin = req.headers.origin;
    if (origin === undefined) return;
    if (!this.originAllowed(origin, llmRoute)) {
      throw new GatewayError('ERR_FORBIDDEN_ORIGIN', `Origin ${origin.slice(0, 100)} is not allowed${llmRoute ? ' (general_settings.allowed_origins)' : ''}.`, { param: 'Origin' });
    }
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('vary', 'Origin');
    res.setHeader('access-control-expose-headers', 'x-request-id, retry-after, x-ratelimit-remaining-requests, x-ratelimit-remaining-tokens');
  }

  /** Answers a CORS preflight for an allowed origin. */
  preflight(req: IncomingMessage, res: ServerResponse, llmRoute: boolean): void {
    this.checkOrigin(req, res, llmRoute);
    res.setHeader('access-control-allow-methods', 'GET, POST, DELETE, OPTIONS');
    res.setHeader('access-control-allow-headers', 'authorization, content-type, x-litellm-api-key, x-api-key, api-key, anthropic-version, anthropic-beta, x-litellm-customer-id, x-litellm-end-user-id');
    res.setHeader('access-control-max-age', '600');
    res.statusCode = 204;
    res.end();
  }
}

const REQUEST_ID_RE = /^[A-Za-z0-9._-]{1,128}$/;

export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID_RE.test(given) ? given : randomUUID();
}
