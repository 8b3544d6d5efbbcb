/** `/budget/*`: reusable budgets that customers and organizations reference by budget_id. Proxy admins only. */
import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../../src-shared/errors.ts';
import { budgetDeleteSchema, budgetNewSchema, budgetUpdateSchema } from '../../../src-shared/governance.ts';
import type { HandlerTable } from '../management/handlers.ts';
import { applyPatch, assertAdmin, assertReadAll, conflict, notFound, now, parse, type ServiceContext } from './access.ts';
import type { BudgetRecord } from './types.ts';

function normalise(v: Record<string, number | { budget_limit: number; time_period?: string | undefined }> | null | undefined): BudgetRecord['model_max_budget'] {
  if (v == null) return null;
  const out: NonNullable<BudgetRecord['model_max_budget']> = {};
  for (const [m, b] of Object.entries(v)) out[m] = typeof b === 'number' ? { budget_limit: b } : { budget_limit: b.budget_limit, ...(b.time_period ? { time_period: b.time_period } : {}) };
  return out;
}

export function budgetHandlers(ctx: ServiceContext): HandlerTable {
  const s = ctx.state;
  /** Re-registers every holder of a budget so a change applies to the next request. */
  const resync = (budgetId: string): void => {
    for (const c of s.customers.values()) if (c.budget_id === budgetId) s.syncCustomer(c);
    for (const o of s.orgs.values()) if (o.budget_id === budgetId) s.syncOrg(o);
  };
  return {
    'POST /budget/new': ({ body, actor }) => {
      assertAdmin(actor);
      const b = parse(budgetNewSchema, body);
      const id = b.budget_id ?? randomUUID();
      if (s.budgets.has(id)) throw conflict('Budget', id, 'budget_id');
      const at = now(ctx);
      const rec: BudgetRecord = {
        budget_id: id, max_budget: b.max_budget ?? null, soft_budget: b.soft_budget ?? null, budget_duration: b.budget_duration ?? null,
        rpm_limit: b.rpm_limit ?? null, tpm_limit: b.tpm_limit ?? null, max_parallel_requests: b.max_parallel_requests ?? null,
        model_max_budget: normalise(b.model_max_budget), created_at: at, updated_at: at,
      };
      s.repos.budgets.insert(id, rec);
      s.budgets.set(id, rec);
      ctx.audit.record(actor, 'budget.new', 'budget', id, null, rec);
      return rec;
    },
    'POST /budget/update': ({ body, actor }) => {
      assertAdmin(actor);
      const b = parse(budgetUpdateSchema, body);
      const rec = s.budgets.get(b.budget_id);
      if (rec === undefined) throw notFound('Budget', b.budget_id, 'budget_id');
      const { budget_id: _id, model_max_budget, ...patch } = b;
      const next = applyPatch(rec, { ...patch, ...(model_max_budget === undefined ? {} : { model_max_budget: normalise(model_max_budget) }), updated_at: now(ctx) });
      s.repos.budgets.update(rec.budget_id, next);
      s.budgets.set(rec.budget_id, next);
      resync(rec.budget_id);
      ctx.audit.record(actor, 'budget.update', 'budget', rec.budget_id, rec, next);
      return next;
    },
    'POST /budget/delete': ({ body, actor }) => {
      assertAdmin(actor);
      const { id } = parse(budgetDeleteSchema, body);
      const rec = s.budgets.get(id);
      if (rec === undefined) throw notFound('Budget', id, 'id');
      const user = [...s.customers.values()].find((c) => c.budget_id === id) ?? [...s.orgs.values()].find((o) => o.budget_id === id);
      if (user !== undefined) throw new GatewayError('ERR_CONFLICT', `Budget ${id} is still used; move its customers and organizations first.`, { param: 'id' });
      s.repos.budgets.delete(id);
      s.budgets.delete(id);
      ctx.audit.record(actor, 'budget.delete', 'budget', id, rec, null);
      return { deleted_budget: id };
    },
    'GET /budget/info': ({ query, actor }) => {
      assertReadAll(actor);
      const rec = query.budget_id === undefined ? undefined : s.budgets.get(query.budget_id);
      if (rec === undefined) throw notFound('Budget', query.budget_id ?? '(none)', 'budget_id');
      return rec;
    },
    'GET /budget/list': ({ actor }) => {
      assertReadAll(actor);
      return [...s.budgets.values()];
    },
  };
}
