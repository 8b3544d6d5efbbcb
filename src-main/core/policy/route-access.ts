/**
 * Route access (CONTRACT section 6): the caller's role, the key's type, the key's
 * `allowed_routes` and any narrowing from the identity method, in that order. Any refusal of an
 * authenticated caller is 403 (Tollgate uses 403 for every authenticated-but-forbidden case).
 */
import { GatewayError } from '../../../src-shared/errors.ts';
import { KEY_TYPE_PERMS, ROLE_PERMS, routeMatches, type RouteEntry } from '../../../src-shared/routes.ts';
import type { Principal } from '../auth/index.ts';
import type { KeyRecord } from '../store/index.ts';

export interface RouteDecision {
  allowed: boolean;
  reason: string;
}

export function decideRouteAccess(p: Principal, entry: RouteEntry, path: string, key: KeyRecord | undefined): RouteDecision {
  if (entry.perm === 'public') return { allowed: true, reason: 'public route' };
  if (!ROLE_PERMS[p.user_role].includes(entry.perm)) {
    return { allowed: false, reason: `role ${p.user_role} may not call ${entry.method} ${entry.path}` };
  }
  if (key !== undefined) {
    const perms = KEY_TYPE_PERMS[key.key_type];
    if (perms !== 'all' && !perms.includes(entry.perm)) {
      return { allowed: false, reason: `key ${key.key_name} has key_type ${key.key_type}, which does not allow ${entry.path}` };
    }
    if (key.allowed_routes.length > 0 && !key.allowed_routes.some((r) => routeMatches(r, path, entry))) {
      return { allowed: false, reason: `route ${entry.path} is not in the key's allowed_routes` };
    }
  }
  if (p.allowed_routes !== undefined && p.allowed_routes.length > 0 && !p.allowed_routes.some((r) => routeMatches(r, path, entry))) {
    return { allowed: false, reason: `route ${entry.path} is not allowed for this ${p.method} identity` };
  }
  return { allowed: true, reason: `role ${p.user_role} may call ${entry.path}` };
}

export function checkRouteAccess(p: Principal, entry: RouteEntry, path: string, key: KeyRecord | undefined): void {
  const d = decideRouteAccess(p, entry, path, key);
  if (!d.allowed) throw new GatewayError('ERR_ROUTE_FORBIDDEN', `Forbidden: ${d.reason}.`);
}
