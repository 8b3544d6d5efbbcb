/** Test fixtures: a real SQLite file in a temp dir, an injected clock and a governance module over them. */
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, KeysRepository, AuditRepository, type Db, type KeyRecord } from '../../../src-main/core/store/index.ts';
import { KeyIndex, type Principal } from '../../../src-main/core/auth/index.ts';
import { AuditService } from '../../../src-main/core/management/audit.ts';
import type { Actor } from '../../../src-main/core/management/actor.ts';
import { createGovernance, type Governance, type GovernanceSettings } from '../../../src-main/core/governance/index.ts';

export interface Env {
  dir: string;
  db: Db;
  clock: { t: number; now(): number };
  keysRepo: KeysRepository;
  keyIndex: KeyIndex;
  audit: AuditService;
  gov: Governance;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'tollgate-gov-'));
}

export function openEnv(dir = tempDir(), settings: GovernanceSettings = {}, t = Date.UTC(2026, 0, 15, 12)): Env {
  const db = openDatabase(dir);
  const clock = { t, now() { return this.t; } };
  const keysRepo = new KeysRepository(db);
  const keyIndex = new KeyIndex();
  keyIndex.load(keysRepo.all(), keysRepo.graceTokens());
  const audit = new AuditService(new AuditRepository(db), clock);
  const gov = createGovernance({ db, clock, audit, keyIndex, keysRepo, settings });
  gov.start();
  return { dir, db, clock, keysRepo, keyIndex, audit, gov };
}

export function makeKey(env: Env, fields: Partial<KeyRecord> = {}): KeyRecord {
  const id = fields.key_id ?? `k-${Math.random().toString(36).slice(2)}`;
  const at = new Date(env.clock.now()).toISOString();
  const rec: KeyRecord = {
    key_id: id, token: createHash('sha256').update(id).digest('hex'), key_name: 'sk-...abcd', key_alias: null, user_id: null, team_id: null, organization_id: null,
    models: [], spend: 0, max_budget: null, soft_budget: null, budget_duration: null, budget_reset_at: null, rpm_limit: null, tpm_limit: null,
    max_parallel_requests: null, model_max_budget: null, model_rpm_limit: null, model_tpm_limit: null, model_spend: {}, allowed_routes: [],
    key_type: 'default', metadata: {}, blocked: false, expires: null, temp_budget_increase: null, temp_budget_expiry: null, created_at: at, updated_at: at, created_by: null,
    ...fields,
  };
  env.keysRepo.insert(rec);
  env.keyIndex.put(rec);
  env.gov.onKeyChange(rec, rec.key_id);
  return rec;
}

export function principalOf(key: KeyRecord | null, extra: Partial<Principal> = {}): Principal {
  return {
    method: key === null ? 'master_key' : 'virtual_key', user_id: key?.user_id ?? null, user_role: 'internal_user', team_id: key?.team_id ?? null,
    org_id: key?.organization_id ?? null, end_user_id: null, key_id: key?.key_id ?? null, display: key?.key_name ?? 'master_key', ...extra,
  };
}

export const admin: Actor = { user_id: 'admin', role: 'proxy_admin', org_id: null, display: 'master_key', request_id: null };

export function actor(userId: string, role: Actor['role'] = 'internal_user', orgId: string | null = null): Actor {
  return { user_id: userId, role, org_id: orgId, display: `user:${userId}`, request_id: null };
}

/** Calls a handler of the governance table as the HTTP layer would. */
export function call(env: Env, route: string, who: Actor, body: unknown = {}, query: Record<string, string> = {}): unknown {
  const h = env.gov.handlers[route];
  if (h === undefined) throw new Error(`no handler ${route}`);
  return h({ principal: principalOf(null), actor: who, body, query, params: {}, requestId: 'r' });
}

let n = 0;
export function admitInput(key: KeyRecord | undefined, extra: { cost?: number; tokens?: number; model?: string; endUserId?: string | null; principal?: Principal } = {}) {
  n++;
  return {
    principal: extra.principal ?? principalOf(key ?? null), key, model: extra.model ?? 'gpt-4o', worstCaseCost: extra.cost ?? 0.01,
    worstCaseTokens: extra.tokens ?? 100, endUserId: extra.endUserId ?? null, requestId: `req-${n}`, route: '/v1/chat/completions',
  };
}

export function settleInput(cost: number, tokens = 50, extra: { aborted?: boolean; status?: number } = {}) {
  return {
    usage: { prompt_tokens: tokens - 10, completion_tokens: 10, total_tokens: tokens }, cost, status: extra.status ?? 200, aborted: extra.aborted ?? false,
    latencyMs: 12, deploymentModel: 'openai/gpt-4o', streamed: extra.aborted ?? false,
  };
}

export function count(db: Db, sql: string): number {
  return (db.prepare(sql).get() as { n: number }).n;
}
