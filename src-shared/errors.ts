/**
 * Stable error codes and the one table that maps each code to its HTTP status and the
 * envelope's `type` (CONTRACT section 4). Callers switch on `code`, never on message text.
 * Pure TypeScript: shared by the core (to answer) and the UI (to explain).
 */

export const ERROR_TABLE = {
  ERR_NO_CREDENTIAL: { status: 401, type: 'auth_error' },
  ERR_MALFORMED_CREDENTIAL: { status: 401, type: 'auth_error' },
  ERR_INVALID_CREDENTIAL: { status: 401, type: 'auth_error' },
  ERR_KEY_NOT_FOUND: { status: 401, type: 'token_not_found_in_db' },
  ERR_KEY_EXPIRED: { status: 401, type: 'expired_key' },
  ERR_TOKEN_EXPIRED: { status: 401, type: 'expired_key' },
  ERR_BLOCKED: { status: 401, type: 'auth_error' },
  ERR_INVALID_TOKEN: { status: 401, type: 'auth_error' },
  ERR_CLAIMS_NOT_ALLOWED: { status: 403, type: 'auth_error' },
  ERR_ROUTE_FORBIDDEN: { status: 403, type: 'auth_error' },
  ERR_KEY_MODEL_ACCESS_DENIED: { status: 403, type: 'key_model_access_denied' },
  ERR_TEAM_MODEL_ACCESS_DENIED: { status: 403, type: 'team_model_access_denied' },
  ERR_USER_MODEL_ACCESS_DENIED: { status: 403, type: 'user_model_access_denied' },
  ERR_CUSTOMER_MODEL_ACCESS_DENIED: { status: 403, type: 'customer_model_access_denied' },
  ERR_BUDGET_EXCEEDED: { status: 429, type: 'budget_exceeded' },
  ERR_RATE_LIMITED: { status: 429, type: 'rate_limit_error' },
  ERR_FORBIDDEN_HOST: { status: 403, type: 'forbidden_host' },
  ERR_FORBIDDEN_ORIGIN: { status: 403, type: 'forbidden_origin' },
  ERR_BODY_TOO_LARGE: { status: 413, type: 'invalid_request_error' },
  ERR_CONFIGURATION: { status: 500, type: 'configuration_error' },
  ERR_BAD_REQUEST: { status: 400, type: 'invalid_request_error' },
  ERR_FORBIDDEN_PARAM: { status: 400, type: 'invalid_request_error' },
  ERR_NOT_FOUND: { status: 404, type: 'not_found_error' },
  ERR_ROUTE_NOT_FOUND: { status: 404, type: 'not_found_error' },
  ERR_MODEL_NOT_FOUND: { status: 404, type: 'not_found_error' },
  ERR_CONFLICT: { status: 409, type: 'conflict_error' },
  ERR_AUTH_PROVIDER_UNAVAILABLE: { status: 503, type: 'auth_provider_unavailable' },
  ERR_UPSTREAM: { status: 502, type: 'upstream_error' },
  ERR_INTERNAL: { status: 500, type: 'internal_server_error' },
} as const satisfies Record<string, { status: number; type: string }>;

export type ErrorCode = keyof typeof ERROR_TABLE;

/** The wire envelope every failure uses (LiteLLM/OpenAI shape, `code` is the status as a string). */
export interface ErrorEnvelope {
  error: { message: string; type: string; param: string | null; code: string };
}

export interface GatewayErrorOptions {
  /** The request field or header the error is about (envelope `param`). */
  param?: string | null;
  /** Overrides the table's status (only upstream errors do: they keep the provider's status). */
  status?: number;
  /** Extra response headers (Retry-After, x-ratelimit-*). */
  headers?: Record<string, string>;
  cause?: unknown;
}

/** The one error type the gateway throws on purpose. `message` must never hold a secret. */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly param: string | null;
  readonly status: number;
  readonly type: string;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.param = options.param ?? null;
    this.status = options.status ?? ERROR_TABLE[code].status;
    this.type = ERROR_TABLE[code].type;
    this.headers = options.headers ?? {};
  }

  toEnvelope(): ErrorEnvelope {
    return { error: { message: this.message, type: this.type, param: this.param, code: String(this.status) } };
  }
}

export function isGatewayError(value: unknown): value is GatewayError {
  return value instanceof GatewayError;
}
