/**
 * Reading spend reports and log rows into chart points and top-N tables. `/global/spend/report`
 * has had several shapes in LiteLLM (per-day rows with nested teams, per-key rows with
 * `total_cost`), so the readers accept the common spellings. Pure, no DOM.
 */
import { pickNumber, pickString, toList } from '../api/lists.ts';
import { isoDay } from './format.ts';

export interface DayPoint {
  day: string;
  spend: number;
  requests: number | null;
  errors: number | null;
}

export interface GroupTotal {
  name: string;
  spend: number;
  requests: number | null;
}

type Row = Record<string, unknown>;

const SPEND_FIELDS = ['spend', 'total_spend', 'total_cost', 'cost'];
const REQUEST_FIELDS = ['requests', 'api_requests', 'request_count', 'total_requests'];
const ERROR_FIELDS = ['errors', 'error_count', 'failed_requests'];

function rowSpend(row: Row): number {
  const direct = pickNumber(row, ...SPEND_FIELDS);
  if (direct !== null) return direct;
  // LiteLLM's per-day rows nest the groups: {group_by_day, teams: [{total_spend}]}.
  let sum = 0;
  for (const v of Object.values(row)) {
    if (Array.isArray(v)) for (const inner of v) if (typeof inner === 'object' && inner !== null) sum += pickNumber(inner as Row, ...SPEND_FIELDS) ?? 0;
  }
  return sum;
}

/** Day rows of `group_by=day`. */
export function readDayReport(value: unknown): DayPoint[] {
  const out = new Map<string, DayPoint>();
  for (const row of toList<Row>(value)) {
    const rawDay = pickString(row, 'group_by_day', 'day', 'date', 'group', 'startTime');
    if (rawDay === null) continue;
    const day = rawDay.slice(0, 10);
    const prev = out.get(day) ?? { day, spend: 0, requests: null, errors: null };
    const requests = pickNumber(row, ...REQUEST_FIELDS);
    const errors = pickNumber(row, ...ERROR_FIELDS);
    out.set(day, {
      day,
      spend: prev.spend + rowSpend(row),
      requests: requests === null ? prev.requests : (prev.requests ?? 0) + requests,
      errors: errors === null ? prev.errors : (prev.errors ?? 0) + errors,
    });
  }
  return [...out.values()].sort((a, b) => a.day.localeCompare(b.day));
}

/**
 * Display names of keys from a `/key/list` answer, by every reference a report may use for a key
 * (its stable `key_id` and its current hash `token`): the alias, else the abbreviated `sk-...abcd`.
 */
export function keyNames(keyList: unknown): Map<string, string> {
  const names = new Map<string, string>();
  for (const k of toList<Row>(keyList)) {
    const name = pickString(k, 'key_alias', 'key_name');
    if (name === null) continue;
    for (const ref of [pickString(k, 'key_id'), pickString(k, 'token')]) if (ref !== null) names.set(ref, name);
  }
  return names;
}

/**
 * Rows of `group_by=key` or `group_by=model`, largest spend first. The gateway names a key by its
 * `key_id` (`api_key`); `names` (from `keyNames`) turns that into the alias people know. A key
 * not in `names` (deleted since) keeps its id; spend without a key (master key) is "(no key)".
 */
export function readGroupReport(value: unknown, kind: 'key' | 'model', names: ReadonlyMap<string, string> = new Map()): GroupTotal[] {
  const nameFields = kind === 'key' ? ['key_alias', 'key_name', 'api_key', 'key_id', 'group', 'name'] : ['model', 'model_name', 'model_group', 'group', 'name'];
  const totals = new Map<string, GroupTotal>();
  for (const row of toList<Row>(value)) {
    const raw = pickString(row, ...nameFields);
    const name = raw === null ? (kind === 'key' ? '(no key)' : '(unknown)') : (names.get(raw) ?? raw);
    const prev = totals.get(name) ?? { name, spend: 0, requests: null };
    const requests = pickNumber(row, ...REQUEST_FIELDS);
    totals.set(name, { name, spend: prev.spend + rowSpend(row), requests: requests === null ? prev.requests : (prev.requests ?? 0) + requests });
  }
  return [...totals.values()].sort((a, b) => b.spend - a.spend);
}

/** One point per calendar day from `start` to `end` inclusive, zero where the report has none. */
export function fillDays(points: readonly DayPoint[], start: Date, end: Date): DayPoint[] {
  const byDay = new Map(points.map((p) => [p.day, p]));
  const out: DayPoint[] = [];
  const d = new Date(start.getFullYear(), start.getMonth(), start.getDate());
  const stop = isoDay(end);
  for (let i = 0; i < 400; i++) {
    const day = isoDay(d);
    out.push(byDay.get(day) ?? { day, spend: 0, requests: null, errors: null });
    if (day >= stop) break;
    d.setDate(d.getDate() + 1);
  }
  return out;
}

/** Whether a spend-log row is a failure. */
export function isFailure(row: Row): boolean {
  const status = pickString(row, 'status');
  if (status === null) return false;
  return !['success', 'ok', '200'].includes(status.toLowerCase());
}

/** Aggregates raw log rows (for callers who may not read the global report). */
export function aggregateLogs(rows: readonly Row[]): { days: DayPoint[]; keys: GroupTotal[]; models: GroupTotal[] } {
  const days = new Map<string, DayPoint>();
  const keys = new Map<string, GroupTotal>();
  const models = new Map<string, GroupTotal>();
  for (const row of rows) {
    const start = pickString(row, 'startTime', 'start_time', 'created_at');
    const spend = pickNumber(row, ...SPEND_FIELDS) ?? 0;
    if (start !== null) {
      const t = new Date(start);
      const day = Number.isNaN(t.getTime()) ? start.slice(0, 10) : isoDay(t);
      const p = days.get(day) ?? { day, spend: 0, requests: 0, errors: 0 };
      days.set(day, { day, spend: p.spend + spend, requests: (p.requests ?? 0) + 1, errors: (p.errors ?? 0) + (isFailure(row) ? 1 : 0) });
    }
    const key = pickString(row, 'key_alias', 'key_name', 'api_key') ?? '(unknown)';
    const k = keys.get(key) ?? { name: key, spend: 0, requests: 0 };
    keys.set(key, { name: key, spend: k.spend + spend, requests: (k.requests ?? 0) + 1 });
    const model = pickString(row, 'model', 'model_group') ?? '(unknown)';
    const m = models.get(model) ?? { name: model, spend: 0, requests: 0 };
    models.set(model, { name: model, spend: m.spend + spend, requests: (m.requests ?? 0) + 1 });
  }
  const byDay = [...days.values()].sort((a, b) => a.day.localeCompare(b.day));
  return { days: byDay, keys: [...keys.values()].sort((a, b) => b.spend - a.spend), models: [...models.values()].sort((a, b) => b.spend - a.spend) };
}
