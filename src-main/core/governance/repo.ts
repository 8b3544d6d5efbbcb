/**
 * Repositories of the governance tables (migration 010). Each object is one row: its fields as a
 * JSON document plus the hot columns (`spend`, `budget_reset_at`) that the ledger rewrites on
 * every flush without touching the document. Team members live in their own table.
 */
import type { Db } from '../store/index.ts';
import type { BudgetRecord, CustomerRecord, OrgRecord, TeamMember, TeamRecord, UserRecord } from './types.ts';

type Row = { doc: string; spend?: number; budget_reset_at?: string | null };

/** One table of JSON documents keyed by `idColumn`. */
export class DocRepository<T extends { created_at: string; updated_at: string }> {
  private readonly db: Db;
  private readonly table: string;
  private readonly idColumn: string;
  private readonly hot: boolean;
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly deleteStmt;
  private readonly spendStmt;

  constructor(db: Db, table: string, idColumn: string, hot = true) {
    this.db = db;
    this.table = table;
    this.idColumn = idColumn;
    this.hot = hot;
    this.insertStmt = hot
      ? db.prepare(`INSERT INTO ${table} (${idColumn}, doc, spend, budget_reset_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`)
      : db.prepare(`INSERT INTO ${table} (${idColumn}, doc, created_at, updated_at) VALUES (?, ?, ?, ?)`);
    this.updateStmt = hot
      ? db.prepare(`UPDATE ${table} SET doc = ?, budget_reset_at = ?, updated_at = ? WHERE ${idColumn} = ?`)
      : db.prepare(`UPDATE ${table} SET doc = ?, updated_at = ? WHERE ${idColumn} = ?`);
    this.deleteStmt = db.prepare(`DELETE FROM ${table} WHERE ${idColumn} = ?`);
    this.spendStmt = hot ? db.prepare(`UPDATE ${table} SET spend = ?, budget_reset_at = ? WHERE ${idColumn} = ?`) : null;
  }

  all(): T[] {
    return (this.db.prepare(`SELECT * FROM ${this.table}`).all() as Row[]).map((r) => {
      const rec = JSON.parse(r.doc) as Record<string, unknown>;
      if (this.hot) {
        rec.spend = r.spend ?? 0;
        rec.budget_reset_at = r.budget_reset_at ?? null;
      }
      return rec as T;
    });
  }

  private doc(rec: T): string {
    const { spend: _s, budget_reset_at: _r, members_with_roles: _m, ...rest } = rec as unknown as Record<string, unknown>;
    return JSON.stringify(rest);
  }

  insert(id: string, rec: T): void {
    const r = rec as unknown as { spend?: number; budget_reset_at?: string | null };
    if (this.hot) this.insertStmt.run(id, this.doc(rec), r.spend ?? 0, r.budget_reset_at ?? null, rec.created_at, rec.updated_at);
    else this.insertStmt.run(id, this.doc(rec), rec.created_at, rec.updated_at);
  }

  update(id: string, rec: T): void {
    const r = rec as unknown as { budget_reset_at?: string | null };
    if (this.hot) this.updateStmt.run(this.doc(rec), r.budget_reset_at ?? null, rec.updated_at, id);
    else this.updateStmt.run(this.doc(rec), rec.updated_at, id);
  }

  delete(id: string): void {
    this.deleteStmt.run(id);
  }

  setSpend(id: string, spend: number, resetAt: string | null): void {
    this.spendStmt?.run(spend, resetAt, id);
  }
}

export class TeamMembersRepository {
  private readonly db: Db;
  private readonly upsertStmt;
  private readonly spendStmt;

  constructor(db: Db) {
    this.db = db;
    this.upsertStmt = db.prepare(
      'INSERT INTO team_members (team_id, user_id, role, max_budget_in_team, spend, budget_reset_at) VALUES (?, ?, ?, ?, ?, ?) ' +
        'ON CONFLICT(team_id, user_id) DO UPDATE SET role = excluded.role, max_budget_in_team = excluded.max_budget_in_team',
    );
    this.spendStmt = db.prepare('UPDATE team_members SET spend = ?, budget_reset_at = ? WHERE team_id = ? AND user_id = ?');
  }

  all(): (TeamMember & { team_id: string })[] {
    return (this.db.prepare('SELECT * FROM team_members').all() as (TeamMember & { team_id: string })[]).map((m) => ({ ...m, user_email: null }));
  }

  upsert(teamId: string, m: TeamMember): void {
    this.upsertStmt.run(teamId, m.user_id, m.role, m.max_budget_in_team, m.spend, m.budget_reset_at);
  }

  delete(teamId: string, userId: string): void {
    this.db.prepare('DELETE FROM team_members WHERE team_id = ? AND user_id = ?').run(teamId, userId);
  }

  setSpend(teamId: string, userId: string, spend: number, resetAt: string | null): void {
    this.spendStmt.run(spend, resetAt, teamId, userId);
  }
}

/** Spend of scopes without a row of their own (`global`, key+model budgets, unknown end users). */
export class ScopeSpendRepository {
  private readonly db: Db;
  private readonly upsertStmt;

  constructor(db: Db) {
    this.db = db;
    this.upsertStmt = db.prepare(
      'INSERT INTO scope_spend (scope, spend, budget_reset_at) VALUES (?, ?, ?) ON CONFLICT(scope) DO UPDATE SET spend = excluded.spend, budget_reset_at = excluded.budget_reset_at',
    );
  }

  all(): Map<string, { spend: number; budget_reset_at: string | null }> {
    const out = new Map<string, { spend: number; budget_reset_at: string | null }>();
    for (const r of this.db.prepare('SELECT * FROM scope_spend').all() as { scope: string; spend: number; budget_reset_at: string | null }[]) {
      out.set(r.scope, { spend: r.spend, budget_reset_at: r.budget_reset_at });
    }
    return out;
  }

  set(scope: string, spend: number, resetAt: string | null): void {
    this.upsertStmt.run(scope, spend, resetAt);
  }
}

export interface GovernanceRepos {
  users: DocRepository<UserRecord>;
  teams: DocRepository<TeamRecord>;
  members: TeamMembersRepository;
  orgs: DocRepository<OrgRecord>;
  customers: DocRepository<CustomerRecord>;
  budgets: DocRepository<BudgetRecord>;
  scopes: ScopeSpendRepository;
  transaction<R>(fn: () => R): R;
}

export function createRepos(db: Db): GovernanceRepos {
  return {
    users: new DocRepository<UserRecord>(db, 'users', 'user_id'),
    teams: new DocRepository<TeamRecord>(db, 'teams', 'team_id'),
    members: new TeamMembersRepository(db),
    orgs: new DocRepository<OrgRecord>(db, 'organizations', 'organization_id'),
    customers: new DocRepository<CustomerRecord>(db, 'customers', 'user_id'),
    budgets: new DocRepository<BudgetRecord>(db, 'budgets', 'budget_id', false),
    scopes: new ScopeSpendRepository(db),
    transaction: <R>(fn: () => R): R => db.transaction(fn)(),
  };
}
