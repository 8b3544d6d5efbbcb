/**
 * The openid-client Configuration for the configured identity provider, built lazily on the first
 * sign-in (so an IdP that is down at startup does not stop the gateway) and rebuilt after a failed
 * discovery.
 *
 * - With an issuer (Google, Microsoft, GENERIC_ISSUER): OIDC discovery; the ID token is validated
 *   (signature against the IdP's JWKS, always; `iss`, `aud` = client id, `nonce`, `exp`); RFC 9207's `iss`
 *   authorization-response parameter is checked against the issuer (mix-up defence). Explicit
 *   GENERIC_*_ENDPOINT values override the discovered ones.
 * - Without one (LiteLLM's generic OAuth2): the endpoints as configured. An ID token cannot be
 *   validated without knowing its issuer, so it is dropped from the token response unread and the
 *   user is read from GENERIC_USERINFO_ENDPOINT with the access token.
 *
 * Every endpoint must be https, or http on loopback (checked again for discovered endpoints).
 * Client authentication: client_secret_basic unless the IdP only supports client_secret_post;
 * none (PKCE only) when no secret is configured.
 */
import * as oidc from 'openid-client';
import { SsoSettingsError, checkEndpointUrl, type SsoSettings } from './settings.ts';

/** Issuer placeholder for the no-issuer mode; no token is ever checked against it. */
const NO_ISSUER = 'urn:tollgate:sso:issuer-not-configured';
const TIMEOUT_S = 15;

export interface SsoEndpoints {
  authorization: string;
  token: string;
  userinfo: string | null;
}

function pickAuth(s: SsoSettings, supported: readonly string[] | undefined): oidc.ClientAuth {
  if (s.clientSecret === undefined) return oidc.None();
  // RFC 8414: when absent, client_secret_basic is the default.
  if (supported !== undefined && !supported.includes('client_secret_basic') && supported.includes('client_secret_post')) return oidc.ClientSecretPost(s.clientSecret);
  return oidc.ClientSecretBasic(s.clientSecret);
}

function endpointsOf(as: oidc.ServerMetadata): SsoEndpoints {
  if (as.authorization_endpoint === undefined || as.token_endpoint === undefined) {
    throw new SsoSettingsError('the identity provider publishes no authorization or token endpoint');
  }
  return { authorization: as.authorization_endpoint, token: as.token_endpoint, userinfo: as.userinfo_endpoint ?? null };
}

/** Drops `id_token` from token responses: used only when there is no issuer to validate it against. */
function dropIdToken(tokenEndpoint: string): oidc.CustomFetch {
  return async (url, options) => {
    const res = await fetch(url, options as RequestInit);
    if (url !== tokenEndpoint || !(res.headers.get('content-type') ?? '').includes('json')) return res;
    const body = (await res.json()) as unknown;
    if (body !== null && typeof body === 'object' && 'id_token' in body) delete (body as Record<string, unknown>).id_token;
    return new Response(JSON.stringify(body), { status: res.status, statusText: res.statusText, headers: { 'content-type': 'application/json', ...(res.headers.get('www-authenticate') === null ? {} : { 'www-authenticate': res.headers.get('www-authenticate')! }) } });
  };
}

async function build(s: SsoSettings): Promise<{ config: oidc.Configuration; endpoints: SsoEndpoints }> {
  const metadata: Partial<oidc.ClientMetadata> = s.clientSecret === undefined ? {} : { client_secret: s.clientSecret };
  let config: oidc.Configuration;
  let insecure: boolean;
  if (s.issuer !== null) {
    const issuerUrl = new URL(s.issuer);
    const execute = issuerUrl.protocol === 'http:' ? [oidc.allowInsecureRequests] : [];
    config = await oidc.discovery(issuerUrl, s.clientId, metadata, pickAuth(s, undefined), { execute, timeout: TIMEOUT_S });
    const { supportsPKCE: _helper, ...as } = config.serverMetadata();
    const overrides = {
      ...(s.endpoints.authorization === undefined ? {} : { authorization_endpoint: s.endpoints.authorization }),
      ...(s.endpoints.token === undefined ? {} : { token_endpoint: s.endpoints.token }),
      ...(s.endpoints.userinfo === undefined ? {} : { userinfo_endpoint: s.endpoints.userinfo }),
    };
    const auth = pickAuth(s, as.token_endpoint_auth_methods_supported);
    const needsRebuild = Object.keys(overrides).length > 0 || (s.clientSecret !== undefined && as.token_endpoint_auth_methods_supported !== undefined && !as.token_endpoint_auth_methods_supported.includes('client_secret_basic'));
    if (needsRebuild) {
      config = new oidc.Configuration({ ...as, ...overrides }, s.clientId, metadata, auth);
    }
    const used = { ...as, ...overrides };
    for (const [name, url] of [['authorization_endpoint', used.authorization_endpoint], ['token_endpoint', used.token_endpoint], ['userinfo_endpoint', used.userinfo_endpoint], ['jwks_uri', used.jwks_uri]] as const) {
      if (url !== undefined) checkEndpointUrl(url, `the identity provider's ${name}`);
    }
    insecure = [s.issuer, used.authorization_endpoint, used.token_endpoint, used.userinfo_endpoint, used.jwks_uri].some((u) => u !== undefined && new URL(u).protocol === 'http:');
    // OIDC Core 3.1.3.7 lets a client skip the ID token's signature when it came over TLS from
    // the token endpoint; we check it against the IdP's JWKS anyway (loopback http has no TLS,
    // and an overridden token endpoint is not the issuer's own).
    oidc.enableNonRepudiationChecks(config);
  } else {
    const { authorization, token, userinfo } = s.endpoints;
    if (authorization === undefined || token === undefined || userinfo === undefined) throw new SsoSettingsError('generic SSO without GENERIC_ISSUER needs the three GENERIC_*_ENDPOINT variables');
    config = new oidc.Configuration({ issuer: NO_ISSUER, authorization_endpoint: authorization, token_endpoint: token, userinfo_endpoint: userinfo }, s.clientId, metadata, pickAuth(s, undefined));
    config[oidc.customFetch] = dropIdToken(token);
    insecure = [authorization, token, userinfo].some((u) => new URL(u).protocol === 'http:');
  }
  // Only reached when every http endpoint is on loopback (checked above and in settings).
  if (insecure) oidc.allowInsecureRequests(config);
  config.timeout = TIMEOUT_S;
  return { config, endpoints: endpointsOf(config.serverMetadata()) };
}

export class SsoClient {
  private pending: Promise<{ config: oidc.Configuration; endpoints: SsoEndpoints }> | null = null;
  readonly settings: SsoSettings;

  constructor(settings: SsoSettings) {
    this.settings = settings;
  }

  /** Whether the ID token is validated (an issuer is known). */
  get validatesIdToken(): boolean {
    return this.settings.issuer !== null;
  }

  /** The Configuration; a failed discovery is retried on the next call. */
  get(): Promise<{ config: oidc.Configuration; endpoints: SsoEndpoints }> {
    if (this.pending === null) {
      const p = build(this.settings);
      this.pending = p;
      p.catch(() => {
        if (this.pending === p) this.pending = null;
      });
    }
    return this.pending;
  }
}
