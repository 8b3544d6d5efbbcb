/**
 * The authenticator chain: one entry point from request to Principal. Order: master key (always
 * works), custom auth (modes on/auto), UI session, virtual key, then the configured identity
 * methods (JWT, OAuth2, OIDC userinfo, oauth2-proxy headers). Fails closed: a credential nobody
 * accepts is a 401, never an anonymous principal.
 */
import { GatewayError } from '../../../src-shared/errors.ts';
import type { Authenticator, AuthRequest, Credential, Principal } from './principal.ts';
import { credentialSources, extractCredential } from './extract.ts';

export interface AuthChainOptions {
  customHeader?: string;
  master: Authenticator;
  /** Custom auth and its mode; in `on` mode nothing but custom auth and the master key is tried. */
  custom?: { authenticator: Authenticator; mode: 'on' | 'auto' };
  builtins: readonly Authenticator[];
  identity: readonly Authenticator[];
}

export class AuthChain {
  private readonly sources;
  private readonly opts: AuthChainOptions;

  constructor(opts: AuthChainOptions) {
    this.opts = opts;
    this.sources = credentialSources(opts.customHeader);
  }

  extract(request: AuthRequest): Credential | null {
    return extractCredential(request.headers, this.sources);
  }

  async authenticate(request: AuthRequest): Promise<Principal> {
    const cred = this.extract(request);
    return this.authenticateCredential(cred, request);
  }

  async authenticateCredential(cred: Credential | null, request: AuthRequest): Promise<Principal> {
    const master = await this.opts.master.authenticate(cred, request);
    if (master !== null) return master;
    const custom = this.opts.custom;
    if (custom !== undefined) {
      const p = await custom.authenticator.authenticate(cred, request);
      if (p !== null) return p;
      if (custom.mode === 'on') throw new GatewayError('ERR_INVALID_CREDENTIAL', 'Custom authentication refused the request.', { param: cred?.header ?? null });
    }
    for (const a of this.opts.builtins) {
      const p = await a.authenticate(cred, request);
      if (p !== null) return p;
    }
    for (const a of this.opts.identity) {
      const p = await a.authenticate(cred, request);
      if (p !== null) return p;
    }
    if (cred === null) {
      throw new GatewayError('ERR_NO_CREDENTIAL', 'No API key: send "Authorization: Bearer <key>" (or x-api-key / x-litellm-api-key).', { param: 'Authorization' });
    }
    if (/^[0-9a-f]{64}$/i.test(cred.token)) {
      throw new GatewayError('ERR_INVALID_CREDENTIAL', 'This looks like a key hash; send the key itself (sk-...).', { param: cred.header });
    }
    throw new GatewayError('ERR_INVALID_CREDENTIAL', 'Invalid credential: not the master key, a Tollgate key, a UI session or an accepted token.', { param: cred.header });
  }
}
