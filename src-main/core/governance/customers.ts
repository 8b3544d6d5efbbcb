/** `/customer/*`: end users of requests (LiteLLM "customers"), their budgets and blocking. Proxy admins only. */
import { customerIdsSchema, customerNewSchema, customerUpdateSchema } from '../../../src-shared/governance.ts';
import type { HandlerTable } from '../management/handlers.ts';
import type { Actor } from '../management/actor.ts';
import { applyPatch, assertAdmin, assertReadAll, conflict, notFound, now, parse, type ServiceContext } from './access.ts';
import { scopeOf } from './state.ts';
import type { CustomerRecord } from './types.ts';

export function customerView(ctx: ServiceContext, c: CustomerRecord): CustomerRecord & { end_user_id: string; litellm_budget_table: unknown } {
  const b = c.budget_id === null ? null : ctx.state.budgets.get(c.budget_id) ?? null;
  return { ...c, end_user_id: c.user_id, spend: ctx.state.book.spendOf(scopeOf.customer(c.user_id)), litellm_budget_table: b };
}

export function customerHandlers(ctx: ServiceContext): HandlerTable {
  const s = ctx.state;
  const checkBudget = (id: string | null | undefined): void => {
    if (id != null && !s.budgets.has(id)) throw notFound('Budget', id, 'budget_id');
  };
  const mustAll = (ids: readonly string[]): CustomerRecord[] => ids.map((id) => {
    const c = s.customers.get(id);
    if (c === undefined) throw notFound('Customer', id, 'user_ids');
    return c;
  });
  const setBlocked = (blocked: boolean) => ({ body, actor }: { body: unknown; actor: Actor }) => {
    assertAdmin(actor);
    const targets = mustAll(parse(customerIdsSchema, body).user_ids);
    const at = now(ctx);
    s.repos.transaction(() => {
      for (const c of targets) {
        c.blocked = blocked;
        c.updated_at = at;
        s.repos.customers.update(c.user_id, c);
      }
    });
    for (const c of targets) ctx.audit.record(actor, blocked ? 'customer.block' : 'customer.unblock', 'customer', c.user_id, { blocked: !blocked }, { blocked });
    return { [blocked ? 'blocked_users' : 'unblocked_users']: targets.map((c) => c.user_id) };
  };

  return {
    'POST /customer/new': ({ body, actor }) => {
      assertAdmin(actor);
      const b = parse(customerNewSchema, body);
      if (s.customers.has(b.user_id)) throw conflict('Customer', b.user_id, 'user_id');
      checkBudget(b.budget_id);
      const at = now(ctx);
      const c: CustomerRecord = {
        user_id: b.user_id, alias: b.alias ?? null, blocked: b.blocked ?? false, budget_id: b.budget_id ?? null,
        max_budget: b.max_budget ?? null, soft_budget: b.soft_budget ?? null, spend: 0, budget_duration: b.budget_duration ?? null, budget_reset_at: null,
        rpm_limit: b.rpm_limit ?? null, tpm_limit: b.tpm_limit ?? null, max_parallel_requests: b.max_parallel_requests ?? null,
        allowed_model_region: b.allowed_model_region ?? null, default_model: b.default_model ?? null, models: b.models ?? [], metadata: b.metadata ?? {},
        created_at: at, updated_at: at,
      };
      // An end user seen before creation (default end-user budget) keeps the spend it already has.
      const scope = scopeOf.customer(c.user_id);
      const prior = s.book.hasScope(scope) ? s.book.spendOf(scope) : 0;
      c.spend = prior;
      s.repos.transaction(() => {
        s.removeScope(scope);
        s.syncCustomer(c, true);
        c.budget_reset_at = s.resetIsoOf(scope);
        s.repos.customers.insert(c.user_id, c);
        s.customers.set(c.user_id, c);
      });
      ctx.audit.record(actor, 'customer.new', 'customer', c.user_id, null, c);
      return customerView(ctx, c);
    },

    'POST /customer/update': ({ body, actor }) => {
      assertAdmin(actor);
      const b = parse(customerUpdateSchema, body);
      const c = s.customers.get(b.user_id);
      if (c === undefined) throw notFound('Customer', b.user_id, 'user_id');
      checkBudget(b.budget_id);
      const { user_id: _id, ...patch } = b;
      const next = applyPatch(c, { ...patch, updated_at: now(ctx) });
      if (patch.budget_duration !== undefined && patch.budget_duration !== c.budget_duration) next.budget_reset_at = null;
      s.repos.transaction(() => {
        s.customers.set(c.user_id, next);
        s.syncCustomer(next);
        next.budget_reset_at = s.resetIsoOf(scopeOf.customer(c.user_id));
        s.repos.customers.update(c.user_id, next);
      });
      ctx.audit.record(actor, 'customer.update', 'customer', c.user_id, c, next);
      return customerView(ctx, next);
    },

    'POST /customer/delete': ({ body, actor }) => {
      assertAdmin(actor);
      const targets = mustAll(parse(customerIdsSchema, body).user_ids);
      s.repos.transaction(() => {
        for (const c of targets) {
          s.repos.customers.delete(c.user_id);
          s.customers.delete(c.user_id);
          s.removeScope(scopeOf.customer(c.user_id));
        }
      });
      for (const c of targets) ctx.audit.record(actor, 'customer.delete', 'customer', c.user_id, c, null);
      return { deleted_customers: targets.map((c) => c.user_id) };
    },

    'POST /customer/block': setBlocked(true),
    'POST /customer/unblock': setBlocked(false),

    'GET /customer/info': ({ query, actor }) => {
      assertReadAll(actor);
      const id = query.end_user_id ?? query.user_id;
      const c = id === undefined ? undefined : s.customers.get(id);
      if (c === undefined) throw notFound('Customer', id ?? '(none)', 'end_user_id');
      return customerView(ctx, c);
    },

    'GET /customer/list': ({ actor }) => {
      assertReadAll(actor);
      return [...s.customers.values()].map((c) => customerView(ctx, c));
    },
  };
}
