/**
 * Custom auth (`general_settings.custom_auth`, CONTRACT section 5): the operator's function
 * `(request, apiKey) => principal | string | null`. Its answer crosses a trust boundary and is
 * validated with zod: an object becomes a Principal (method `custom`), a string is a virtual key
 * the integrator validates, `null` falls through (`auto`) or is 401 (`on`), a throw is 401
 * `auth_error` with the function's message (bounded, with the credential redacted).
 */
import { z } from 'zod';
import { GatewayError, isGatewayError } from '../../../../src-shared/errors.ts';
import { ROLES } from '../../../../src-shared/roles.ts';
import type { Authenticator, AuthRequest, Credential, Principal } from '../principal.ts';
import type { IdentityDirectory } from '../identity.ts';
import { loadFunction } from './load.ts';

/** What the custom function receives: the request line and headers, nothing mutable. */
export interface CustomAuthRequest {
  method: string;
  path: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

export type CustomAuthFunction = (request: CustomAuthRequest, apiKey: string | null) => unknown;
export type CustomValidateFunction = (claims: Record<string, unknown>) => boolean | Promise<boolean>;

/**
 * The custom function's answer, once validated:
 * - `principal`: it vouched for the caller;
 * - `virtual_key`: it returned a string, to be validated as a virtual key by the integrator;
 * - `none`: it returned null (in `on` mode `authenticate` turns this into 401).
 */
export type CustomAuthResult =
  | { kind: 'principal'; principal: Principal }
  | { kind: 'virtual_key'; key: string }
  | { kind: 'none' };

export interface CustomAuthDeps {
  /** For the stored user's role when the function returns no `user_role`. */
  directory?: IdentityDirectory;
  /**
   * Validates a string the function returned as a virtual key (the integrator's virtual-key
   * authenticator). Without it, a string answer is a configuration error (500).
   */
  resolveVirtualKey?: (key: string, request: AuthRequest) => Promise<Principal | null>;
}

export interface CustomAuthenticator extends Authenticator {
  readonly mode: 'on' | 'auto';
  /** Runs the function and validates its answer, without applying the mode. */
  resolve(credential: Credential | null, request: AuthRequest): Promise<CustomAuthResult>;
}

const optionalId = z.string().min(1).max(256).nullish();
const limit = z.number().int().nonnegative().optional();

/** The fields a custom principal may carry (CONTRACT section 5); others are ignored. */
export const customPrincipalSchema = z.object({
  user_id: optionalId,
  user_role: z.enum(ROLES).optional(),
  user_email: z.string().max(320).nullish(),
  team_id: optionalId,
  org_id: optionalId,
  end_user_id: optionalId,
  models: z.array(z.string()).optional(),
  allowed_routes: z.array(z.string()).optional(),
  rpm_limit: limit,
  tpm_limit: limit,
  max_budget: z.number().finite().nonnegative().optional(),
});

export const MAX_CUSTOM_MESSAGE = 200;

function safeMessage(err: unknown, apiKey: string | null): string {
  let msg = err instanceof Error ? err.message : typeof err === 'string' ? err : 'custom_auth failed';
  if (apiKey !== null && apiKey.length >= 4) msg = msg.split(apiKey).join('[credential]');
  msg = msg.replace(/[\r\n]+/g, ' ').trim();
  if (msg === '') msg = 'custom_auth failed';
  return msg.length > MAX_CUSTOM_MESSAGE ? `${msg.slice(0, MAX_CUSTOM_MESSAGE)}…` : msg;
}

/** Loads `general_settings.custom_auth` (see load.ts for the spec forms). */
export async function loadCustomAuth(spec: string, configDir: string): Promise<CustomAuthFunction> {
  return (await loadFunction(spec, configDir, 'custom_auth')) as CustomAuthFunction;
}

/** Loads `litellm_jwtauth.custom_validate`, same resolution rules; the result goes into `JwtSettings.customValidate`. */
export async function loadCustomValidate(spec: string, configDir: string): Promise<CustomValidateFunction> {
  return (await loadFunction(spec, configDir, 'litellm_jwtauth.custom_validate')) as CustomValidateFunction;
}

/**
 * Creates the custom authenticator. Put the master key before it (it always works); in `auto`
 * mode the built-in methods follow it.
 */
export function createCustomAuthenticator(fn: CustomAuthFunction, mode: 'on' | 'auto', deps: CustomAuthDeps = {}): CustomAuthenticator {
  async function resolveResult(credential: Credential | null, request: AuthRequest): Promise<CustomAuthResult> {
    const apiKey = credential?.token ?? null;
    const req: CustomAuthRequest = Object.freeze({ method: request.method, path: request.path, headers: Object.freeze({ ...request.headers }) });
    let answer: unknown;
    try {
      answer = await fn(req, apiKey);
    } catch (err) {
      if (isGatewayError(err)) throw err;
      throw new GatewayError('ERR_INVALID_CREDENTIAL', safeMessage(err, apiKey), { cause: err });
    }
    if (answer === null || answer === undefined) return { kind: 'none' };
    if (typeof answer === 'string') {
      if (answer === '') return { kind: 'none' };
      return { kind: 'virtual_key', key: answer };
    }
    const parsed = customPrincipalSchema.safeParse(answer);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue === undefined ? '' : `${issue.path.join('.') || 'value'}: ${issue.message}`;
      throw new GatewayError('ERR_CONFIGURATION', `custom_auth returned an invalid principal (${where})`);
    }
    const p = parsed.data;
    const userId = p.user_id ?? null;
    const stored = userId === null ? undefined : deps.directory?.getUser(userId);
    const principal: Principal = {
      method: 'custom',
      user_id: userId,
      user_role: p.user_role ?? stored?.user_role ?? 'internal_user',
      user_email: p.user_email ?? stored?.user_email ?? null,
      team_id: p.team_id ?? null,
      org_id: p.org_id ?? null,
      end_user_id: p.end_user_id ?? null,
      key_id: null,
      display: `custom:${userId ?? 'anonymous'}`,
    };
    if (p.models !== undefined) principal.models = p.models;
    if (p.allowed_routes !== undefined) principal.allowed_routes = p.allowed_routes;
    if (p.rpm_limit !== undefined) principal.rpm_limit = p.rpm_limit;
    if (p.tpm_limit !== undefined) principal.tpm_limit = p.tpm_limit;
    if (p.max_budget !== undefined) principal.max_budget = p.max_budget;
    return { kind: 'principal', principal };
  }

  return {
    name: 'custom',
    mode,
    resolve: resolveResult,
    async authenticate(credential: Credential | null, request: AuthRequest): Promise<Principal | null> {
      const result = await resolveResult(credential, request);
      switch (result.kind) {
        case 'principal':
          return result.principal;
        case 'virtual_key': {
          if (deps.resolveVirtualKey === undefined) {
            throw new GatewayError('ERR_CONFIGURATION', 'custom_auth returned a virtual key but no virtual-key validator is wired');
          }
          const p = await deps.resolveVirtualKey(result.key, request);
          if (p === null) throw new GatewayError('ERR_INVALID_CREDENTIAL', 'custom_auth returned a key that is not a valid virtual key');
          return p;
        }
        case 'none':
          if (mode === 'on') throw new GatewayError('ERR_INVALID_CREDENTIAL', 'custom_auth did not accept the credential');
          return null;
      }
    },
  };
}
