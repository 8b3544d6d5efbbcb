/**
 * Shared pieces of the governance services: body/query validation with the src-shared schemas
 * (400 with `param`), ownership rules and the context every service gets.
 */
import type { z } from 'zod';
import { GatewayError } from '../../../src-shared/errors.ts';
import type { Clock } from '../ports.ts';
import type { AuditService } from '../management/audit.ts';
import { canReadAll, isAdmin, type Actor } from '../management/actor.ts';
import type { SpendQuery } from '../ledger/index.ts';
import type { GovernanceState } from './state.ts';
import type { TeamRecord } from './types.ts';

export interface ServiceContext {
  state: GovernanceState;
  audit: AuditService;
  clock: Clock;
  query: SpendQuery;
  /** Writes queued spend rows (reads of the ledger flush first so they see every settled request). */
  flush(): void;
  priceOf(model: string): { input: number; output: number } | undefined;
}

/** Validates with a strict schema; the first issue becomes a 400 naming its field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const keys = (issue as { keys?: string[] }).keys;
  const param = issue.code === 'unrecognized_keys' && keys !== undefined && keys.length > 0 ? keys[0]! : issue.path.map(String).join('.') || null;
  const message = issue.code === 'unrecognized_keys' ? `Unknown field ${param ?? ''}.` : `${param ?? 'body'}: ${issue.message}`;
  throw new GatewayError('ERR_BAD_REQUEST', message, { param });
}

export function notFound(what: string, id: string, param: string): GatewayError {
  return new GatewayError('ERR_NOT_FOUND', `${what} ${id} not found.`, { param });
}

export function conflict(what: string, id: string, param: string): GatewayError {
  return new GatewayError('ERR_CONFLICT', `${what} ${id} already exists.`, { param });
}

export function forbidden(message: string, param: string | null = null): GatewayError {
  return new GatewayError('ERR_ROUTE_FORBIDDEN', message, { param });
}

const VIEWER_ROLES = new Set(['proxy_admin_viewer', 'internal_user_viewer']);

/** Viewers write nothing, whatever the route table let through. */
export function assertWriter(actor: Actor): void {
  if (VIEWER_ROLES.has(actor.role) || actor.role === 'team' || actor.role === 'customer') throw forbidden(`Role ${actor.role} cannot change anything.`);
}

export function assertAdmin(actor: Actor): void {
  if (!isAdmin(actor)) throw forbidden('Only proxy admins may do this.');
}

export function assertReadAll(actor: Actor): void {
  if (!canReadAll(actor)) throw forbidden('Only proxy admins and admin viewers may read this.');
}

export function isOrgAdminOf(actor: Actor, orgId: string | null): boolean {
  return actor.role === 'org_admin' && orgId !== null && actor.org_id === orgId;
}

/** A team admin: a member with role admin (viewers never), or an org admin of the team's org. */
export function isTeamAdminOf(actor: Actor, team: TeamRecord | undefined): boolean {
  if (team === undefined || VIEWER_ROLES.has(actor.role)) return false;
  if (isOrgAdminOf(actor, team.organization_id)) return true;
  return actor.user_id !== null && team.members_with_roles.some((m) => m.user_id === actor.user_id && m.role === 'admin');
}

export function isTeamMember(actor: Actor, team: TeamRecord): boolean {
  return actor.user_id !== null && team.members_with_roles.some((m) => m.user_id === actor.user_id);
}

export function now(ctx: ServiceContext): string {
  return new Date(ctx.clock.now()).toISOString();
}

/** Query parameters as the page/page_size numbers of the list endpoints. */
export function paging(q: Readonly<Record<string, string | undefined>>, sizeName = 'page_size'): { page: number; size: number } {
  const page = Number(q.page ?? '1');
  const size = Number(q[sizeName] ?? '50');
  if (!Number.isInteger(page) || page < 1) throw new GatewayError('ERR_BAD_REQUEST', 'page must be a positive whole number.', { param: 'page' });
  if (!Number.isInteger(size) || size < 1 || size > 1000) throw new GatewayError('ERR_BAD_REQUEST', `${sizeName} must be a whole number from 1 to 1000.`, { param: sizeName });
  return { page, size };
}

/** Copies the defined fields of a patch onto a record (null clears, undefined leaves). */
export function applyPatch<T extends object>(rec: T, patch: Record<string, unknown>): T {
  const next = { ...rec } as Record<string, unknown>;
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) next[k] = v;
  return next as T;
}
