/**
 * The in-memory governance state: records (users, teams, orgs, customers, budgets) loaded from
 * the store at start and written through on every management change, and their registration as
 * BudgetBook scopes. The hot path (the Governor) reads only this. Each scope also gets a
 * persister, so that the ledger can write any scope's spend without parsing its id.
 */
import type { Clock } from '../ports.ts';
import type { KeyIndex } from '../auth/index.ts';
import type { KeyRecord, KeysRepository } from '../store/index.ts';
import { BudgetBook, BudgetResetScheduler, RateLimiter } from '../counters/index.ts';
import type { BudgetResetEvent, Settlement } from '../counters/index.ts';
import { formatDuration } from '../../../src-shared/duration.ts';
import type { GovernanceRepos } from './repo.ts';
import type { BudgetRecord, CustomerRecord, GovernanceSettings, OrgRecord, TeamMember, TeamRecord, UserRecord } from './types.ts';

export const GLOBAL_SCOPE = 'global';
export const scopeOf = {
  key: (id: string): string => `key:${id}`,
  keyModel: (id: string, model: string): string => `key_model:${id}:${model}`,
  user: (id: string): string => `user:${id}`,
  team: (id: string): string => `team:${id}`,
  member: (teamId: string, userId: string): string => `team_member:${teamId}\u0000${userId}`,
  org: (id: string): string => `org:${id}`,
  customer: (id: string): string => `customer:${id}`,
};

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function ms(text: string | null | undefined): number | null {
  if (text === null || text === undefined) return null;
  const t = Date.parse(text);
  return Number.isFinite(t) ? t : null;
}

export class GovernanceState {
  readonly users = new Map<string, UserRecord>();
  readonly teams = new Map<string, TeamRecord>();
  readonly orgs = new Map<string, OrgRecord>();
  readonly customers = new Map<string, CustomerRecord>();
  readonly budgets = new Map<string, BudgetRecord>();
  readonly book: BudgetBook;
  readonly limiter: RateLimiter;
  readonly scheduler: BudgetResetScheduler;
  readonly clock: Clock;
  readonly repos: GovernanceRepos;
  readonly keyIndex: KeyIndex;
  readonly keysRepo: KeysRepository;
  readonly settings: GovernanceSettings;
  readonly timeZone: string;
  /** Scopes whose spend changed since the last flush. */
  readonly dirty = new Set<string>();
  private readonly persisters = new Map<string, () => void>();
  /** Spend rows of scopes without a row of their own, as loaded at start. */
  private scopeSpend = new Map<string, { spend: number; budget_reset_at: string | null }>();
  /** The key max_budget as last given to the book (temp_budget_increase included). */
  private readonly keyMax = new Map<string, { max: number | null; tempUntil: number | null }>();

  constructor(deps: { clock: Clock; repos: GovernanceRepos; keyIndex: KeyIndex; keysRepo: KeysRepository; settings: GovernanceSettings }) {
    this.clock = deps.clock;
    this.repos = deps.repos;
    this.keyIndex = deps.keyIndex;
    this.keysRepo = deps.keysRepo;
    this.settings = deps.settings;
    this.timeZone = deps.settings.timezone ?? 'UTC';
    this.book = new BudgetBook(deps.clock, { onSettle: (s: Settlement) => { for (const id of s.scopes) this.dirty.add(id); } });
    this.limiter = new RateLimiter(deps.clock);
    this.scheduler = new BudgetResetScheduler(deps.clock, this.book, { timeZone: this.timeZone });
  }

  /** Rebuilds everything from the store (start, and tests of restarts). */
  load(): void {
    this.scopeSpend = this.repos.scopes.all();
    for (const b of this.repos.budgets.all()) this.budgets.set(b.budget_id, b);
    for (const u of this.repos.users.all()) this.users.set(u.user_id, u);
    for (const o of this.repos.orgs.all()) this.orgs.set(o.organization_id, o);
    for (const t of this.repos.teams.all()) this.teams.set(t.team_id, { ...t, members_with_roles: [] });
    for (const m of this.repos.members.all()) {
      const { team_id, ...member } = m;
      this.teams.get(team_id)?.members_with_roles.push(member);
    }
    for (const c of this.repos.customers.all()) this.customers.set(c.user_id, c);
    for (const u of this.users.values()) this.syncUser(u, true);
    for (const t of this.teams.values()) this.syncTeam(t, true);
    for (const o of this.orgs.values()) this.syncOrg(o, true);
    for (const c of this.customers.values()) this.syncCustomer(c, true);
    for (const k of this.keyIndex.values()) this.syncKey(k, true);
    this.syncGlobal();
  }

  /** The first reset of a scope with this duration, or the stored one when still ahead. */
  private resetAtFor(duration: string | null, stored: string | null): number | null {
    if (duration === null) return null;
    return ms(stored) ?? this.scheduler.firstResetAt(duration, this.clock.now());
  }

  private register(id: string, level: string, label: string, max: number | null, soft: number | null, duration: string | null, stored: string | null, spend: number | undefined, persist: (spend: number, resetAt: string | null) => void): void {
    const resetAt = this.resetAtFor(duration, stored);
    this.book.upsertScope(id, { level, label, maxBudget: max, softBudget: soft, resetAt, budgetDuration: duration, ...(spend === undefined ? {} : { spend }) });
    this.persisters.set(id, () => {
      const v = this.book.get(id);
      if (v !== undefined) persist(v.spend, iso(v.resetAt));
    });
  }

  syncUser(u: UserRecord, withSpend = false): void {
    this.register(scopeOf.user(u.user_id), 'user', u.user_id, u.max_budget, u.soft_budget, u.budget_duration, u.budget_reset_at, withSpend ? u.spend : undefined, (spend, resetAt) => {
      u.spend = spend;
      u.budget_reset_at = resetAt;
      this.repos.users.setSpend(u.user_id, spend, resetAt);
    });
  }

  syncTeam(t: TeamRecord, withSpend = false): void {
    this.register(scopeOf.team(t.team_id), 'team', t.team_alias ?? t.team_id, t.max_budget, t.soft_budget, t.budget_duration, t.budget_reset_at, withSpend ? t.spend : undefined, (spend, resetAt) => {
      t.spend = spend;
      t.budget_reset_at = resetAt;
      this.repos.teams.setSpend(t.team_id, spend, resetAt);
    });
    for (const m of t.members_with_roles) this.syncMember(t, m, withSpend);
  }

  syncMember(t: TeamRecord, m: TeamMember, withSpend = false): void {
    const max = m.max_budget_in_team ?? t.team_member_budget;
    this.register(scopeOf.member(t.team_id, m.user_id), 'team member', `${m.user_id} in ${t.team_alias ?? t.team_id}`, max, null, t.budget_duration, m.budget_reset_at, withSpend ? m.spend : undefined, (spend, resetAt) => {
      m.spend = spend;
      m.budget_reset_at = resetAt;
      this.repos.members.setSpend(t.team_id, m.user_id, spend, resetAt);
    });
  }

  syncOrg(o: OrgRecord, withSpend = false): void {
    const b = o.budget_id === null ? undefined : this.budgets.get(o.budget_id);
    this.register(scopeOf.org(o.organization_id), 'organization', o.organization_alias, o.max_budget ?? b?.max_budget ?? null, o.soft_budget ?? b?.soft_budget ?? null,
      o.budget_duration ?? b?.budget_duration ?? null, o.budget_reset_at, withSpend ? o.spend : undefined, (spend, resetAt) => {
        o.spend = spend;
        o.budget_reset_at = resetAt;
        this.repos.orgs.setSpend(o.organization_id, spend, resetAt);
      });
  }

  /** The budget that governs a customer: inline, else its budget_id, else the default end-user budget. */
  customerBudget(c: CustomerRecord | undefined): { max: number | null; soft: number | null; duration: string | null; rpm: number | null; tpm: number | null; parallel: number | null } {
    const own = c?.budget_id != null ? this.budgets.get(c.budget_id) : undefined;
    const def = this.settings.defaultEndUserBudgetId === undefined ? undefined : this.budgets.get(this.settings.defaultEndUserBudgetId);
    const b = own ?? def;
    return {
      max: c?.max_budget ?? b?.max_budget ?? this.settings.maxEndUserBudget ?? null,
      soft: c?.soft_budget ?? b?.soft_budget ?? null,
      duration: c?.budget_duration ?? b?.budget_duration ?? null,
      rpm: c?.rpm_limit ?? b?.rpm_limit ?? null,
      tpm: c?.tpm_limit ?? b?.tpm_limit ?? null,
      parallel: c?.max_parallel_requests ?? b?.max_parallel_requests ?? null,
    };
  }

  syncCustomer(c: CustomerRecord, withSpend = false): void {
    const b = this.customerBudget(c);
    this.register(scopeOf.customer(c.user_id), 'customer', c.alias ?? c.user_id, b.max, b.soft, b.duration, c.budget_reset_at, withSpend ? c.spend : undefined, (spend, resetAt) => {
      c.spend = spend;
      c.budget_reset_at = resetAt;
      this.repos.customers.setSpend(c.user_id, spend, resetAt);
    });
  }

  /**
   * An end user with no customer row: tracked only when a default end-user budget is configured
   * (its spend lives in scope_spend). Returns the scope id, or null when there is nothing to enforce.
   */
  ensureUnknownCustomer(id: string): string | null {
    const scope = scopeOf.customer(id);
    if (this.book.hasScope(scope)) return scope;
    const b = this.customerBudget(undefined);
    if (b.max === null && b.soft === null) return null;
    const row = this.scopeSpend.get(scope);
    this.register(scope, 'customer', id, b.max, b.soft, b.duration, row?.budget_reset_at ?? null, row?.spend ?? 0, (spend, resetAt) => this.repos.scopes.set(scope, spend, resetAt));
    return scope;
  }

  /**
   * The spend of an identity with nothing stored (custom auth or proxy headers narrowing max_budget),
   * kept in scope_spend so that it survives a restart. Returns the scope id.
   */
  ensureIdentityScope(scope: string, label: string): string {
    if (this.book.hasScope(scope)) return scope;
    const row = this.scopeSpend.get(scope);
    this.register(scope, 'identity', label, null, null, null, null, row?.spend ?? 0, (spend, resetAt) => this.repos.scopes.set(scope, spend, resetAt));
    return scope;
  }

  syncGlobal(): void {
    const row = this.scopeSpend.get(GLOBAL_SCOPE);
    const duration = this.settings.budgetDuration ?? null;
    this.register(GLOBAL_SCOPE, 'global', 'litellm_settings.max_budget', this.settings.maxBudget ?? null, null, duration, row?.budget_reset_at ?? null,
      this.book.hasScope(GLOBAL_SCOPE) ? undefined : (row?.spend ?? 0), (spend, resetAt) => this.repos.scopes.set(GLOBAL_SCOPE, spend, resetAt));
  }

  /** The key's max_budget in force now: plus temp_budget_increase until temp_budget_expiry. */
  private keyMaxNow(k: KeyRecord, now: number): { max: number | null; tempUntil: number | null } {
    const until = ms(k.temp_budget_expiry);
    if (k.max_budget !== null && k.temp_budget_increase !== null && until !== null && until > now) return { max: k.max_budget + k.temp_budget_increase, tempUntil: until };
    return { max: k.max_budget, tempUntil: null };
  }

  syncKey(k: KeyRecord, withSpend = false): void {
    const id = k.key_id;
    const eff = this.keyMaxNow(k, this.clock.now());
    this.keyMax.set(id, eff);
    // /key/update keeps the stored reset time; a changed budget_duration starts its own calendar.
    const prior = this.book.get(scopeOf.key(id));
    const durationChanged = prior !== undefined && (prior.budgetDuration === null ? null : formatDuration(prior.budgetDuration)) !== (k.budget_duration === null ? null : formatDuration(k.budget_duration));
    const storedReset = durationChanged ? null : k.budget_reset_at;
    this.register(scopeOf.key(id), 'key', k.key_alias ?? k.key_name, eff.max, k.soft_budget, k.budget_duration, storedReset, withSpend ? k.spend : undefined, (spend, resetAt) => {
      const rec = this.keyIndex.byKeyId(id);
      if (rec === undefined) return;
      rec.spend = spend;
      rec.budget_reset_at = resetAt;
      this.keysRepo.setSpend(id, spend, rec.model_spend, resetAt);
    });
    // KeyService stores no reset time: show the book's at once (/key/info) and persist it at the next
    // flush, so that a reset missed while stopped still happens.
    const resetIso = this.resetIsoOf(scopeOf.key(id));
    if (k.budget_reset_at !== resetIso) {
      k.budget_reset_at = resetIso;
      const rec = this.keyIndex.byKeyId(id);
      if (rec !== undefined) rec.budget_reset_at = resetIso;
      this.dirty.add(scopeOf.key(id));
    }
    for (const [model, b] of Object.entries(k.model_max_budget ?? {})) {
      const scope = scopeOf.keyModel(id, model);
      const row = this.scopeSpend.get(scope);
      this.register(scope, 'key model', `${k.key_alias ?? k.key_name} ${model}`, b.budget_limit, null, b.time_period ?? null, row?.budget_reset_at ?? null,
        withSpend || !this.book.hasScope(scope) ? (k.model_spend[model] ?? 0) : undefined, (spend, resetAt) => {
          const rec = this.keyIndex.byKeyId(id);
          if (rec !== undefined) {
            rec.model_spend = { ...rec.model_spend, [model]: spend };
            this.keysRepo.setSpend(id, rec.spend, rec.model_spend, rec.budget_reset_at);
          }
          this.repos.scopes.set(scope, spend, resetAt);
        });
    }
  }

  /** Re-registers a key whose temp_budget_increase just expired (hot path: one map read). */
  refreshKeyMax(k: KeyRecord, now: number): void {
    const cur = this.keyMax.get(k.key_id);
    if (cur === undefined || (cur.tempUntil !== null && cur.tempUntil <= now)) this.syncKey(k);
  }

  /** A key changed or was deleted (KeyService hook): follow its limits, spend resets and deletion. */
  onKeyChange(rec: KeyRecord | undefined, keyId: string): void {
    if (rec === undefined) {
      for (const id of [...this.persisters.keys()]) {
        if (id === scopeOf.key(keyId) || id.startsWith(`key_model:${keyId}:`)) this.removeScope(id);
      }
      this.keyMax.delete(keyId);
      return;
    }
    const scope = scopeOf.key(keyId);
    const bookSpend = this.book.hasScope(scope) ? this.book.spendOf(scope) : undefined;
    // The index's record carries the book's spend after every settle; a lower figure means /key/{key}/reset_spend.
    const reset = bookSpend !== undefined && rec.spend < bookSpend - 1e-12;
    this.syncKey(rec, bookSpend === undefined || reset);
    if (reset) this.dirty.add(scope);
  }

  /** The scope's next reset as ISO text (for the record written through). */
  resetIsoOf(id: string): string | null {
    return iso(this.book.get(id)?.resetAt ?? null);
  }

  removeScope(id: string): void {
    this.book.removeScope(id);
    this.persisters.delete(id);
    this.dirty.delete(id);
  }

  /** Writes the spend of every dirty scope (call inside the flush transaction). */
  persistDirty(): void {
    for (const id of this.dirty) this.persisters.get(id)?.();
    this.dirty.clear();
  }

  /** Runs every due budget reset and persists it at once; returns the events. */
  runResets(now = this.clock.now()): BudgetResetEvent[] {
    const events = this.scheduler.runDue(now);
    if (events.length > 0) {
      this.repos.transaction(() => {
        for (const e of events) {
          this.persisters.get(e.id)?.();
          this.dirty.delete(e.id);
        }
      });
    }
    return events;
  }
}
