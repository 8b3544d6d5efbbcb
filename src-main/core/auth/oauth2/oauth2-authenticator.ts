/**
 * OAuth2 access tokens (`enable_oauth2_auth`), vouched for by the authorization server:
 * RFC 7662 token introspection (POST, form-encoded `token=`, client authenticated with HTTP Basic
 * per RFC 6749 section 2.3.1) when a client id and secret are configured, otherwise a token-info GET
 * with the token as bearer (RFC 6750). Active answers are cached under the token's SHA-256 until the
 * token's `exp`, at most `maxCacheSeconds`; inactive answers are never cached.
 */
import { z } from 'zod';
import { GatewayError } from '../../../../src-shared/errors.ts';
import { isRole } from '../../../../src-shared/roles.ts';
import type { Role } from '../../../../src-shared/roles.ts';
import type { Clock } from '../../ports.ts';
import type { Authenticator, AuthRequest, Credential, Principal } from '../principal.ts';
import { isJwtShaped } from '../identity.ts';
import type { IdentityDirectory, OAuth2Settings } from '../identity.ts';
import { describeEndpoint, idpFetchJson } from './idp-fetch.ts';
import type { FetchLike } from './idp-fetch.ts';
import { hashToken, TokenCache } from './token-cache.ts';

export interface OAuth2Deps {
  clock: Clock;
  /** Used for the stored user's role when the token carries none. */
  directory?: IdentityDirectory;
  fetch?: FetchLike;
}

/** An identity provider's answer about a token: a JSON object (RFC 7662 section 2.2). */
const tokenInfoSchema = z.record(z.string(), z.unknown());

interface CachedIdentity {
  user_id: string;
  role: Role | null;
  team_id: string | null;
  user_email: string | null;
  scopes: string[] | undefined;
}

/** RFC 6749 appendix B: client credentials are form-urlencoded before being put into Basic auth. */
function basicAuth(clientId: string, clientSecret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(clientSecret)}`).toString('base64')}`;
}

function optionalString(info: Record<string, unknown>, field: string, what: string): string | null {
  const v = info[field];
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' && Number.isFinite(v) && field !== 'email') return String(v);
  if (typeof v !== 'string') {
    throw new GatewayError('ERR_INVALID_TOKEN', `OAuth2 token's ${what} field "${field}" must be a string`);
  }
  return v === '' ? null : v;
}

/** Creates the OAuth2 authenticator. It only answers for tokens that are not virtual keys and, with JWT auth on, not JWTs. */
export function createOAuth2Authenticator(settings: OAuth2Settings, deps: OAuth2Deps): Authenticator {
  const fetchFn: FetchLike = deps.fetch ?? ((input, init) => fetch(input, init));
  const cache = new TokenCache<CachedIdentity>(deps.clock, settings.maxCacheEntries);
  const introspect = settings.clientId !== undefined && settings.clientSecret !== undefined;
  const where = describeEndpoint(settings.tokenInfoEndpoint);
  const what = introspect ? 'token introspection' : 'token info';

  async function ask(token: string): Promise<Record<string, unknown>> {
    const init: RequestInit = introspect
      ? {
          method: 'POST',
          headers: {
            authorization: basicAuth(settings.clientId as string, settings.clientSecret as string),
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
          },
          body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
        }
      : { method: 'GET', headers: { authorization: `Bearer ${token}`, accept: 'application/json' } };
    const res = await idpFetchJson(fetchFn, settings.tokenInfoEndpoint, init, what);
    if (res.status === 401 || res.status === 403) {
      if (introspect) {
        // Our client credentials were refused: the gateway is misconfigured, not the caller.
        throw new GatewayError('ERR_AUTH_PROVIDER_UNAVAILABLE', `${what} at ${where} refused the gateway's client credentials (${res.status})`);
      }
      throw new GatewayError('ERR_INVALID_TOKEN', 'OAuth2 token was rejected by the authorization server');
    }
    if (res.status < 200 || res.status >= 300) {
      throw new GatewayError('ERR_INVALID_TOKEN', `OAuth2 token was rejected by the authorization server (${res.status})`);
    }
    const parsed = tokenInfoSchema.safeParse(res.body);
    if (!parsed.success) {
      throw new GatewayError('ERR_AUTH_PROVIDER_UNAVAILABLE', `${what} at ${where} did not answer a JSON object`);
    }
    return parsed.data;
  }

  return {
    name: 'oauth2',
    async authenticate(credential: Credential | null, _request: AuthRequest): Promise<Principal | null> {
      if (credential === null) return null;
      const token = credential.token;
      if (token.startsWith('sk-') || token === '') return null;
      if (settings.jwtEnabled && isJwtShaped(token)) return null;

      const key = hashToken(token);
      let identity = cache.get(key);
      if (identity === undefined) {
        const info = await ask(token);
        // RFC 7662 section 2.2: `active` is REQUIRED; token-info endpoints often omit it.
        if (info.active === false || (introspect && info.active !== true)) {
          throw new GatewayError('ERR_INVALID_TOKEN', 'OAuth2 token is not active');
        }
        const now = deps.clock.now();
        let expiresAt = now + settings.maxCacheSeconds * 1000;
        if (info.exp !== undefined) {
          if (typeof info.exp !== 'number' || !Number.isFinite(info.exp)) {
            throw new GatewayError('ERR_INVALID_TOKEN', 'OAuth2 token info has a malformed "exp"');
          }
          if (info.exp * 1000 <= now) throw new GatewayError('ERR_TOKEN_EXPIRED', 'OAuth2 token has expired');
          expiresAt = Math.min(expiresAt, info.exp * 1000);
        }
        const userId = optionalString(info, settings.userIdField, 'user id');
        if (userId === null) {
          // Client-credentials (M2M) tokens usually carry no `sub`; RFC 7662's `client_id` names the client.
          const hint = settings.userIdField !== 'client_id' && typeof info.client_id === 'string' ? ' (for client-credentials tokens set oauth_user_id_field_name: client_id)' : ' (see oauth_user_id_field_name)';
          throw new GatewayError('ERR_INVALID_TOKEN', `OAuth2 token info has no user id field "${settings.userIdField}"${hint}`);
        }
        const roleText = optionalString(info, settings.userRoleField, 'role');
        if (roleText !== null && !isRole(roleText)) {
          throw new GatewayError('ERR_CLAIMS_NOT_ALLOWED', `OAuth2 token's role "${roleText.slice(0, 64)}" is not a Tollgate role`);
        }
        const scopeValue = info.scope;
        identity = {
          user_id: userId,
          role: roleText,
          team_id: optionalString(info, settings.teamIdField, 'team id'),
          user_email: typeof info.email === 'string' ? info.email : null,
          scopes: typeof scopeValue === 'string' ? scopeValue.split(' ').filter((s) => s !== '') : undefined,
        };
        cache.set(key, identity, expiresAt);
      }
      const stored = deps.directory?.getUser(identity.user_id);
      const principal: Principal = {
        method: 'oauth2',
        user_id: identity.user_id,
        user_role: identity.role ?? stored?.user_role ?? 'internal_user',
        user_email: identity.user_email ?? stored?.user_email ?? null,
        team_id: identity.team_id,
        org_id: identity.team_id === null ? null : deps.directory?.getTeam(identity.team_id)?.organization_id ?? null,
        end_user_id: null,
        key_id: null,
        display: `oauth2:${identity.user_id}`,
      };
      if (identity.scopes !== undefined) principal.scopes = identity.scopes;
      return principal;
    },
  };
}
