import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BudgetBook } from '../../../src-main/core/counters/index.ts';
import type { Reservation, Settlement } from '../../../src-main/core/counters/index.ts';
import { GatewayError } from '../../../src-shared/errors.ts';
import { FakeClock, jitter, seeded } from './fake-clock.ts';

function budgetRefusal(message: string | RegExp, retryAfter?: string) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof GatewayError, 'a GatewayError');
    assert.equal(e.code, 'ERR_BUDGET_EXCEEDED');
    assert.equal(e.status, 429);
    assert.equal(e.type, 'budget_exceeded');
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    assert.equal(e.headers['retry-after'], retryAfter);
    return true;
  };
}

function tryReserve(book: BudgetBook, scopes: string[], amount: number): Reservation | null {
  try {
    return book.reserve(scopes, amount);
  } catch (e) {
    if (e instanceof GatewayError && e.code === 'ERR_BUDGET_EXCEEDED') return null;
    throw e;
  }
}

test('200 concurrent requests against a budget for 10: at most 10 admitted, spend is the sum settled', async () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const book = new BudgetBook(new FakeClock());
    book.upsertScope('team:t1', { level: 'team', label: 't1', maxBudget: 1, spend: 0, resetAt: null });
    book.upsertScope('key:k1', { level: 'key', label: 'k1', maxBudget: null, spend: 0, resetAt: null });
    const random = seeded(seed);
    let admitted = 0;
    let settled = 0;
    let maxSeen = 0;
    const request = async (): Promise<void> => {
      await jitter(random);
      const r = tryReserve(book, ['key:k1', 'team:t1'], 0.1);
      if (r === null) return;
      admitted++;
      maxSeen = Math.max(maxSeen, book.spendOf('team:t1') + book.inflightOf('team:t1'));
      await jitter(random);
      r.settle(0.1); // each costs its worst case
      settled += 0.1;
    };
    await Promise.all(Array.from({ length: 200 }, request));
    assert.equal(admitted, 10, `seed ${seed}`);
    assert.ok(maxSeen <= 1 + 1e-9, `committed + in flight never passed the budget (${maxSeen})`);
    assert.equal(book.spendOf('team:t1'), 1);
    assert.equal(book.spendOf('key:k1'), 1);
    assert.ok(Math.abs(book.spendOf('team:t1') - settled) < 1e-9);
    assert.equal(book.inflightOf('team:t1'), 0);
    assert.equal(book.inflightOf('key:k1'), 0);
  }
});

test('when real costs are below the reservation, the freed room admits more, and spend overshoots by at most one worst case', async () => {
  const book = new BudgetBook(new FakeClock());
  book.upsertScope('team:t1', { level: 'team', label: 't1', maxBudget: 1, spend: 0, resetAt: null });
  const random = seeded(42);
  let admitted = 0;
  let settledNano = 0;
  const request = async (): Promise<void> => {
    await jitter(random);
    const r = tryReserve(book, ['team:t1'], 0.1);
    if (r === null) return;
    admitted++;
    await jitter(random);
    if (random() < 0.2) { r.release(); return; }
    const cost = Math.round(random() * 0.1 * 1e6) / 1e6;
    settledNano += Math.round(cost * 1e9);
    r.settle(cost);
  };
  await Promise.all(Array.from({ length: 200 }, request));
  assert.ok(admitted > 10);
  assert.equal(book.spendOf('team:t1'), settledNano / 1e9);
  assert.ok(book.spendOf('team:t1') < 1 + 0.1);
  assert.equal(book.inflightOf('team:t1'), 0);
});

test('admission rule: committed + in flight >= max_budget refuses, and the message names level, spend and limit', () => {
  const clock = new FakeClock();
  const book = new BudgetBook(clock);
  book.upsertScope('team:x', { level: 'team', label: 'x', maxBudget: 10, spend: 10.02, resetAt: null });
  assert.throws(() => book.reserve(['team:x'], 0.01), budgetRefusal("Budget exceeded for team 'x': spend 10.02 USD, max_budget 10 USD"));
  book.upsertScope('team:x', { level: 'team', label: 'x', maxBudget: 10, spend: 10, resetAt: null });
  assert.throws(() => book.reserve(['team:x'], 0.01), budgetRefusal("Budget exceeded for team 'x': spend 10 USD, max_budget 10 USD"));
  book.upsertScope('team:x', { level: 'team', label: 'x', maxBudget: 10, spend: 9.5, resetAt: null });
  const r = book.reserve(['team:x'], 0.6); // 9.5 < 10: admitted, may end above the budget
  assert.throws(() => book.reserve(['team:x'], 0.01),
    budgetRefusal("Budget exceeded for team 'x': spend 9.5 USD, max_budget 10 USD (0.6 USD reserved by requests in flight)"));
  r.release();
  book.reserve(['team:x'], 0.01).release();
});

test('max_budget 0 refuses everything; an amount of 0 (free model) skips the checks', () => {
  const book = new BudgetBook(new FakeClock());
  book.upsertScope('key:k1', { level: 'key', label: 'sk-...abcd', maxBudget: 0, spend: 0, resetAt: null });
  assert.throws(() => book.reserve(['key:k1'], 0.000001), budgetRefusal("Budget exceeded for key 'sk-...abcd': spend 0 USD, max_budget 0 USD"));
  const free = book.reserve(['key:k1'], 0);
  assert.equal(book.inflightOf('key:k1'), 0);
  assert.deepEqual(free.settle(0), []);
  assert.equal(book.spendOf('key:k1'), 0);
});

test('all-or-nothing: a refusal in one scope reserves nothing in the others', () => {
  const book = new BudgetBook(new FakeClock());
  book.upsertScope('key:k1', { level: 'key', label: 'k1', maxBudget: 100, spend: 1, resetAt: null });
  book.upsertScope('user:u1', { level: 'user', label: 'u1', maxBudget: null, spend: 0, resetAt: null });
  book.upsertScope('team:t1', { level: 'team', label: 't1', maxBudget: 5, spend: 5, resetAt: null });
  assert.throws(() => book.reserve(['key:k1', 'user:u1', 'team:t1', 'global'], 1), budgetRefusal(/team 't1'/));
  assert.equal(book.inflightOf('key:k1'), 0);
  assert.equal(book.inflightOf('user:u1'), 0);
  const r = book.reserve(['key:k1', 'user:u1', 'key:k1'], 1); // unknown and repeated ids are harmless
  assert.deepEqual(r.scopes, ['key:k1', 'user:u1']);
  assert.equal(book.inflightOf('key:k1'), 1);
  r.release();
});

test('retry-after is set when every refusing scope has a reset time, as the longest wait', () => {
  const clock = new FakeClock();
  const book = new BudgetBook(clock);
  const now = clock.now();
  book.upsertScope('key:k1', { level: 'key', label: 'k1', maxBudget: 1, spend: 1, resetAt: now + 90_500 });
  book.upsertScope('team:t1', { level: 'team', label: 't1', maxBudget: 1, spend: 1, resetAt: now + 3_600_000 });
  book.upsertScope('user:u1', { level: 'user', label: 'u1', maxBudget: 1, spend: 1, resetAt: null });
  assert.throws(() => book.reserve(['key:k1'], 0.1), budgetRefusal(/key 'k1'/, '91'));
  assert.throws(() => book.reserve(['key:k1', 'team:t1'], 0.1), budgetRefusal(/key 'k1'/, '3600'));
  assert.throws(() => book.reserve(['key:k1', 'user:u1'], 0.1), budgetRefusal(/key 'k1'/, undefined));
  clock.advance(100_000); // overdue but not yet reset: come back in a second
  assert.throws(() => book.reserve(['key:k1'], 0.1), budgetRefusal(/key 'k1'/, '1'));
});

test('settle moves the real cost into spend everywhere; settle and release are idempotent', () => {
  const settlements: Settlement[] = [];
  const book = new BudgetBook(new FakeClock(), { onSettle: (s) => settlements.push(s) });
  book.upsertScope('key:k1', { level: 'key', label: 'k1', maxBudget: 10, spend: 2, resetAt: null });
  book.upsertScope('global', { level: 'global', label: 'proxy', maxBudget: 100, spend: 50, resetAt: null });
  const r = book.reserve(['key:k1', 'global'], 0.5);
  assert.equal(r.amount, 0.5);
  assert.equal(r.open, true);
  assert.deepEqual(r.settle(0.2), []);
  assert.equal(r.open, false);
  assert.equal(book.spendOf('key:k1'), 2.2);
  assert.equal(book.spendOf('global'), 50.2);
  assert.equal(book.inflightOf('key:k1'), 0);
  assert.deepEqual(r.settle(0.2), []);
  r.release();
  assert.equal(book.spendOf('key:k1'), 2.2);
  assert.deepEqual(settlements, [{ cost: 0.2, scopes: ['key:k1', 'global'], crossings: [] }]);

  const failed = book.reserve(['key:k1'], 1);
  failed.release();
  failed.release();
  assert.deepEqual(failed.settle(1), []);
  assert.equal(book.spendOf('key:k1'), 2.2);
  assert.equal(book.inflightOf('key:k1'), 0);
  assert.equal(settlements.length, 1, 'a release spends nothing');
});

test('a soft budget crossing is reported once, by the settlement that crosses it, and again after a reset', () => {
  const book = new BudgetBook(new FakeClock());
  book.upsertScope('team:t1', { level: 'team', label: 't1', maxBudget: 10, softBudget: 5, spend: 4, resetAt: null });
  book.upsertScope('key:k1', { level: 'key', label: 'k1', maxBudget: null, softBudget: 100, spend: 0, resetAt: null });
  assert.deepEqual(book.reserve(['team:t1', 'key:k1'], 1).settle(0.5), []);
  const crossed = book.reserve(['team:t1', 'key:k1'], 1).settle(0.5);
  assert.deepEqual(crossed, [{ id: 'team:t1', level: 'team', label: 't1', spend: 5, softBudget: 5, maxBudget: 10 }]);
  assert.deepEqual(book.reserve(['team:t1'], 1).settle(0.5), []);
  assert.deepEqual(book.reserve(['team:t1'], 1).settle(3), []);
  book.resetScope('team:t1', null);
  assert.deepEqual(book.reserve(['team:t1'], 1).settle(6).map((c) => c.id), ['team:t1']);
});

test('resetScope zeroes committed spend and keeps what is in flight', () => {
  const book = new BudgetBook(new FakeClock());
  book.upsertScope('key:k1', { level: 'key', label: 'k1', maxBudget: 1, spend: 0.9, resetAt: 1000 });
  const r = book.reserve(['key:k1'], 0.3);
  assert.equal(book.resetScope('key:k1', 2000), true);
  assert.equal(book.spendOf('key:k1'), 0);
  assert.equal(book.inflightOf('key:k1'), 0.3);
  assert.equal(book.get('key:k1')?.resetAt, 2000);
  r.settle(0.25);
  assert.equal(book.spendOf('key:k1'), 0.25);
  assert.equal(book.resetScope('nope', null), false);
});

test('upsertScope updates limits without losing in-flight reservations; omitted spend keeps the live figure', () => {
  const book = new BudgetBook(new FakeClock());
  book.upsertScope('key:k1', { level: 'key', label: 'k1', maxBudget: 1, spend: 0.5, resetAt: null });
  const r = book.reserve(['key:k1'], 0.2);
  r.settle(0.1);
  const open = book.reserve(['key:k1'], 0.2);
  book.upsertScope('key:k1', { level: 'key', label: 'renamed', maxBudget: 0.7, resetAt: null, budgetDuration: '1d' });
  assert.deepEqual(book.get('key:k1'), {
    id: 'key:k1', level: 'key', label: 'renamed', maxBudget: 0.7, softBudget: null, spend: 0.6, inflight: 0.2,
    resetAt: null, budgetDuration: { amount: 1, unit: 'd' },
  });
  assert.throws(() => book.reserve(['key:k1'], 0.01), budgetRefusal(/key 'renamed': spend 0.6 USD, max_budget 0.7 USD/));
  open.release();
  book.upsertScope('key:k1', { level: 'key', label: 'k1', maxBudget: 0.7, spend: 0, resetAt: null });
  assert.equal(book.spendOf('key:k1'), 0);
});

test('removeScope forgets a scope; its open reservations then settle nowhere', () => {
  const book = new BudgetBook(new FakeClock());
  book.upsertScope('key:k1', { level: 'key', label: 'k1', maxBudget: 1, spend: 0, resetAt: null });
  const r = book.reserve(['key:k1'], 0.5);
  assert.equal(book.removeScope('key:k1'), true);
  assert.equal(book.removeScope('key:k1'), false);
  assert.equal(book.hasScope('key:k1'), false);
  book.upsertScope('key:k1', { level: 'key', label: 'k1', maxBudget: 1, spend: 0, resetAt: null });
  r.settle(0.5);
  assert.equal(book.spendOf('key:k1'), 0);
  assert.equal(book.inflightOf('key:k1'), 0);
});

test('negative, NaN and infinite inputs are rejected with clear errors and change nothing', () => {
  const book = new BudgetBook(new FakeClock());
  book.upsertScope('key:k1', { level: 'key', label: 'k1', maxBudget: 1, spend: 0, resetAt: null });
  assert.throws(() => book.reserve(['key:k1'], Number.NaN), /reserved amount must be a non-negative finite number of USD, got NaN/);
  assert.throws(() => book.reserve(['key:k1'], -0.1), /reserved amount/);
  assert.throws(() => book.reserve(['key:k1'], Infinity), /reserved amount/);
  assert.equal(book.inflightOf('key:k1'), 0);
  const r = book.reserve(['key:k1'], 0.5);
  assert.throws(() => r.settle(Number.NaN), /actual cost must be a non-negative finite number of USD, got NaN/);
  assert.throws(() => r.settle(-1), /actual cost/);
  assert.equal(r.open, true);
  assert.equal(book.inflightOf('key:k1'), 0.5);
  r.settle(0.4);
  assert.equal(book.spendOf('key:k1'), 0.4);
  const scope = { level: 'key', label: 'k', spend: 0, resetAt: null };
  assert.throws(() => book.upsertScope('key:k2', { ...scope, maxBudget: Number.NaN }), /max_budget of key:k2/);
  assert.throws(() => book.upsertScope('key:k2', { ...scope, maxBudget: -5 }), /max_budget of key:k2/);
  assert.throws(() => book.upsertScope('key:k2', { ...scope, maxBudget: 1, softBudget: -1 }), /soft_budget of key:k2/);
  assert.throws(() => book.upsertScope('key:k2', { ...scope, maxBudget: 1, spend: Number.NaN }), /spend of key:k2/);
  assert.throws(() => book.upsertScope('key:k2', { ...scope, maxBudget: 1, resetAt: Number.NaN }), /resetAt of key:k2/);
  assert.throws(() => book.upsertScope('key:k2', { ...scope, maxBudget: 1, budgetDuration: '0d' }), /Invalid duration '0d'/);
  assert.throws(() => book.upsertScope('', { ...scope, maxBudget: 1 }), /non-empty id/);
  assert.equal(book.hasScope('key:k2'), false);
});
