/** Repository of virtual keys and their grace tokens. Records are plain objects; JSON columns parsed. */
import type { Db } from './db.ts';
import type { KeyType } from '../../../src-shared/roles.ts';
import type { KeyView } from '../../../src-shared/management.ts';

/** A stored key: what /key/info shows, plus per-model spend, with the narrower stored types. */
export interface KeyRecord extends Omit<KeyView, 'key_type' | 'model_max_budget'> {
  key_type: KeyType;
  model_max_budget: Record<string, { budget_limit: number; time_period?: string }> | null;
}

export interface GraceToken {
  token: string;
  key_id: string;
  expires_at: string;
}

type Row = Record<string, unknown>;

const JSON_COLUMNS = ['models', 'model_max_budget', 'model_rpm_limit', 'model_tpm_limit', 'model_spend', 'allowed_routes', 'metadata'] as const;
const COLUMNS = [
  'key_id', 'token', 'key_name', 'key_alias', 'user_id', 'team_id', 'organization_id', 'models', 'spend', 'max_budget', 'soft_budget',
  'budget_duration', 'budget_reset_at', 'rpm_limit', 'tpm_limit', 'max_parallel_requests', 'model_max_budget', 'model_rpm_limit',
  'model_tpm_limit', 'model_spend', 'allowed_routes', 'key_type', 'metadata', 'blocked', 'expires', 'temp_budget_increase',
  'temp_budget_expiry', 'created_at', 'updated_at', 'created_by',
] as const;

function fromRow(row: Row): KeyRecord {
  const out: Row = { ...row };
  for (const c of JSON_COLUMNS) out[c] = row[c] === null || row[c] === undefined ? null : JSON.parse(String(row[c]));
  out.blocked = row.blocked === 1;
  return out as unknown as KeyRecord;
}

function toRow(rec: KeyRecord): Row {
  const out: Row = { ...rec };
  for (const c of JSON_COLUMNS) out[c] = rec[c] === null ? null : JSON.stringify(rec[c]);
  out.blocked = rec.blocked ? 1 : 0;
  return out;
}

export class KeysRepository {
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
    this.insertStmt = db.prepare(`INSERT INTO keys (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`);
    this.updateStmt = db.prepare(`UPDATE keys SET ${COLUMNS.filter((c) => c !== 'key_id').map((c) => `${c} = @${c}`).join(', ')} WHERE key_id = @key_id`);
  }

  all(): KeyRecord[] {
    return (this.db.prepare('SELECT * FROM keys').all() as Row[]).map(fromRow);
  }

  insert(rec: KeyRecord): void {
    this.insertStmt.run(toRow(rec));
  }

  update(rec: KeyRecord): void {
    this.updateStmt.run(toRow(rec));
  }

  delete(keyId: string): void {
    this.db.prepare('DELETE FROM keys WHERE key_id = ?').run(keyId);
  }

  setSpend(keyId: string, spend: number, modelSpend: Record<string, number>, resetAt: string | null): void {
    this.db.prepare('UPDATE keys SET spend = ?, model_spend = ?, budget_reset_at = ? WHERE key_id = ?').run(spend, JSON.stringify(modelSpend), resetAt, keyId);
  }

  graceTokens(): GraceToken[] {
    return this.db.prepare('SELECT token, key_id, expires_at FROM key_grace_tokens').all() as GraceToken[];
  }

  addGraceToken(g: GraceToken): void {
    this.db.prepare('INSERT OR REPLACE INTO key_grace_tokens (token, key_id, expires_at) VALUES (?, ?, ?)').run(g.token, g.key_id, g.expires_at);
  }

  deleteGraceToken(token: string): void {
    this.db.prepare('DELETE FROM key_grace_tokens WHERE token = ?').run(token);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
