/**
 * The Content-Security-Policy of every document served from app:// (Electron security checklist
 * item 7, CSP Level 3). Scripts and styles come only from the app itself; the only network peer is
 * the gateway's own loopback origin; no eval, no plugins, no framing, no <base> rewriting.
 */

/** The gateway origin the UI may call, e.g. `http://127.0.0.1:4000`; null while it is not running. */
export function buildCsp(gatewayOrigin: string | null): string {
  const connect = gatewayOrigin === null ? "'self'" : `'self' ${loopbackOrigin(gatewayOrigin)}`;
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "object-src 'none'",
    "frame-src 'none'",
    "worker-src 'self'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/**
 * Only an http origin on a loopback address may appear in connect-src: anything else would let a
 * compromised renderer send the session token off the machine.
 */
export function loopbackOrigin(url: string): string {
  const u = new URL(url);
  if (u.protocol !== 'http:' || !isLoopbackHost(u.hostname) || u.username !== '' || u.password !== '') {
    throw new Error(`not a loopback gateway URL: ${u.protocol}//${u.host}`);
  }
  return u.origin;
}

export function isLoopbackHost(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === '[::1]' || hostname === 'localhost';
}
