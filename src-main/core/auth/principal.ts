/**
 * The Principal: who is calling, as the authenticate stage hands it to authorize. A plain object;
 * no stage calls back into an earlier one.
 */
import type { Role } from '../../../src-shared/roles.ts';

export type AuthMethod = 'master_key' | 'virtual_key' | 'ui_session' | 'jwt' | 'oauth2' | 'oauth2_proxy' | 'custom';

export interface Principal {
  method: AuthMethod;
  user_id: string | null;
  user_role: Role;
  user_email?: string | null;
  /** The team the request acts for (for JWT: the first of `team_ids` with access to the model). */
  team_id: string | null;
  /** JWT: candidate teams from `team_ids_jwt_field`; the authorize stage picks one. */
  team_ids?: string[];
  org_id: string | null;
  end_user_id: string | null;
  /** The virtual key's stable id when the credential is (or resolves to) a virtual key. */
  key_id: string | null;
  /**
   * Narrowing that the identity method imposes on top of stored objects (custom auth, oauth2-proxy
   * headers, JWT scopes). `undefined` means no narrowing. They can only narrow, never widen.
   */
  models?: string[];
  allowed_routes?: string[];
  max_budget?: number;
  rpm_limit?: number;
  tpm_limit?: number;
  scopes?: string[];
  /** Abbreviated credential for logs and errors (`sk-...abcd`, `jwt:sub`), never the raw value. */
  display: string;
  /** UI session id when method is ui_session. */
  session_id?: string;
}

/** What the authenticate stage gives each authenticator: headers and peer, nothing mutable. */
export interface AuthRequest {
  method: string;
  path: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The socket's peer address (never X-Forwarded-For). */
  remoteAddress: string;
}

/** A credential as extracted from the request (CONTRACT section 3). */
export interface Credential {
  token: string;
  /** Which header carried it, for error `param`s. */
  header: string;
}

/**
 * One authentication method. Returns a Principal when it accepts the credential, `null` when the
 * credential is not its kind (the chain tries the next), and throws a GatewayError when the
 * credential is its kind but is refused (the chain stops: fail closed).
 */
export interface Authenticator {
  readonly name: AuthMethod;
  authenticate(credential: Credential | null, request: AuthRequest): Promise<Principal | null>;
}
