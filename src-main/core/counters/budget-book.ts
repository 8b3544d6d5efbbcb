/**
 * Budgets by reservation (CONTRACT section 7, ARCHITECTURE "The hot path"), in memory.
 *
 * Per scope (key, user, team, team member, organization, customer, global) the book holds the
 * committed spend, the amount reserved by requests in flight, max_budget, soft_budget and the
 * next reset. A request is admitted while, in every scope with a max_budget,
 * `committed + inflight < max_budget` (`>=` refuses; max_budget 0 refuses everything); it then
 * reserves its worst-case cost in every scope and later settles to its real cost. Check and
 * reserve run in one synchronous call, so concurrent requests never push spend past a budget
 * by more than one request's worst-case cost.
 *
 * Amounts are held as whole nano-USD so that reservations cancel exactly (no float residue
 * keeps a budget "in flight" forever); they are exact up to about 9 million USD per scope.
 * Persisting spend is the ledger's job: `onSettle` and `settle`'s result tell it what changed.
 */
import type { Clock } from '../ports.ts';
import { GatewayError } from '../../../src-shared/errors.ts';
import { formatDuration, parseDuration } from '../../../src-shared/duration.ts';
import type { Duration, DurationInput } from '../../../src-shared/duration.ts';

/** What the book needs to know about one budget holder. */
export interface BudgetScopeInput {
  /** Human level for messages: `key`, `user`, `team`, `team member`, `organization`, `customer`, `global`. */
  level: string;
  /** Shown in messages: an alias, a name or the id (never a raw key). */
  label: string;
  /** USD; null means no hard limit (spend is still tracked). */
  maxBudget: number | null;
  /** USD; crossing it is reported by `settle`, never refused. */
  softBudget?: number | null;
  /** Committed spend in USD. Omitted on an update keeps the book's own figure (which is newer than the database's). */
  spend?: number;
  /** Epoch ms of the next reset, or null for none. */
  resetAt: number | null;
  /** `budget_duration`, used by BudgetResetScheduler to compute the reset after this one. */
  budgetDuration?: DurationInput | null;
}

export interface BudgetScopeView {
  id: string;
  level: string;
  label: string;
  maxBudget: number | null;
  softBudget: number | null;
  /** Committed spend, USD. */
  spend: number;
  /** Reserved by requests in flight, USD. */
  inflight: number;
  resetAt: number | null;
  budgetDuration: Duration | null;
}

/** A soft budget crossed by one settlement: spend went from below `softBudget` to at or above it. */
export interface SoftBudgetCrossing {
  id: string;
  level: string;
  label: string;
  spend: number;
  softBudget: number;
  maxBudget: number | null;
}

/** What one settlement changed, for the ledger. */
export interface Settlement {
  /** USD added to the committed spend of every scope in `scopes`. */
  cost: number;
  scopes: readonly string[];
  crossings: readonly SoftBudgetCrossing[];
}

export interface BudgetBookOptions {
  /** Called after every settlement (not for releases, which spend nothing). */
  onSettle?: (settlement: Settlement) => void;
}

/** A reservation held by one request. End it exactly once with `settle` or `release`. */
export interface Reservation {
  /** USD reserved in each scope. */
  readonly amount: number;
  /** The scopes reserved in (ids the book knew at reservation time). */
  readonly scopes: readonly string[];
  readonly open: boolean;
  /**
   * Frees the reservation and adds `actualCost` (USD) to the committed spend of every scope.
   * Returns the soft budgets this settlement crossed (alert once per crossing). Idempotent:
   * after the first settle or release it does nothing and returns []. Throws a RangeError,
   * changing nothing, for a negative or non-finite cost.
   */
  settle(actualCost: number): SoftBudgetCrossing[];
  /** Frees the reservation without spend (the request failed before costing anything). Idempotent. */
  release(): void;
}

const NANO = 1e9;

class BudgetState {
  constructor(
    readonly id: string,
    public level: string,
    public label: string,
    public maxNano: number | null,
    public softNano: number | null,
    public committed: number,
    public resetAt: number | null,
    public duration: Duration | null,
  ) {}

  inflight = 0;
  attached = true;
}

/** The in-memory budget counters of one gateway process. */
export class BudgetBook {
  private readonly clock: Clock;
  private readonly onSettle: ((settlement: Settlement) => void) | undefined;
  private readonly states = new Map<string, BudgetState>();

  constructor(clock: Clock, options: BudgetBookOptions = {}) {
    this.clock = clock;
    this.onSettle = options.onSettle;
  }

  /** Adds a scope or updates its limits; in-flight reservations are kept. */
  upsertScope(id: string, input: BudgetScopeInput): void {
    if (typeof id !== 'string' || id === '') throw new TypeError('A budget scope needs a non-empty id');
    const maxNano = toNanoOrNull(input.maxBudget, `max_budget of ${id}`);
    const softNano = toNanoOrNull(input.softBudget ?? null, `soft_budget of ${id}`);
    const spend = input.spend === undefined ? undefined : toNano(input.spend, `spend of ${id}`);
    const resetAt = checkTimeOrNull(input.resetAt, `resetAt of ${id}`);
    const duration = input.budgetDuration == null ? null
      : parseDuration(typeof input.budgetDuration === 'string' ? input.budgetDuration : formatDuration(input.budgetDuration));
    const state = this.states.get(id);
    if (state === undefined) {
      this.states.set(id, new BudgetState(id, input.level, input.label, maxNano, softNano, spend ?? 0, resetAt, duration));
      return;
    }
    state.level = input.level;
    state.label = input.label;
    state.maxNano = maxNano;
    state.softNano = softNano;
    if (spend !== undefined) state.committed = spend;
    state.resetAt = resetAt;
    state.duration = duration;
  }

  /** Forgets a scope. Open reservations in it are then ignored. True if it existed. */
  removeScope(id: string): boolean {
    const state = this.states.get(id);
    if (state === undefined) return false;
    state.attached = false;
    return this.states.delete(id);
  }

  hasScope(id: string): boolean {
    return this.states.has(id);
  }

  get(id: string): BudgetScopeView | undefined {
    const s = this.states.get(id);
    if (s === undefined) return undefined;
    return {
      id, level: s.level, label: s.label, maxBudget: fromNanoOrNull(s.maxNano), softBudget: fromNanoOrNull(s.softNano),
      spend: s.committed / NANO, inflight: s.inflight / NANO, resetAt: s.resetAt, budgetDuration: s.duration,
    };
  }

  /** Committed spend of a scope, USD (0 for an unknown scope). */
  spendOf(id: string): number {
    return (this.states.get(id)?.committed ?? 0) / NANO;
  }

  /** Amount reserved by requests in flight in a scope, USD (0 for an unknown scope). */
  inflightOf(id: string): number {
    return (this.states.get(id)?.inflight ?? 0) / NANO;
  }

  /**
   * Admits a request costing at most `amount` USD against every scope in `scopes` and reserves
   * it in all of them, or throws GatewayError('ERR_BUDGET_EXCEEDED') naming the first refusing
   * scope and reserves nothing. `retry-after` is set when every refusing scope has a reset time.
   * Unknown scope ids are ignored (no budget, nothing tracked). An amount of 0 (a free model)
   * skips the checks entirely.
   *
   * @example
   * const r = book.reserve(['key:k1', 'team:t1', 'global'], worstCaseUsd);
   * try { ... ; r.settle(actualUsd); } catch (e) { r.release(); throw e; }
   */
  reserve(scopes: readonly string[], amount: number): Reservation {
    const nano = toNano(amount, 'the reserved amount');
    const states: BudgetState[] = [];
    for (const id of scopes) {
      const state = this.states.get(id);
      if (state !== undefined && !states.includes(state)) states.push(state);
    }
    if (amount !== 0) {
      let refused: BudgetState[] | null = null;
      for (const s of states) {
        if (s.maxNano !== null && s.committed + s.inflight >= s.maxNano) (refused ??= []).push(s);
      }
      if (refused !== null) throw this.refusal(refused);
      for (const s of states) s.inflight += nano;
    }
    return new OpenReservation(this, states, amount === 0 ? 0 : nano);
  }

  /** Zeroes the committed spend of a scope (in-flight reservations stay) and sets its next reset. */
  resetScope(id: string, nextResetAt: number | null): boolean {
    const state = this.states.get(id);
    if (state === undefined) return false;
    state.resetAt = checkTimeOrNull(nextResetAt, `nextResetAt of ${id}`);
    state.committed = 0;
    return true;
  }

  /** Ids of the scopes whose reset time is at or before `now`. */
  dueScopes(now: number): string[] {
    const due: string[] = [];
    for (const s of this.states.values()) if (s.resetAt !== null && s.resetAt <= now) due.push(s.id);
    return due;
  }

  /** The earliest reset time of any scope, or null (for the owner's timer). */
  nextResetAt(): number | null {
    let next: number | null = null;
    for (const s of this.states.values()) if (s.resetAt !== null && (next === null || s.resetAt < next)) next = s.resetAt;
    return next;
  }

  /** @internal */
  settled(states: readonly BudgetState[], reservedNano: number, costNano: number): SoftBudgetCrossing[] {
    const crossings: SoftBudgetCrossing[] = [];
    const ids: string[] = [];
    for (const s of states) {
      s.inflight -= reservedNano;
      if (!s.attached) continue;
      const before = s.committed;
      s.committed += costNano;
      ids.push(s.id);
      if (s.softNano !== null && before < s.softNano && s.committed >= s.softNano) {
        crossings.push({
          id: s.id, level: s.level, label: s.label, spend: s.committed / NANO, softBudget: s.softNano / NANO,
          maxBudget: fromNanoOrNull(s.maxNano),
        });
      }
    }
    this.onSettle?.({ cost: costNano / NANO, scopes: ids, crossings });
    return crossings;
  }

  private refusal(refused: readonly BudgetState[]): GatewayError {
    const first = refused[0]!;
    let message = `Budget exceeded for ${first.level} '${first.label}': spend ${usd(first.committed)} USD, max_budget ${usd(first.maxNano ?? 0)} USD`;
    if (first.committed < (first.maxNano ?? 0)) message += ` (${usd(first.inflight)} USD reserved by requests in flight)`;
    const headers: Record<string, string> = {};
    if (refused.every((s) => s.resetAt !== null)) {
      const now = this.clock.now();
      let waitMs = 0;
      for (const s of refused) waitMs = Math.max(waitMs, s.resetAt! - now);
      headers['retry-after'] = String(Math.max(1, Math.ceil(waitMs / 1000)));
    }
    return new GatewayError('ERR_BUDGET_EXCEEDED', message, { headers });
  }
}

class OpenReservation implements Reservation {
  open = true;
  readonly amount: number;
  readonly scopes: readonly string[];
  private readonly book: BudgetBook;
  private readonly states: readonly BudgetState[];
  private readonly reservedNano: number;

  constructor(book: BudgetBook, states: readonly BudgetState[], reservedNano: number) {
    this.book = book;
    this.states = states;
    this.reservedNano = reservedNano;
    this.amount = reservedNano / NANO;
    this.scopes = states.map((s) => s.id);
  }

  settle(actualCost: number): SoftBudgetCrossing[] {
    if (!this.open) return [];
    const cost = toNano(actualCost, 'the actual cost');
    this.open = false;
    return this.book.settled(this.states, this.reservedNano, cost);
  }

  release(): void {
    if (!this.open) return;
    this.open = false;
    for (const s of this.states) s.inflight -= this.reservedNano;
  }
}

function toNano(usdAmount: number, name: string): number {
  if (typeof usdAmount !== 'number' || !Number.isFinite(usdAmount) || usdAmount < 0) {
    throw new RangeError(`${name} must be a non-negative finite number of USD, got ${String(usdAmount)}`);
  }
  return Math.round(usdAmount * NANO);
}

function toNanoOrNull(usdAmount: number | null, name: string): number | null {
  return usdAmount === null ? null : toNano(usdAmount, name);
}

function fromNanoOrNull(nano: number | null): number | null {
  return nano === null ? null : nano / NANO;
}

function checkTimeOrNull(ms: number | null, name: string): number | null {
  if (ms !== null && (typeof ms !== 'number' || !Number.isFinite(ms))) throw new RangeError(`${name} must be null or epoch milliseconds, got ${String(ms)}`);
  return ms;
}

/** USD for messages: at most 6 decimals, no trailing zeros (10.02, 10, 0.000025). */
function usd(nano: number): string {
  const value = nano / NANO;
  if (value !== 0 && Math.abs(value) < 0.000001) return String(value);
  return String(Number(value.toFixed(6)));
}
