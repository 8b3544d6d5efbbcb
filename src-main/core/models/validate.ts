/**
 * Checks on a deployment beyond its body schema: the provider must be reachable (a known prefix,
 * or an api_base), and an api_key reference must name a well-formed entry that is not one of
 * Tollgate's own credentials (so no API call can route the master key to a provider).
 */
import { GatewayError } from '../../../src-shared/errors.ts';
import { parseProviderModel } from '../proxy/index.ts';
import { ENV_PREFIX, KEYCHAIN_PREFIX, MASTER_KEY_NAME, SIGNING_KEY_NAME, isValidSecretName } from '../secrets/index.ts';

/** Tollgate's own credentials: never a provider key. */
const RESERVED_KEYCHAIN = new Set([MASTER_KEY_NAME, SIGNING_KEY_NAME]);
const RESERVED_ENV = new Set(['TOLLGATE_MASTER_KEY', 'LITELLM_MASTER_KEY']);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

export function isSecretReference(value: string): boolean {
  return value.startsWith(KEYCHAIN_PREFIX) || value.startsWith(ENV_PREFIX);
}

/** Throws 400 naming `param` unless the deployment can be reached: a known provider or an api_base. */
export function checkReachable(params: { model: string; api_base?: string | undefined }, param: string): void {
  const parsed = parseProviderModel(params.model, params.api_base);
  if (params.api_base !== undefined || parsed.defaultBase !== undefined) return;
  const why = parsed.provider === 'azure'
    ? 'azure/ deployments need api_base (https://<resource>.openai.azure.com)'
    : `provider "${parsed.prefix}" has no default address: give api_base (the OpenAI-compatible server's URL), or use a known prefix such as openai/, anthropic/, ollama/`;
  throw new GatewayError('ERR_BAD_REQUEST', `Invalid ${param}: ${why}.`, { param });
}

/** Throws 400 naming `param` when `ref` is a malformed or reserved `keychain/` / `os.environ/` reference. */
export function checkReference(ref: string, param: string): void {
  if (ref.startsWith(KEYCHAIN_PREFIX)) {
    const name = ref.slice(KEYCHAIN_PREFIX.length);
    if (!isValidSecretName(name)) {
      throw new GatewayError('ERR_BAD_REQUEST', `Invalid ${param}: after ${KEYCHAIN_PREFIX} use 1 to 128 characters from A-Z, a-z, 0-9, ".", "_" and "-".`, { param });
    }
    if (RESERVED_KEYCHAIN.has(name)) throw new GatewayError('ERR_BAD_REQUEST', `Invalid ${param}: ${KEYCHAIN_PREFIX}${name} is Tollgate's own credential, not a provider key.`, { param });
    return;
  }
  if (ref.startsWith(ENV_PREFIX)) {
    const name = ref.slice(ENV_PREFIX.length);
    if (!ENV_NAME.test(name)) throw new GatewayError('ERR_BAD_REQUEST', `Invalid ${param}: after ${ENV_PREFIX} give an environment variable name (letters, digits, "_").`, { param });
    if (RESERVED_ENV.has(name)) throw new GatewayError('ERR_BAD_REQUEST', `Invalid ${param}: ${ENV_PREFIX}${name} is Tollgate's own credential, not a provider key.`, { param });
  }
}
