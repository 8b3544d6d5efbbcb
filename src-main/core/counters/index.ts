/**
 * counters/: the in-memory, synchronous counters behind budgets and rate limits. Node runs one
 * request's check-and-reserve without interleaving, which is what makes them exact under
 * concurrency. A shared backend (Redis) for several instances would implement the same shapes.
 */
export { RateLimiter } from './rate-limiter.ts';
export type { Admission, RateLimitSnapshot, RateLimitSpec } from './rate-limiter.ts';
export { BudgetBook } from './budget-book.ts';
export type {
  BudgetBookOptions, BudgetScopeInput, BudgetScopeView, Reservation, Settlement, SoftBudgetCrossing,
} from './budget-book.ts';
export { BudgetResetScheduler } from './budget-reset.ts';
export type { BudgetResetEvent, BudgetResetSchedulerOptions } from './budget-reset.ts';
