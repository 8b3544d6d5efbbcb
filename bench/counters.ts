/**
 * Micro-benchmark of the in-memory counters on the hot path (not a test): ns per
 * admit + release (RateLimiter) and per reserve + settle (BudgetBook), with 5 scopes each
 * (key, user, team, customer, key+model), as one request touches them.
 *
 * Run: node --import tsx bench/counters.ts
 */
import { BudgetBook, RateLimiter } from '../src-main/core/counters/index.ts';
import type { RateLimitSpec } from '../src-main/core/counters/index.ts';
import type { Clock } from '../src-main/core/ports.ts';

const ITERATIONS = 1_000_000;
const ROUNDS = 5;

// A clock that advances 1 ms per request (1000 requests/s per scope), so windows slide and prune.
let fakeNow = Date.UTC(2026, 0, 1);
const clock: Clock = { now: () => fakeNow };

const specs: RateLimitSpec[] = [
  { scope: 'key:k1', level: 'key', rpm: 1_000_000, tpm: 1e12, maxParallel: 100 },
  { scope: 'user:u1', level: 'user', rpm: 1_000_000, tpm: 1e12 },
  { scope: 'team:t1', level: 'team', rpm: 1_000_000, tpm: 1e12, maxParallel: 1000 },
  { scope: 'customer:c1', level: 'customer', rpm: 1_000_000 },
  { scope: 'key_model:k1:gpt-4o', level: 'key model', rpm: 1_000_000, tpm: 1e12 },
];
const budgetScopes = ['key:k1', 'user:u1', 'team:t1', 'customer:c1', 'global'];

function measure(name: string, body: (i: number) => void): number {
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < ITERATIONS; i++) body(i);
    const ns = Number(process.hrtime.bigint() - start) / ITERATIONS;
    best = Math.min(best, ns);
  }
  console.log(`${name.padEnd(34)} ${best.toFixed(0).padStart(6)} ns  (best of ${ROUNDS} x ${ITERATIONS.toLocaleString('en-US')})`);
  return best;
}

const limiter = new RateLimiter(clock);
const rate = measure('admit + release, 5 scopes', () => {
  fakeNow += 1;
  limiter.admit(specs, 500).release(420);
});

const book = new BudgetBook(clock);
for (const id of budgetScopes) book.upsertScope(id, { level: id.split(':')[0]!, label: id, maxBudget: 1e6, softBudget: 5e5, spend: 0, resetAt: null });
const budget = measure('reserve + settle, 5 scopes', () => {
  book.reserve(budgetScopes, 0.02).settle(0.0015);
  fakeNow += 1;
});

console.log(`${'together'.padEnd(34)} ${(rate + budget).toFixed(0).padStart(6)} ns  (target: well under 50 000 ns)`);
