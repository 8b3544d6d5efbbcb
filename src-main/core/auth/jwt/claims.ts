/**
 * From verified claims (a JWT's payload or an OIDC userinfo answer) to a Principal, with the meaning
 * of LiteLLM's `litellm_jwtauth`. Two passes: first every claim is type-checked and every policy
 * (admin scope, role mapping, RBAC, email domain, allowed roles, scope mappings, custom_validate)
 * is applied with no side effect; only then are users and teams upserted. A refused token therefore
 * never creates a stored object.
 */
import { GatewayError } from '../../../../src-shared/errors.ts';
import type { Role } from '../../../../src-shared/roles.ts';
import type { Principal } from '../principal.ts';
import type { DirectoryTeam, DirectoryUser, IdentityDirectory, JwtSettings } from '../identity.ts';

export type Claims = Record<string, unknown>;

/** Reads a claim by exact name, or by dotted path into nested objects (`resource_access.app.roles`). */
export function getClaim(claims: Claims, path: string): unknown {
  if (Object.hasOwn(claims, path)) return claims[path];
  if (!path.includes('.')) return undefined;
  let cur: unknown = claims;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    if (!Object.hasOwn(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function invalid(message: string): GatewayError {
  return new GatewayError('ERR_INVALID_TOKEN', message);
}

function notAllowed(message: string): GatewayError {
  return new GatewayError('ERR_CLAIMS_NOT_ALLOWED', message);
}

const MAX_ID_LENGTH = 256;

function stringClaim(claims: Claims, field: string | undefined, what: string): string | null {
  if (field === undefined) return null;
  const v = getClaim(claims, field);
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw invalid(`token claim "${field}" (${what}) must be a string, got ${Array.isArray(v) ? 'an array' : typeof v}`);
  if (v.length > MAX_ID_LENGTH) throw invalid(`token claim "${field}" (${what}) is longer than ${MAX_ID_LENGTH} characters`);
  return v === '' ? null : v;
}

function stringListClaim(claims: Claims, field: string | undefined, what: string, allowSingle: boolean): string[] | null {
  if (field === undefined) return null;
  const v = getClaim(claims, field);
  if (v === undefined || v === null) return null;
  if (allowSingle && typeof v === 'string') return v === '' ? [] : [v];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x.length > MAX_ID_LENGTH)) {
    throw invalid(`token claim "${field}" (${what}) must be an array of strings`);
  }
  return (v as string[]).filter((x) => x !== '');
}

/** `scope` (space-separated string, RFC 8693 / RFC 9068) or `scp` (array or string). */
function scopesOf(claims: Claims): string[] {
  const out: string[] = [];
  const scope = claims.scope;
  if (scope !== undefined && scope !== null) {
    if (typeof scope === 'string') out.push(...scope.split(' '));
    else if (Array.isArray(scope) && scope.every((s) => typeof s === 'string')) out.push(...(scope as string[]));
    else throw invalid('token claim "scope" must be a space-separated string');
  }
  const scp = claims.scp;
  if (scp !== undefined && scp !== null) {
    if (typeof scp === 'string') out.push(...scp.split(' '));
    else if (Array.isArray(scp) && scp.every((s) => typeof s === 'string')) out.push(...(scp as string[]));
    else throw invalid('token claim "scp" must be a string or an array of strings');
  }
  return [...new Set(out.filter((s) => s !== ''))];
}

const globCache = new Map<string, RegExp>();

/** fnmatch-style glob (`*`, `?`), whole-string, case-sensitive, as LiteLLM's `jwt_litellm_role_map`. */
export function globMatch(pattern: string, value: string): boolean {
  let re = globCache.get(pattern);
  if (re === undefined) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, 's');
    if (globCache.size < 1000) globCache.set(pattern, re);
  }
  return re.test(value);
}

export interface ClaimsContext {
  settings: JwtSettings;
  directory: IdentityDirectory;
}

/** Everything decided in the first pass; the second pass only performs the upserts. */
interface Plan {
  userId: string | null;
  email: string | null;
  storedUser: DirectoryUser | undefined;
  teamIds: string[];
  teamsToUpsert: string[];
  upsertUser: boolean;
  role: Role;
  isTeamToken: boolean;
  allowedRoutes: string[] | undefined;
  models: string[] | undefined;
  orgId: string | null;
  endUserId: string | null;
  scopes: string[];
  subject: string;
}

async function plan(claims: Claims, ctx: ClaimsContext): Promise<Plan> {
  const s = ctx.settings;
  // 1. Types: every claim we use is checked before anything is decided.
  const sub = stringClaim(claims, 'sub', 'subject');
  let userId = stringClaim(claims, s.userIdJwtField, 'user id');
  const email = stringClaim(claims, s.userEmailJwtField ?? 'email', 'email');
  const teamId = stringClaim(claims, s.teamIdJwtField, 'team id');
  const teamIdsClaim = stringListClaim(claims, s.teamIdsJwtField, 'team ids', false);
  const orgIdClaim = stringClaim(claims, s.orgIdJwtField, 'organization id');
  const endUserId = stringClaim(claims, s.endUserIdJwtField, 'end user id');
  const objectId = stringClaim(claims, s.objectIdJwtField, 'object id');
  const tokenRoles = stringListClaim(claims, s.rolesJwtField, 'roles', true) ?? [];
  const userRoles = stringListClaim(claims, s.userRolesJwtField, 'user roles', true) ?? [];
  const scopes = scopesOf(claims);

  // 2. Role: the admin scope first, then the role mappings in order.
  const isAdmin = scopes.includes(s.adminJwtScope);
  let mappedRole: Role | undefined;
  if (!isAdmin) {
    outer: for (const m of s.roleMappings) {
      for (const r of tokenRoles) {
        if (globMatch(m.pattern, r)) {
          mappedRole = m.role;
          break outer;
        }
      }
    }
  }
  if (s.enforceRbac && !isAdmin && mappedRole === undefined) {
    throw notAllowed(s.rolesJwtField === undefined
      ? 'enforce_rbac is on and the token carries no admin scope'
      : `enforce_rbac is on and none of the token's roles in "${s.rolesJwtField}" maps to a Tollgate role`);
  }
  if (s.userAllowedRoles !== undefined && s.userAllowedRoles.length > 0 && s.userRolesJwtField !== undefined) {
    const allowed = s.userAllowedRoles;
    if (!userRoles.some((r) => allowed.includes(r))) {
      throw notAllowed(`none of the token's roles in "${s.userRolesJwtField}" is in user_allowed_roles`);
    }
  }

  // 3. Email domain (CONTRACT 5: a valid token whose claims are not allowed is 403).
  if (s.userAllowedEmailDomain !== undefined) {
    const domain = s.userAllowedEmailDomain;
    const at = email?.lastIndexOf('@') ?? -1;
    if (email === null || at < 1 || email.slice(at + 1).toLowerCase() !== domain) {
      throw notAllowed(email === null ? `the token has no email; user_allowed_email_domain requires @${domain}` : `the token's email is outside the allowed domain @${domain}`);
    }
  }

  // 4. Scope mappings narrow models and routes (LiteLLM `enforce_scope_based_access`).
  let models: string[] | undefined;
  let scopeRoutes: string[] | undefined;
  if (s.enforceScopeBasedAccess && !isAdmin) {
    const hits = s.scopeMappings.filter((m) => scopes.includes(m.scope));
    if (hits.length === 0) throw notAllowed('enforce_scope_based_access is on and the token carries none of the mapped scopes');
    if (hits.some((m) => m.models !== undefined)) models = [...new Set(hits.flatMap((m) => m.models ?? []))];
    if (hits.some((m) => m.routes !== undefined)) scopeRoutes = [...new Set(hits.flatMap((m) => m.routes ?? []))];
  }

  // 5. The operator's hook sees the claims only once they are type-checked and allowed.
  if (s.customValidate !== undefined) {
    let ok: boolean;
    try {
      ok = (await s.customValidate(claims)) === true;
    } catch (cause) {
      throw new GatewayError('ERR_CLAIMS_NOT_ALLOWED', 'custom_validate refused the token (it threw)', { cause });
    }
    if (!ok) throw notAllowed('custom_validate refused the token');
  }

  // 6. Teams and user (reads only).
  // `object_id_jwt_field` names the object the token stands for: the team when the role maps to
  // `team` (used below when no team claim is present), otherwise the user.
  if (objectId !== null && mappedRole !== 'team') userId = objectId;
  const candidates: string[] = [];
  let requiredTeam: string | null = null;
  if (teamId !== null) {
    candidates.push(teamId);
    requiredTeam = teamId;
  }
  for (const t of teamIdsClaim ?? []) if (!candidates.includes(t)) candidates.push(t);
  if (mappedRole === 'team' && objectId !== null && candidates.length === 0) candidates.push(objectId);
  if (candidates.length === 0 && s.teamIdDefault !== undefined) candidates.push(s.teamIdDefault);

  const known: DirectoryTeam[] = [];
  const teamsToUpsert: string[] = [];
  for (const t of candidates) {
    const team = ctx.directory.getTeam(t);
    if (team !== undefined) known.push(team);
    else if (s.teamIdUpsert) teamsToUpsert.push(t);
    else if (t === requiredTeam) throw notAllowed(`the token's team "${t}" is not known to the gateway (team_id_upsert is off)`);
  }
  if (candidates.length > 0 && known.length === 0 && teamsToUpsert.length === 0) {
    throw notAllowed('none of the token\'s teams is known to the gateway (team_id_upsert is off)');
  }
  const teamIds = candidates.filter((t) => known.some((k) => k.team_id === t) || teamsToUpsert.includes(t));

  let storedUser = userId === null ? undefined : ctx.directory.getUser(userId);
  if (storedUser === undefined && email !== null && s.userEmailJwtField !== undefined) {
    storedUser = ctx.directory.findUserByEmail(email);
    if (storedUser !== undefined) userId = storedUser.user_id;
  }
  const upsertUser = storedUser === undefined && userId !== null && s.userIdUpsert && mappedRole !== 'team';
  const isTeamToken = !isAdmin && (mappedRole === 'team' || (storedUser === undefined && !upsertUser && teamIds.length > 0 && mappedRole === undefined));

  let role: Role;
  let allowedRoutes: string[] | undefined;
  if (isAdmin) {
    role = 'proxy_admin';
    allowedRoutes = s.adminAllowedRoutes;
  } else if (isTeamToken) {
    role = 'team';
    allowedRoutes = [...s.teamAllowedRoutes];
  } else {
    role = mappedRole ?? storedUser?.user_role ?? 'internal_user';
    if (role === 'proxy_admin') allowedRoutes = s.adminAllowedRoutes;
  }
  if (scopeRoutes !== undefined) allowedRoutes = scopeRoutes;

  const firstTeam = known[0];
  const orgId = orgIdClaim ?? (firstTeam === undefined ? null : firstTeam.organization_id);
  return {
    userId: isTeamToken ? null : userId,
    email,
    storedUser,
    teamIds,
    teamsToUpsert,
    upsertUser,
    role,
    isTeamToken,
    allowedRoutes,
    models,
    orgId,
    endUserId,
    scopes,
    subject: sub ?? userId ?? teamIds[0] ?? 'unknown',
  };
}

/**
 * Maps claims to a Principal (method `jwt`). Throws `ERR_INVALID_TOKEN` (401) for claims of the
 * wrong type and `ERR_CLAIMS_NOT_ALLOWED` (403) for claims that policy refuses; in both cases
 * nothing is upserted.
 */
export async function principalFromClaims(claims: Claims, ctx: ClaimsContext): Promise<Principal> {
  const p = await plan(claims, ctx);
  // Second pass: side effects, only for accepted tokens.
  for (const t of p.teamsToUpsert) ctx.directory.upsertTeam({ team_id: t });
  if (p.upsertUser && p.userId !== null) {
    ctx.directory.upsertUser({ user_id: p.userId, user_email: p.email, user_role: p.role });
    for (const t of p.teamIds) ctx.directory.addTeamMember(t, p.userId);
  }
  const principal: Principal = {
    method: 'jwt',
    user_id: p.userId,
    user_role: p.role,
    user_email: p.email ?? p.storedUser?.user_email ?? null,
    team_id: p.teamIds[0] ?? null,
    org_id: p.orgId,
    end_user_id: p.endUserId,
    key_id: null,
    display: `jwt:${p.subject}`,
  };
  if (p.teamIds.length > 0) principal.team_ids = p.teamIds;
  if (p.allowedRoutes !== undefined) principal.allowed_routes = [...p.allowedRoutes];
  if (p.models !== undefined) principal.models = p.models;
  if (p.scopes.length > 0) principal.scopes = p.scopes;
  return principal;
}
