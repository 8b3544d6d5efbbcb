/**
 * The LLM routes: model access, admission (budgets and limits by reservation), the provider
 * secret, forwarding with streaming pass-through, then settlement with the real usage.
 * Every exit path settles or releases the ticket exactly once.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from '../../../src-shared/errors.ts';
import type { Principal } from '../auth/index.ts';
import { modelAllowed, type Governor, type Ticket } from '../policy/index.ts';
import { validateLlmBody, worstCaseCost, worstCaseTokens, type Forwarder, type LlmKind, type ModelRegistry, type ResolvedDeployment } from '../proxy/index.ts';
import type { SecretResolver } from '../secrets/index.ts';
import type { KeyRecord } from '../store/index.ts';
import type { Clock } from '../ports.ts';
import type { Metrics } from '../observability/index.ts';

export interface LlmDeps {
  registry: ModelRegistry;
  forwarder: Forwarder;
  secrets: SecretResolver;
  governor: () => Governor;
  clock: Clock;
  metrics: Metrics;
}

const KIND_BY_PATH: Record<string, LlmKind> = {
  '/v1/chat/completions': 'chat',
  '/chat/completions': 'chat',
  '/v1/completions': 'completion',
  '/completions': 'completion',
  '/v1/embeddings': 'embedding',
  '/embeddings': 'embedding',
  '/v1/messages': 'messages',
  '/v1/messages/count_tokens': 'count_tokens',
};

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The end user (customer): x-litellm-customer-id, else x-litellm-end-user-id, else body.user. */
export function endUserOf(req: IncomingMessage, body: Record<string, unknown> | undefined): string | null {
  const candidates: [string, unknown][] = [
    ['x-litellm-customer-id', req.headers['x-litellm-customer-id']],
    ['x-litellm-end-user-id', req.headers['x-litellm-end-user-id']],
    ['user', body?.user],
  ];
  for (const [param, v] of candidates) {
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || v === '' || v.length > 256 || CONTROL.test(v)) {
      throw new GatewayError('ERR_BAD_REQUEST', `Invalid end-user id in ${param}: a non-empty string of at most 256 characters without control characters.`, { param });
    }
    return v;
  }
  return null;
}

function modelFacts(registry: ModelRegistry, name: string, d: ResolvedDeployment | undefined): { name: string; providerModel?: string; accessGroups: readonly string[] } {
  const providerModel = d === undefined ? undefined : `${d.provider === 'openai_compatible' ? 'openai' : d.provider}/${d.upstream_model}`;
  return { name, ...(providerModel === undefined ? {} : { providerModel }), accessGroups: registry.accessGroupsOf(name) };
}

/** Key, identity and stored-object model access; the first refusal names its level. */
export function checkModelAccess(deps: LlmDeps, p: Principal, key: KeyRecord | undefined, model: string, d: ResolvedDeployment | undefined, endUser: string | null): void {
  const facts = modelFacts(deps.registry, model, d);
  if (key !== undefined && !modelAllowed(key.models, facts)) {
    throw new GatewayError('ERR_KEY_MODEL_ACCESS_DENIED', `Key ${key.key_name} may not use model ${model}. Allowed: ${key.models.join(', ')}.`, { param: 'model' });
  }
  // Identity narrowing follows the rule of every model list: empty or `*` means all.
  if (p.models !== undefined && !modelAllowed(p.models, facts)) {
    throw new GatewayError(p.method === 'jwt' ? 'ERR_TEAM_MODEL_ACCESS_DENIED' : 'ERR_KEY_MODEL_ACCESS_DENIED', `This ${p.method} identity may not use model ${model}.`, { param: 'model' });
  }
  deps.governor().checkModelAccess(p, key, facts, endUser);
}

export function listModels(deps: LlmDeps, p: Principal, key: KeyRecord | undefined): unknown {
  deps.governor().checkBlocked(p, p.end_user_id); // a blocked team, user or org is 401 here too
  const deployments = deps.registry.list();
  const data = deps.registry.modelNames().filter((name) => {
    try {
      // Not registry.resolve: listing must not move the round-robin turn.
      checkModelAccess(deps, p, key, name, deployments.find((d) => d.model_name === name), null);
      return true;
    } catch {
      return false;
    }
  });
  return { object: 'list', data: data.map((id) => ({ id, object: 'model', created: 0, owned_by: 'tollgate' })) };
}

/** JWT `team_ids`: the request acts for the first team with access to the model (LiteLLM's rule). */
function pickTeam(deps: LlmDeps, p: Principal, teams: readonly string[], model: string, d: ResolvedDeployment | undefined): Principal {
  const facts = modelFacts(deps.registry, model, d);
  for (const team_id of teams) {
    const candidate = { ...p, team_id };
    try {
      deps.governor().checkModelAccess(candidate, undefined, facts, p.end_user_id);
      return candidate;
    } catch {
      // next team
    }
  }
  throw new GatewayError('ERR_TEAM_MODEL_ACCESS_DENIED', `None of the token's teams (${teams.join(', ')}) may use model ${model}.`, { param: 'model' });
}

export async function handleLlm(deps: LlmDeps, req: IncomingMessage, res: ServerResponse, ctx: { principal: Principal; key: KeyRecord | undefined; path: string; requestId: string; rawBody: unknown }): Promise<{ model: string; status: number }> {
  const kind = KIND_BY_PATH[ctx.path];
  if (kind === undefined) throw new GatewayError('ERR_ROUTE_NOT_FOUND', `No LLM route ${ctx.path}.`);
  const body = validateLlmBody(ctx.rawBody);
  const model = body.model as string;
  const endUser = endUserOf(req, body);
  let p: Principal = endUser === null ? ctx.principal : { ...ctx.principal, end_user_id: ctx.principal.end_user_id ?? endUser };
  const governor = deps.governor();
  const deployment = deps.registry.resolve(model);
  if (p.team_ids !== undefined && p.team_ids.length > 0 && (p.team_id === null || p.team_ids.includes(p.team_id))) p = pickTeam(deps, p, p.team_ids, model, deployment);
  governor.checkBlocked(p, p.end_user_id);
  checkModelAccess(deps, p, ctx.key, model, deployment, p.end_user_id);
  if (deployment === undefined) {
    throw new GatewayError('ERR_MODEL_NOT_FOUND', `Model ${model} is not configured. Call GET /v1/models for the models you may use.`, { param: 'model' });
  }
  const started = deps.clock.now();
  const ticket: Ticket = governor.admit({
    principal: p, key: ctx.key, model,
    worstCaseCost: kind === 'count_tokens' ? 0 : worstCaseCost(kind, body, deployment),
    worstCaseTokens: kind === 'count_tokens' ? 0 : worstCaseTokens(kind, body, deployment),
    endUserId: p.end_user_id, requestId: ctx.requestId, route: ctx.path,
  });
  let settled = false;
  try {
    const apiKey = deployment.api_key_ref === undefined ? null : await deps.secrets.resolve(deployment.api_key_ref);
    const abort = new AbortController();
    const onClose = (): void => {
      if (!res.writableFinished) abort.abort();
    };
    res.on('close', onClose);
    const result = await deps.forwarder.forward({
      kind, body, deployment, apiKey, clientRes: res, clientAbort: abort.signal, requestId: ctx.requestId,
      responseHeaders: { 'x-request-id': ctx.requestId, 'x-litellm-model-id': deployment.id, ...ticket.headers() },
      clientHeaders: req.headers,
    });
    res.off('close', onClose);
    settled = true;
    // A stream the provider broke off began as a 200: log it as the upstream failure it is (still charged).
    const status = result.upstreamError !== undefined && result.status < 400 ? 502 : result.status;
    ticket.settle({
      usage: result.usage, cost: result.cost, status, aborted: result.aborted, latencyMs: deps.clock.now() - started,
      deploymentModel: `${deployment.provider}/${deployment.upstream_model}`, streamed: result.streamed,
    });
    deps.metrics.spend.inc({ model }, result.cost);
    if (status >= 400) deps.metrics.upstreamErrors.inc({ model, status: String(status) });
    return { model, status: result.status };
  } catch (err) {
    if (!settled) {
      settled = true;
      const status = err instanceof GatewayError ? err.status : 500;
      ticket.release(status, deps.clock.now() - started);
      if (err instanceof GatewayError && err.code === 'ERR_UPSTREAM') deps.metrics.upstreamErrors.inc({ model, status: String(err.status) });
    }
    throw err;
  }
}
