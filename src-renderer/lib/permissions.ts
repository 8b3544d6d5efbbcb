/**
 * What the signed-in role may do, read from the shared route table, so the UI hides exactly the
 * actions the gateway would refuse (proxy_admin_viewer: reads everything, writes nothing).
 * The gateway still decides; this only keeps buttons that would fail out of sight.
 */
import { classifyRoute, ROLE_PERMS } from '../../src-shared/routes.ts';
import { isRole } from '../../src-shared/roles.ts';

export type Method = 'GET' | 'POST' | 'DELETE';

/** Whether `role` may call `method path`. Unknown roles and unknown routes may not. */
export function roleCan(role: string, method: Method, path: string): boolean {
  if (!isRole(role)) return false;
  const entry = classifyRoute(method, path);
  if (entry === undefined) return false;
  return ROLE_PERMS[role].includes(entry.perm);
}

/** Human label of a role. */
export function roleLabel(role: string): string {
  const labels: Record<string, string> = {
    proxy_admin: 'Admin',
    proxy_admin_viewer: 'Admin viewer',
    org_admin: 'Organization admin',
    internal_user: 'User',
    internal_user_viewer: 'User viewer',
    team: 'Team',
    customer: 'Customer',
  };
  return labels[role] ?? role;
}
