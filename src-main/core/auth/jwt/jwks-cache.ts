/**
 * Verification keys for JWT auth, from one or more JWKS or OIDC discovery URLs.
 *
 * Why not jose's `createRemoteJWKSet`: it reads the wall clock, uses its own fetch and drops the
 * keys when a refresh fails. Tollgate needs the injected Clock, several URLs, and the stale copy
 * served while the IdP is unreachable (only no keys at all is a 503). Keys are held per URL for
 * `public_key_ttl` seconds; an unknown `kid` triggers one single-flight refetch per URL at most every
 * 30 s (key rotation is picked up, a flood of random kids cannot hammer the IdP).
 */
import { createLocalJWKSet, errors as joseErrors } from 'jose';
import type { FlattenedJWSInput, JSONWebKeySet, JWK, JWSHeaderParameters } from 'jose';

type LocalJWKSet = ReturnType<typeof createLocalJWKSet>;
import { z } from 'zod';
import { GatewayError } from '../../../../src-shared/errors.ts';
import type { Clock } from '../../ports.ts';
import { describeEndpoint, idpFetchJson } from '../oauth2/index.ts';
import type { FetchLike } from '../oauth2/index.ts';

export const UNKNOWN_KID_REFETCH_INTERVAL_MS = 30_000;
/** After a failed refresh, a stale copy is served without retrying for this long. */
export const FAILED_REFRESH_BACKOFF_MS = 30_000;
/** With no keys at all, attempts are spaced at least this far apart (single-flight in between). */
export const NO_KEYS_RETRY_MS = 1_000;

const jwkSchema = z.object({ kty: z.string() }).passthrough();
const jwksSchema = z.object({ keys: z.array(z.unknown()) }).passthrough();
const discoverySchema = z.object({ jwks_uri: z.string().url() }).passthrough();

/** OIDC Discovery 1.0 / RFC 8414 metadata URLs; any other URL is expected to answer a JWKS (or, failing that, metadata). */
function isDiscoveryUrl(url: string): boolean {
  const path = new URL(url).pathname;
  return path.endsWith('/.well-known/openid-configuration') || path.endsWith('/.well-known/oauth-authorization-server');
}

interface Source {
  url: string;
  /** The JWKS URL once discovery (if any) has resolved it. */
  jwksUri: string | null;
  keys: JWK[] | null;
  fetchedAt: number;
  lastAttemptAt: number;
  lastFailedAt: number;
  lastUnknownKidRefetchAt: number;
  inflight: Promise<boolean> | null;
}

export interface JwksCacheOptions {
  urls: string[];
  ttlSeconds: number;
  clock: Clock;
  fetch: FetchLike;
}

export interface JwksStatus {
  url: string;
  keyCount: number;
  fetchedAt: number | null;
  stale: boolean;
}

/** Public signature keys only: no private parts, no symmetric (`oct`) keys, nothing marked for encryption. */
function usableKeys(raw: unknown[]): JWK[] {
  const out: JWK[] = [];
  for (const k of raw) {
    const parsed = jwkSchema.safeParse(k);
    if (!parsed.success) continue;
    const jwk = parsed.data as JWK;
    if (jwk.kty === 'oct' || jwk.d !== undefined || jwk.use === 'enc') continue;
    out.push(jwk);
  }
  return out;
}

export class JwksCache {
  readonly #sources: Source[];
  readonly #ttlMs: number;
  readonly #clock: Clock;
  readonly #fetch: FetchLike;
  #combined: LocalJWKSet | null = null;
  #fetchCount = 0;
  #generation = 0;

  constructor(options: JwksCacheOptions) {
    this.#sources = options.urls.map((url) => ({
      url,
      jwksUri: null,
      keys: null,
      fetchedAt: 0,
      lastAttemptAt: Number.NEGATIVE_INFINITY,
      lastFailedAt: Number.NEGATIVE_INFINITY,
      lastUnknownKidRefetchAt: Number.NEGATIVE_INFINITY,
      inflight: null,
    }));
    this.#ttlMs = options.ttlSeconds * 1000;
    this.#clock = options.clock;
    this.#fetch = options.fetch;
  }

  /** Bumped whenever a source's key set changes: verified-token caches are stale from then on. */
  get generation(): number {
    return this.#generation;
  }

  /** How many HTTP fetches the cache has made (for tests and `tollgate doctor`). */
  get fetchCount(): number {
    return this.#fetchCount;
  }

  status(): JwksStatus[] {
    const now = this.#clock.now();
    return this.#sources.map((s) => ({
      url: describeEndpoint(s.url),
      keyCount: s.keys?.length ?? 0,
      fetchedAt: s.keys === null ? null : s.fetchedAt,
      stale: s.keys !== null && now - s.fetchedAt >= this.#ttlMs,
    }));
  }

  async #getJson(url: string): Promise<unknown> {
    this.#fetchCount++;
    const res = await idpFetchJson(this.#fetch, url, { method: 'GET', headers: { accept: 'application/json' } }, 'JWKS');
    if (res.status < 200 || res.status >= 300) {
      throw new GatewayError('ERR_AUTH_PROVIDER_UNAVAILABLE', `JWKS at ${describeEndpoint(url)} answered ${res.status}`);
    }
    return res.body;
  }

  async #load(source: Source): Promise<JWK[]> {
    if (source.jwksUri === null && isDiscoveryUrl(source.url)) {
      const doc = discoverySchema.safeParse(await this.#getJson(source.url));
      if (!doc.success) throw new GatewayError('ERR_AUTH_PROVIDER_UNAVAILABLE', `discovery document at ${describeEndpoint(source.url)} has no jwks_uri`);
      source.jwksUri = doc.data.jwks_uri;
    }
    const body = await this.#getJson(source.jwksUri ?? source.url);
    const set = jwksSchema.safeParse(body);
    if (set.success) return usableKeys(set.data.keys);
    // A URL that turned out to be a discovery document (any path): follow its jwks_uri once.
    const doc = discoverySchema.safeParse(body);
    if (source.jwksUri === null && doc.success) {
      source.jwksUri = doc.data.jwks_uri;
      const inner = jwksSchema.safeParse(await this.#getJson(source.jwksUri));
      if (inner.success) return usableKeys(inner.data.keys);
    }
    throw new GatewayError('ERR_AUTH_PROVIDER_UNAVAILABLE', `${describeEndpoint(source.url)} did not answer a JWKS`);
  }

  /** Single-flight refresh of one source. Resolves true when new keys arrived; never rejects. */
  #refresh(source: Source): Promise<boolean> {
    if (source.inflight !== null) return source.inflight;
    source.lastAttemptAt = this.#clock.now();
    const p = this.#load(source).then(
      (keys) => {
        if (JSON.stringify(keys) !== JSON.stringify(source.keys)) this.#generation++;
        source.keys = keys;
        source.fetchedAt = this.#clock.now();
        this.#combined = null;
        return true;
      },
      () => {
        // Keep the stale copy (if any). The reason is not a secret, but it is the IdP's business:
        // status() reports the staleness; callers see 503 only when no key is left at all.
        source.lastFailedAt = this.#clock.now();
        // A discovery URL may have moved its jwks_uri: rediscover next time.
        if (isDiscoveryUrl(source.url)) source.jwksUri = null;
        return false;
      },
    ).finally(() => {
      source.inflight = null;
    });
    source.inflight = p;
    return p;
  }

  #needsRefresh(s: Source, now: number): boolean {
    if (s.keys === null) return now - s.lastAttemptAt >= NO_KEYS_RETRY_MS || s.inflight !== null;
    if (now - s.fetchedAt < this.#ttlMs) return false;
    return now - s.lastFailedAt >= FAILED_REFRESH_BACKOFF_MS || s.inflight !== null;
  }

  async #ensureFresh(): Promise<void> {
    const now = this.#clock.now();
    const due = this.#sources.filter((s) => this.#needsRefresh(s, now));
    if (due.length > 0) await Promise.all(due.map((s) => this.#refresh(s)));
  }

  #set(): LocalJWKSet {
    if (this.#combined === null) {
      const keys: JWK[] = [];
      for (const s of this.#sources) if (s.keys !== null) keys.push(...s.keys);
      const jwks: JSONWebKeySet = { keys };
      this.#combined = createLocalJWKSet(jwks);
    }
    return this.#combined;
  }

  #hasAnyKeys(): boolean {
    return this.#sources.some((s) => s.keys !== null && s.keys.length > 0);
  }

  /** Fetches every source now (startup warm-up). Resolves once each has answered or failed. */
  async warm(): Promise<void> {
    await Promise.all(this.#sources.map((s) => this.#refresh(s)));
  }

  /**
   * A jose key resolver (`jwtVerify(token, cache.resolver)`): finds the key for the header's
   * `kid`/`alg`, refetching once on an unknown kid. Throws GatewayError 503 when no keys are
   * available at all, 401 when the kid is unknown after the refetch.
   */
  readonly resolver = async (header: JWSHeaderParameters, token: FlattenedJWSInput): ReturnType<LocalJWKSet> => {
    await this.#ensureFresh();
    if (!this.#hasAnyKeys()) {
      throw new GatewayError('ERR_AUTH_PROVIDER_UNAVAILABLE', 'JWT signing keys are unavailable: the identity provider could not be reached and no keys are cached');
    }
    try {
      return await this.#set()(header, token);
    } catch (err) {
      if (!(err instanceof joseErrors.JWKSNoMatchingKey)) throw err;
    }
    const now = this.#clock.now();
    const eligible = this.#sources.filter((s) => now - s.lastUnknownKidRefetchAt >= UNKNOWN_KID_REFETCH_INTERVAL_MS || s.inflight !== null);
    for (const s of eligible) if (s.inflight === null) s.lastUnknownKidRefetchAt = now;
    const refreshed = await Promise.all(eligible.map((s) => this.#refresh(s)));
    if (refreshed.some((r) => r) && this.#hasAnyKeys()) {
      try {
        return await this.#set()(header, token);
      } catch (err) {
        if (!(err instanceof joseErrors.JWKSNoMatchingKey)) throw err;
      }
    }
    throw new GatewayError('ERR_INVALID_TOKEN', 'no signing key matches the token\'s kid and alg');
  };
}
