/** HTTP handlers of the model endpoints (LiteLLM paths and shapes), over the ModelService. */
import { modelDeleteSchema, modelNewSchema, modelUpdateSchema, testConnectionSchema } from '../../../src-shared/models.ts';
import { parseBody } from '../http/errors.ts';
import type { HandlerTable } from '../management/handlers.ts';
import { testDeploymentConnection, type ConnectionTesterDeps } from './connection.ts';
import type { ModelService } from './service.ts';

export function modelHandlers(models: ModelService, tester: ConnectionTesterDeps): HandlerTable {
  return {
    'POST /model/new': (c) => models.create(parseBody(modelNewSchema, c.body), c.actor),
    'POST /model/update': (c) => models.update(parseBody(modelUpdateSchema, c.body), c.actor),
    'POST /model/delete': (c) => models.delete(parseBody(modelDeleteSchema, c.body), c.actor),
    'GET /model/info': (c) => models.info(c.principal, c.actor, c.query.litellm_model_id === undefined || c.query.litellm_model_id === '' ? undefined : c.query.litellm_model_id),
    'POST /health/test_connection': (c) => testDeploymentConnection(parseBody(testConnectionSchema, c.body), tester),
  };
}
