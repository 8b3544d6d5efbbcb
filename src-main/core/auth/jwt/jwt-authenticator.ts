/**
 * JWT auth (`enable_jwt_auth`): verifies a compact JWS against the IdP's keys and maps its claims
 * (claims.ts). Follows RFC 8725 (JWT BCP): the algorithm allow-list is asymmetric only and is
 * checked before any key lookup (no `none`, no HS* with a public key as the secret, section 2.1/3.1);
 * issuer and audience are verified unless explicitly disabled (sections 3.8, 3.9); `exp` is required.
 * Opaque tokens go to OIDC userinfo when `oidc_userinfo_endpoint` is set, otherwise fall through.
 */
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import type { JWTVerifyOptions } from 'jose';
import { GatewayError } from '../../../../src-shared/errors.ts';
import type { Clock } from '../../ports.ts';
import type { Authenticator, AuthRequest, Credential, Principal } from '../principal.ts';
import { isJwtShaped } from '../identity.ts';
import type { IdentityDirectory, JwtSettings } from '../identity.ts';
import type { FetchLike } from '../oauth2/index.ts';
import { principalFromClaims } from './claims.ts';
import { sha256Hex } from '../secret-compare.ts';
import type { Claims } from './claims.ts';
import { JwksCache } from './jwks-cache.ts';
import { UserinfoClient } from './userinfo.ts';

/** Tokens above this size are refused unread (a bound on parsing and hashing work). */
export const MAX_TOKEN_BYTES = 16 * 1024;

export interface JwtDeps {
  clock: Clock;
  directory: IdentityDirectory;
  fetch?: FetchLike;
}

export interface JwtAuthenticator extends Authenticator {
  /** The key cache (null when only `oidc_userinfo_endpoint` is configured). */
  readonly keys: JwksCache | null;
  /** Fetches the keys now, so the first request does not wait (failures are kept quiet: served later as 503). */
  warm(): Promise<void>;
}

function invalid(message: string, cause?: unknown): GatewayError {
  return new GatewayError('ERR_INVALID_TOKEN', message, cause === undefined ? {} : { cause });
}

/** Maps jose's failures to stable gateway codes; messages name the check, never the token. */
function mapJoseError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof joseErrors.JWTExpired) return new GatewayError('ERR_TOKEN_EXPIRED', 'JWT has expired', { cause: err });
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    switch (err.claim) {
      case 'nbf': return invalid('JWT is not yet valid (nbf)', err);
      case 'iat': return invalid('JWT was issued in the future (iat)', err);
      case 'aud': return invalid('JWT audience does not match jwt_audience', err);
      case 'iss': return invalid('JWT issuer does not match jwt_issuer', err);
      case 'exp': return invalid('JWT has no valid expiry (exp)', err);
      default: return invalid(`JWT claim "${err.claim}" is invalid`, err);
    }
  }
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return invalid('JWT signature verification failed', err);
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return invalid('JWT algorithm is not allowed', err);
  if (err instanceof joseErrors.JWKSMultipleMatchingKeys) return invalid('JWT has no kid and several keys match', err);
  if (err instanceof joseErrors.JOSENotSupported) return invalid('JWT uses an unsupported algorithm or key', err);
  if (err instanceof joseErrors.JWTInvalid || err instanceof joseErrors.JWSInvalid) return invalid('JWT is malformed', err);
  return invalid('JWT could not be verified', err);
}

/**
 * Creates the JWT authenticator. Place it after the master key, virtual key and UI session
 * authenticators: with `oidc_userinfo_endpoint` set it claims every other opaque bearer token.
 *
 * @example
 * const jwt = createJwtAuthenticator(identity.jwt, { clock: systemClock, directory });
 * await jwt.warm();
 */
/** How long a verified JWT is trusted without verifying its signature again, and how many are kept. */
export const VERIFIED_TTL_MS = 60_000;
const VERIFIED_MAX_ENTRIES = 10_000;

export function createJwtAuthenticator(settings: JwtSettings, deps: JwtDeps): JwtAuthenticator {
  const fetchFn: FetchLike = deps.fetch ?? ((input, init) => fetch(input, init));
  const keys = settings.publicKeyUrls.length === 0
    ? null
    : new JwksCache({ urls: settings.publicKeyUrls, ttlSeconds: settings.publicKeyTtlSeconds, clock: deps.clock, fetch: fetchFn });
  const userinfo = settings.oidcUserinfoEndpoint === undefined ? null : new UserinfoClient(settings.oidcUserinfoEndpoint, deps.clock, fetchFn);
  const allowedAlgs: readonly string[] = settings.algorithms;
  const ctx = { settings, directory: deps.directory };
  // Verified tokens, by SHA-256 of the whole token: a client sends the same JWT many times, and an
  // RS256 verification costs far more than the rest of the request. An entry lives until the
  // token's exp, at most VERIFIED_TTL_MS, and only while the key set it was verified with is
  // unchanged: a rotation seen by the JWKS cache makes every cached token verify again.
  const verified = new Map<string, { claims: Claims; until: number; generation: number }>();

  async function verifyCached(token: string): Promise<Claims> {
    const now = deps.clock.now();
    const h = sha256Hex(token);
    const hit = verified.get(h);
    if (hit !== undefined) {
      if (hit.until > now && hit.generation === (keys?.generation ?? 0)) return hit.claims;
      verified.delete(h);
    }
    const claims = await verify(token);
    const generation = keys?.generation ?? 0;
    const exp = typeof claims.exp === 'number' ? claims.exp * 1000 : now;
    if (verified.size >= VERIFIED_MAX_ENTRIES) {
      const oldest = verified.keys().next();
      if (oldest.done !== true) verified.delete(oldest.value);
    }
    verified.set(h, { claims, until: Math.min(exp, now + VERIFIED_TTL_MS), generation });
    return claims;
  }

  async function verify(token: string): Promise<Claims> {
    if (token.length > MAX_TOKEN_BYTES) throw invalid(`JWT is larger than ${MAX_TOKEN_BYTES} bytes`);
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch (cause) {
      throw invalid('JWT header is not valid base64url JSON', cause);
    }
    // RFC 8725 section 3.1: refuse `none` and symmetric algorithms before touching any key.
    if (typeof alg !== 'string' || !allowedAlgs.includes(alg)) {
      throw invalid(`JWT algorithm "${typeof alg === 'string' ? alg.slice(0, 16) : typeof alg}" is not accepted (asymmetric algorithms only)`);
    }
    try {
      decodeJwt(token);
    } catch (cause) {
      throw invalid('JWT claims are not a JSON object', cause);
    }
    if (keys === null) throw invalid('JWT verification keys are not configured (jwt_public_key_url)');
    const options: JWTVerifyOptions = {
      algorithms: settings.algorithms,
      clockTolerance: settings.leewaySeconds,
      currentDate: new Date(deps.clock.now()),
      requiredClaims: ['exp'],
    };
    if (settings.audience !== null) options.audience = settings.audience;
    if (settings.issuer !== null) options.issuer = settings.issuer;
    try {
      const { payload } = await jwtVerify(token, keys.resolver, options);
      return payload as Claims;
    } catch (err) {
      throw mapJoseError(err);
    }
  }

  return {
    name: 'jwt',
    keys,
    async warm() {
      await keys?.warm();
    },
    async authenticate(credential: Credential | null, _request: AuthRequest): Promise<Principal | null> {
      if (credential === null || credential.token === '') return null;
      const token = credential.token;
      let claims: Claims;
      if (isJwtShaped(token)) {
        claims = await verifyCached(token);
      } else if (userinfo !== null && !token.startsWith('sk-')) {
        if (token.length > MAX_TOKEN_BYTES) throw invalid(`access token is larger than ${MAX_TOKEN_BYTES} bytes`);
        claims = await userinfo.claims(token);
      } else {
        return null;
      }
      return principalFromClaims(claims, ctx);
    },
  };
}
