/**
 * Deployments managed at run time (`/model/new`, `/model/update`, `/model/delete`, `/model/info`).
 * Stored ones live in SQLite and are merged after the config's model_list into the live registry.
 *
 * A literal api_key never reaches the database: it is written to the secret store (the OS
 * keychain) under a generated name first, and the row keeps `keychain/<name>`. Each change is
 * all-or-nothing: a refused keychain write stores nothing; a failed database write deletes the
 * secret just written; the row and its audit entry commit in one transaction.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { GatewayError, isGatewayError } from '../../../src-shared/errors.ts';
import type { DeploymentConfig } from '../../../src-shared/config.ts';
import type { ModelDeleteBody, ModelNewBody, ModelUpdateBody } from '../../../src-shared/models.ts';
import type { Principal } from '../auth/index.ts';
import type { ModelRegistry } from '../proxy/index.ts';
import { KEYCHAIN_PREFIX, type SecretResolver } from '../secrets/index.ts';
import type { Clock } from '../ports.ts';
import type { Logger } from '../observability/index.ts';
import type { AuditService } from '../management/audit.ts';
import { canReadAll, type Actor } from '../management/actor.ts';
import type { ModelsRepository, StoredDeployment } from './repo.ts';
import { checkReachable, checkReference, isSecretReference } from './validate.ts';
import { entryOf, type ModelInfoEntry } from './view.ts';

export interface ModelServiceDeps {
  repo: ModelsRepository;
  registry: ModelRegistry;
  /** The config file's model_list (not deletable through the API). */
  config: readonly DeploymentConfig[];
  secrets: SecretResolver;
  audit: AuditService;
  clock: Clock;
  log: Pick<Logger, 'warn'>;
  /** For callers who cannot read everything: a predicate of the model names they may use. */
  visibleTo(principal: Principal): (modelName: string) => boolean;
}

/** The id a config deployment has in the registry and in /model/info. */
export function configIdOf(d: DeploymentConfig, index: number): string {
  return d.model_info?.id ?? `${d.model_name}#${index}`;
}

function toConfig(d: StoredDeployment): DeploymentConfig {
  return { model_name: d.model_name, litellm_params: d.litellm_params as DeploymentConfig['litellm_params'], model_info: { ...d.model_info, id: d.model_id } };
}

type Params = StoredDeployment['litellm_params'];

export class ModelService {
  private readonly deps: ModelServiceDeps;
  private config: readonly DeploymentConfig[];
  /** Ids with a change in flight: a second change to the same id is refused (409), never interleaved. */
  private readonly busy = new Set<string>();

  constructor(deps: ModelServiceDeps) {
    this.deps = deps;
    this.config = deps.config;
    this.warnOnIdClashes();
  }

  /** Puts config + stored deployments into the live registry. */
  reload(): void {
    this.deps.registry.set([...this.config, ...this.deps.repo.all().map(toConfig)]);
  }

  /** For a future config reload: replaces the config part, keeps the stored part. */
  setConfigDeployments(list: readonly DeploymentConfig[]): void {
    this.config = list;
    this.warnOnIdClashes();
    this.reload();
  }

  /** Every deployment (config first), for /model/info, test_connection and doctor. */
  all(): { id: string; db_model: boolean; config: DeploymentConfig }[] {
    return [
      ...this.config.map((config, i) => ({ id: configIdOf(config, i), db_model: false, config })),
      ...this.deps.repo.all().map((d) => ({ id: d.model_id, db_model: true, config: toConfig(d) })),
    ];
  }

  info(principal: Principal, actor: Actor, id?: string): { data: ModelInfoEntry[] } {
    const all = this.all();
    const visible = canReadAll(actor) ? () => true : this.deps.visibleTo(principal);
    const full = canReadAll(actor);
    const data = all
      .filter((d) => (id === undefined || d.id === id) && visible(d.config.model_name))
      .map((d) => {
        const e = entryOf(d.config.model_name, d.config.litellm_params, d.config.model_info ?? {}, d.id, d.db_model);
        if (!full) {
          // Callers who only use models need not see where they are served from or which secret.
          delete e.litellm_params.api_key;
          delete e.litellm_params.api_base;
        }
        return e;
      });
    if (id !== undefined && data.length === 0) throw new GatewayError('ERR_NOT_FOUND', `No deployment with id ${JSON.stringify(id)}.`, { param: 'litellm_model_id' });
    return { data };
  }

  async create(body: ModelNewBody, actor: Actor): Promise<ModelInfoEntry & { model_id: string }> {
    const params: Params = { ...body.litellm_params };
    checkReachable(params, 'litellm_params.api_base');
    if (params.api_key !== undefined && isSecretReference(params.api_key)) checkReference(params.api_key, 'litellm_params.api_key');
    const id = body.model_info?.id ?? randomUUID();
    this.claim(id);
    let written: string | null = null;
    try {
      if (this.isConfigId(id) || this.deps.repo.get(id) !== undefined) throw this.conflict(id);
      const literal = params.api_key !== undefined && !isSecretReference(params.api_key) ? params.api_key : null;
      if (literal !== null) {
        written = await this.writeSecret(await this.freshSecretName(id, null), literal);
        params.api_key = `${KEYCHAIN_PREFIX}${written}`;
      }
      const info: Record<string, unknown> = { ...body.model_info };
      delete info.id;
      delete info.db_model;
      const now = new Date(this.deps.clock.now()).toISOString();
      const row: StoredDeployment = { model_id: id, model_name: body.model_name, litellm_params: params, model_info: info, owned_secret: written, created_by: actor.display, created_at: now, updated_at: now };
      try {
        this.deps.repo.db.transaction(() => {
          this.deps.repo.insert(row);
          this.deps.audit.record(actor, 'model.new', 'model', id, null, this.auditView(row));
        })();
      } catch (err) {
        if (written !== null) await this.dropSecret(written, 'the deployment could not be stored');
        written = null;
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw this.conflict(id);
        throw err;
      }
      this.reload();
      return { model_id: id, ...entryOf(row.model_name, row.litellm_params, row.model_info, id, true) };
    } finally {
      this.busy.delete(id);
    }
  }

  async update(body: ModelUpdateBody, actor: Actor): Promise<ModelInfoEntry & { model_id: string }> {
    const id = (body.model_id ?? body.model_info?.id)!;
    if (this.isConfigId(id)) throw new GatewayError('ERR_BAD_REQUEST', `Deployment ${id} is defined in the config file's model_list; change it there.`, { param: 'model_id' });
    this.claim(id);
    try {
      const before = this.deps.repo.get(id);
      if (before === undefined) throw new GatewayError('ERR_NOT_FOUND', `No stored deployment with id ${JSON.stringify(id)}.`, { param: 'model_id' });
      const params: Params = { ...before.litellm_params };
      for (const [k, v] of Object.entries(body.litellm_params ?? {})) {
        if (k === 'api_key' || v === undefined) continue;
        if (v === null) delete params[k];
        else params[k] = v;
      }
      const info: Record<string, unknown> = { ...before.model_info };
      for (const [k, v] of Object.entries(body.model_info ?? {})) {
        if (k === 'id' || k === 'db_model' || v === undefined) continue;
        if (v === null) delete info[k];
        else info[k] = v;
      }
      checkReachable(params, body.litellm_params?.api_base === undefined ? 'litellm_params.model' : 'litellm_params.api_base');
      const keyIn = body.litellm_params?.api_key;
      let owned = before.owned_secret;
      let written: string | null = null;
      if (keyIn === null) {
        delete params.api_key;
        owned = null;
      } else if (keyIn !== undefined && isSecretReference(keyIn)) {
        checkReference(keyIn, 'litellm_params.api_key');
        params.api_key = keyIn;
        owned = null;
      } else if (keyIn !== undefined) {
        written = await this.writeSecret(await this.freshSecretName(id, before.owned_secret), keyIn);
        params.api_key = `${KEYCHAIN_PREFIX}${written}`;
        owned = written;
      }
      const after: StoredDeployment = { ...before, model_name: body.model_name ?? before.model_name, litellm_params: params, model_info: info, owned_secret: owned, updated_at: new Date(this.deps.clock.now()).toISOString() };
      try {
        this.deps.repo.db.transaction(() => {
          this.deps.repo.update(after);
          this.deps.audit.record(actor, 'model.update', 'model', id, this.auditView(before), this.auditView(after));
        })();
      } catch (err) {
        if (written !== null) await this.dropSecret(written, 'the deployment could not be updated');
        throw err;
      }
      this.reload();
      if (before.owned_secret !== null && before.owned_secret !== owned) await this.dropSecret(before.owned_secret, 'it was replaced');
      return { model_id: id, ...entryOf(after.model_name, after.litellm_params, after.model_info, id, true) };
    } finally {
      this.busy.delete(id);
    }
  }

  async delete(body: ModelDeleteBody, actor: Actor): Promise<{ message: string; id: string; secret_deleted: boolean | null }> {
    const id = body.id;
    if (this.isConfigId(id)) throw new GatewayError('ERR_BAD_REQUEST', `Deployment ${id} is defined in the config file's model_list; remove it there.`, { param: 'id' });
    this.claim(id);
    try {
      const before = this.deps.repo.get(id);
      if (before === undefined) throw new GatewayError('ERR_NOT_FOUND', `No stored deployment with id ${JSON.stringify(id)}.`, { param: 'id' });
      this.deps.repo.db.transaction(() => {
        this.deps.repo.delete(id);
        this.deps.audit.record(actor, 'model.delete', 'model', id, this.auditView(before), null);
      })();
      this.reload();
      const secretDeleted = before.owned_secret === null ? null : await this.dropSecret(before.owned_secret, 'its deployment was deleted');
      return { message: `Model: ${id} deleted successfully`, id, secret_deleted: secretDeleted };
    } finally {
      this.busy.delete(id);
    }
  }

  private claim(id: string): void {
    if (this.busy.has(id)) throw new GatewayError('ERR_CONFLICT', `Deployment ${id} is being changed by another request; try again.`, { param: 'id' });
    this.busy.add(id);
  }

  private conflict(id: string): GatewayError {
    return new GatewayError('ERR_CONFLICT', `A deployment with id ${id} already exists.`, { param: 'model_info.id' });
  }

  private isConfigId(id: string): boolean {
    return this.config.some((d, i) => configIdOf(d, i) === id);
  }

  private auditView(d: StoredDeployment): unknown {
    return { model_name: d.model_name, litellm_params: entryOf(d.model_name, d.litellm_params, {}, d.model_id, true).litellm_params, model_info: d.model_info };
  }

  /** `model-<id>`, unless that entry exists already (not ours to overwrite) or is the one being replaced. */
  private async freshSecretName(id: string, current: string | null): Promise<string> {
    const plain = `model-${id}`;
    if (plain !== current) {
      const existing = await this.deps.secrets.store.get(plain).catch(() => null);
      if (existing === null) return plain;
    }
    return `model-${id}-${randomBytes(4).toString('hex')}`;
  }

  private async writeSecret(name: string, value: string): Promise<string> {
    try {
      await this.deps.secrets.store.set(name, value);
      return name;
    } catch (err) {
      // Store errors are GatewayErrors worded without values; anything else is not echoed.
      if (isGatewayError(err)) throw new GatewayError(err.code === 'ERR_BAD_REQUEST' ? 'ERR_CONFIGURATION' : err.code, `The api_key was not stored, so neither was the deployment: ${err.message}`, { cause: err });
      throw new GatewayError('ERR_CONFIGURATION', `The api_key was not stored, so neither was the deployment: the secret store refused it (${this.deps.secrets.store.protection.description})`, { cause: err });
    }
  }

  /** Deletes a secret Tollgate created; a failure is logged (name only) and reported, never thrown. */
  private async dropSecret(name: string, why: string): Promise<boolean> {
    try {
      await this.deps.secrets.store.delete(name);
      return true;
    } catch (err) {
      this.deps.log.warn({ secret: name, err: isGatewayError(err) ? err.message : 'secret store error' }, `could not delete secret ${name} after ${why}; remove it with \`tollgate secrets delete ${name}\``);
      return false;
    }
  }

  private warnOnIdClashes(): void {
    const configIds = new Set(this.config.map((d, i) => configIdOf(d, i)));
    for (const d of this.deps.repo.all()) {
      if (configIds.has(d.model_id)) this.deps.log.warn({ model_id: d.model_id }, `deployment id ${d.model_id} is both in the config file and stored through /model/new; both serve requests`);
    }
  }
}
