/** Display formatting shared by the pages. Pure, no DOM. */

export function formatMoney(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  const digits = abs === 0 ? 2 : abs < 0.01 ? 6 : abs < 1 ? 4 : 2;
  return `$${value.toFixed(digits)}`;
}

export function formatInt(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return Math.round(value).toLocaleString('en-US');
}

/** Local date and time, minutes precision; '—' for empty, the input itself when unparsable. */
export function formatDateTime(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}

/** Compact local time for dense tables: `11-26 16:14:05` (date omitted for today). */
export function formatShortTime(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  if (isoDay(d) === isoDay(new Date())) return time;
  return `${isoDay(d).slice(5)} ${time}`;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** `YYYY-MM-DD` of a date in local time (the form `start_date`/`end_date` take). */
export function isoDay(d: Date): string {
  const y = d.getFullYear();
  const m = String(d.getMonth() + 1).padStart(2, '0');
  const day = String(d.getDate()).padStart(2, '0');
  return `${y}-${m}-${day}`;
}

export function daysAgo(n: number, from: Date = new Date()): Date {
  const d = new Date(from);
  d.setDate(d.getDate() - n);
  return d;
}

export function startOfMonth(from: Date = new Date()): Date {
  return new Date(from.getFullYear(), from.getMonth(), 1);
}

/** Local midnight of the day `d` falls on. */
export function startOfDay(d: Date): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate());
}

/**
 * A range of local calendar days `[from, to]` as the instants `/spend/logs` filters on: the
 * gateway reads a bare `YYYY-MM-DD` as a UTC day, so the UI sends the start of `from` and the start
 * of the day after `to` (exclusive) as ISO date-times, and "today" means the user's today.
 */
export function localDayRange(from: Date, to: Date): { start_date: string; end_date: string } {
  const end = startOfDay(to);
  end.setDate(end.getDate() + 1);
  return { start_date: startOfDay(from).toISOString(), end_date: end.toISOString() };
}

/** `localDayRange` from the `YYYY-MM-DD` values of date inputs (local days); empty values stay empty. */
export function localDayInputsRange(from: string, to: string): { start_date?: string; end_date?: string } {
  const parse = (v: string): Date | null => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
    return m === null ? null : new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  };
  const f = parse(from);
  const t = parse(to);
  const out: { start_date?: string; end_date?: string } = {};
  if (f !== null) out.start_date = localDayRange(f, f).start_date;
  if (t !== null) out.end_date = localDayRange(t, t).end_date;
  return out;
}
