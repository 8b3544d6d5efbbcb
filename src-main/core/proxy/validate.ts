/**
 * The LLM body check at the trust boundary (CONTRACT section 4): a caller can never make Tollgate
 * send a provider secret elsewhere, nor smuggle credentials or headers to the provider. LLM bodies
 * are otherwise open: unknown fields pass through.
 */
import { GatewayError } from '../../../src-shared/errors.ts';

/** Parameters that would redirect the upstream, carry credentials or inject headers. Compared lower-case. */
export const FORBIDDEN_PARAMS: readonly string[] = [
  'api_base',
  'base_url',
  'api_key',
  'api_version',
  'api_type',
  'organization',
  'extra_headers',
  'extra_body',
  'extra_query',
  'headers',
  'custom_llm_provider',
  'azure_ad_token',
  'azure_ad_token_provider',
  'azure_username',
  'azure_password',
  'client_id',
  'client_secret',
  'tenant_id',
  'vertex_credentials',
  'vertex_project',
  'vertex_location',
  'litellm_credential_name',
  'proxy_base_url',
  'user_api_key',
];

/** Credential-looking names from other providers (`aws_access_key_id`, `aws_session_token`, ...). */
const FORBIDDEN_PREFIXES: readonly string[] = ['aws_'];

/** Objects inside which the same names are refused too. */
const NESTED = ['metadata', 'litellm_metadata'] as const;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function forbidden(key: string): boolean {
  const k = key.toLowerCase();
  return FORBIDDEN_PARAMS.includes(k) || FORBIDDEN_PREFIXES.some((p) => k.startsWith(p));
}

function check(obj: Record<string, unknown>, path: string): void {
  for (const key of Object.keys(obj)) {
    if (forbidden(key)) {
      const param = path === '' ? key : `${path}.${key}`;
      throw new GatewayError('ERR_FORBIDDEN_PARAM', `The parameter '${param}' is not allowed: Tollgate chooses the provider endpoint and credentials.`, { param });
    }
  }
}

/**
 * Checks an LLM request body and returns it typed as an object.
 * Throws `ERR_BAD_REQUEST` (param `model` or null) or `ERR_FORBIDDEN_PARAM` (param names the field).
 *
 * @example
 * const body = validateLlmBody(JSON.parse(raw)); // body.model is a non-empty string
 */
export function validateLlmBody(body: unknown): Record<string, unknown> & { model: string } {
  if (!isPlainObject(body)) throw new GatewayError('ERR_BAD_REQUEST', 'The request body must be a JSON object.');
  check(body, '');
  for (const n of NESTED) {
    const inner = body[n];
    if (isPlainObject(inner)) check(inner, n);
  }
  const model = body.model;
  if (model === undefined) throw new GatewayError('ERR_BAD_REQUEST', "The parameter 'model' is required.", { param: 'model' });
  if (typeof model !== 'string' || model.trim() === '') throw new GatewayError('ERR_BAD_REQUEST', "The parameter 'model' must be a non-empty string.", { param: 'model' });
  return body as Record<string, unknown> & { model: string };
}
