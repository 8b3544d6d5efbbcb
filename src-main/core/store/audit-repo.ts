/** The audit log: one row per management change. Values are redacted by the caller. */
import type { Db } from './db.ts';

export interface AuditEntry {
  actor: string;
  actor_role: string;
  action: string;
  object_type: string;
  object_id: string | null;
  before: unknown;
  after: unknown;
  request_id: string | null;
}

export interface AuditRow extends Omit<AuditEntry, 'before' | 'after'> {
  id: number;
  created_at: string;
  before: unknown;
  after: unknown;
}

export interface AuditQuery {
  page?: number;
  page_size?: number;
  object_type?: string;
  object_id?: string;
  action?: string;
  actor?: string;
}

export class AuditRepository {
  private readonly db: Db;
  private readonly insertStmt;

  constructor(db: Db) {
    this.db = db;
    this.insertStmt = db.prepare(
      'INSERT INTO audit_log (created_at, actor, actor_role, action, object_type, object_id, before, after, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }

  add(entry: AuditEntry, at: Date): void {
    this.insertStmt.run(
      at.toISOString(), entry.actor, entry.actor_role, entry.action, entry.object_type, entry.object_id,
      entry.before === undefined || entry.before === null ? null : JSON.stringify(entry.before),
      entry.after === undefined || entry.after === null ? null : JSON.stringify(entry.after),
      entry.request_id,
    );
  }

  list(q: AuditQuery): { rows: AuditRow[]; total: number } {
    const where: string[] = [];
    const args: unknown[] = [];
    for (const k of ['object_type', 'object_id', 'action', 'actor'] as const) {
      const v = q[k];
      if (v !== undefined) { where.push(`${k} = ?`); args.push(v); }
    }
    const w = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const size = Math.min(Math.max(q.page_size ?? 50, 1), 500);
    const page = Math.max(q.page ?? 1, 1);
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM audit_log ${w}`).get(...args) as { n: number }).n;
    const rows = (this.db.prepare(`SELECT * FROM audit_log ${w} ORDER BY id DESC LIMIT ? OFFSET ?`).all(...args, size, (page - 1) * size) as Record<string, unknown>[]).map((r) => ({
      ...r,
      before: r.before === null ? null : JSON.parse(String(r.before)),
      after: r.after === null ? null : JSON.parse(String(r.after)),
    })) as AuditRow[];
    return { rows, total };
  }
}
