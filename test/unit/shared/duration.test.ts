import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addDuration, assertTimeZone, durationToMs, formatDuration, nextCalendarReset, parseDuration,
} from '../../../src-shared/duration.ts';

const utc = Date.UTC;
const HOUR = 3_600_000;

test('parseDuration reads the LiteLLM units', () => {
  assert.deepEqual(parseDuration('30s'), { amount: 30, unit: 's' });
  assert.deepEqual(parseDuration('30m'), { amount: 30, unit: 'm' });
  assert.deepEqual(parseDuration('30h'), { amount: 30, unit: 'h' });
  assert.deepEqual(parseDuration('30d'), { amount: 30, unit: 'd' });
  assert.deepEqual(parseDuration('1w'), { amount: 1, unit: 'w' });
  assert.deepEqual(parseDuration('1mo'), { amount: 1, unit: 'mo' });
  assert.deepEqual(parseDuration(' 2mo '), { amount: 2, unit: 'mo' });
  assert.equal(formatDuration({ amount: 2, unit: 'mo' }), '2mo');
});

test('parseDuration refuses junk, zero and negative durations with a message naming the input', () => {
  for (const junk of ['', 'abc', '30', 'd', '1.5h', '5M', '1y', '1 d', '30dd', 'mo1']) {
    assert.throws(() => parseDuration(junk), (e: Error) => e.message.includes(`'${junk}'`) && e.message.includes('30s'), junk);
  }
  assert.throws(() => parseDuration('0d'), /'0d'.*at least 1/);
  assert.throws(() => parseDuration('-5m'), /'-5m'.*positive/);
  assert.throws(() => parseDuration('99999999999999999999d'), /too long/);
  assert.throws(() => parseDuration(null as unknown as string), TypeError);
  assert.throws(() => durationToMs({ amount: 0, unit: 'd' }), /at least 1/);
  assert.throws(() => durationToMs({ amount: 1.5, unit: 'h' }), /whole number/);
  assert.throws(() => durationToMs({ amount: 1, unit: 'y' as 'd' }), /expected/);
});

test('durationToMs gives fixed lengths and refuses months', () => {
  assert.equal(durationToMs('30s'), 30_000);
  assert.equal(durationToMs('30m'), 1_800_000);
  assert.equal(durationToMs('30h'), 30 * HOUR);
  assert.equal(durationToMs('30d'), 30 * 24 * HOUR);
  assert.equal(durationToMs('1w'), 7 * 24 * HOUR);
  assert.throws(() => durationToMs('1mo'), /calendar months/);
});

test('addDuration adds elapsed time, and calendar months with the day clamped', () => {
  const from = utc(2026, 0, 31, 10, 15);
  assert.equal(addDuration(from, '30d'), from + 30 * 24 * HOUR);
  assert.equal(addDuration(from, '1mo'), utc(2026, 1, 28, 10, 15));
  assert.equal(addDuration(utc(2028, 0, 31, 10), '1mo'), utc(2028, 1, 29, 10)); // leap year
  assert.equal(addDuration(from, '2mo'), utc(2026, 2, 31, 10, 15));
  assert.equal(addDuration(utc(2026, 10, 30), '3mo'), utc(2027, 1, 28));
  // In New York, one calendar month across the March DST change keeps the wall-clock time.
  const ny = utc(2026, 1, 15, 17); // 12:00 EST
  assert.equal(addDuration(ny, '1mo', 'America/New_York'), utc(2026, 2, 15, 16)); // 12:00 EDT
  assert.throws(() => addDuration(Number.NaN, '1d'), RangeError);
});

test('1d resets at the next local midnight: UTC, Kolkata', () => {
  assert.equal(nextCalendarReset('1d', utc(2026, 4, 10, 13, 45), 'UTC'), utc(2026, 4, 11));
  assert.equal(nextCalendarReset('1d', utc(2026, 4, 10, 13, 45)), utc(2026, 4, 11), 'UTC is the default');
  // Kolkata is UTC+5:30: 13:45Z is 19:15 local; the next midnight is 18:30Z.
  assert.equal(nextCalendarReset('1d', utc(2026, 4, 10, 13, 45), 'Asia/Kolkata'), utc(2026, 4, 10, 18, 30));
  // 20:00Z is already the 11th in Kolkata.
  assert.equal(nextCalendarReset('1d', utc(2026, 4, 10, 20), 'Asia/Kolkata'), utc(2026, 4, 11, 18, 30));
});

test('the reset is strictly after fromMs, so resets chain', () => {
  const midnight = utc(2026, 4, 11);
  assert.equal(nextCalendarReset('1d', midnight), utc(2026, 4, 12));
  assert.equal(nextCalendarReset('1d', midnight - 1), midnight);
  let t = utc(2026, 2, 1, 12);
  const seen: number[] = [];
  for (let i = 0; i < 3; i++) seen.push(t = nextCalendarReset('1mo', t, 'Asia/Kolkata'));
  assert.deepEqual(seen, [utc(2026, 2, 31, 18, 30), utc(2026, 3, 30, 18, 30), utc(2026, 4, 31, 18, 30)]);
});

test('1d across New York DST: a 23-hour and a 25-hour day', () => {
  const tz = 'America/New_York';
  // 2026-03-08: clocks spring forward at 02:00 EST. Midnight that day is 05:00Z, the next 04:00Z.
  assert.equal(nextCalendarReset('1d', utc(2026, 2, 8, 3), tz), utc(2026, 2, 8, 5));
  const spring = nextCalendarReset('1d', utc(2026, 2, 8, 12), tz);
  assert.equal(spring, utc(2026, 2, 9, 4));
  assert.equal(spring - utc(2026, 2, 8, 5), 23 * HOUR);
  // 2026-11-01: clocks fall back at 02:00 EDT. Midnight that day is 04:00Z, the next 05:00Z.
  const fall = nextCalendarReset('1d', utc(2026, 10, 1, 4), tz);
  assert.equal(fall, utc(2026, 10, 2, 5));
  assert.equal(fall - utc(2026, 10, 1, 4), 25 * HOUR);
  // 06:30Z is 01:30 EST, the second 01:30 of the day: still the same day.
  assert.equal(nextCalendarReset('1d', utc(2026, 10, 1, 6, 30), tz), utc(2026, 10, 2, 5));
});

test('a midnight that does not exist or happens twice (Havana changes clocks at midnight)', () => {
  const tz = 'America/Havana';
  // 2026-03-08 00:00 CST becomes 01:00 CDT: the day starts at 05:00Z.
  assert.equal(nextCalendarReset('1d', utc(2026, 2, 7, 12), tz), utc(2026, 2, 8, 5));
  // 2026-11-01 01:00 CDT becomes 00:00 CST: midnight happens twice, the first (04:00Z) counts.
  assert.equal(nextCalendarReset('1d', utc(2026, 9, 31, 12), tz), utc(2026, 10, 1, 4));
  assert.equal(nextCalendarReset('1d', utc(2026, 10, 1, 5, 30), tz), utc(2026, 10, 2, 5));
});

test('Nd for N > 1 counts local calendar days from the last local midnight', () => {
  const tz = 'America/New_York';
  // From Saturday 2026-03-07 15:00 EST, 3 days: Tuesday 2026-03-10 00:00 EDT (04:00Z).
  assert.equal(nextCalendarReset('3d', utc(2026, 2, 7, 20), tz), utc(2026, 2, 10, 4));
  assert.equal(nextCalendarReset('3d', utc(2026, 4, 10, 13)), utc(2026, 4, 13));
});

test('1w (and 7d) resets on Monday 00:00 local; Nw counts weeks from the last Monday', () => {
  // 2026-03-08 is a Sunday; in New York the next Monday midnight is after the DST change.
  assert.equal(nextCalendarReset('1w', utc(2026, 2, 8, 12), 'America/New_York'), utc(2026, 2, 9, 4));
  assert.equal(nextCalendarReset('7d', utc(2026, 2, 8, 12), 'America/New_York'), utc(2026, 2, 9, 4));
  // On a Monday the reset is the following Monday.
  assert.equal(nextCalendarReset('1w', utc(2026, 2, 9, 0), 'UTC'), utc(2026, 2, 16));
  assert.equal(nextCalendarReset('1w', utc(2026, 2, 8, 19), 'Asia/Kolkata'), utc(2026, 2, 15, 18, 30));
  // 2w from Wednesday 2026-03-11: Monday 2026-03-09 + 14 days.
  assert.equal(nextCalendarReset('2w', utc(2026, 2, 11, 12)), utc(2026, 2, 23));
});

test('Nmo (and 30d) resets on the 1st at 00:00 local', () => {
  assert.equal(nextCalendarReset('1mo', utc(2026, 0, 31, 23)), utc(2026, 1, 1));
  assert.equal(nextCalendarReset('30d', utc(2026, 0, 31, 23)), utc(2026, 1, 1));
  assert.equal(nextCalendarReset('1mo', utc(2026, 11, 15)), utc(2027, 0, 1));
  assert.equal(nextCalendarReset('2mo', utc(2026, 10, 15)), utc(2027, 0, 1));
  assert.equal(nextCalendarReset('1mo', utc(2026, 2, 15), 'America/New_York'), utc(2026, 3, 1, 4));
  assert.equal(nextCalendarReset('1mo', utc(2026, 9, 15), 'America/New_York'), utc(2026, 10, 1, 4));
  // 2026-01-31 20:00Z is already February 1st 01:30 in Kolkata.
  assert.equal(nextCalendarReset('1mo', utc(2026, 0, 31, 20), 'Asia/Kolkata'), utc(2026, 1, 28, 18, 30));
});

test('Nh, Nm, Ns align to local hour, minute and second boundaries', () => {
  assert.equal(nextCalendarReset('1h', utc(2026, 4, 10, 13, 45, 10)), utc(2026, 4, 10, 14));
  assert.equal(nextCalendarReset('6h', utc(2026, 4, 10, 13, 45)), utc(2026, 4, 10, 18));
  assert.equal(nextCalendarReset('6h', utc(2026, 4, 10, 19)), utc(2026, 4, 11));
  assert.equal(nextCalendarReset('5h', utc(2026, 4, 10, 21)), utc(2026, 4, 11), 'the day start always counts');
  assert.equal(nextCalendarReset('30h', utc(2026, 4, 10, 13, 45)), utc(2026, 4, 10, 13) + 30 * HOUR);
  // Kolkata's hours start at :30 UTC.
  assert.equal(nextCalendarReset('1h', utc(2026, 4, 10, 13, 45), 'Asia/Kolkata'), utc(2026, 4, 10, 14, 30));
  assert.equal(nextCalendarReset('30m', utc(2026, 4, 10, 13, 45)), utc(2026, 4, 10, 14));
  assert.equal(nextCalendarReset('45m', utc(2026, 4, 10, 10), 'Asia/Kolkata'), utc(2026, 4, 10, 10, 15));
  assert.equal(nextCalendarReset('90m', utc(2026, 4, 10, 13, 45, 20)), utc(2026, 4, 10, 15, 15));
  assert.equal(nextCalendarReset('30s', utc(2026, 4, 10, 13, 45, 20, 500)), utc(2026, 4, 10, 13, 45, 30));
  assert.equal(nextCalendarReset('30s', utc(2026, 4, 10, 13, 45, 30)), utc(2026, 4, 10, 13, 46));
  assert.equal(nextCalendarReset('90s', utc(2026, 4, 10, 13, 45, 20, 500)), utc(2026, 4, 10, 13, 46, 50));
});

test('hourly resets across DST: the repeated hour counts twice, the skipped one never', () => {
  const tz = 'America/New_York';
  // Fall back: 01:30 EDT (05:30Z) -> 01:00 EST (06:00Z) -> 02:00 EST (07:00Z).
  assert.equal(nextCalendarReset('1h', utc(2026, 10, 1, 5, 30), tz), utc(2026, 10, 1, 6));
  assert.equal(nextCalendarReset('1h', utc(2026, 10, 1, 6, 30), tz), utc(2026, 10, 1, 7));
  // Spring forward: from 01:30 EST (06:30Z) the next hour is 03:00 EDT (07:00Z).
  assert.equal(nextCalendarReset('1h', utc(2026, 2, 8, 6, 30), tz), utc(2026, 2, 8, 7));
  // 6h from 00:30 EST: 06:00 EDT (10:00Z).
  assert.equal(nextCalendarReset('6h', utc(2026, 2, 8, 5, 30), tz), utc(2026, 2, 8, 10));
});

test('an unknown time zone is a clear error', () => {
  assert.throws(() => nextCalendarReset('1d', 0, 'Mars/Olympus'), /Unknown time zone 'Mars\/Olympus'/);
  assert.throws(() => assertTimeZone(''), /Unknown time zone/);
  assert.doesNotThrow(() => assertTimeZone('Asia/Kolkata'));
  assert.throws(() => nextCalendarReset('1d', Number.NaN), RangeError);
});
