/** `/organization/*`: organizations and their members. Org admins manage only their own organization. */
import { randomUUID } from 'node:crypto';
import { orgDeleteSchema, orgMemberAddSchema, orgNewSchema, orgUpdateSchema } from '../../../src-shared/governance.ts';
import type { HandlerTable } from '../management/handlers.ts';
import { canReadAll, isAdmin, type Actor } from '../management/actor.ts';
import { applyPatch, assertAdmin, assertWriter, conflict, forbidden, isOrgAdminOf, notFound, now, parse, type ServiceContext } from './access.ts';
import { scopeOf } from './state.ts';
import { teamView } from './teams.ts';
import type { OrgRecord } from './types.ts';

export function orgView(ctx: ServiceContext, o: OrgRecord): OrgRecord & { teams: unknown[] } {
  const s = ctx.state;
  return { ...o, spend: s.book.spendOf(scopeOf.org(o.organization_id)), teams: [...s.teams.values()].filter((t) => t.organization_id === o.organization_id).map((t) => teamView(ctx, t)) };
}

export function orgHandlers(ctx: ServiceContext): HandlerTable {
  const s = ctx.state;
  const mayRead = (actor: Actor, o: OrgRecord): boolean => canReadAll(actor) || actor.org_id === o.organization_id || o.members.some((m) => m.user_id === actor.user_id);
  const mustManage = (id: string, actor: Actor): OrgRecord => {
    const o = s.orgs.get(id);
    if (o === undefined || !(isAdmin(actor) || isOrgAdminOf(actor, id))) throw notFound('Organization', id, 'organization_id');
    return o;
  };
  const checkBudget = (id: string | null | undefined): void => {
    if (id != null && !s.budgets.has(id)) throw notFound('Budget', id, 'budget_id');
  };

  return {
    'POST /organization/new': ({ body, actor }) => {
      assertAdmin(actor);
      const b = parse(orgNewSchema, body);
      const id = b.organization_id ?? randomUUID();
      if (s.orgs.has(id)) throw conflict('Organization', id, 'organization_id');
      checkBudget(b.budget_id);
      const at = now(ctx);
      const o: OrgRecord = {
        organization_id: id, organization_alias: b.organization_alias ?? id, models: b.models ?? [], budget_id: b.budget_id ?? null,
        max_budget: b.max_budget ?? null, soft_budget: b.soft_budget ?? null, spend: 0, budget_duration: b.budget_duration ?? null, budget_reset_at: null,
        rpm_limit: b.rpm_limit ?? null, tpm_limit: b.tpm_limit ?? null, max_parallel_requests: b.max_parallel_requests ?? null,
        members: [], metadata: b.metadata ?? {}, blocked: b.blocked ?? false, created_at: at, updated_at: at,
      };
      s.repos.transaction(() => {
        s.syncOrg(o, true);
        o.budget_reset_at = s.resetIsoOf(scopeOf.org(id));
        s.repos.orgs.insert(id, o);
        s.orgs.set(id, o);
      });
      ctx.audit.record(actor, 'organization.new', 'organization', id, null, o);
      return orgView(ctx, o);
    },

    'POST /organization/update': ({ body, actor }) => {
      assertWriter(actor);
      const b = parse(orgUpdateSchema, body);
      const o = mustManage(b.organization_id, actor);
      const { organization_id: _id, ...patch } = b;
      // An org admin may rename and annotate the org, not raise its own budget or limits.
      if (!isAdmin(actor)) {
        const field = (['models', 'max_budget', 'soft_budget', 'budget_duration', 'rpm_limit', 'tpm_limit', 'max_parallel_requests', 'budget_id', 'blocked'] as const).find((f) => patch[f] !== undefined);
        if (field !== undefined) throw forbidden(`Org admins cannot change ${field}; ask a proxy admin.`, field);
      }
      checkBudget(patch.budget_id);
      const next = applyPatch(o, { ...patch, updated_at: now(ctx) });
      if (patch.budget_duration !== undefined && patch.budget_duration !== o.budget_duration) next.budget_reset_at = null;
      s.repos.transaction(() => {
        s.orgs.set(o.organization_id, next);
        s.syncOrg(next);
        next.budget_reset_at = s.resetIsoOf(scopeOf.org(o.organization_id));
        s.repos.orgs.update(o.organization_id, next);
      });
      ctx.audit.record(actor, 'organization.update', 'organization', o.organization_id, o, next);
      return orgView(ctx, next);
    },

    'POST /organization/delete': ({ body, actor }) => {
      assertAdmin(actor);
      const b = parse(orgDeleteSchema, body);
      const targets = b.organization_ids.map((id) => mustManage(id, actor));
      s.repos.transaction(() => {
        for (const o of targets) {
          s.repos.orgs.delete(o.organization_id);
          s.orgs.delete(o.organization_id);
          s.removeScope(scopeOf.org(o.organization_id));
        }
      });
      for (const o of targets) ctx.audit.record(actor, 'organization.delete', 'organization', o.organization_id, o, null);
      return { deleted_organizations: targets.map((o) => o.organization_id) };
    },

    'POST /organization/member_add': ({ body, actor }) => {
      assertWriter(actor);
      const b = parse(orgMemberAddSchema, body);
      const o = mustManage(b.organization_id, actor);
      const members = (Array.isArray(b.member) ? b.member : [b.member]).map((m) => {
        const u = m.user_id !== undefined ? s.users.get(m.user_id) : [...s.users.values()].find((x) => x.user_email === m.user_email);
        if (u === undefined) throw notFound('User', m.user_id ?? m.user_email ?? '', 'member.user_id');
        return { user: u, role: m.role };
      });
      const before = { members: o.members };
      s.repos.transaction(() => {
        for (const { user, role } of members) {
          o.members = [...o.members.filter((m) => m.user_id !== user.user_id), { user_id: user.user_id, user_role: role }];
          // Membership sets the user's organization and, below proxy admin, their role in it.
          user.organization_id = o.organization_id;
          if (user.user_role !== 'proxy_admin' && user.user_role !== 'proxy_admin_viewer') user.user_role = role;
          s.repos.users.update(user.user_id, user);
        }
        o.updated_at = now(ctx);
        s.repos.orgs.update(o.organization_id, o);
      });
      ctx.audit.record(actor, 'organization.member_add', 'organization', o.organization_id, before, { members: o.members });
      return { organization_id: o.organization_id, updated_users: members.map((m) => m.user), members: o.members };
    },

    'GET /organization/info': ({ query, actor }) => {
      const id = query.organization_id ?? actor.org_id;
      const o = id == null ? undefined : s.orgs.get(id);
      if (o === undefined || !mayRead(actor, o)) throw notFound('Organization', id ?? '(none)', 'organization_id');
      return orgView(ctx, o);
    },

    'GET /organization/list': ({ actor }) => [...s.orgs.values()].filter((o) => mayRead(actor, o)).map((o) => orgView(ctx, o)),
  };
}
