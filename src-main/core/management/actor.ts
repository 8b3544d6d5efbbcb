/** Who performs a management call, as the services see it (from the Principal). */
import type { Role } from '../../../src-shared/roles.ts';
import type { Principal } from '../auth/index.ts';

export interface Actor {
  user_id: string | null;
  role: Role;
  org_id: string | null;
  /** For the audit log: `master_key`, `sk-...abcd`, `jwt:sub`, `<user_id> (session:<id>)`. */
  display: string;
  request_id: string | null;
  /** The caller's own virtual key, which it may always read. */
  key_id?: string | null;
}

export function actorOf(p: Principal, requestId: string | null): Actor {
  return { user_id: p.user_id, role: p.user_role, org_id: p.org_id, display: p.display, request_id: requestId, key_id: p.key_id };
}

export function isAdmin(a: Actor): boolean {
  return a.role === 'proxy_admin';
}

export function canReadAll(a: Actor): boolean {
  return a.role === 'proxy_admin' || a.role === 'proxy_admin_viewer';
}
