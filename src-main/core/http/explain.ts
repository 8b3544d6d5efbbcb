/**
 * POST /auth/explain (admins): runs the pipeline for a credential, route and model without
 * forwarding anything, and says what each stage decided and why. Nothing is admitted, reserved
 * or upserted by an explanation beyond what authentication itself does.
 */
import { GatewayError, isGatewayError } from '../../../src-shared/errors.ts';
import { authExplainSchema } from '../../../src-shared/management.ts';
import { classifyRoute } from '../../../src-shared/routes.ts';
import type { AuthChain, KeyIndex, Principal } from '../auth/index.ts';
import { decideRouteAccess } from '../policy/index.ts';
import type { ManagementCall } from '../management/handlers.ts';
import { parseBody } from './errors.ts';
import { checkModelAccess, type LlmDeps } from './llm.ts';

export interface ExplainStage {
  stage: 'classify' | 'authenticate' | 'blocked' | 'route_access' | 'model_access';
  decision: 'allow' | 'deny' | 'skip';
  reason: string;
  error?: { type: string; code: string; message: string };
}

function denied(stage: ExplainStage['stage'], err: unknown): ExplainStage {
  if (isGatewayError(err)) return { stage, decision: 'deny', reason: err.message, error: { type: err.type, code: String(err.status), message: err.message } };
  throw err;
}

export async function explain(call: ManagementCall, deps: { chain: AuthChain; keyIndex: KeyIndex; llm: LlmDeps }): Promise<{ allowed: boolean; principal: Partial<Principal> | null; stages: ExplainStage[] }> {
  const body = parseBody(authExplainSchema, call.body);
  const method = body.method ?? (body.route.startsWith('/key/info') || body.route.endsWith('/list') || body.route === '/v1/models' ? 'GET' : 'POST');
  const path = body.route.split('?')[0] ?? body.route;
  const stages: ExplainStage[] = [];
  const entry = classifyRoute(method, path);
  if (entry === undefined) {
    stages.push({ stage: 'classify', decision: 'deny', reason: `no route ${method} ${path}` });
    return { allowed: false, principal: null, stages };
  }
  stages.push({ stage: 'classify', decision: 'allow', reason: `${method} ${entry.path}: classes ${entry.classes.join(', ')}, needs ${entry.perm}` });
  let p: Principal;
  try {
    p = await deps.chain.authenticateCredential({ token: body.credential, header: 'authorization' }, { method, path, headers: { authorization: `Bearer ${body.credential}` }, remoteAddress: '' });
    stages.push({ stage: 'authenticate', decision: 'allow', reason: `${p.method} as ${p.display} with role ${p.user_role}${p.team_id ? `, team ${p.team_id}` : ''}` });
  } catch (err) {
    stages.push(denied('authenticate', err));
    return { allowed: false, principal: null, stages };
  }
  const key = p.key_id === null ? undefined : deps.keyIndex.byKeyId(p.key_id);
  const summary = { method: p.method, user_id: p.user_id, user_role: p.user_role, team_id: p.team_id, org_id: p.org_id, key_id: p.key_id, display: p.display };
  try {
    deps.llm.governor().checkBlocked(p, p.end_user_id);
    stages.push({ stage: 'blocked', decision: 'allow', reason: 'no blocked key, user, team or customer in scope' });
  } catch (err) {
    stages.push(denied('blocked', err));
    return { allowed: false, principal: summary, stages };
  }
  const d = decideRouteAccess(p, entry, path, key);
  stages.push({ stage: 'route_access', decision: d.allowed ? 'allow' : 'deny', reason: d.reason });
  if (!d.allowed) return { allowed: false, principal: summary, stages };
  if (entry.perm !== 'llm' || body.model === undefined) {
    stages.push({ stage: 'model_access', decision: 'skip', reason: entry.perm === 'llm' ? 'no model given' : 'not an LLM route' });
    return { allowed: true, principal: summary, stages };
  }
  try {
    const dep = deps.llm.registry.list().find((x) => x.model_name === body.model);
    checkModelAccess(deps.llm, p, key, body.model, dep, p.end_user_id);
    if (dep === undefined && deps.llm.registry.resolve(body.model) === undefined) {
      throw new GatewayError('ERR_MODEL_NOT_FOUND', `Model ${body.model} is not configured.`, { param: 'model' });
    }
    stages.push({ stage: 'model_access', decision: 'allow', reason: `${body.model} is allowed for the key, user, team and customer in scope` });
  } catch (err) {
    stages.push(denied('model_access', err));
    return { allowed: false, principal: summary, stages };
  }
  return { allowed: true, principal: summary, stages };
}
