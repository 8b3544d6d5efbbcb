/**
 * The spend writer: spend log rows are appended in memory and written to SQLite in one
 * transaction per flush (every ~1 s and at shutdown), together with the daily aggregates and
 * whatever the owner persists in `inTransaction` (the spend columns of keys, users, teams ...),
 * so logs and spend totals on disk always agree. A crash loses at most one flush window.
 */
import { nextCalendarReset } from '../../../src-shared/duration.ts';
import type { Db } from '../store/index.ts';

/** Where a settled request's spend log row comes from (never a secret). */
export interface SpendLogRow {
  request_id: string;
  key_id: string | null;
  key_name: string | null;
  key_alias: string | null;
  user_id: string | null;
  team_id: string | null;
  org_id: string | null;
  end_user: string | null;
  model: string;
  deployment_model: string;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  spend: number;
  status: string;
  latency_ms: number;
  streamed: boolean;
  aborted: boolean;
  start_time: string;
  end_time: string;
}

const LOG_COLUMNS = [
  'request_id', 'key_id', 'key_name', 'key_alias', 'user_id', 'team_id', 'org_id', 'end_user', 'model', 'deployment_model',
  'prompt_tokens', 'completion_tokens', 'total_tokens', 'spend', 'status', 'latency_ms', 'streamed', 'aborted', 'start_time', 'end_time',
] as const;

/** `YYYY-MM-DD` of an instant in an IANA zone. */
export function dayOf(ms: number, formatter: DayFormatter): string {
  return formatter.format(ms);
}

export interface DayFormatter {
  format(ms: number): string;
}

/**
 * The local day of an instant. Every request asks it, so the answer is kept until the next local
 * midnight: Intl formatting costs microseconds, a comparison nothing.
 */
export function dayFormatter(timeZone: string): DayFormatter {
  // en-CA prints ISO dates (2026-03-08).
  const intl = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  let from = Number.POSITIVE_INFINITY;
  let until = Number.NEGATIVE_INFINITY;
  let day = '';
  return {
    format(ms: number): string {
      if (ms >= from && ms < until) return day;
      day = intl.format(ms);
      from = ms;
      until = nextCalendarReset('1d', ms, timeZone);
      return day;
    },
  };
}

export interface SpendWriterOptions {
  timeZone: string;
  /** Runs inside each flush transaction, after the rows (persist dirty spend totals here). */
  inTransaction?: () => void;
}

export class SpendWriter {
  private readonly db: Db;
  private readonly insertLog;
  private readonly upsertDaily;
  private readonly formatter: DayFormatter;
  private readonly inTransaction: (() => void) | undefined;
  private batch: SpendLogRow[] = [];
  private written = 0;

  constructor(db: Db, options: SpendWriterOptions) {
    this.db = db;
    this.formatter = dayFormatter(options.timeZone);
    this.inTransaction = options.inTransaction;
    // OR IGNORE, then a suffixed id: a request id seen twice (a client reusing its x-request-id) was
    // charged twice, so it gets two rows (`id`, `id~2`, ...; `~` never occurs in an accepted request id).
    this.insertLog = db.prepare(`INSERT OR IGNORE INTO spend_logs (${LOG_COLUMNS.join(', ')}) VALUES (${LOG_COLUMNS.map((c) => `@${c}`).join(', ')})`);
    this.upsertDaily = db.prepare(
      'INSERT INTO daily_spend (day, key_id, user_id, team_id, org_id, end_user, model, spend, requests, prompt_tokens, completion_tokens) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(day, key_id, user_id, team_id, org_id, end_user, model) DO UPDATE SET ' +
        'spend = spend + excluded.spend, requests = requests + excluded.requests, prompt_tokens = prompt_tokens + excluded.prompt_tokens, completion_tokens = completion_tokens + excluded.completion_tokens',
    );
  }

  /** Queues one row (hot path: no I/O). */
  append(row: SpendLogRow): void {
    this.batch.push(row);
  }

  /** Rows waiting for the next flush. */
  get pending(): number {
    return this.batch.length;
  }

  /** Rows written since start. */
  get total(): number {
    return this.written;
  }

  /** Writes every queued row in one transaction; returns how many. On failure the rows stay queued. */
  flush(): number {
    const rows = this.batch;
    if (rows.length === 0 && this.inTransaction === undefined) return 0;
    this.batch = [];
    try {
      this.db.transaction(() => {
        // The daily aggregates take one upsert per (day, key, user, team, org, end user, model) of
        // the batch, not one per row.
        const daily = new Map<string, { cols: (string | number)[]; spend: number; requests: number; prompt: number; completion: number }>();
        for (const r of rows) {
          const row = { ...r, streamed: r.streamed ? 1 : 0, aborted: r.aborted ? 1 : 0 };
          for (let n = 2; this.insertLog.run(row).changes === 0; n++) row.request_id = `${r.request_id}~${n}`;
          const cols = [dayOf(Date.parse(r.start_time), this.formatter), r.key_id ?? '', r.user_id ?? '', r.team_id ?? '', r.org_id ?? '', r.end_user ?? '', r.model];
          const k = cols.join('\u0000');
          const agg = daily.get(k);
          if (agg === undefined) daily.set(k, { cols, spend: r.spend, requests: 1, prompt: r.prompt_tokens, completion: r.completion_tokens });
          else {
            agg.spend += r.spend;
            agg.requests += 1;
            agg.prompt += r.prompt_tokens;
            agg.completion += r.completion_tokens;
          }
        }
        for (const a of daily.values()) this.upsertDaily.run(...a.cols, a.spend, a.requests, a.prompt, a.completion);
        this.inTransaction?.();
      })();
    } catch (err) {
      this.batch = rows.concat(this.batch);
      throw err;
    }
    this.written += rows.length;
    return rows.length;
  }
}
