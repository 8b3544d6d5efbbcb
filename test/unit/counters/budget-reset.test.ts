import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BudgetBook, BudgetResetScheduler } from '../../../src-main/core/counters/index.ts';
import { FakeClock } from './fake-clock.ts';

const utc = Date.UTC;

test('runDue resets scopes whose time has come and computes the next calendar reset', () => {
  const clock = new FakeClock(utc(2026, 4, 10, 12));
  const book = new BudgetBook(clock);
  const scheduler = new BudgetResetScheduler(clock, book, { timeZone: 'Asia/Kolkata' });
  const firstDaily = scheduler.firstResetAt('1d');
  assert.equal(firstDaily, utc(2026, 4, 10, 18, 30));
  book.upsertScope('key:k1', { level: 'key', label: 'k1', maxBudget: 5, spend: 3, resetAt: firstDaily, budgetDuration: '1d' });
  book.upsertScope('team:t1', { level: 'team', label: 't1', maxBudget: 50, spend: 20, resetAt: scheduler.firstResetAt('1mo'), budgetDuration: '1mo' });
  book.upsertScope('user:u1', { level: 'user', label: 'u1', maxBudget: 5, spend: 1, resetAt: null });
  assert.equal(scheduler.nextDueAt(), firstDaily);
  assert.deepEqual(scheduler.runDue(), []);

  clock.t = firstDaily;
  const inFlight = book.reserve(['key:k1'], 0.5);
  assert.deepEqual(scheduler.runDue(), [
    { id: 'key:k1', level: 'key', label: 'k1', previousSpend: 3, dueAt: firstDaily, nextResetAt: utc(2026, 4, 11, 18, 30) },
  ]);
  assert.equal(book.spendOf('key:k1'), 0);
  assert.equal(book.inflightOf('key:k1'), 0.5, 'in-flight reservations survive a reset');
  assert.equal(book.spendOf('team:t1'), 20);
  assert.equal(scheduler.nextDueAt(), utc(2026, 4, 11, 18, 30));
  inFlight.settle(0.5);
  assert.equal(book.spendOf('key:k1'), 0.5);
});

test('a reset that fell while the gateway was stopped happens at start, and missed periods are skipped', () => {
  const clock = new FakeClock(utc(2026, 2, 20, 15));
  const book = new BudgetBook(clock);
  // Loaded from the database: the last reset was due on March 9 (New York), two weeks ago.
  book.upsertScope('team:t1', { level: 'team', label: 't1', maxBudget: 10, spend: 9, resetAt: utc(2026, 2, 9, 4), budgetDuration: '1w' });
  const scheduler = new BudgetResetScheduler(clock, book, { timeZone: 'America/New_York' });
  const events = scheduler.runDue();
  assert.equal(events.length, 1);
  assert.equal(events[0]!.previousSpend, 9);
  assert.equal(events[0]!.nextResetAt, utc(2026, 2, 23, 4), 'the next Monday after now, not after the missed one');
  assert.equal(book.spendOf('team:t1'), 0);
  assert.deepEqual(scheduler.runDue(), []);
});

test('a scope with a reset time but no duration resets once', () => {
  const clock = new FakeClock(utc(2026, 4, 10));
  const book = new BudgetBook(clock);
  book.upsertScope('key:k1', { level: 'key', label: 'k1', maxBudget: 1, spend: 1, resetAt: utc(2026, 4, 9) });
  const scheduler = new BudgetResetScheduler(clock, book);
  assert.equal(scheduler.timeZone, 'UTC');
  assert.equal(scheduler.runDue()[0]?.nextResetAt, null);
  assert.equal(scheduler.nextDueAt(), null);
  book.reserve(['key:k1'], 0.5).release();
});

test('an unknown time zone is refused when the scheduler is made', () => {
  const clock = new FakeClock();
  assert.throws(() => new BudgetResetScheduler(clock, new BudgetBook(clock), { timeZone: 'Nowhere/Land' }), /Unknown time zone 'Nowhere\/Land'/);
});
