/**
 * Calendar budget resets (CONTRACT section 7: `1d` at local midnight, `1w` on Monday, `1mo` on
 * the 1st, in `litellm_settings.timezone`, default UTC). Pure: the owner (the ledger) runs
 * `runDue` at start, so a reset that fell while the gateway was stopped happens then, and on a
 * timer set for `nextDueAt()`; it persists the returned events.
 */
import type { Clock } from '../ports.ts';
import { assertTimeZone, nextCalendarReset } from '../../../src-shared/duration.ts';
import type { BudgetBook } from './budget-book.ts';

/** One reset performed, for the ledger to persist (spend 0, next reset time). */
export interface BudgetResetEvent {
  id: string;
  level: string;
  label: string;
  /** Committed spend just before the reset, USD. */
  previousSpend: number;
  /** The reset time that fell due. */
  dueAt: number;
  /** The following reset (from the scope's budget duration), or null when it has none. */
  nextResetAt: number | null;
}

export interface BudgetResetSchedulerOptions {
  /** IANA time zone of the calendar (`litellm_settings.timezone`); default 'UTC'. */
  timeZone?: string;
}

export class BudgetResetScheduler {
  private readonly clock: Clock;
  private readonly book: BudgetBook;
  readonly timeZone: string;

  constructor(clock: Clock, book: BudgetBook, options: BudgetResetSchedulerOptions = {}) {
    this.clock = clock;
    this.book = book;
    this.timeZone = options.timeZone ?? 'UTC';
    assertTimeZone(this.timeZone);
  }

  /**
   * Resets every scope whose reset time is at or before `now`: committed spend goes to 0 and
   * the next reset is the calendar boundary after `now` (missed periods are skipped, not replayed).
   */
  runDue(now: number = this.clock.now()): BudgetResetEvent[] {
    const events: BudgetResetEvent[] = [];
    for (const id of this.book.dueScopes(now)) {
      const scope = this.book.get(id)!;
      const nextResetAt = scope.budgetDuration === null ? null : nextCalendarReset(scope.budgetDuration, now, this.timeZone);
      this.book.resetScope(id, nextResetAt);
      events.push({ id, level: scope.level, label: scope.label, previousSpend: scope.spend, dueAt: scope.resetAt!, nextResetAt });
    }
    return events;
  }

  /** When the owner's timer should next call `runDue`, or null when no scope has a reset. */
  nextDueAt(): number | null {
    return this.book.nextResetAt();
  }

  /** The first reset time of a new scope with this `budget_duration`, from now. */
  firstResetAt(budgetDuration: string, now: number = this.clock.now()): number {
    return nextCalendarReset(budgetDuration, now, this.timeZone);
  }
}
