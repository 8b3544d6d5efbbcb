/**
 * The key service: the whole lifecycle of virtual keys (CONTRACT section 4 "Keys"). Writes go to
 * SQLite synchronously and then to the in-memory index (write-through), with an audit row each.
 * Raw keys exist only in the response of generate/regenerate; everything else sees hashes.
 */
import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../../src-shared/errors.ts';
import type { KeyGenerateBody, KeyUpdateBody, KeyView } from '../../../src-shared/management.ts';
import { addDuration } from '../../../src-shared/duration.ts';
import type { Clock } from '../ports.ts';
import type { KeyRecord, KeysRepository } from '../store/index.ts';
import { abbreviateKey, generateVirtualKey, HASH_RE, sha256Hex, type KeyIndex } from '../auth/index.ts';
import type { AuditService } from './audit.ts';
import { canReadAll, isAdmin, type Actor } from './actor.ts';

export interface KeyServiceHooks {
  /** Whether the actor administers the team (team admins manage the team's keys). */
  isTeamAdmin?(actor: Actor, teamId: string): boolean;
  /** Validates references to users, teams and organizations; throws GatewayError when unknown. */
  checkOwners?(body: { user_id?: string | null; team_id?: string | null; organization_id?: string | null }): void;
  /** Called after a key changed or was deleted, so counters and budgets can follow. */
  onChange?(rec: KeyRecord | undefined, keyId: string): void;
}

export interface GeneratedKey extends KeyView {
  key: string;
}

export function viewOf(rec: KeyRecord): KeyView {
  return { ...rec };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export class KeyService {
  private readonly repo: KeysRepository;
  private readonly index: KeyIndex;
  private readonly audit: AuditService;
  private readonly clock: Clock;
  private readonly hooks: KeyServiceHooks;

  constructor(deps: { repo: KeysRepository; index: KeyIndex; audit: AuditService; clock: Clock; hooks?: KeyServiceHooks }) {
    this.repo = deps.repo;
    this.index = deps.index;
    this.audit = deps.audit;
    this.clock = deps.clock;
    this.hooks = deps.hooks ?? {};
  }

  /** Finds a key by raw key, current or grace hash, or key_id. */
  resolve(ref: string): KeyRecord | undefined {
    if (ref.startsWith('sk-')) return this.index.byHash(sha256Hex(ref), this.clock.now());
    if (HASH_RE.test(ref)) return this.index.byHash(ref, this.clock.now());
    return this.index.byKeyId(ref);
  }

  private mustResolve(ref: string, actor: Actor, write: boolean): KeyRecord {
    const rec = this.resolve(ref);
    // Unknown and not-yours look the same, so a caller cannot probe for other people's keys.
    if (rec === undefined || !(write ? this.canWrite(actor, rec) : this.canRead(actor, rec))) {
      throw new GatewayError('ERR_NOT_FOUND', `Key ${ref.startsWith('sk-') ? abbreviateKey(ref) : ref.slice(0, 12)} not found.`, { param: 'key' });
    }
    return rec;
  }

  canRead(actor: Actor, rec: KeyRecord): boolean {
    if (canReadAll(actor) || (actor.key_id !== undefined && actor.key_id === rec.key_id)) return true;
    return this.canWrite(actor, rec, true);
  }

  canWrite(actor: Actor, rec: KeyRecord, reading = false): boolean {
    if (isAdmin(actor)) return true;
    if (actor.role === 'proxy_admin_viewer' || (actor.role === 'internal_user_viewer' && !reading)) return false;
    if (actor.user_id !== null && rec.user_id === actor.user_id) return true;
    if (actor.role === 'org_admin' && actor.org_id !== null && rec.organization_id === actor.org_id) return true;
    if (rec.team_id !== null && this.hooks.isTeamAdmin?.(actor, rec.team_id) === true) return true;
    return false;
  }

  /** Non-admins create keys for themselves (or their team / org when they administer it). */
  private checkOwnership(actor: Actor, body: { user_id?: string | null; team_id?: string | null; organization_id?: string | null }): void {
    if (isAdmin(actor)) return;
    if (actor.role === 'internal_user_viewer' || actor.role === 'proxy_admin_viewer') {
      throw new GatewayError('ERR_ROUTE_FORBIDDEN', `Role ${actor.role} cannot create or change keys.`);
    }
    if (body.user_id !== undefined && body.user_id !== null && body.user_id !== actor.user_id) {
      throw new GatewayError('ERR_ROUTE_FORBIDDEN', 'You can only manage your own keys: user_id must be yours.', { param: 'user_id' });
    }
    if (body.team_id !== undefined && body.team_id !== null && this.hooks.isTeamAdmin?.(actor, body.team_id) !== true && !this.isTeamMemberAllowed(actor, body.team_id)) {
      throw new GatewayError('ERR_ROUTE_FORBIDDEN', `You do not administer team ${body.team_id}.`, { param: 'team_id' });
    }
    if (body.organization_id !== undefined && body.organization_id !== null && !(actor.role === 'org_admin' && actor.org_id === body.organization_id)) {
      throw new GatewayError('ERR_ROUTE_FORBIDDEN', `You do not administer organization ${body.organization_id}.`, { param: 'organization_id' });
    }
  }

  private isTeamMemberAllowed(_actor: Actor, _teamId: string): boolean {
    return false;
  }

  generate(body: KeyGenerateBody, actor: Actor): GeneratedKey {
    this.checkOwnership(actor, body);
    this.hooks.checkOwners?.(body);
    const now = this.clock.now();
    const raw = generateVirtualKey();
    const userId = body.user_id ?? (isAdmin(actor) || actor.user_id === 'default_user_id' ? null : actor.user_id);
    const rec: KeyRecord = {
      key_id: randomUUID(),
      token: sha256Hex(raw),
      key_name: abbreviateKey(raw),
      key_alias: body.key_alias ?? null,
      user_id: userId,
      team_id: body.team_id ?? null,
      organization_id: body.organization_id ?? null,
      models: body.models ?? [],
      spend: 0,
      max_budget: body.max_budget ?? null,
      soft_budget: body.soft_budget ?? null,
      budget_duration: body.budget_duration ?? null,
      budget_reset_at: body.budget_duration ? null : null,
      rpm_limit: body.rpm_limit ?? null,
      tpm_limit: body.tpm_limit ?? null,
      max_parallel_requests: body.max_parallel_requests ?? null,
      model_max_budget: normaliseModelBudget(body.model_max_budget),
      model_rpm_limit: body.model_rpm_limit ?? null,
      model_tpm_limit: body.model_tpm_limit ?? null,
      model_spend: {},
      allowed_routes: body.allowed_routes ?? [],
      key_type: body.key_type ?? 'default',
      metadata: { ...(body.metadata ?? {}), ...(body.tags ? { tags: body.tags } : {}) },
      blocked: body.blocked ?? false,
      expires: body.duration ? iso(addDuration(now, body.duration)) : null,
      temp_budget_increase: body.temp_budget_increase ?? null,
      temp_budget_expiry: body.temp_budget_expiry ?? null,
      created_at: iso(now),
      updated_at: iso(now),
      created_by: actor.display,
    };
    this.repo.insert(rec);
    this.index.put(rec);
    this.audit.record(actor, 'key.generate', 'key', rec.key_id, null, viewOf(rec));
    this.hooks.onChange?.(rec, rec.key_id);
    return { ...viewOf(rec), key: raw };
  }

  update(body: KeyUpdateBody, actor: Actor): KeyView {
    const rec = this.mustResolve(body.key, actor, true);
    const { key: _k, duration, tags, model_max_budget, ...fields } = body;
    this.checkOwnership(actor, fields);
    this.hooks.checkOwners?.(fields);
    const before = viewOf(rec);
    const next: KeyRecord = { ...rec };
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) continue;
      if (k === 'metadata') next.metadata = v as Record<string, unknown>;
      else (next as unknown as Record<string, unknown>)[k] = v;
    }
    if (model_max_budget !== undefined) next.model_max_budget = normaliseModelBudget(model_max_budget);
    if (tags !== undefined) next.metadata = { ...next.metadata, tags };
    if (duration !== undefined) next.expires = duration === null ? null : iso(addDuration(this.clock.now(), duration));
    next.models = next.models ?? [];
    next.allowed_routes = next.allowed_routes ?? [];
    next.updated_at = iso(this.clock.now());
    this.repo.update(next);
    this.index.put(next);
    this.audit.record(actor, 'key.update', 'key', next.key_id, before, viewOf(next));
    this.hooks.onChange?.(next, next.key_id);
    return viewOf(next);
  }

  delete(refs: { keys?: string[]; key_aliases?: string[] }, actor: Actor): { deleted_keys: string[] } {
    const targets: KeyRecord[] = [];
    for (const ref of refs.keys ?? []) targets.push(this.mustResolve(ref, actor, true));
    for (const alias of refs.key_aliases ?? []) {
      const found = [...this.index.values()].filter((k) => k.key_alias === alias && this.canWrite(actor, k));
      if (found.length === 0) throw new GatewayError('ERR_NOT_FOUND', `No key with alias ${alias}.`, { param: 'key_aliases' });
      targets.push(...found);
    }
    this.repo.transaction(() => {
      for (const rec of targets) this.repo.delete(rec.key_id);
    });
    for (const rec of targets) {
      this.index.remove(rec.key_id);
      this.audit.record(actor, 'key.delete', 'key', rec.key_id, viewOf(rec), null);
      this.hooks.onChange?.(undefined, rec.key_id);
    }
    return { deleted_keys: targets.map((t) => t.key_id) };
  }

  /**
   * Rotation: a new raw key and hash for the same key_id (budgets, spend, limits and logs follow
   * the key_id). With a grace period the old hash keeps working until it ends.
   */
  regenerate(ref: string, body: { grace_period?: string | null | undefined; key_alias?: string | null | undefined; models?: string[] | undefined; max_budget?: number | null | undefined; duration?: string | null | undefined; metadata?: Record<string, unknown> | undefined }, actor: Actor): GeneratedKey {
    const rec = this.mustResolve(ref, actor, true);
    const now = this.clock.now();
    const raw = generateVirtualKey();
    const before = viewOf(rec);
    const next: KeyRecord = { ...rec, token: sha256Hex(raw), key_name: abbreviateKey(raw), updated_at: iso(now) };
    if (body.key_alias !== undefined) next.key_alias = body.key_alias;
    if (body.models !== undefined) next.models = body.models;
    if (body.max_budget !== undefined) next.max_budget = body.max_budget;
    if (body.metadata !== undefined) next.metadata = body.metadata;
    if (body.duration !== undefined) next.expires = body.duration === null ? null : iso(addDuration(now, body.duration));
    const graceUntil = body.grace_period ? addDuration(now, body.grace_period) : null;
    this.repo.transaction(() => {
      this.repo.update(next);
      if (graceUntil !== null) this.repo.addGraceToken({ token: rec.token, key_id: rec.key_id, expires_at: iso(graceUntil) });
    });
    this.index.put(next);
    if (graceUntil !== null) this.index.addGrace(rec.token, rec.key_id, graceUntil);
    this.audit.record(actor, 'key.regenerate', 'key', rec.key_id, before, { ...viewOf(next), grace_period_until: graceUntil === null ? null : iso(graceUntil) });
    this.hooks.onChange?.(next, next.key_id);
    return { ...viewOf(next), key: raw };
  }

  setBlocked(ref: string, blocked: boolean, actor: Actor): KeyView {
    const rec = this.mustResolve(ref, actor, true);
    const next: KeyRecord = { ...rec, blocked, updated_at: iso(this.clock.now()) };
    this.repo.update(next);
    this.index.put(next);
    this.audit.record(actor, blocked ? 'key.block' : 'key.unblock', 'key', rec.key_id, { blocked: rec.blocked }, { blocked });
    this.hooks.onChange?.(next, next.key_id);
    return viewOf(next);
  }

  resetSpend(ref: string, actor: Actor): KeyView {
    const rec = this.mustResolve(ref, actor, true);
    const next: KeyRecord = { ...rec, spend: 0, model_spend: {}, updated_at: iso(this.clock.now()) };
    this.repo.update(next);
    this.index.put(next);
    this.audit.record(actor, 'key.reset_spend', 'key', rec.key_id, { spend: rec.spend }, { spend: 0 });
    this.hooks.onChange?.(next, next.key_id);
    return viewOf(next);
  }

  info(ref: string, actor: Actor): { key: string; info: KeyView } {
    const rec = this.mustResolve(ref, actor, false);
    return { key: rec.token, info: viewOf(rec) };
  }

  list(q: { page?: number; size?: number; user_id?: string; team_id?: string; organization_id?: string; key_alias?: string }, actor: Actor): { keys: KeyView[]; total_count: number; current_page: number; total_pages: number } {
    const all = [...this.index.values()]
      .filter((k) => this.canRead(actor, k))
      .filter((k) => (q.user_id === undefined || k.user_id === q.user_id) && (q.team_id === undefined || k.team_id === q.team_id) && (q.organization_id === undefined || k.organization_id === q.organization_id) && (q.key_alias === undefined || k.key_alias === q.key_alias))
      .sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
    const size = Math.min(Math.max(q.size ?? 50, 1), 500);
    const page = Math.max(q.page ?? 1, 1);
    return {
      keys: all.slice((page - 1) * size, page * size).map(viewOf),
      total_count: all.length,
      current_page: page,
      total_pages: Math.max(1, Math.ceil(all.length / size)),
    };
  }
}

function normaliseModelBudget(v: KeyGenerateBody['model_max_budget']): KeyRecord['model_max_budget'] {
  if (v === undefined || v === null) return null;
  const out: Record<string, { budget_limit: number; time_period?: string }> = {};
  for (const [model, b] of Object.entries(v)) {
    out[model] = typeof b === 'number' ? { budget_limit: b } : { budget_limit: b.budget_limit, ...(b.time_period ? { time_period: b.time_period } : {}) };
  }
  return out;
}
