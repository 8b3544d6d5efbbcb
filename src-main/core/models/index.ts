/**
 * models/: deployments managed at run time (`/model/new`, `/model/update`, `/model/delete`,
 * `/model/info`, `/health/test_connection`). One factory: the gateway hands it the database, the
 * live registry and the config's model_list, spreads `handlers` into its handler table, and the
 * registry is filled with config + stored deployments at once. What is not exported is private.
 */
import type { DeploymentConfig } from '../../../src-shared/config.ts';
import type { KeyIndex, Principal } from '../auth/index.ts';
import { checkModelAccess, type LlmDeps } from '../http/llm.ts';
import type { AuditService } from '../management/audit.ts';
import type { HandlerTable } from '../management/handlers.ts';
import type { Logger } from '../observability/index.ts';
import type { Clock } from '../ports.ts';
import type { SecretResolver } from '../secrets/index.ts';
import type { Db } from '../store/index.ts';
import { ModelsRepository } from './repo.ts';
import { ModelService } from './service.ts';
import { modelHandlers } from './routes.ts';
import type { ConnectionTesterDeps } from './connection.ts';

export { ModelService, configIdOf } from './service.ts';
export { ModelsRepository, type StoredDeployment } from './repo.ts';
export { testDeploymentConnection } from './connection.ts';
export type { ModelInfoEntry } from './view.ts';

export interface ModelsDeps {
  db: Db;
  /** The LLM path's dependencies: its registry is the live one; model access decides visibility. */
  llm: LlmDeps;
  keyIndex: KeyIndex;
  config: readonly DeploymentConfig[];
  secrets: SecretResolver;
  audit: AuditService;
  clock: Clock;
  log: Pick<Logger, 'warn'>;
  probe?: ConnectionTesterDeps['probe'];
}

export interface Models {
  service: ModelService;
  handlers: HandlerTable;
}

/** The model names `p` may call, by the same checks as `/v1/models` (key, identity, team, user, customer). */
function visibleTo(llm: LlmDeps, keyIndex: KeyIndex): (p: Principal) => (modelName: string) => boolean {
  return (p) => {
    const key = p.key_id === null ? undefined : keyIndex.byKeyId(p.key_id);
    const deployments = llm.registry.list();
    return (name) => {
      try {
        checkModelAccess(llm, p, key, name, deployments.find((d) => d.model_name === name), null);
        return true;
      } catch {
        return false;
      }
    };
  };
}

/**
 * @example
 * const models = createModels({ db, llm: llmDeps, keyIndex, config: cfg.model_list, secrets, audit, clock, log: logger });
 * const handlers = { ...models.handlers };
 */
export function createModels(deps: ModelsDeps): Models {
  const service = new ModelService({
    repo: new ModelsRepository(deps.db),
    registry: deps.llm.registry,
    config: deps.config,
    secrets: deps.secrets,
    audit: deps.audit,
    clock: deps.clock,
    log: deps.log,
    visibleTo: visibleTo(deps.llm, deps.keyIndex),
  });
  service.reload();
  return { service, handlers: modelHandlers(service, { models: service, secrets: deps.secrets, ...(deps.probe === undefined ? {} : { probe: deps.probe }) }) };
}
