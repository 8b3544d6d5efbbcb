/**
 * Identity settings and the directory port for the external identity methods (JWT, OIDC userinfo,
 * OAuth2 introspection / token-info, oauth2-proxy headers, custom auth).
 *
 * `normaliseIdentitySettings` turns the LiteLLM-compatible `general_settings` (plus the seed's
 * top-level aliases and the documented environment variables) into one typed object, and refuses
 * to start when a method is enabled without what makes it safe (CONTRACT section 2): JWT without
 * an issuer or an audience (unless explicitly disabled), oauth2-proxy without `trusted_proxy_ranges`.
 */
import { isIP } from 'node:net';
import type { GeneralSettings, JwtAuthConfig } from '../../../src-shared/config.ts';
import { isRole } from '../../../src-shared/roles.ts';
import type { Role } from '../../../src-shared/roles.ts';

/** A stored user as the identity methods need it. */
export interface DirectoryUser {
  user_id: string;
  user_role: Role;
  user_email?: string | null;
  models: string[];
  blocked?: boolean;
}

/** A stored team as the identity methods need it. */
export interface DirectoryTeam {
  team_id: string;
  models: string[];
  blocked: boolean;
  organization_id: string | null;
  /** The member user ids, when the directory knows them (oauth2-proxy: a stored user acts only for its own teams). */
  members?: readonly string[];
}

/**
 * The port through which identity methods read and (with the upsert settings on) create stored
 * objects. The integrator implements it over the store; it must answer from memory (hot path).
 */
export interface IdentityDirectory {
  getUser(userId: string): DirectoryUser | undefined;
  findUserByEmail(email: string): DirectoryUser | undefined;
  getTeam(teamId: string): DirectoryTeam | undefined;
  /** Only called when `user_id_upsert` is on. */
  upsertUser(u: { user_id: string; user_email?: string | null; user_role: Role }): void;
  /** Only called when `team_id_upsert` is on. */
  upsertTeam(t: { team_id: string }): void;
  addTeamMember(teamId: string, userId: string): void;
}

/** JWS algorithms Tollgate accepts: asymmetric only (RFC 8725 section 3.1: no `none`, no HMAC with public keys). */
export const ASYMMETRIC_ALGORITHMS = [
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519',
] as const;
export type AsymmetricAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number];

export const JWT_DEFAULTS = {
  publicKeyTtlSeconds: 600,
  leewaySeconds: 30,
  adminJwtScope: 'litellm_proxy_admin',
  userIdJwtField: 'sub',
  teamAllowedRoutes: ['llm_api_routes'] as readonly string[],
} as const;

export interface RoleMapping {
  /** Glob pattern (`*`, `?`) matched against each role in the token. */
  pattern: string;
  role: Role;
}

export interface ScopeMapping {
  scope: string;
  models?: string[];
  routes?: string[];
}

/** The JWT settings the authenticator works from (all defaults applied). */
export interface JwtSettings {
  publicKeyUrls: string[];
  audience: string | null;
  issuer: string | null;
  algorithms: AsymmetricAlgorithm[];
  leewaySeconds: number;
  publicKeyTtlSeconds: number;
  adminJwtScope: string;
  adminAllowedRoutes?: string[];
  teamIdJwtField?: string;
  teamIdsJwtField?: string;
  teamIdDefault?: string;
  teamIdUpsert: boolean;
  teamAllowedRoutes: string[];
  userIdJwtField: string;
  userEmailJwtField?: string;
  userAllowedEmailDomain?: string;
  userIdUpsert: boolean;
  userRolesJwtField?: string;
  userAllowedRoles?: string[];
  orgIdJwtField?: string;
  endUserIdJwtField?: string;
  objectIdJwtField?: string;
  enforceRbac: boolean;
  rolesJwtField?: string;
  roleMappings: RoleMapping[];
  scopeMappings: ScopeMapping[];
  enforceScopeBasedAccess: boolean;
  oidcUserinfoEndpoint?: string;
  /** `litellm_jwtauth.custom_validate` as written; the integrator loads it with `loadCustomValidate`. */
  customValidateSpec?: string;
  /** The loaded hook: `false` refuses the token (403). */
  customValidate?: (claims: Record<string, unknown>) => boolean | Promise<boolean>;
}

export interface OAuth2Settings {
  tokenInfoEndpoint: string;
  clientId?: string;
  clientSecret?: string;
  userIdField: string;
  userRoleField: string;
  teamIdField: string;
  /** Whether JWT auth is also on: then JWT-shaped tokens are left to it. */
  jwtEnabled: boolean;
  /** Upper bound on how long an active result is cached (seconds). */
  maxCacheSeconds: number;
  maxCacheEntries: number;
}

export interface OAuth2ProxyMappings {
  user_id: string;
  user_email?: string;
  team_id?: string;
  org_id?: string;
  models?: string;
  max_budget?: string;
}

export interface CidrRange {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

export interface OAuth2ProxySettings {
  trustedProxyRanges: CidrRange[];
  /** Header names, lower-cased. */
  mappings: OAuth2ProxyMappings;
}

export interface CustomAuthSettings {
  spec: string;
  /** `on` (LiteLLM's default): only custom auth (and the master key); `auto`: custom first, then the built-in methods. */
  mode: 'on' | 'auto';
}

export interface IdentitySettings {
  jwt: JwtSettings | null;
  oauth2: OAuth2Settings | null;
  oauth2Proxy: OAuth2ProxySettings | null;
  customAuth: CustomAuthSettings | null;
}

export type IdentityEnv = Readonly<Record<string, string | undefined>>;

/** The error `normaliseIdentitySettings` throws; `setting` names what is missing or wrong. */
export class IdentitySettingsError extends Error {
  readonly setting: string;
  constructor(setting: string, message: string) {
    super(message);
    this.name = 'IdentitySettingsError';
    this.setting = setting;
  }
}

function fail(setting: string, message: string): never {
  throw new IdentitySettingsError(setting, message);
}

function nonEmpty(value: string | undefined | null): string | undefined {
  if (value === undefined || value === null) return undefined;
  const t = value.trim();
  return t === '' ? undefined : t;
}

function resolveRef(value: string | undefined, env: IdentityEnv, setting: string): string | undefined {
  const v = nonEmpty(value);
  if (v === undefined) return undefined;
  if (v.startsWith('os.environ/')) {
    const name = v.slice('os.environ/'.length);
    const resolved = nonEmpty(env[name]);
    if (resolved === undefined) fail(setting, `${setting} refers to os.environ/${name}, which is not set`);
    return resolved;
  }
  if (v.startsWith('keychain/')) {
    fail(setting, `${setting} is a keychain reference (${v}); resolve secret references before normalising identity settings`);
  }
  return v;
}

function splitList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  const parts = Array.isArray(value) ? value : value.split(',');
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** Picks the first defined value; two config sources that disagree are an error (a typo must not pick silently). */
function pick(setting: string, sources: Array<[string, string | undefined]>, env: IdentityEnv): string | undefined {
  let chosen: [string, string] | undefined;
  for (const [name, raw] of sources) {
    const v = resolveRef(raw, env, name);
    if (v === undefined) continue;
    if (chosen === undefined) chosen = [name, v];
    else if (!name.startsWith('env ') && !chosen[0].startsWith('env ') && chosen[1] !== v) {
      fail(setting, `${chosen[0]} and ${name} disagree; set only one of them`);
    }
  }
  return chosen?.[1];
}

function parseUrl(setting: string, value: string): string {
  try {
    const u = new URL(value);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('scheme');
    return u.toString();
  } catch {
    return fail(setting, `${setting} entry "${value}" is not an http(s) URL`);
  }
}

/** Parses `10.0.0.0/8`, `::1/128` or a bare address (a single host). */
export function parseCidr(value: string): CidrRange | undefined {
  const [addr, prefixText, extra] = value.trim().split('/');
  if (addr === undefined || extra !== undefined) return undefined;
  const version = isIP(addr);
  if (version === 0) return undefined;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const max = version === 4 ? 32 : 128;
  let prefix = max;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText)) return undefined;
    prefix = Number(prefixText);
    if (prefix > max) return undefined;
  }
  return { address: addr, prefix, family };
}

function normaliseRoleMappings(cfg: JwtAuthConfig): RoleMapping[] {
  const out: RoleMapping[] = [];
  for (const [i, m] of (cfg.role_mappings ?? []).entries()) {
    if (!isRole(m.internal_role)) {
      fail(`litellm_jwtauth.role_mappings[${i}].internal_role`, `litellm_jwtauth.role_mappings[${i}].internal_role "${m.internal_role}" is not a Tollgate role`);
    }
    out.push({ pattern: m.role, role: m.internal_role });
  }
  for (const [i, m] of (cfg.jwt_litellm_role_map ?? []).entries()) {
    if (!isRole(m.litellm_role)) {
      fail(`litellm_jwtauth.jwt_litellm_role_map[${i}].litellm_role`, `litellm_jwtauth.jwt_litellm_role_map[${i}].litellm_role "${m.litellm_role}" is not a Tollgate role`);
    }
    out.push({ pattern: m.jwt_role, role: m.litellm_role });
  }
  return out;
}

function normaliseJwt(general: GeneralSettings, env: IdentityEnv): JwtSettings {
  const cfg: JwtAuthConfig = general.litellm_jwtauth ?? {};
  const keyUrlsConfig = splitList(cfg.public_key_url);
  const keyUrlsAlias = splitList(general.jwt_public_key_url);
  const keyUrlsEnv = splitList(env.JWT_PUBLIC_KEY_URL);
  if (keyUrlsConfig.length > 0 && keyUrlsAlias.length > 0 && keyUrlsConfig.join(',') !== keyUrlsAlias.join(',')) {
    fail('jwt_public_key_url', 'litellm_jwtauth.public_key_url and jwt_public_key_url disagree; set only one of them');
  }
  const rawUrls = keyUrlsConfig.length > 0 ? keyUrlsConfig : keyUrlsAlias.length > 0 ? keyUrlsAlias : keyUrlsEnv;
  const publicKeyUrls = rawUrls.map((u) => parseUrl('jwt_public_key_url', resolveRef(u, env, 'jwt_public_key_url') ?? u));
  const oidcUserinfoEndpoint = cfg.oidc_userinfo_endpoint;
  if (publicKeyUrls.length === 0 && oidcUserinfoEndpoint === undefined) {
    fail('jwt_public_key_url', 'enable_jwt_auth needs jwt_public_key_url (or litellm_jwtauth.public_key_url / JWT_PUBLIC_KEY_URL): without a JWKS or OIDC discovery URL no token can be verified');
  }

  const issuer = pick('jwt_issuer', [['litellm_jwtauth.issuer', cfg.issuer], ['jwt_issuer', general.jwt_issuer], ['env JWT_ISSUER', env.JWT_ISSUER]], env);
  const audience = pick('jwt_audience', [['litellm_jwtauth.audience', cfg.audience], ['jwt_audience', general.jwt_audience], ['env JWT_AUDIENCE', env.JWT_AUDIENCE]], env);
  if (issuer === undefined && cfg.disable_issuer_validation !== true) {
    fail('jwt_issuer', 'enable_jwt_auth needs jwt_issuer (or litellm_jwtauth.issuer / JWT_ISSUER): without it any issuer\'s token would be accepted; set litellm_jwtauth.disable_issuer_validation: true to opt out');
  }
  if (audience === undefined && cfg.disable_audience_validation !== true) {
    fail('jwt_audience', 'enable_jwt_auth needs jwt_audience (or litellm_jwtauth.audience / JWT_AUDIENCE): without it a token issued for any other service would be accepted; set litellm_jwtauth.disable_audience_validation: true to opt out');
  }

  let algorithms: AsymmetricAlgorithm[] = [...ASYMMETRIC_ALGORITHMS];
  if (cfg.algorithms !== undefined) {
    const allowed: readonly string[] = ASYMMETRIC_ALGORITHMS;
    for (const a of cfg.algorithms) {
      if (!allowed.includes(a)) {
        fail('litellm_jwtauth.algorithms', `litellm_jwtauth.algorithms lists "${a}"; only asymmetric algorithms (${ASYMMETRIC_ALGORITHMS.join(', ')}) are accepted`);
      }
    }
    algorithms = cfg.algorithms as AsymmetricAlgorithm[];
    if (algorithms.length === 0) fail('litellm_jwtauth.algorithms', 'litellm_jwtauth.algorithms is empty');
  }

  const adminScopeAlias = nonEmpty(general.jwt_admin_scope);
  const adminScopeConfig = nonEmpty(cfg.admin_jwt_scope);
  if (adminScopeAlias !== undefined && adminScopeConfig !== undefined && adminScopeAlias !== adminScopeConfig) {
    fail('jwt_admin_scope', 'litellm_jwtauth.admin_jwt_scope and jwt_admin_scope disagree; set only one of them');
  }
  const domainAlias = nonEmpty(general.user_allowed_email_domain);
  const domainConfig = nonEmpty(cfg.user_allowed_email_domain);
  if (domainAlias !== undefined && domainConfig !== undefined && domainAlias.toLowerCase() !== domainConfig.toLowerCase()) {
    fail('user_allowed_email_domain', 'litellm_jwtauth.user_allowed_email_domain and user_allowed_email_domain disagree; set only one of them');
  }
  const domain = (domainConfig ?? domainAlias)?.replace(/^@/, '').toLowerCase();

  const settings: JwtSettings = {
    publicKeyUrls,
    audience: audience ?? null,
    issuer: issuer ?? null,
    algorithms,
    leewaySeconds: cfg.leeway_seconds ?? JWT_DEFAULTS.leewaySeconds,
    publicKeyTtlSeconds: cfg.public_key_ttl ?? JWT_DEFAULTS.publicKeyTtlSeconds,
    adminJwtScope: adminScopeConfig ?? adminScopeAlias ?? JWT_DEFAULTS.adminJwtScope,
    teamIdUpsert: cfg.team_id_upsert ?? false,
    teamAllowedRoutes: cfg.team_allowed_routes ?? [...JWT_DEFAULTS.teamAllowedRoutes],
    userIdJwtField: nonEmpty(cfg.user_id_jwt_field) ?? JWT_DEFAULTS.userIdJwtField,
    userIdUpsert: cfg.user_id_upsert ?? false,
    enforceRbac: cfg.enforce_rbac ?? false,
    roleMappings: normaliseRoleMappings(cfg),
    scopeMappings: (cfg.scope_mappings ?? []).map((m) => ({ ...m })),
    enforceScopeBasedAccess: cfg.enforce_scope_based_access ?? false,
  };
  if (cfg.enforce_scope_based_access === true && settings.scopeMappings.length === 0) {
    fail('litellm_jwtauth.scope_mappings', 'litellm_jwtauth.enforce_scope_based_access needs litellm_jwtauth.scope_mappings: without them no scope grants anything');
  }
  if (cfg.roles_jwt_field === undefined && settings.roleMappings.length > 0) {
    fail('litellm_jwtauth.roles_jwt_field', 'litellm_jwtauth.role_mappings / jwt_litellm_role_map need litellm_jwtauth.roles_jwt_field: the claim that holds the roles');
  }
  const optional: Array<[keyof JwtSettings, string | undefined]> = [
    ['teamIdJwtField', cfg.team_id_jwt_field],
    ['teamIdsJwtField', cfg.team_ids_jwt_field],
    ['teamIdDefault', cfg.team_id_default],
    ['userEmailJwtField', cfg.user_email_jwt_field],
    ['userRolesJwtField', cfg.user_roles_jwt_field],
    ['orgIdJwtField', cfg.org_id_jwt_field],
    ['endUserIdJwtField', cfg.end_user_id_jwt_field],
    ['objectIdJwtField', cfg.object_id_jwt_field],
    ['rolesJwtField', cfg.roles_jwt_field],
    ['oidcUserinfoEndpoint', oidcUserinfoEndpoint],
    ['customValidateSpec', cfg.custom_validate],
  ];
  const target = settings as unknown as Record<string, unknown>;
  for (const [k, v] of optional) {
    const t = nonEmpty(v);
    if (t !== undefined) target[k] = t;
  }
  if (domain !== undefined) settings.userAllowedEmailDomain = domain;
  if (cfg.admin_allowed_routes !== undefined) settings.adminAllowedRoutes = [...cfg.admin_allowed_routes];
  if (cfg.user_allowed_roles !== undefined) settings.userAllowedRoles = [...cfg.user_allowed_roles];
  return settings;
}

function normaliseOAuth2(general: GeneralSettings, env: IdentityEnv, jwtEnabled: boolean): OAuth2Settings {
  const endpoint = pick('oauth_token_info_endpoint', [['oauth_token_info_endpoint', general.oauth_token_info_endpoint], ['env OAUTH_TOKEN_INFO_ENDPOINT', env.OAUTH_TOKEN_INFO_ENDPOINT]], env);
  if (endpoint === undefined) {
    fail('oauth_token_info_endpoint', 'enable_oauth2_auth needs oauth_token_info_endpoint (or OAUTH_TOKEN_INFO_ENDPOINT): the introspection or token-info endpoint that vouches for tokens');
  }
  const clientId = pick('oauth_client_id', [['oauth_client_id', general.oauth_client_id], ['env OAUTH_CLIENT_ID', env.OAUTH_CLIENT_ID]], env);
  const clientSecret = pick('oauth_client_secret', [['oauth_client_secret', general.oauth_client_secret], ['env OAUTH_CLIENT_SECRET', env.OAUTH_CLIENT_SECRET]], env);
  if ((clientId === undefined) !== (clientSecret === undefined)) {
    fail(clientId === undefined ? 'oauth_client_id' : 'oauth_client_secret', 'oauth_client_id and oauth_client_secret go together: introspection (RFC 7662) authenticates with both');
  }
  const settings: OAuth2Settings = {
    tokenInfoEndpoint: parseUrl('oauth_token_info_endpoint', endpoint),
    userIdField: pick('oauth_user_id_field_name', [['oauth_user_id_field_name', general.oauth_user_id_field_name], ['env OAUTH_USER_ID_FIELD_NAME', env.OAUTH_USER_ID_FIELD_NAME]], env) ?? 'sub',
    userRoleField: pick('oauth_user_role_field_name', [['oauth_user_role_field_name', general.oauth_user_role_field_name], ['env OAUTH_USER_ROLE_FIELD_NAME', env.OAUTH_USER_ROLE_FIELD_NAME]], env) ?? 'role',
    teamIdField: pick('oauth_user_team_id_field_name', [['oauth_user_team_id_field_name', general.oauth_user_team_id_field_name], ['env OAUTH_USER_TEAM_ID_FIELD_NAME', env.OAUTH_USER_TEAM_ID_FIELD_NAME]], env) ?? 'team_id',
    jwtEnabled,
    maxCacheSeconds: 300,
    maxCacheEntries: 10_000,
  };
  if (clientId !== undefined && clientSecret !== undefined) {
    settings.clientId = clientId;
    settings.clientSecret = clientSecret;
  }
  return settings;
}

function normaliseOAuth2Proxy(general: GeneralSettings): OAuth2ProxySettings {
  const ranges = general.trusted_proxy_ranges ?? [];
  if (ranges.length === 0) {
    fail('trusted_proxy_ranges', 'enable_oauth2_proxy_auth needs trusted_proxy_ranges (e.g. ["127.0.0.1/32"]): without it anyone who can reach the gateway could send identity headers and be believed');
  }
  const trustedProxyRanges = ranges.map((r, i) => parseCidr(r) ?? fail('trusted_proxy_ranges', `trusted_proxy_ranges[${i}] "${r}" is not an IPv4/IPv6 address or CIDR range`));
  const m = general.oauth2_config_mappings ?? {};
  const userId = nonEmpty(m.user_id);
  if (userId === undefined) {
    fail('oauth2_config_mappings.user_id', 'enable_oauth2_proxy_auth needs oauth2_config_mappings.user_id: the header the proxy puts the user id in');
  }
  const mappings: OAuth2ProxyMappings = { user_id: userId.toLowerCase() };
  for (const k of ['user_email', 'team_id', 'org_id', 'models', 'max_budget'] as const) {
    const v = nonEmpty(m[k]);
    if (v !== undefined) mappings[k] = v.toLowerCase();
  }
  return { trustedProxyRanges, mappings };
}

/**
 * Merges and validates the identity settings of `general_settings` and the environment.
 * Throws an `IdentitySettingsError` whose message names the missing setting and why.
 *
 * @example
 * const identity = normaliseIdentitySettings(config.general_settings, process.env);
 * if (identity.jwt) chain.push(createJwtAuthenticator(identity.jwt, { clock, directory }));
 */
export function normaliseIdentitySettings(general: GeneralSettings, env: IdentityEnv = {}): IdentitySettings {
  const jwtEnabled = general.enable_jwt_auth === true;
  const jwt = jwtEnabled ? normaliseJwt(general, env) : null;
  const oauth2 = general.enable_oauth2_auth === true ? normaliseOAuth2(general, env, jwtEnabled) : null;
  const oauth2Proxy = general.enable_oauth2_proxy_auth === true ? normaliseOAuth2Proxy(general) : null;
  const spec = nonEmpty(general.custom_auth);
  const customAuth = spec === undefined ? null : { spec, mode: general.custom_auth_settings?.mode ?? 'on' };
  return { jwt, oauth2, oauth2Proxy, customAuth };
}

const B64URL_PART = /^[A-Za-z0-9_-]+$/;

/**
 * Whether a credential has the shape of a JWS compact JWT: three dot-separated base64url parts
 * (RFC 7515 section 7.1). The signature part may be empty so that an unsecured (`alg: none`) token
 * is still recognised as a JWT, and refused as one, rather than passed down the chain.
 * Virtual keys (`sk-...`) never match.
 */
export function isJwtShaped(token: string): boolean {
  if (token.startsWith('sk-')) return false;
  const first = token.indexOf('.');
  if (first <= 0) return false;
  const second = token.indexOf('.', first + 1);
  if (second <= first + 1 || token.indexOf('.', second + 1) !== -1) return false;
  const sig = token.slice(second + 1);
  return B64URL_PART.test(token.slice(0, first)) && B64URL_PART.test(token.slice(first + 1, second)) && (sig === '' || B64URL_PART.test(sig));
}
