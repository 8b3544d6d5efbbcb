/**
 * The Governor (policy/governor.ts port) over the in-memory governance state: blocked and
 * model-access checks of teams, users and customers, then admission by budget reservation in
 * every scope (key, key+model, user, team, team member, organization, customer, global) and rate
 * limits (key, key+model, user, team, team member, customer, identity narrowing), all through the
 * counters module. Settling records real cost everywhere, queues a spend log row and reports
 * soft-budget crossings. Everything here is synchronous and touches no disk.
 */
import { GatewayError } from '../../../src-shared/errors.ts';
import type { Principal } from '../auth/index.ts';
import type { KeyRecord } from '../store/index.ts';
import type { Governor, Ticket, AdmitInput, SettleInput } from '../policy/index.ts';
import { modelAllowed, type ModelFacts } from '../policy/index.ts';
import type { Admission, RateLimitSpec, Reservation, SoftBudgetCrossing } from '../counters/index.ts';
import type { SpendLogRow } from '../ledger/index.ts';
import { GLOBAL_SCOPE, scopeOf, type GovernanceState } from './state.ts';

export interface GovernorSinks {
  /** Queues a spend log row (the ledger's writer). */
  log(row: SpendLogRow): void;
  /** A soft budget was crossed (webhook + audit row); must not block. */
  softBudget(crossing: SoftBudgetCrossing, requestId: string): void;
  /** Adds settled cost to today's total. */
  spent(cost: number, at: number): void;
}

const NO_LIMIT = (spec: RateLimitSpec): boolean => spec.rpm == null && spec.tpm == null && spec.maxParallel == null;

function customerIdOf(principal: Principal, endUserId: string | null): string | null {
  return endUserId ?? principal.end_user_id ?? null;
}

export class GovernanceGovernor implements Governor {
  private readonly s: GovernanceState;
  private readonly sinks: GovernorSinks;

  constructor(state: GovernanceState, sinks: GovernorSinks) {
    this.s = state;
    this.sinks = sinks;
  }

  checkBlocked(principal: Principal, endUserId: string | null): void {
    const teamId = principal.team_id;
    if (teamId !== null && this.s.teams.get(teamId)?.blocked === true) {
      throw new GatewayError('ERR_BLOCKED', `Team ${teamId} is blocked.`, { param: 'team_id' });
    }
    if (principal.user_id !== null && this.s.users.get(principal.user_id)?.blocked === true) {
      throw new GatewayError('ERR_BLOCKED', `User ${principal.user_id} is blocked.`, { param: 'user_id' });
    }
    const orgId = principal.org_id ?? (teamId === null ? null : this.s.teams.get(teamId)?.organization_id ?? null)
      ?? (principal.user_id === null ? null : this.s.users.get(principal.user_id)?.organization_id ?? null);
    if (orgId !== null && this.s.orgs.get(orgId)?.blocked === true) {
      throw new GatewayError('ERR_BLOCKED', `Organization ${orgId} is blocked.`, { param: 'organization_id' });
    }
    const customer = customerIdOf(principal, endUserId);
    if (customer !== null && this.s.customers.get(customer)?.blocked === true) {
      throw new GatewayError('ERR_BLOCKED', `Customer ${customer} is blocked.`, { param: 'user' });
    }
  }

  checkModelAccess(principal: Principal, key: KeyRecord | undefined, model: ModelFacts, endUserId: string | null): void {
    const teamId = principal.team_id ?? key?.team_id ?? null;
    const team = teamId === null ? undefined : this.s.teams.get(teamId);
    if (team !== undefined && !modelAllowed(team.models, model)) {
      throw new GatewayError('ERR_TEAM_MODEL_ACCESS_DENIED', `Team ${team.team_alias ?? team.team_id} may not use model ${model.name}.`, { param: 'model' });
    }
    const userId = principal.user_id ?? key?.user_id ?? null;
    const user = userId === null ? undefined : this.s.users.get(userId);
    const orgId = principal.org_id ?? key?.organization_id ?? team?.organization_id ?? user?.organization_id ?? null;
    const org = orgId === null ? undefined : this.s.orgs.get(orgId);
    if (org !== undefined && !modelAllowed(org.models, model)) {
      throw new GatewayError('ERR_TEAM_MODEL_ACCESS_DENIED', `Organization ${org.organization_alias} may not use model ${model.name}.`, { param: 'model' });
    }
    // As LiteLLM: a user's own model list governs personal keys; a team key is governed by its team.
    if (user !== undefined && team === undefined && !modelAllowed(user.models, model)) {
      throw new GatewayError('ERR_USER_MODEL_ACCESS_DENIED', `User ${user.user_id} may not use model ${model.name}.`, { param: 'model' });
    }
    const customerId = customerIdOf(principal, endUserId);
    const customer = customerId === null ? undefined : this.s.customers.get(customerId);
    if (customer !== undefined && !modelAllowed(customer.models, model)) {
      throw new GatewayError('ERR_CUSTOMER_MODEL_ACCESS_DENIED', `Customer ${customer.user_id} may not use model ${model.name}.`, { param: 'model' });
    }
  }

  admit(input: AdmitInput): Ticket {
    const s = this.s;
    const { principal, key, model } = input;
    const now = s.clock.now();
    const due = s.scheduler.nextDueAt();
    if (due !== null && due <= now) s.runResets(now);

    const userId = principal.user_id ?? key?.user_id ?? null;
    const teamId = principal.team_id ?? key?.team_id ?? null;
    const team = teamId === null ? undefined : s.teams.get(teamId);
    const user = userId === null ? undefined : s.users.get(userId);
    // A personal key of an org member spends the org's budget (as does any principal whose user has one).
    const orgId = principal.org_id ?? key?.organization_id ?? team?.organization_id ?? user?.organization_id ?? null;
    const customerId = customerIdOf(principal, input.endUserId);
    const customer = customerId === null ? undefined : s.customers.get(customerId);
    const member = team !== undefined && userId !== null ? team.members_with_roles.find((m) => m.user_id === userId) : undefined;

    // Budgets: every scope the book knows; unknown ids are ignored by the book.
    const scopes: string[] = [GLOBAL_SCOPE];
    if (key !== undefined) {
      if (!s.book.hasScope(scopeOf.key(key.key_id))) s.syncKey(key, true);
      else s.refreshKeyMax(key, now);
      scopes.push(scopeOf.key(key.key_id));
      if (key.model_max_budget?.[model] !== undefined) scopes.push(scopeOf.keyModel(key.key_id, model));
    }
    if (user !== undefined) scopes.push(scopeOf.user(user.user_id));
    if (team !== undefined) {
      scopes.push(scopeOf.team(team.team_id));
      if (member !== undefined) scopes.push(scopeOf.member(team.team_id, member.user_id));
    }
    if (orgId !== null && s.orgs.has(orgId)) scopes.push(scopeOf.org(orgId));
    if (customerId !== null) {
      const cs = customer !== undefined ? scopeOf.customer(customerId) : s.ensureUnknownCustomer(customerId);
      if (cs !== null) scopes.push(cs);
    }
    const cost = input.worstCaseCost;
    if (cost > 0 && principal.max_budget !== undefined) {
      // The scope it was checked against is reserved and settled like the others (an `identity:` one included).
      const idScope = this.checkIdentityBudget(principal, key, user !== undefined ? scopeOf.user(user.user_id) : null);
      if (!scopes.includes(idScope)) scopes.push(idScope);
    }
    // Zero-cost models skip budgets (the book skips checks for 0) but still record spend rows.
    const reservation = s.book.reserve(scopes, cost > 0 ? cost : 0);

    // Rate limits.
    const specs: RateLimitSpec[] = [];
    if (key !== undefined) {
      specs.push({ scope: scopeOf.key(key.key_id), level: 'key', rpm: key.rpm_limit, tpm: key.tpm_limit, maxParallel: key.max_parallel_requests });
      const mr = key.model_rpm_limit?.[model];
      const mt = key.model_tpm_limit?.[model];
      if (mr !== undefined || mt !== undefined) specs.push({ scope: scopeOf.keyModel(key.key_id, model), level: `key model ${model}`, rpm: mr ?? null, tpm: mt ?? null });
    }
    if (user !== undefined) specs.push({ scope: scopeOf.user(user.user_id), level: 'user', rpm: user.rpm_limit, tpm: user.tpm_limit, maxParallel: user.max_parallel_requests });
    if (team !== undefined) {
      specs.push({ scope: scopeOf.team(team.team_id), level: 'team', rpm: team.rpm_limit, tpm: team.tpm_limit, maxParallel: team.max_parallel_requests });
      if (member !== undefined) specs.push({ scope: scopeOf.member(team.team_id, member.user_id), level: 'team member', rpm: team.team_member_rpm_limit, tpm: team.team_member_tpm_limit });
    }
    if (customerId !== null) {
      const b = s.customerBudget(customer);
      specs.push({ scope: scopeOf.customer(customerId), level: 'customer', rpm: b.rpm, tpm: b.tpm, maxParallel: b.parallel });
    }
    if (principal.rpm_limit !== undefined || principal.tpm_limit !== undefined) {
      specs.push({ scope: `identity:${principal.method}:${principal.user_id ?? principal.display}`, level: 'identity', rpm: principal.rpm_limit ?? null, tpm: principal.tpm_limit ?? null });
    }
    const active = specs.filter((x) => !NO_LIMIT(x));
    let admission: Admission | null = null;
    if (active.length > 0) {
      try {
        admission = s.limiter.admit(active, input.worstCaseTokens);
      } catch (err) {
        reservation.release();
        throw err;
      }
    }
    return new GovernedTicket(this.s, this.sinks, input, reservation, admission, { userId, teamId, orgId, customerId, key, start: now });
  }

  /**
   * Identity narrowing (custom auth, oauth2-proxy headers): principal.max_budget against the user's
   * (else the key's, else the identity's own) committed spend plus reservations. Returns that scope.
   */
  private checkIdentityBudget(principal: Principal, key: KeyRecord | undefined, userScope: string | null): string {
    const limit = principal.max_budget!;
    const scope = userScope ?? (key !== undefined ? scopeOf.key(key.key_id) : null)
      ?? this.s.ensureIdentityScope(`identity:${principal.method}:${principal.user_id ?? principal.display}`, principal.display);
    const spend = this.s.book.spendOf(scope);
    const inflight = this.s.book.inflightOf(scope);
    if (spend + inflight >= limit) {
      const reserved = inflight > 0 ? ` (${Number(inflight.toFixed(6))} USD reserved by requests in flight)` : '';
      throw new GatewayError('ERR_BUDGET_EXCEEDED', `Budget exceeded for identity '${principal.display}': spend ${Number(spend.toFixed(6))} USD, max_budget ${limit} USD${reserved}`);
    }
    return scope;
  }
}

interface TicketContext {
  userId: string | null;
  teamId: string | null;
  orgId: string | null;
  customerId: string | null;
  key: KeyRecord | undefined;
  start: number;
}

class GovernedTicket implements Ticket {
  private done = false;
  private readonly s: GovernanceState;
  private readonly sinks: GovernorSinks;
  private readonly input: AdmitInput;
  private readonly reservation: Reservation;
  private readonly admission: Admission | null;
  private readonly ctx: TicketContext;

  constructor(s: GovernanceState, sinks: GovernorSinks, input: AdmitInput, reservation: Reservation, admission: Admission | null, ctx: TicketContext) {
    this.s = s;
    this.sinks = sinks;
    this.input = input;
    this.reservation = reservation;
    this.admission = admission;
    this.ctx = ctx;
  }

  headers(): Record<string, string> {
    return this.admission?.headers() ?? {};
  }

  settle(result: SettleInput): void {
    if (this.done) return;
    this.done = true;
    const cost = Number.isFinite(result.cost) && result.cost > 0 ? result.cost : 0;
    const total = Math.max(0, result.usage.prompt_tokens + result.usage.completion_tokens);
    this.admission?.release(Number.isFinite(total) ? total : 0);
    const crossings = this.reservation.settle(cost);
    const key = this.ctx.key === undefined ? undefined : this.s.keyIndex.byKeyId(this.ctx.key.key_id);
    if (key !== undefined && cost > 0) {
      key.spend = this.s.book.spendOf(scopeOf.key(key.key_id));
      const model = this.input.model;
      key.model_spend[model] = (key.model_spend[model] ?? 0) + cost;
      this.s.dirty.add(scopeOf.key(key.key_id));
    }
    const end = this.s.clock.now();
    this.sinks.spent(cost, end);
    this.log(result.status, cost, result.usage, result.latencyMs, result.deploymentModel, result.streamed, result.aborted, end);
    for (const c of crossings) this.sinks.softBudget(c, this.input.requestId);
  }

  release(status: number, latencyMs: number): void {
    if (this.done) return;
    this.done = true;
    this.admission?.release(0);
    this.reservation.release();
    this.log(status, 0, { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 }, latencyMs, this.input.model, false, false, this.s.clock.now());
  }

  private log(status: number, cost: number, usage: SettleInput['usage'], latencyMs: number, deploymentModel: string, streamed: boolean, aborted: boolean, end: number): void {
    const key = this.ctx.key;
    this.sinks.log({
      request_id: this.input.requestId,
      key_id: key?.key_id ?? null,
      key_name: key?.key_name ?? null,
      key_alias: key?.key_alias ?? null,
      user_id: this.ctx.userId,
      team_id: this.ctx.teamId,
      org_id: this.ctx.orgId,
      end_user: this.ctx.customerId,
      model: this.input.model,
      deployment_model: deploymentModel,
      prompt_tokens: usage.prompt_tokens,
      completion_tokens: usage.completion_tokens,
      total_tokens: usage.prompt_tokens + usage.completion_tokens,
      spend: cost,
      // The client leaving is 'aborted' whatever status the gateway recorded (499 before the answer began).
      status: aborted ? 'aborted' : status >= 200 && status < 400 ? 'success' : 'failure',
      latency_ms: Math.max(0, Math.round(latencyMs)),
      streamed,
      aborted,
      start_time: new Date(this.ctx.start).toISOString(),
      end_time: new Date(end).toISOString(),
    });
  }
}
