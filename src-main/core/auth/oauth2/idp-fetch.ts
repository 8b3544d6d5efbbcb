/**
 * One way to call an identity provider (JWKS, discovery, introspection, token-info, userinfo):
 * bounded time, bounded body, JSON only. Failing to reach it, a 5xx or a body that is not JSON is
 * `ERR_AUTH_PROVIDER_UNAVAILABLE` (503, CONTRACT section 5); callers decide what 4xx means.
 * Error messages name the endpoint's origin and path, never a token or a client secret.
 */
import { GatewayError } from '../../../../src-shared/errors.ts';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export const IDP_TIMEOUT_MS = 5_000;
const MAX_BODY_BYTES = 1024 * 1024;

export interface IdpResponse {
  status: number;
  /** Parsed JSON, or undefined when the status is not 2xx and the body was not JSON. */
  body: unknown;
}

/** Where a URL points, without query string or credentials: safe for messages and logs. */
export function describeEndpoint(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return 'the identity provider';
  }
}

export async function idpFetchJson(fetchFn: FetchLike, url: string, init: RequestInit, what: string): Promise<IdpResponse> {
  const where = describeEndpoint(url);
  let res: Response;
  try {
    res = await fetchFn(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(IDP_TIMEOUT_MS) });
  } catch (cause) {
    throw new GatewayError('ERR_AUTH_PROVIDER_UNAVAILABLE', `${what} at ${where} could not be reached`, { cause });
  }
  if (res.status >= 500) {
    await res.body?.cancel().catch(() => undefined);
    throw new GatewayError('ERR_AUTH_PROVIDER_UNAVAILABLE', `${what} at ${where} answered ${res.status}`);
  }
  let text: string;
  try {
    const buf = await res.arrayBuffer();
    if (buf.byteLength > MAX_BODY_BYTES) {
      throw new Error('response too large');
    }
    text = new TextDecoder().decode(buf);
  } catch (cause) {
    throw new GatewayError('ERR_AUTH_PROVIDER_UNAVAILABLE', `${what} at ${where} sent an unreadable response`, { cause });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (cause) {
    if (res.status >= 200 && res.status < 300) {
      throw new GatewayError('ERR_AUTH_PROVIDER_UNAVAILABLE', `${what} at ${where} did not answer JSON`, { cause });
    }
    body = undefined;
  }
  return { status: res.status, body };
}
