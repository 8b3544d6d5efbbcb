/**
 * `POST /health/test_connection`: does the provider answer, and does it accept the key? For an
 * unsaved deployment (litellm_params, e.g. from the "Add provider" form) or a listed one by id.
 * The answer never contains the key: messages are built from the provider's origin and status.
 */
import { GatewayError } from '../../../src-shared/errors.ts';
import type { DeploymentConfig } from '../../../src-shared/config.ts';
import type { TestConnectionBody, TestConnectionResult } from '../../../src-shared/models.ts';
import { ModelRegistry, type ResolvedDeployment } from '../proxy/index.ts';
import type { SecretResolver } from '../secrets/index.ts';
import { testConnection, type ConnectionReport } from '../management/test-connection.ts';
import type { ModelService } from './service.ts';
import { checkReachable, checkReference, isSecretReference } from './validate.ts';

export interface ConnectionTesterDeps {
  models: ModelService;
  secrets: SecretResolver;
  /** Replaceable in tests; defaults to the shared provider check (also used by `tollgate doctor`). */
  probe?: (d: ResolvedDeployment, apiKey: string | null) => Promise<ConnectionReport>;
}

function resolved(config: DeploymentConfig, param: string): ResolvedDeployment {
  const d = new ModelRegistry([config]).list()[0];
  if (d === undefined) throw new GatewayError('ERR_BAD_REQUEST', `Invalid ${param}: the deployment has no api_base.`, { param });
  return d;
}

export async function testDeploymentConnection(body: TestConnectionBody, deps: ConnectionTesterDeps): Promise<TestConnectionResult> {
  let d: ResolvedDeployment;
  if (body.model_id !== undefined) {
    const found = deps.models.all().find((x) => x.id === body.model_id);
    if (found === undefined) throw new GatewayError('ERR_NOT_FOUND', `No deployment with id ${JSON.stringify(body.model_id)}.`, { param: 'model_id' });
    d = resolved(found.config, 'model_id');
  } else {
    const p = body.litellm_params!;
    checkReachable(p, 'litellm_params.api_base');
    if (p.api_key !== undefined && isSecretReference(p.api_key)) checkReference(p.api_key, 'litellm_params.api_key');
    d = resolved({ model_name: 'test-connection', litellm_params: { ...p } }, 'litellm_params.api_base');
  }
  // A missing keychain entry or variable is a 500 configuration_error naming the reference.
  const key = d.api_key_ref === undefined ? null : await deps.secrets.resolve(d.api_key_ref);
  const r = await (deps.probe ?? testConnection)(d, key);
  const ok = r.reachable && r.status !== null && r.status >= 200 && r.status < 300;
  // Belt and braces: a transport error's text could quote a header value.
  const message = key === null || key === '' ? r.message : r.message.split(key).join('[redacted]');
  return { status: ok ? 'success' : 'error', reachable: r.reachable, key_accepted: r.key_accepted, message };
}
