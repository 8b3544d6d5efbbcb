/**
 * The UI's one way to talk to the gateway: HTTP + `Authorization: Bearer <session token>`, never a
 * cookie (`credentials: 'omit'`). Every failure becomes an `ApiError` parsed from the envelope of
 * CONTRACT section 4, so pages can show its message and highlight the field named by `param`.
 *
 * Free of DOM types on purpose: the unit tests import it on plain Node with an injected `fetch`.
 * The browser and Electron wiring (where the token and base URL come from) lives in `session.ts`.
 */
import type { ErrorEnvelope } from '../../src-shared/errors.ts';

/** Envelope types that mean "this credential is no good": the UI goes back to sign-in. */
const SESSION_ERROR_TYPES: ReadonlySet<string> = new Set(['auth_error', 'expired_key', 'token_not_found_in_db']);

/** A failed call, as the gateway explained it (or as close as we can get when it did not). */
export class ApiError extends Error {
  /** HTTP status; 0 when the gateway could not be reached at all. */
  readonly status: number;
  /** The envelope's `type` (`auth_error`, `budget_exceeded`, ...), or `network_error` / `http_error`. */
  readonly type: string;
  /** The request field the error is about, when the gateway named one. */
  readonly param: string | null;
  /** The envelope's `code` (the status as a string). */
  readonly code: string;

  constructor(status: number, type: string, message: string, param: string | null = null, code?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.type = type;
    this.param = param;
    this.code = code ?? String(status);
  }

  /** True when the credential itself was refused (not, say, a provider's 401 during a connection test). */
  get isSessionError(): boolean {
    return this.status === 401 && SESSION_ERROR_TYPES.has(this.type);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEnvelope(value: unknown): value is ErrorEnvelope {
  return isRecord(value) && isRecord(value.error) && typeof value.error.message === 'string';
}

/**
 * Turns a failed response into an `ApiError`. Understands our envelope first, then the shapes a
 * proxy in front of the gateway or an older LiteLLM might send (`{error: "..."}`, `{detail: ...}`),
 * then falls back to the status line. Never throws.
 *
 * @example parseErrorResponse(401, 'Unauthorized', '{"error":{"message":"bad key","type":"auth_error","param":null,"code":"401"}}')
 */
export function parseErrorResponse(status: number, statusText: string, bodyText: string): ApiError {
  let body: unknown;
  try {
    body = bodyText === '' ? undefined : JSON.parse(bodyText);
  } catch {
    body = undefined;
  }
  if (isEnvelope(body)) {
    const e = body.error;
    const type = typeof e.type === 'string' && e.type !== '' ? e.type : 'http_error';
    const param = typeof e.param === 'string' && e.param !== '' ? e.param : null;
    const code = typeof e.code === 'string' || typeof e.code === 'number' ? String(e.code) : String(status);
    return new ApiError(status, type, e.message, param, code);
  }
  if (isRecord(body)) {
    if (typeof body.error === 'string') return new ApiError(status, 'http_error', body.error);
    if (typeof body.detail === 'string') return new ApiError(status, 'http_error', body.detail);
    if (isRecord(body.detail) && typeof body.detail.error === 'string') return new ApiError(status, 'http_error', body.detail.error);
    if (typeof body.message === 'string') return new ApiError(status, 'http_error', body.message);
  }
  const line = `${status}${statusText === '' ? '' : ` ${statusText}`}`;
  return new ApiError(status, 'http_error', `The gateway answered HTTP ${line}.`);
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** Send the bearer token (default true). The sign-in exchange is the only unauthenticated call. */
  auth?: boolean;
  signal?: AbortSignal;
}

export interface GatewayClientOptions {
  /** Origin of the gateway, e.g. `http://127.0.0.1:4000`; `''` for the page's own origin. */
  baseUrl: string;
  /** The current bearer (session token or master key), or null when signed out. */
  getToken: () => string | null;
  /** Called once for any call whose credential was refused; the app then shows sign-in. */
  onUnauthorized?: (error: ApiError) => void;
  fetch?: typeof fetch;
}

/** What `POST /ui/session` answers. */
export interface SessionGrant {
  session_token: string;
  expires_at: string | null;
  user_id: string | null;
  user_role: string;
}

/** What `GET /ui/whoami` answers. */
export interface WhoAmI {
  user_id: string | null;
  user_role: string;
  [extra: string]: unknown;
}

/** Builds `path?query`, dropping empty values. */
export function buildPath(path: string, query?: Record<string, QueryValue>): string {
  if (query === undefined) return path;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(name, String(value));
  }
  const qs = params.toString();
  return qs === '' ? path : `${path}?${qs}`;
}

export class GatewayClient {
  readonly baseUrl: string;
  private readonly options: GatewayClientOptions;
  private readonly fetchImpl: typeof fetch;

  constructor(options: GatewayClientOptions) {
    this.options = options;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    // Bound so that a browser's window.fetch is not called with a foreign `this`.
    const f = options.fetch ?? globalThis.fetch;
    this.fetchImpl = (input, init) => f(input, init);
  }

  /** One call. Resolves with the parsed JSON body (undefined for an empty body); rejects with ApiError. */
  async request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, opts: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const auth = opts.auth ?? true;
    if (auth) {
      const token = this.options.getToken();
      if (token !== null && token !== '') headers.Authorization = `Bearer ${token}`;
    }
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    const url = `${this.baseUrl}${buildPath(path, opts.query)}`;
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method,
        headers,
        body,
        credentials: 'omit',
        signal: opts.signal,
      });
    } catch (cause) {
      if (cause instanceof Error && cause.name === 'AbortError') throw cause;
      const where = this.baseUrl === '' ? 'the gateway' : this.baseUrl;
      throw new ApiError(0, 'network_error', `Cannot reach ${where}. Is Tollgate running?`);
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      const error = parseErrorResponse(response.status, response.statusText, text);
      if (auth && error.isSessionError) this.options.onUnauthorized?.(error);
      throw error;
    }
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(response.status, 'invalid_response', 'The gateway sent a response that is not JSON.');
    }
  }

  get<T>(path: string, query?: Record<string, QueryValue>, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', path, { query, signal });
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, { body });
  }

  /** Exchanges a one-time sign-in token (from `#token=`) for a UI session. */
  exchangeSignInToken(token: string): Promise<SessionGrant> {
    return this.request<SessionGrant>('POST', '/ui/session', { body: { token }, auth: false });
  }

  /** Revokes the current session on the server. */
  async revokeSession(): Promise<void> {
    await this.request<unknown>('DELETE', '/ui/session');
  }

  whoami(): Promise<WhoAmI> {
    return this.get<WhoAmI>('/ui/whoami');
  }
}
