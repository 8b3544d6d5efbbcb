/** `/user/*`: internal users (LiteLLM field names), their keys, teams and spend. */
import { randomUUID } from 'node:crypto';
import { userDeleteSchema, userNewSchema, userUpdateSchema } from '../../../src-shared/governance.ts';
import type { HandlerTable } from '../management/handlers.ts';
import { canReadAll, isAdmin, type Actor } from '../management/actor.ts';
import { viewOf } from '../management/keys.ts';
import { applyPatch, assertWriter, conflict, forbidden, isOrgAdminOf, notFound, now, paging, parse, type ServiceContext } from './access.ts';
import { scopeOf } from './state.ts';
import { teamView } from './teams.ts';
import type { UserRecord } from './types.ts';

export function userView(ctx: ServiceContext, u: UserRecord): UserRecord {
  return { ...u, spend: ctx.state.book.spendOf(scopeOf.user(u.user_id)) };
}

function canManage(actor: Actor, u: { organization_id: string | null; user_role: string }): boolean {
  if (isAdmin(actor)) return true;
  return isOrgAdminOf(actor, u.organization_id) && u.user_role !== 'proxy_admin' && u.user_role !== 'proxy_admin_viewer';
}

export function userHandlers(ctx: ServiceContext): HandlerTable {
  const s = ctx.state;
  const checkRefs = (b: { organization_id?: string | null | undefined; teams?: string[] | undefined }): void => {
    if (b.organization_id != null && !s.orgs.has(b.organization_id)) throw notFound('Organization', b.organization_id, 'organization_id');
    for (const t of b.teams ?? []) if (!s.teams.has(t)) throw notFound('Team', t, 'teams');
  };
  const joinTeams = (u: UserRecord, teamIds: readonly string[]): void => {
    for (const t of teamIds) {
      const team = s.teams.get(t)!;
      if (team.members_with_roles.some((m) => m.user_id === u.user_id)) continue;
      const m = { user_id: u.user_id, user_email: u.user_email, role: 'user' as const, max_budget_in_team: null, spend: 0, budget_reset_at: null };
      team.members_with_roles.push(m);
      s.repos.members.upsert(t, m);
      s.syncMember(team, m, true);
    }
  };

  return {
    'POST /user/new': ({ body, actor }) => {
      assertWriter(actor);
      const b = parse(userNewSchema, body);
      const id = b.user_id ?? randomUUID();
      if (s.users.has(id)) throw conflict('User', id, 'user_id');
      const orgId = b.organization_id ?? (isAdmin(actor) ? null : actor.org_id);
      const role = b.user_role ?? 'internal_user';
      if (!canManage(actor, { organization_id: orgId, user_role: role })) throw forbidden('You can only create users in your own organization.', 'organization_id');
      checkRefs({ ...b, organization_id: orgId });
      const at = now(ctx);
      const u: UserRecord = {
        user_id: id, user_email: b.user_email ?? null, user_alias: b.user_alias ?? null, user_role: role,
        max_budget: b.max_budget ?? null, soft_budget: b.soft_budget ?? null, spend: 0, budget_duration: b.budget_duration ?? null, budget_reset_at: null,
        models: b.models ?? [], rpm_limit: b.rpm_limit ?? null, tpm_limit: b.tpm_limit ?? null, max_parallel_requests: b.max_parallel_requests ?? null,
        teams: b.teams ?? [], organization_id: orgId, metadata: b.metadata ?? {}, blocked: b.blocked ?? false, created_at: at, updated_at: at,
      };
      s.repos.transaction(() => {
        s.syncUser(u, true);
        u.budget_reset_at = s.resetIsoOf(scopeOf.user(id));
        s.repos.users.insert(id, u);
        s.users.set(id, u);
        joinTeams(u, u.teams);
      });
      ctx.audit.record(actor, 'user.new', 'user', id, null, u);
      return userView(ctx, u);
    },

    'POST /user/update': ({ body, actor }) => {
      assertWriter(actor);
      const b = parse(userUpdateSchema, body);
      const u = s.users.get(b.user_id);
      if (u === undefined || !canManage(actor, u)) throw notFound('User', b.user_id, 'user_id');
      const { user_id: _id, ...patch } = b;
      const next = applyPatch(u, { ...patch, updated_at: now(ctx) });
      if (!canManage(actor, next)) throw forbidden('You cannot give this user that role or organization.', 'user_role');
      checkRefs(patch);
      if (patch.budget_duration !== undefined && patch.budget_duration !== u.budget_duration) next.budget_reset_at = null;
      next.spend = s.book.spendOf(scopeOf.user(u.user_id));
      s.repos.transaction(() => {
        s.users.set(u.user_id, next);
        s.syncUser(next);
        next.budget_reset_at = s.resetIsoOf(scopeOf.user(u.user_id));
        s.repos.users.update(u.user_id, next);
        if (patch.teams !== undefined) joinTeams(next, patch.teams);
      });
      ctx.audit.record(actor, 'user.update', 'user', u.user_id, u, next);
      return userView(ctx, next);
    },

    'POST /user/delete': ({ body, actor }) => {
      assertWriter(actor);
      const b = parse(userDeleteSchema, body);
      const targets = b.user_ids.map((id) => {
        const u = s.users.get(id);
        if (u === undefined || !canManage(actor, u)) throw notFound('User', id, 'user_ids');
        return u;
      });
      s.repos.transaction(() => {
        for (const u of targets) {
          for (const team of s.teams.values()) {
            const i = team.members_with_roles.findIndex((m) => m.user_id === u.user_id);
            if (i < 0) continue;
            team.members_with_roles.splice(i, 1);
            s.repos.members.delete(team.team_id, u.user_id);
            s.removeScope(scopeOf.member(team.team_id, u.user_id));
          }
          s.repos.users.delete(u.user_id);
          s.users.delete(u.user_id);
          s.removeScope(scopeOf.user(u.user_id));
        }
      });
      for (const u of targets) ctx.audit.record(actor, 'user.delete', 'user', u.user_id, u, null);
      return { deleted_users: targets.map((u) => u.user_id) };
    },

    'GET /user/info': ({ query, actor }) => {
      const id = query.user_id ?? actor.user_id;
      if (id === null || id === undefined) throw notFound('User', '(none)', 'user_id');
      const u = s.users.get(id);
      const mayRead = canReadAll(actor) || actor.user_id === id || (u !== undefined && isOrgAdminOf(actor, u.organization_id));
      if (u === undefined || !mayRead) throw notFound('User', id, 'user_id');
      const keys = [...s.keyIndex.values()].filter((k) => k.user_id === id).map(viewOf);
      const teams = [...s.teams.values()].filter((t) => t.members_with_roles.some((m) => m.user_id === id)).map((t) => teamView(ctx, t));
      return { user_id: id, user_info: userView(ctx, u), keys, teams };
    },

    'GET /user/list': ({ query, actor }) => {
      const { page, size } = paging(query);
      const all = [...s.users.values()]
        .filter((u) => canReadAll(actor) || isOrgAdminOf(actor, u.organization_id))
        .filter((u) => query.role === undefined || u.user_role === query.role)
        .filter((u) => query.organization_id === undefined || u.organization_id === query.organization_id)
        .sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.user_id < b.user_id ? -1 : 1));
      return { users: all.slice((page - 1) * size, page * size).map((u) => userView(ctx, u)), total: all.length, page, page_size: size, total_pages: Math.max(1, Math.ceil(all.length / size)) };
    },
  };
}
