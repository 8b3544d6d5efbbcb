/**
 * `/team/*`: teams, their members with roles (admin | user), per-member budgets and team blocking.
 * Team admins manage their team's members (and, through the KeyService hook, its keys) but cannot
 * raise the team's own limits, change its organization or unblock it: that takes an org admin.
 */
import { randomUUID } from 'node:crypto';
import { teamBlockSchema, teamDeleteSchema, teamMemberAddSchema, teamMemberDeleteSchema, teamNewSchema, teamUpdateSchema } from '../../../src-shared/governance.ts';
import type { TeamMemberInput } from '../../../src-shared/governance.ts';
import type { HandlerTable } from '../management/handlers.ts';
import { canReadAll, isAdmin, type Actor } from '../management/actor.ts';
import { viewOf } from '../management/keys.ts';
import { applyPatch, assertWriter, conflict, forbidden, isOrgAdminOf, isTeamAdminOf, isTeamMember, notFound, now, parse, type ServiceContext } from './access.ts';
import { scopeOf } from './state.ts';
import type { TeamMember, TeamRecord } from './types.ts';

/** Fields only org admins and proxy admins may change (a team admin must not raise their own limits). */
const ORG_ONLY_FIELDS = ['organization_id', 'models', 'max_budget', 'soft_budget', 'budget_duration', 'rpm_limit', 'tpm_limit', 'max_parallel_requests', 'team_member_budget', 'team_member_rpm_limit', 'team_member_tpm_limit', 'blocked'] as const;

export function teamView(ctx: ServiceContext, t: TeamRecord): TeamRecord {
  const book = ctx.state.book;
  return {
    ...t,
    spend: book.spendOf(scopeOf.team(t.team_id)),
    members_with_roles: t.members_with_roles.map((m) => ({ ...m, spend: book.spendOf(scopeOf.member(t.team_id, m.user_id)) })),
  };
}

function canAdministerOrg(actor: Actor, orgId: string | null): boolean {
  return isAdmin(actor) || isOrgAdminOf(actor, orgId);
}

export function teamHandlers(ctx: ServiceContext): HandlerTable {
  const s = ctx.state;

  const resolveMember = (m: TeamMemberInput, maxBudget: number | null): TeamMember => {
    const user = m.user_id !== undefined ? s.users.get(m.user_id) : [...s.users.values()].find((u) => u.user_email === m.user_email);
    if (user === undefined) throw notFound('User', m.user_id ?? m.user_email ?? '', 'member.user_id');
    return { user_id: user.user_id, user_email: user.user_email, role: m.role, max_budget_in_team: maxBudget, spend: 0, budget_reset_at: null };
  };
  const mustTeam = (id: string, actor: Actor, manage: boolean): TeamRecord => {
    const t = s.teams.get(id);
    const ok = t !== undefined && (manage ? isAdmin(actor) || isTeamAdminOf(actor, t) : canReadAll(actor) || isTeamAdminOf(actor, t) || isTeamMember(actor, t));
    if (!ok) throw notFound('Team', id, 'team_id');
    return t;
  };
  const addMembers = (t: TeamRecord, members: TeamMember[]): void => {
    for (const m of members) {
      const i = t.members_with_roles.findIndex((x) => x.user_id === m.user_id);
      if (i >= 0) t.members_with_roles[i] = { ...t.members_with_roles[i]!, role: m.role, max_budget_in_team: m.max_budget_in_team ?? t.members_with_roles[i]!.max_budget_in_team };
      else t.members_with_roles.push(m);
      const stored = t.members_with_roles[i >= 0 ? i : t.members_with_roles.length - 1]!;
      s.repos.members.upsert(t.team_id, stored);
      s.syncMember(t, stored, i < 0);
      const u = s.users.get(m.user_id);
      if (u !== undefined && !u.teams.includes(t.team_id)) {
        u.teams = [...u.teams, t.team_id];
        s.repos.users.update(u.user_id, u);
      }
    }
  };
  const setBlocked = (blocked: boolean) => ({ body, actor }: { body: unknown; actor: Actor }) => {
    assertWriter(actor);
    const b = parse(teamBlockSchema, body);
    const t = s.teams.get(b.team_id);
    if (t === undefined || !(canAdministerOrg(actor, t.organization_id) || (blocked && isTeamAdminOf(actor, t)))) throw notFound('Team', b.team_id, 'team_id');
    const before = t.blocked;
    t.blocked = blocked;
    t.updated_at = now(ctx);
    s.repos.teams.update(t.team_id, t);
    ctx.audit.record(actor, blocked ? 'team.block' : 'team.unblock', 'team', t.team_id, { blocked: before }, { blocked });
    return teamView(ctx, t);
  };

  return {
    'POST /team/new': ({ body, actor }) => {
      assertWriter(actor);
      const b = parse(teamNewSchema, body);
      const id = b.team_id ?? randomUUID();
      if (s.teams.has(id)) throw conflict('Team', id, 'team_id');
      const orgId = b.organization_id ?? (isAdmin(actor) ? null : actor.org_id);
      if (!canAdministerOrg(actor, orgId)) throw forbidden('You can only create teams in your own organization.', 'organization_id');
      if (orgId !== null && !s.orgs.has(orgId)) throw notFound('Organization', orgId, 'organization_id');
      const members = (b.members_with_roles ?? []).map((m) => resolveMember(m, null));
      const at = now(ctx);
      const t: TeamRecord = {
        team_id: id, team_alias: b.team_alias ?? null, organization_id: orgId, members_with_roles: [], models: b.models ?? [],
        max_budget: b.max_budget ?? null, soft_budget: b.soft_budget ?? null, spend: 0, budget_duration: b.budget_duration ?? null, budget_reset_at: null,
        rpm_limit: b.rpm_limit ?? null, tpm_limit: b.tpm_limit ?? null, max_parallel_requests: b.max_parallel_requests ?? null,
        team_member_budget: b.team_member_budget ?? null, team_member_rpm_limit: b.team_member_rpm_limit ?? null, team_member_tpm_limit: b.team_member_tpm_limit ?? null,
        blocked: b.blocked ?? false, metadata: b.metadata ?? {}, created_at: at, updated_at: at,
      };
      s.repos.transaction(() => {
        s.syncTeam(t, true);
        t.budget_reset_at = s.resetIsoOf(scopeOf.team(id));
        s.repos.teams.insert(id, t);
        s.teams.set(id, t);
        addMembers(t, members);
      });
      ctx.audit.record(actor, 'team.new', 'team', id, null, t);
      return teamView(ctx, t);
    },

    'POST /team/update': ({ body, actor }) => {
      assertWriter(actor);
      const b = parse(teamUpdateSchema, body);
      const t = mustTeam(b.team_id, actor, true);
      const { team_id: _id, ...patch } = b;
      if (!canAdministerOrg(actor, t.organization_id)) {
        const field = ORG_ONLY_FIELDS.find((f) => patch[f] !== undefined);
        if (field !== undefined) throw forbidden(`Team admins cannot change ${field}; ask an org or proxy admin.`, field);
      }
      if (patch.organization_id != null && !s.orgs.has(patch.organization_id)) throw notFound('Organization', patch.organization_id, 'organization_id');
      if (patch.organization_id !== undefined && !canAdministerOrg(actor, patch.organization_id)) throw forbidden('You can only move teams into your own organization.', 'organization_id');
      const next = applyPatch(t, { ...patch, updated_at: now(ctx) });
      if (patch.budget_duration !== undefined && patch.budget_duration !== t.budget_duration) next.budget_reset_at = null;
      s.repos.transaction(() => {
        s.teams.set(t.team_id, next);
        s.syncTeam(next);
        next.budget_reset_at = s.resetIsoOf(scopeOf.team(t.team_id));
        s.repos.teams.update(t.team_id, next);
      });
      ctx.audit.record(actor, 'team.update', 'team', t.team_id, t, next);
      return teamView(ctx, next);
    },

    'POST /team/delete': ({ body, actor }) => {
      assertWriter(actor);
      const b = parse(teamDeleteSchema, body);
      const targets = b.team_ids.map((id) => {
        const t = s.teams.get(id);
        if (t === undefined || !canAdministerOrg(actor, t.organization_id)) throw notFound('Team', id, 'team_ids');
        return t;
      });
      s.repos.transaction(() => {
        for (const t of targets) {
          s.repos.teams.delete(t.team_id);
          s.teams.delete(t.team_id);
          s.removeScope(scopeOf.team(t.team_id));
          for (const m of t.members_with_roles) {
            s.removeScope(scopeOf.member(t.team_id, m.user_id));
            const u = s.users.get(m.user_id);
            if (u !== undefined) {
              u.teams = u.teams.filter((x) => x !== t.team_id);
              s.repos.users.update(u.user_id, u);
            }
          }
        }
      });
      for (const t of targets) ctx.audit.record(actor, 'team.delete', 'team', t.team_id, t, null);
      return { deleted_teams: targets.map((t) => t.team_id) };
    },

    'POST /team/member_add': ({ body, actor }) => {
      assertWriter(actor);
      const b = parse(teamMemberAddSchema, body);
      const t = mustTeam(b.team_id, actor, true);
      if (b.max_budget_in_team != null && !canAdministerOrg(actor, t.organization_id) && t.team_member_budget !== null && b.max_budget_in_team > t.team_member_budget) {
        throw forbidden('Team admins cannot give a member more than team_member_budget.', 'max_budget_in_team');
      }
      const members = (Array.isArray(b.member) ? b.member : [b.member]).map((m) => resolveMember(m, b.max_budget_in_team ?? null));
      const before = teamView(ctx, t);
      s.repos.transaction(() => {
        addMembers(t, members);
        t.updated_at = now(ctx);
        s.repos.teams.update(t.team_id, t);
      });
      ctx.audit.record(actor, 'team.member_add', 'team', t.team_id, { members_with_roles: before.members_with_roles }, { members_with_roles: t.members_with_roles });
      return { team_id: t.team_id, updated_users: members.map((m) => s.users.get(m.user_id)), team_info: teamView(ctx, t) };
    },

    'POST /team/member_delete': ({ body, actor }) => {
      assertWriter(actor);
      const b = parse(teamMemberDeleteSchema, body);
      const t = mustTeam(b.team_id, actor, true);
      const i = t.members_with_roles.findIndex((m) => (b.user_id !== undefined ? m.user_id === b.user_id : m.user_email === b.user_email || s.users.get(m.user_id)?.user_email === b.user_email));
      if (i < 0) throw notFound('Team member', b.user_id ?? b.user_email ?? '', 'user_id');
      const [m] = t.members_with_roles.splice(i, 1);
      s.repos.transaction(() => {
        s.repos.members.delete(t.team_id, m!.user_id);
        const u = s.users.get(m!.user_id);
        if (u !== undefined) {
          u.teams = u.teams.filter((x) => x !== t.team_id);
          s.repos.users.update(u.user_id, u);
        }
        t.updated_at = now(ctx);
        s.repos.teams.update(t.team_id, t);
      });
      s.removeScope(scopeOf.member(t.team_id, m!.user_id));
      ctx.audit.record(actor, 'team.member_delete', 'team', t.team_id, m, null);
      return teamView(ctx, t);
    },

    'POST /team/block': setBlocked(true),
    'POST /team/unblock': setBlocked(false),

    'GET /team/info': ({ query, actor }) => {
      const id = query.team_id;
      if (id === undefined) throw notFound('Team', '(none)', 'team_id');
      const t = mustTeam(id, actor, false);
      return { team_id: id, team_info: teamView(ctx, t), keys: [...s.keyIndex.values()].filter((k) => k.team_id === id).map(viewOf) };
    },

    'GET /team/list': ({ query, actor }) =>
      [...s.teams.values()]
        .filter((t) => canReadAll(actor) || isOrgAdminOf(actor, t.organization_id) || isTeamMember(actor, t))
        .filter((t) => (query.organization_id === undefined || t.organization_id === query.organization_id) && (query.user_id === undefined || t.members_with_roles.some((m) => m.user_id === query.user_id)))
        .sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.team_id < b.team_id ? -1 : 1))
        .map((t) => teamView(ctx, t)),
  };
}
