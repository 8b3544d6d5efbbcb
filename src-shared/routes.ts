/**
 * The route table: every route the gateway serves, its LiteLLM route class and the permission
 * it needs. The HTTP layer classifies each request with `classifyRoute`; the policy layer
 * decides from `perm`, the caller's role and key. Pure data, shared with the UI.
 */
import type { Role, KeyType } from './roles.ts';

/**
 * public: no credential. llm: model calls. read: self-service reads (services scope the data).
 * self_write: self-service writes (own keys). org_write: org admins and up.
 * admin_read: admins and admin viewers. admin_write: proxy admins only. session: any signed-in caller.
 */
export type RoutePerm = 'public' | 'llm' | 'read' | 'self_write' | 'org_write' | 'admin_read' | 'admin_write' | 'session';

/** LiteLLM's route-class names, accepted in `allowed_routes` and `public_routes`. */
export type RouteClass =
  | 'public_routes'
  | 'llm_api_routes'
  | 'openai_routes'
  | 'anthropic_routes'
  | 'info_routes'
  | 'management_routes'
  | 'key_management_routes'
  | 'spend_tracking_routes'
  | 'admin_only_routes'
  | 'sso_routes'
  | 'ui_routes';

export interface RouteEntry {
  method: 'GET' | 'POST' | 'DELETE';
  /** Express-style path; `:name` matches one segment. */
  path: string;
  classes: readonly RouteClass[];
  perm: RoutePerm;
  summary: string;
}

const LLM: readonly RouteClass[] = ['llm_api_routes', 'openai_routes'];
const ANTH: readonly RouteClass[] = ['llm_api_routes', 'anthropic_routes'];
const KEY: readonly RouteClass[] = ['management_routes', 'key_management_routes'];
const KEY_INFO: readonly RouteClass[] = ['management_routes', 'key_management_routes', 'info_routes'];
const MGMT: readonly RouteClass[] = ['management_routes'];
const INFO: readonly RouteClass[] = ['management_routes', 'info_routes'];
const SPEND: readonly RouteClass[] = ['spend_tracking_routes', 'info_routes'];
const ADMIN: readonly RouteClass[] = ['admin_only_routes'];
const PUBLIC: readonly RouteClass[] = ['public_routes'];

function r(method: RouteEntry['method'], path: string, classes: readonly RouteClass[], perm: RoutePerm, summary: string): RouteEntry {
  return { method, path, classes, perm, summary };
}

export const ROUTES: readonly RouteEntry[] = [
  // Public
  r('GET', '/health/liveliness', PUBLIC, 'public', 'Liveness probe'),
  r('GET', '/health/liveness', PUBLIC, 'public', 'Liveness probe'),
  r('GET', '/health/readiness', PUBLIC, 'public', 'Readiness probe'),
  r('GET', '/openapi.json', PUBLIC, 'public', 'This API, as OpenAPI 3.1'),
  r('GET', '/sso/key/generate', ['sso_routes', 'public_routes'], 'public', 'Start SSO sign-in'),
  r('GET', '/sso/callback', ['sso_routes', 'public_routes'], 'public', 'SSO redirect target'),
  r('POST', '/ui/session', ['ui_routes', 'public_routes'], 'public', 'Exchange a one-time sign-in token for a UI session'),
  r('DELETE', '/ui/session', ['ui_routes'], 'session', 'Sign out'),
  r('GET', '/ui/whoami', ['ui_routes', 'info_routes'], 'session', 'The signed-in caller'),
  // LLM
  r('POST', '/v1/chat/completions', LLM, 'llm', 'Chat completion (OpenAI format)'),
  r('POST', '/chat/completions', LLM, 'llm', 'Chat completion (OpenAI format)'),
  r('POST', '/v1/completions', LLM, 'llm', 'Text completion (OpenAI format)'),
  r('POST', '/completions', LLM, 'llm', 'Text completion (OpenAI format)'),
  r('POST', '/v1/embeddings', LLM, 'llm', 'Embeddings (OpenAI format)'),
  r('POST', '/embeddings', LLM, 'llm', 'Embeddings (OpenAI format)'),
  r('GET', '/v1/models', LLM, 'llm', 'Models the caller may use'),
  r('GET', '/models', LLM, 'llm', 'Models the caller may use'),
  r('POST', '/v1/messages', ANTH, 'llm', 'Messages (Anthropic format)'),
  r('POST', '/v1/messages/count_tokens', ANTH, 'llm', 'Count tokens (Anthropic format)'),
  // Keys
  r('POST', '/key/generate', KEY, 'self_write', 'Create a virtual key'),
  r('POST', '/key/update', KEY, 'self_write', 'Update a key'),
  r('POST', '/key/delete', KEY, 'self_write', 'Delete keys'),
  r('POST', '/key/regenerate', KEY, 'self_write', 'Rotate a key'),
  r('POST', '/key/:key/regenerate', KEY, 'self_write', 'Rotate a key'),
  r('POST', '/key/block', KEY, 'self_write', 'Block a key'),
  r('POST', '/key/unblock', KEY, 'self_write', 'Unblock a key'),
  r('POST', '/key/:key/reset_spend', KEY, 'org_write', 'Reset a key’s spend'),
  r('GET', '/key/info', KEY_INFO, 'read', 'One key'),
  r('GET', '/key/list', KEY_INFO, 'read', 'Keys'),
  // Users
  r('POST', '/user/new', MGMT, 'org_write', 'Create a user'),
  r('POST', '/user/update', MGMT, 'org_write', 'Update a user'),
  r('POST', '/user/delete', MGMT, 'org_write', 'Delete users'),
  r('GET', '/user/info', INFO, 'read', 'One user'),
  r('GET', '/user/list', INFO, 'admin_read', 'Users'),
  // Teams
  r('POST', '/team/new', MGMT, 'org_write', 'Create a team'),
  r('POST', '/team/update', MGMT, 'self_write', 'Update a team (team admins)'),
  r('POST', '/team/delete', MGMT, 'org_write', 'Delete teams'),
  r('POST', '/team/member_add', MGMT, 'self_write', 'Add team members (team admins)'),
  r('POST', '/team/member_delete', MGMT, 'self_write', 'Remove team members (team admins)'),
  r('POST', '/team/block', MGMT, 'org_write', 'Block a team'),
  r('POST', '/team/unblock', MGMT, 'org_write', 'Unblock a team'),
  r('GET', '/team/info', INFO, 'read', 'One team'),
  r('GET', '/team/list', INFO, 'read', 'Teams'),
  // Organizations
  r('POST', '/organization/new', MGMT, 'admin_write', 'Create an organization'),
  r('POST', '/organization/update', MGMT, 'org_write', 'Update an organization'),
  r('POST', '/organization/delete', MGMT, 'admin_write', 'Delete organizations'),
  r('POST', '/organization/member_add', MGMT, 'org_write', 'Add organization members'),
  r('GET', '/organization/info', INFO, 'read', 'One organization'),
  r('GET', '/organization/list', INFO, 'read', 'Organizations'),
  // Customers
  r('POST', '/customer/new', MGMT, 'admin_write', 'Create a customer'),
  r('POST', '/customer/update', MGMT, 'admin_write', 'Update a customer'),
  r('POST', '/customer/delete', MGMT, 'admin_write', 'Delete customers'),
  r('POST', '/customer/block', MGMT, 'admin_write', 'Block customers'),
  r('POST', '/customer/unblock', MGMT, 'admin_write', 'Unblock customers'),
  r('GET', '/customer/info', INFO, 'admin_read', 'One customer'),
  r('GET', '/customer/list', INFO, 'admin_read', 'Customers'),
  // Budgets
  r('POST', '/budget/new', MGMT, 'admin_write', 'Create a budget'),
  r('POST', '/budget/update', MGMT, 'admin_write', 'Update a budget'),
  r('POST', '/budget/delete', MGMT, 'admin_write', 'Delete a budget'),
  r('GET', '/budget/info', INFO, 'admin_read', 'One budget'),
  r('GET', '/budget/list', INFO, 'admin_read', 'Budgets'),
  // Spend
  r('GET', '/spend/logs', SPEND, 'read', 'Spend log rows'),
  r('GET', '/global/spend/report', SPEND, 'admin_read', 'Spend grouped by day and dimension'),
  r('POST', '/spend/calculate', SPEND, 'read', 'Cost of a request or response'),
  // Models and providers
  r('POST', '/model/new', MGMT, 'admin_write', 'Add a deployment'),
  r('POST', '/model/update', MGMT, 'admin_write', 'Update a deployment'),
  r('POST', '/model/delete', MGMT, 'admin_write', 'Remove a deployment'),
  r('GET', '/model/info', INFO, 'read', 'Deployments (never secrets)'),
  r('POST', '/health/test_connection', ADMIN, 'admin_write', 'Test a provider connection'),
  // Admin
  r('POST', '/auth/explain', ADMIN, 'admin_write', 'Explain the auth pipeline’s decision'),
  r('GET', '/audit', ADMIN, 'admin_read', 'Audit log'),
  r('GET', '/metrics', ADMIN, 'admin_read', 'Prometheus metrics'),
  r('GET', '/config/auth', ADMIN, 'admin_read', 'Authentication settings (no secrets)'),
];

interface CompiledRoute {
  entry: RouteEntry;
  segments: readonly string[];
}

/** Routes with `:params`, matched segment by segment; the static ones are one Map lookup. */
const COMPILED: readonly CompiledRoute[] = ROUTES.filter((e) => e.path.includes(':')).map((entry) => ({ entry, segments: entry.path.split('/') }));
const STATIC = new Map(ROUTES.filter((e) => !e.path.includes(':')).map((e) => [`${e.method} ${e.path}`, e]));

/** Finds the route entry for a method and path (without query string), or undefined. */
export function classifyRoute(method: string, path: string): RouteEntry | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  const hit = STATIC.get(`${m} ${path}`);
  if (hit !== undefined) return hit;
  const parts = path.split('/');
  for (const { entry, segments } of COMPILED) {
    if (entry.method !== m || segments.length !== parts.length) continue;
    let ok = true;
    for (let i = 0; i < segments.length; i++) {
      const s = segments[i] as string;
      if (s.startsWith(':')) {
        if ((parts[i] ?? '') === '') { ok = false; break; }
      } else if (s !== parts[i]) { ok = false; break; }
    }
    if (ok) return entry;
  }
  return undefined;
}

/** Which permissions each role holds. */
export const ROLE_PERMS: Readonly<Record<Role, readonly RoutePerm[]>> = {
  proxy_admin: ['public', 'llm', 'read', 'self_write', 'org_write', 'admin_read', 'admin_write', 'session'],
  proxy_admin_viewer: ['public', 'read', 'admin_read', 'session'],
  org_admin: ['public', 'llm', 'read', 'self_write', 'org_write', 'session'],
  internal_user: ['public', 'llm', 'read', 'self_write', 'session'],
  internal_user_viewer: ['public', 'llm', 'read', 'session'],
  team: ['public', 'llm'],
  customer: ['public', 'llm'],
};

/** Which permissions a key type leaves (LiteLLM's `key_type`). */
export const KEY_TYPE_PERMS: Readonly<Record<KeyType, readonly RoutePerm[] | 'all'>> = {
  default: 'all',
  llm_api: ['public', 'llm'],
  management: ['public', 'read', 'self_write', 'org_write', 'admin_read', 'admin_write', 'session'],
  read_only: ['public', 'read', 'admin_read', 'session'],
};

const CLASS_PREFIX = 'LiteLLMRoutes.';

/** Normalises `LiteLLMRoutes.llm_api_routes` and `llm_api_routes` to the class name, or undefined. */
export function routeClassName(pattern: string): RouteClass | undefined {
  const name = pattern.startsWith(CLASS_PREFIX) ? pattern.slice(CLASS_PREFIX.length) : pattern;
  const all: readonly string[] = [
    'public_routes', 'llm_api_routes', 'openai_routes', 'anthropic_routes', 'info_routes', 'management_routes',
    'key_management_routes', 'spend_tracking_routes', 'admin_only_routes', 'sso_routes', 'ui_routes',
  ];
  return all.includes(name) ? (name as RouteClass) : undefined;
}

/**
 * Whether a concrete path matches one `allowed_routes`/`public_routes` pattern: a route-class name,
 * an exact path, a trailing `*` wildcard (`/api/*`), or a prefix ending in `/`.
 */
export function routeMatches(pattern: string, path: string, entry: RouteEntry | undefined): boolean {
  const cls = routeClassName(pattern);
  if (cls !== undefined) return entry !== undefined && entry.classes.includes(cls);
  if (pattern.endsWith('*')) return path.startsWith(pattern.slice(0, -1));
  if (pattern.endsWith('/') && pattern.length > 1) return path.startsWith(pattern);
  return pattern === path || (entry !== undefined && pattern === entry.path);
}
