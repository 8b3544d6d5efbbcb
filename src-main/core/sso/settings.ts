/**
 * SSO settings from LiteLLM's environment names (CONTRACT section 4, "SSO and UI"): Google,
 * Microsoft (Entra ID) or a generic OAuth2/OIDC provider, plus PROXY_BASE_URL, PROXY_ADMIN_ID,
 * ALLOWED_EMAIL_DOMAINS and `general_settings.custom_sso`. Read once at startup; an incomplete or
 * unsafe setup is an error that names the variable, never a silently weaker login.
 */
import type { GeneralSettings } from '../../../src-shared/config.ts';

export type SsoProvider = 'google' | 'microsoft' | 'generic';

export interface SsoSettings {
  provider: SsoProvider;
  clientId: string;
  /** Absent for a public client (PKCE only). */
  clientSecret: string | undefined;
  /** Turns on discovery and ID-token validation (issuer, audience, nonce, signature). */
  issuer: string | null;
  /** Explicit endpoints; with an issuer they override the discovered ones. */
  endpoints: { authorization?: string; token?: string; userinfo?: string };
  scope: string;
  /** Claim names (dotted paths allowed); the user id tries each in turn. */
  attributes: { userId: readonly string[]; email: string; displayName: string; role: string | null };
  /** `PROXY_BASE_URL` without a trailing slash; null means the gateway's own loopback address. */
  proxyBaseUrl: string | null;
  adminId: string | null;
  /** Lower-case domains; empty means any. */
  allowedEmailDomains: readonly string[];
  customSso: string | null;
}

export class SsoSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SsoSettingsError';
  }
}

const MS_MULTI_TENANT = new Set(['common', 'organizations', 'consumers']);

function val(env: Record<string, string | undefined>, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
}

/** Loopback hosts, where plain http cannot be intercepted off the machine (RFC 8252 section 8.3). */
export function isLoopbackHostname(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** https anywhere; http only to a loopback host. Throws naming the variable otherwise. */
export function checkEndpointUrl(value: string, name: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new SsoSettingsError(`${name} is not a URL`);
  }
  if (u.username !== '' || u.password !== '') throw new SsoSettingsError(`${name} must not carry credentials`);
  if (u.protocol === 'https:') return u.href;
  if (u.protocol === 'http:' && isLoopbackHostname(u.hostname)) return u.href;
  throw new SsoSettingsError(`${name} must be an https URL (plain http is allowed only on loopback): ${u.origin}`);
}

function baseUrl(value: string, name: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new SsoSettingsError(`${name} is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new SsoSettingsError(`${name} must be an http(s) URL`);
  if (u.username !== '' || u.password !== '' || u.search !== '' || u.hash !== '') throw new SsoSettingsError(`${name} must be a plain base URL (no credentials, query or fragment)`);
  return u.href.replace(/\/+$/, '');
}

/** `a.com, @B.org` -> ['a.com', 'b.org']. */
export function parseDomains(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  return raw.split(',').map((d) => d.trim().toLowerCase().replace(/^@/, '')).filter((d) => d !== '');
}

/**
 * Reads the SSO settings, or null when no provider's client id is set. When several are set,
 * LiteLLM's order applies (Google, then Microsoft, then generic) and `warn` says so.
 */
export function readSsoSettings(gs: GeneralSettings, env: Record<string, string | undefined>, warn: (m: string) => void = () => undefined): SsoSettings | null {
  const google = val(env, 'GOOGLE_CLIENT_ID');
  const microsoft = val(env, 'MICROSOFT_CLIENT_ID');
  const generic = val(env, 'GENERIC_CLIENT_ID');
  const set = [google && 'GOOGLE_CLIENT_ID', microsoft && 'MICROSOFT_CLIENT_ID', generic && 'GENERIC_CLIENT_ID'].filter(Boolean);
  if (set.length === 0) return null;
  if (set.length > 1) warn(`SSO: ${set.join(', ')} are all set; using ${set[0]} (LiteLLM's order: Google, Microsoft, generic).`);

  const rawBase = val(env, 'PROXY_BASE_URL') ?? gs.proxy_base_url;
  const common = {
    proxyBaseUrl: rawBase === undefined ? null : baseUrl(rawBase, 'PROXY_BASE_URL'),
    adminId: val(env, 'PROXY_ADMIN_ID') ?? null,
    allowedEmailDomains: parseDomains(val(env, 'ALLOWED_EMAIL_DOMAINS')),
    customSso: gs.custom_sso ?? null,
  };

  if (google !== undefined) {
    return {
      ...common, provider: 'google', clientId: google, clientSecret: val(env, 'GOOGLE_CLIENT_SECRET'),
      issuer: 'https://accounts.google.com', endpoints: {}, scope: 'openid email profile',
      attributes: { userId: ['sub'], email: 'email', displayName: 'name', role: null },
    };
  }
  if (microsoft !== undefined) {
    const tenant = val(env, 'MICROSOFT_TENANT') ?? 'common';
    if (!/^[A-Za-z0-9.-]{1,128}$/.test(tenant)) throw new SsoSettingsError('MICROSOFT_TENANT must be a tenant id, a domain, or common/organizations/consumers');
    // nOAuth: in a multi-tenant app any tenant's admin can put any address in `email`, so a domain
    // allow-list on it proves nothing. Only a single tenant makes ALLOWED_EMAIL_DOMAINS meaningful.
    if (MS_MULTI_TENANT.has(tenant.toLowerCase()) && common.allowedEmailDomains.length > 0) {
      throw new SsoSettingsError(`ALLOWED_EMAIL_DOMAINS needs MICROSOFT_TENANT set to your tenant id: with "${tenant}", email claims from other tenants are not verified`);
    }
    return {
      ...common, provider: 'microsoft', clientId: microsoft, clientSecret: val(env, 'MICROSOFT_CLIENT_SECRET'),
      issuer: `https://login.microsoftonline.com/${tenant}/v2.0`, endpoints: {}, scope: 'openid email profile',
      attributes: { userId: ['oid', 'sub'], email: 'email', displayName: 'name', role: null },
    };
  }

  const issuerRaw = val(env, 'GENERIC_ISSUER');
  const endpoints: SsoSettings['endpoints'] = {};
  const a = val(env, 'GENERIC_AUTHORIZATION_ENDPOINT');
  const t = val(env, 'GENERIC_TOKEN_ENDPOINT');
  const u = val(env, 'GENERIC_USERINFO_ENDPOINT');
  if (a !== undefined) endpoints.authorization = checkEndpointUrl(a, 'GENERIC_AUTHORIZATION_ENDPOINT');
  if (t !== undefined) endpoints.token = checkEndpointUrl(t, 'GENERIC_TOKEN_ENDPOINT');
  if (u !== undefined) endpoints.userinfo = checkEndpointUrl(u, 'GENERIC_USERINFO_ENDPOINT');
  if (issuerRaw !== undefined) checkEndpointUrl(issuerRaw, 'GENERIC_ISSUER');
  // Kept as written: discovery compares it with the document's `issuer` after URL normalisation.
  const issuer = issuerRaw ?? null;
  if (issuer === null) {
    const missing = ['GENERIC_AUTHORIZATION_ENDPOINT', 'GENERIC_TOKEN_ENDPOINT', 'GENERIC_USERINFO_ENDPOINT'].filter((n) => val(env, n) === undefined);
    if (missing.length > 0) {
      throw new SsoSettingsError(`GENERIC_CLIENT_ID is set but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not: set ${missing.length === 1 ? 'it' : 'them'}, or GENERIC_ISSUER for discovery`);
    }
  }
  let scope = val(env, 'GENERIC_SCOPE') ?? 'openid email profile';
  // An ID token is only issued for the openid scope; with an issuer we validate one, so ask for it.
  if (issuer !== null && !scope.split(/\s+/).includes('openid')) scope = `openid ${scope}`;
  const idAttr = val(env, 'GENERIC_USER_ID_ATTRIBUTE');
  return {
    ...common, provider: 'generic', clientId: generic!, clientSecret: val(env, 'GENERIC_CLIENT_SECRET'),
    issuer, endpoints, scope,
    attributes: {
      userId: idAttr === undefined ? ['preferred_username', 'sub'] : [idAttr],
      email: val(env, 'GENERIC_USER_EMAIL_ATTRIBUTE') ?? 'email',
      displayName: val(env, 'GENERIC_USER_DISPLAY_NAME_ATTRIBUTE') ?? 'name',
      // Only when configured: a role claim is a grant of privilege, so it is never guessed.
      role: val(env, 'GENERIC_USER_ROLE_ATTRIBUTE') ?? null,
    },
  };
}
