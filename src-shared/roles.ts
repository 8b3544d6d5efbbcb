/** Roles of CONTRACT section 6, with LiteLLM's names. */
export const ROLES = [
  'proxy_admin',
  'proxy_admin_viewer',
  'org_admin',
  'internal_user',
  'internal_user_viewer',
  'team',
  'customer',
] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Roles that may read every management object. */
export const ADMIN_READ_ROLES: readonly Role[] = ['proxy_admin', 'proxy_admin_viewer'];

export const KEY_TYPES = ['llm_api', 'management', 'read_only', 'default'] as const;
export type KeyType = (typeof KEY_TYPES)[number];
