/**
 * Reads of the spend ledger: `/spend/logs` (rows, filtered and paged) and
 * `/global/spend/report` (daily aggregates grouped by one dimension).
 */
import type { Db } from '../store/index.ts';
import type { SpendGroup, SpendLogView } from '../../../src-shared/governance.ts';

export interface SpendLogFilter {
  start?: string;
  end?: string;
  key_id?: string;
  user_id?: string;
  team_id?: string;
  org_id?: string;
  end_user?: string;
  model?: string;
  request_id?: string;
}

export interface SpendReportRow {
  /** The group's value: a date (YYYY-MM-DD), key_id, team_id, user_id, end user or model; null for "none". */
  group: string | null;
  spend: number;
  total_requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

type Row = Record<string, unknown>;

function view(r: Row): SpendLogView {
  return {
    request_id: String(r.request_id),
    api_key: (r.key_id as string | null) ?? null,
    key_name: (r.key_name as string | null) ?? null,
    key_alias: (r.key_alias as string | null) ?? null,
    user: (r.user_id as string | null) ?? null,
    team_id: (r.team_id as string | null) ?? null,
    organization_id: (r.org_id as string | null) ?? null,
    end_user: (r.end_user as string | null) ?? null,
    model: String(r.model),
    model_group: String(r.model),
    deployment_model: String(r.deployment_model),
    prompt_tokens: Number(r.prompt_tokens),
    completion_tokens: Number(r.completion_tokens),
    total_tokens: Number(r.total_tokens),
    spend: Number(r.spend),
    status: String(r.status),
    latency_ms: Number(r.latency_ms),
    streamed: r.streamed === 1,
    aborted: r.aborted === 1,
    startTime: String(r.start_time),
    endTime: String(r.end_time),
  };
}

const GROUP_COLUMN: Record<SpendGroup, string> = { day: 'day', key: 'key_id', team: 'team_id', user: 'user_id', customer: 'end_user', model: 'model' };

export class SpendQuery {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  logs(f: SpendLogFilter, page: number, pageSize: number): { data: SpendLogView[]; total: number } {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.start !== undefined) { where.push('start_time >= ?'); args.push(f.start); }
    if (f.end !== undefined) { where.push('start_time < ?'); args.push(f.end); }
    for (const [col, v] of [['key_id', f.key_id], ['user_id', f.user_id], ['team_id', f.team_id], ['org_id', f.org_id], ['end_user', f.end_user], ['model', f.model]] as const) {
      if (v !== undefined) { where.push(`${col} = ?`); args.push(v); }
    }
    // A reused request id has rows `id`, `id~2`, ... (see SpendWriter).
    if (f.request_id !== undefined) { where.push("(request_id = ? OR (request_id GLOB ? AND substr(request_id, ?) GLOB '[0-9]*'))"); args.push(f.request_id, `${f.request_id.replace(/[*?[]/g, '[$&]')}~*`, f.request_id.length + 2); }
    const w = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM spend_logs ${w}`).get(...args) as { n: number }).n;
    const rows = this.db.prepare(`SELECT * FROM spend_logs ${w} ORDER BY start_time DESC, request_id LIMIT ? OFFSET ?`).all(...args, pageSize, (page - 1) * pageSize) as Row[];
    return { data: rows.map(view), total };
  }

  /** Daily aggregates between two local days (inclusive, YYYY-MM-DD), grouped by one dimension. */
  report(startDay: string | undefined, endDay: string | undefined, groupBy: SpendGroup): SpendReportRow[] {
    const col = GROUP_COLUMN[groupBy];
    const where: string[] = [];
    const args: unknown[] = [];
    if (startDay !== undefined) { where.push('day >= ?'); args.push(startDay); }
    if (endDay !== undefined) { where.push('day <= ?'); args.push(endDay); }
    const w = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const rows = this.db.prepare(
      `SELECT ${col} AS g, SUM(spend) AS spend, SUM(requests) AS n, SUM(prompt_tokens) AS p, SUM(completion_tokens) AS c FROM daily_spend ${w} GROUP BY ${col} ORDER BY ${groupBy === 'day' ? 'g ASC' : 'spend DESC, g ASC'}`,
    ).all(...args) as { g: string; spend: number; n: number; p: number; c: number }[];
    return rows.map((r) => ({ group: r.g === '' ? null : r.g, spend: r.spend, total_requests: r.n, prompt_tokens: r.p, completion_tokens: r.c, total_tokens: r.p + r.c }));
  }

  /** Spend of one local day (YYYY-MM-DD) from the aggregates. */
  daySpend(day: string): number {
    return (this.db.prepare('SELECT COALESCE(SUM(spend), 0) AS s FROM daily_spend WHERE day = ?').get(day) as { s: number }).s;
  }
}
