/**
 * OIDC userinfo (OpenID Connect Core 1.0 section 5.3) for opaque access tokens: the token is sent
 * as bearer; the claims that come back are mapped like a JWT's. Answers are cached for 60 s under
 * the token's SHA-256, bounded in size. 401/403 from the endpoint means the token is not valid;
 * an unreachable endpoint is 503.
 */
import { z } from 'zod';
import { GatewayError } from '../../../../src-shared/errors.ts';
import type { Clock } from '../../ports.ts';
import { hashToken, idpFetchJson, TokenCache } from '../oauth2/index.ts';
import type { FetchLike } from '../oauth2/index.ts';
import type { Claims } from './claims.ts';

export const USERINFO_CACHE_TTL_MS = 60_000;
export const USERINFO_CACHE_MAX_ENTRIES = 10_000;

const userinfoSchema = z.record(z.string(), z.unknown());

export class UserinfoClient {
  readonly #endpoint: string;
  readonly #fetch: FetchLike;
  readonly #clock: Clock;
  readonly #cache: TokenCache<Claims>;

  constructor(endpoint: string, clock: Clock, fetchFn: FetchLike, maxEntries = USERINFO_CACHE_MAX_ENTRIES) {
    this.#endpoint = endpoint;
    this.#fetch = fetchFn;
    this.#clock = clock;
    this.#cache = new TokenCache(clock, maxEntries);
  }

  async claims(token: string): Promise<Claims> {
    const key = hashToken(token);
    const hit = this.#cache.get(key);
    if (hit !== undefined) return hit;
    const res = await idpFetchJson(this.#fetch, this.#endpoint, { method: 'GET', headers: { authorization: `Bearer ${token}`, accept: 'application/json' } }, 'OIDC userinfo');
    if (res.status === 401 || res.status === 403) {
      throw new GatewayError('ERR_INVALID_TOKEN', 'the identity provider did not accept the access token (userinfo)');
    }
    if (res.status < 200 || res.status >= 300) {
      throw new GatewayError('ERR_INVALID_TOKEN', `the identity provider refused the access token (userinfo ${res.status})`);
    }
    const parsed = userinfoSchema.safeParse(res.body);
    if (!parsed.success) throw new GatewayError('ERR_AUTH_PROVIDER_UNAVAILABLE', 'OIDC userinfo did not answer a JSON object');
    // OIDC Core 5.3.2: the sub claim MUST always be returned.
    if (typeof parsed.data.sub !== 'string' || parsed.data.sub === '') {
      throw new GatewayError('ERR_AUTH_PROVIDER_UNAVAILABLE', 'OIDC userinfo answered without a "sub"');
    }
    this.#cache.set(key, parsed.data, this.#clock.now() + USERINFO_CACHE_TTL_MS);
    return parsed.data;
  }
}
