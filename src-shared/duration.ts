/**
 * LiteLLM durations (`30s`, `30m`, `30h`, `30d`, `1w`, `1mo`) and the calendar arithmetic that
 * budgets need: key expiry (`addDuration`) and calendar-aligned budget resets in an IANA time zone
 * (`nextCalendarReset`, CONTRACT section 7: `1d` at midnight, `1w` on Monday, `1mo` on the 1st).
 *
 * Pure TypeScript (shared by the core and the UI): zone offsets come from `Intl.DateTimeFormat`,
 * so every zone the runtime's ICU knows works, DST included, with no library.
 */

export type DurationUnit = 's' | 'm' | 'h' | 'd' | 'w' | 'mo';

/** A parsed duration: a whole positive `amount` of `unit`. */
export interface Duration {
  readonly amount: number;
  readonly unit: DurationUnit;
}

/** What the functions below accept: a LiteLLM string (`'30d'`) or an already parsed duration. */
export type DurationInput = string | Duration;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

const UNIT_MS: Record<Exclude<DurationUnit, 'mo'>, number> = { s: SECOND, m: MINUTE, h: HOUR, d: DAY, w: WEEK };

/** ECMAScript's Date range: no instant outside ±8.64e15 ms exists. */
const MAX_TIME_MS = 8.64e15;
/** Ten thousand years of months; anything beyond is junk, not a budget period. */
const MAX_MONTHS = 120_000;

const DURATION_RE = /^(\d+)(mo|[smhdw])$/;
const EXPECTED = 'expected a whole number followed by s, m, h, d, w or mo (e.g. 30s, 30m, 30h, 30d, 1w, 1mo)';

/**
 * Parses a LiteLLM duration. Surrounding spaces are ignored; units are lower case.
 * Throws an Error naming the input for junk, zero, negative or absurdly long durations.
 *
 * @example parseDuration('30d') // { amount: 30, unit: 'd' }
 */
export function parseDuration(text: string): Duration {
  if (typeof text !== 'string') throw new TypeError(`Invalid duration: ${EXPECTED}, got ${typeof text}`);
  const trimmed = text.trim();
  const match = DURATION_RE.exec(trimmed);
  if (match === null) {
    if (trimmed.startsWith('-')) throw new Error(`Invalid duration '${text}': a duration must be positive`);
    throw new Error(`Invalid duration '${text}': ${EXPECTED}`);
  }
  return checkDuration({ amount: Number(match[1]), unit: match[2] as DurationUnit }, text);
}

/** The canonical string of a duration (`{amount: 1, unit: 'mo'}` gives `'1mo'`). */
export function formatDuration(duration: DurationInput): string {
  const d = toDuration(duration);
  return `${d.amount}${d.unit}`;
}

/**
 * The fixed length of a duration in milliseconds. Days are 24 h and weeks 7 days of elapsed
 * time; months have no fixed length, so `mo` throws (use `addDuration`).
 */
export function durationToMs(duration: DurationInput): number {
  const d = toDuration(duration);
  if (d.unit === 'mo') throw new Error(`Duration '${formatDuration(d)}' has no fixed length: months are calendar months, use addDuration`);
  return d.amount * UNIT_MS[d.unit];
}

/**
 * `fromMs` plus a duration. s/m/h/d/w add elapsed time; months are calendar months in
 * `timeZone` (default UTC): same wall-clock time, the day clamped to the target month's
 * length (Jan 31 + 1mo = Feb 28 or 29).
 */
export function addDuration(fromMs: number, duration: DurationInput, timeZone = 'UTC'): number {
  const d = toDuration(duration);
  checkTime(fromMs, 'fromMs');
  if (d.unit !== 'mo') return checkTime(fromMs + d.amount * UNIT_MS[d.unit], 'the result');
  const zone = zoneOf(timeZone);
  const local = new Date(zone.wallAt(fromMs));
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth() + d.amount;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const wall = Date.UTC(year, month, Math.min(local.getUTCDate(), lastDay), local.getUTCHours(),
    local.getUTCMinutes(), local.getUTCSeconds(), local.getUTCMilliseconds());
  return checkTime(zone.instantOf(wall), 'the result');
}

/**
 * The next budget reset strictly after `fromMs`, calendar-aligned in the IANA `timeZone`.
 * Follows LiteLLM's `get_next_standardized_reset_time`, made DST-correct:
 *
 * - `1d`: the next local midnight. `7d` is `1w` and `30d` is `1mo` (as in LiteLLM).
 *   Other `Nd`: the period starts at the last local midnight at or before `fromMs` and the
 *   reset is the local midnight N calendar days later (so a DST day of 23 or 25 h counts as one day).
 * - `Nw`: the period starts on the last local Monday 00:00; the reset is N weeks later (Monday 00:00).
 * - `Nmo`: the 1st of the month N months after the current month, 00:00 local.
 * - `Nh` (N < 24): the next local hour boundary whose hour is a multiple of N (6h: 00, 06, 12, 18;
 *   the first hour of a day always counts). Hours are walked in elapsed time, so on a fall-back
 *   day the repeated hour is a boundary twice and on a spring-forward day the skipped one is
 *   none. `Nm` (N < 60): the next multiple of N minutes within the local
 *   hour, else the next hour. `Ns` (N < 60): likewise within the minute. Longer ones
 *   (`30h`, `90m`, `90s`): the start of the current local hour / minute / second plus N units.
 *
 * A local midnight that does not exist (a zone that springs forward at 00:00) resolves to the
 * first instant of that day; one that happens twice resolves to the first.
 *
 * @example nextCalendarReset('1d', Date.UTC(2026, 2, 8, 12), 'America/New_York') // 2026-03-09T04:00Z
 */
export function nextCalendarReset(duration: DurationInput, fromMs: number, timeZone = 'UTC'): number {
  const d = toDuration(duration);
  checkTime(fromMs, 'fromMs');
  const zone = zoneOf(timeZone);
  const local = new Date(zone.wallAt(fromMs));
  const y = local.getUTCFullYear();
  const mo = local.getUTCMonth();
  const day = local.getUTCDate();
  const minute = local.getUTCMinutes();
  const second = local.getUTCSeconds();
  const ms = local.getUTCMilliseconds();
  const n = d.amount;
  const midnight = (dayOfMonth: number, month = mo): number => zone.instantOf(Date.UTC(y, month, dayOfMonth));
  const weekly = (weeks: number): number => midnight(day - ((local.getUTCDay() + 6) % 7) + 7 * weeks);

  let next: number;
  switch (d.unit) {
    case 's': {
      const minuteStart = fromMs - second * SECOND - ms;
      next = n < 60 ? minuteStart + Math.min((Math.floor(second / n) + 1) * n, 60) * SECOND : fromMs - ms + n * SECOND;
      break;
    }
    case 'm': {
      const hourStart = fromMs - minute * MINUTE - second * SECOND - ms;
      next = n < 60
        ? hourStart + Math.min((Math.floor(minute / n) + 1) * n, 60) * MINUTE
        : fromMs - second * SECOND - ms + n * MINUTE;
      break;
    }
    case 'h': {
      const hourStart = fromMs - minute * MINUTE - second * SECOND - ms;
      next = n >= 24 ? hourStart + n * HOUR : nextAlignedHour(zone, hourStart, day, n);
      break;
    }
    case 'd':
      if (n === 7) next = weekly(1);
      else if (n === 30) next = midnight(1, mo + 1);
      else next = midnight(day + n);
      break;
    case 'w':
      next = weekly(n);
      break;
    case 'mo':
      next = midnight(1, mo + n);
      break;
  }
  return checkTime(next, 'the next reset');
}

/**
 * The first local hour boundary after `hourStart` whose hour is a multiple of `n`, or that starts
 * a new local day. Walks hour by hour in elapsed time, so the repeated hour of a fall-back day
 * is a boundary twice and a skipped hour is not one at all.
 */
function nextAlignedHour(zone: Zone, hourStart: number, day: number, n: number): number {
  let t = hourStart;
  for (let i = 0; i < 26; i++) {
    t += HOUR;
    let local = new Date(zone.wallAt(t));
    const off = local.getUTCMinutes() * MINUTE + local.getUTCSeconds() * SECOND;
    if (off !== 0) {
      // A half-hour offset change (Lord Howe): snap back to the local hour boundary.
      t -= off;
      local = new Date(zone.wallAt(t));
    }
    if (local.getUTCHours() % n === 0 || local.getUTCDate() !== day) return t;
  }
  return t;
}

/** Throws a clear Error when `timeZone` is not an IANA zone the runtime knows. */
export function assertTimeZone(timeZone: string): void {
  zoneOf(timeZone);
}

// ---------------------------------------------------------------------------------------------

function toDuration(duration: DurationInput): Duration {
  if (typeof duration === 'string') return parseDuration(duration);
  if (duration === null || typeof duration !== 'object') throw new TypeError(`Invalid duration: ${EXPECTED}`);
  return checkDuration(duration, `${String(duration.amount)}${String(duration.unit)}`);
}

function checkDuration(d: Duration, shown: string): Duration {
  if (!['s', 'm', 'h', 'd', 'w', 'mo'].includes(d.unit)) throw new Error(`Invalid duration '${shown}': ${EXPECTED}`);
  if (!Number.isInteger(d.amount)) throw new Error(`Invalid duration '${shown}': the amount must be a whole number`);
  if (d.amount < 1) throw new Error(`Invalid duration '${shown}': the amount must be at least 1`);
  const tooLong = !Number.isSafeInteger(d.amount) || (d.unit === 'mo' ? d.amount > MAX_MONTHS : d.amount * UNIT_MS[d.unit] > MAX_TIME_MS);
  if (tooLong) throw new Error(`Invalid duration '${shown}': too long`);
  return d;
}

function checkTime(ms: number, name: string): number {
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_TIME_MS) throw new RangeError(`${name} is not a valid time: ${String(ms)}`);
  return ms;
}

/** One IANA zone: instant -> local wall clock and back. Wall clocks are expressed as UTC ms. */
interface Zone {
  /** The local wall-clock time at `instant`, as the UTC ms that would print the same fields. */
  wallAt(instant: number): number;
  /**
   * The instant at which the local wall clock reads `wall`. Twice-occurring times give the
   * earlier instant; skipped times (spring forward) move forward by the gap, like Temporal's
   * 'compatible' disambiguation.
   */
  instantOf(wall: number): number;
}

const zones = new Map<string, Zone>();

function zoneOf(timeZone: string): Zone {
  const cached = zones.get(timeZone);
  if (cached !== undefined) return cached;
  let format: Intl.DateTimeFormat;
  try {
    if (typeof timeZone !== 'string' || timeZone === '') throw new RangeError('empty');
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
  } catch {
    throw new Error(`Unknown time zone '${String(timeZone)}': use an IANA name such as 'UTC', 'America/New_York' or 'Asia/Kolkata'`);
  }
  const wallAt = (instant: number): number => {
    const sub = ((instant % SECOND) + SECOND) % SECOND;
    const f = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
    for (const part of format.formatToParts(instant - sub)) {
      if (part.type in f) f[part.type as keyof typeof f] = Number(part.value);
    }
    return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second) + sub;
  };
  const instantOf = (wall: number): number => {
    // The true instant lies within ±14 h of `wall`, so these two offsets bracket it; zones
    // never change offset twice within two days.
    const before = wallAt(wall - DAY) - (wall - DAY);
    const after = wallAt(wall + DAY) - (wall + DAY);
    let best: number | null = null;
    for (const offset of before === after ? [before] : [before, after]) {
      const candidate = wall - offset;
      if (wallAt(candidate) === wall && (best === null || candidate < best)) best = candidate;
    }
    return best ?? wall - before;
  };
  const zone: Zone = { wallAt, instantOf };
  zones.set(timeZone, zone);
  return zone;
}
