/**
 * The `model_deployments` table (migration 030): deployments added at run time. Rows hold
 * litellm_params with api_key only as a reference; the table's CHECK refuses anything else.
 */
import type { Db } from '../store/index.ts';

export interface StoredDeployment {
  model_id: string;
  model_name: string;
  /** LiteLLM litellm_params; `api_key`, when present, is `keychain/NAME` or `os.environ/NAME`. */
  litellm_params: Record<string, unknown> & { model: string; api_key?: string };
  model_info: Record<string, unknown>;
  /** The keychain entry Tollgate created for this deployment, or null. */
  owned_secret: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

interface Row {
  model_id: string;
  model_name: string;
  litellm_params: string;
  model_info: string;
  owned_secret: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

function fromRow(r: Row): StoredDeployment {
  return {
    model_id: r.model_id,
    model_name: r.model_name,
    litellm_params: JSON.parse(r.litellm_params) as StoredDeployment['litellm_params'],
    model_info: JSON.parse(r.model_info) as Record<string, unknown>,
    owned_secret: r.owned_secret,
    created_by: r.created_by,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

export class ModelsRepository {
  readonly db: Db;
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly deleteStmt;
  private readonly getStmt;
  private readonly allStmt;

  constructor(db: Db) {
    this.db = db;
    this.insertStmt = db.prepare(
      'INSERT INTO model_deployments (model_id, model_name, litellm_params, model_info, owned_secret, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.updateStmt = db.prepare('UPDATE model_deployments SET model_name = ?, litellm_params = ?, model_info = ?, owned_secret = ?, updated_at = ? WHERE model_id = ?');
    this.deleteStmt = db.prepare('DELETE FROM model_deployments WHERE model_id = ?');
    this.getStmt = db.prepare('SELECT * FROM model_deployments WHERE model_id = ?');
    this.allStmt = db.prepare('SELECT * FROM model_deployments ORDER BY created_at, model_id');
  }

  all(): StoredDeployment[] {
    return (this.allStmt.all() as Row[]).map(fromRow);
  }

  get(id: string): StoredDeployment | undefined {
    const r = this.getStmt.get(id) as Row | undefined;
    return r === undefined ? undefined : fromRow(r);
  }

  insert(d: StoredDeployment): void {
    this.insertStmt.run(d.model_id, d.model_name, JSON.stringify(d.litellm_params), JSON.stringify(d.model_info), d.owned_secret, d.created_by, d.created_at, d.updated_at);
  }

  update(d: StoredDeployment): void {
    const r = this.updateStmt.run(d.model_name, JSON.stringify(d.litellm_params), JSON.stringify(d.model_info), d.owned_secret, d.updated_at, d.model_id);
    if (r.changes !== 1) throw new Error(`model deployment ${d.model_id} vanished during update`);
  }

  delete(id: string): boolean {
    return this.deleteStmt.run(id).changes === 1;
  }
}
