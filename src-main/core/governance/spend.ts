/**
 * `/spend/logs`, `/global/spend/report`, `/spend/calculate`. Non-admins see only their own rows
 * (org admins their organization's). Reads flush the ledger first, so a row is visible as soon
 * as its request settled.
 */
import { GatewayError } from '../../../src-shared/errors.ts';
import { spendCalculateSchema, spendLogsQuerySchema, spendReportQuerySchema } from '../../../src-shared/governance.ts';
import type { HandlerTable } from '../management/handlers.ts';
import { canReadAll } from '../management/actor.ts';
import { HASH_RE, sha256Hex } from '../auth/index.ts';
import { estimatePromptTokens } from '../proxy/cost.ts';
import { assertReadAll, parse, type ServiceContext } from './access.ts';

/** Start of a date filter: a date means its first instant (UTC), a date-time itself. */
function startOf(d: string): string {
  return d.length === 10 ? `${d}T00:00:00.000Z` : new Date(d).toISOString();
}

/** End of a date filter (exclusive): a date includes its whole day. */
function endOf(d: string): string {
  return d.length === 10 ? new Date(Date.parse(`${d}T00:00:00.000Z`) + 86_400_000).toISOString() : new Date(d).toISOString();
}

export function spendHandlers(ctx: ServiceContext): HandlerTable {
  const s = ctx.state;
  return {
    /**
     * Without page/page_size: an array of rows (LiteLLM's shape), newest first, at most 1000.
     * With either: `{data, total, page, page_size}`.
     */
    'GET /spend/logs': ({ query, actor }) => {
      const q = parse(spendLogsQuerySchema, query);
      let keyId: string | undefined;
      if (q.api_key !== undefined) {
        const hash = q.api_key.startsWith('sk-') ? sha256Hex(q.api_key) : HASH_RE.test(q.api_key) ? q.api_key : undefined;
        keyId = hash === undefined ? q.api_key : (s.keyIndex.byHash(hash, ctx.clock.now())?.key_id ?? '\u0000none');
      }
      const filter = {
        ...(q.start_date === undefined ? {} : { start: startOf(q.start_date) }),
        ...(q.end_date === undefined ? {} : { end: endOf(q.end_date) }),
        ...(keyId === undefined ? {} : { key_id: keyId }),
        ...(q.user_id === undefined ? {} : { user_id: q.user_id }),
        ...(q.team_id === undefined ? {} : { team_id: q.team_id }),
        ...(q.end_user === undefined ? {} : { end_user: q.end_user }),
        ...(q.model === undefined ? {} : { model: q.model }),
        ...(q.request_id === undefined ? {} : { request_id: q.request_id }),
      };
      if (!canReadAll(actor)) {
        if (actor.role === 'org_admin' && actor.org_id !== null) Object.assign(filter, { org_id: actor.org_id });
        else if (actor.user_id !== null) Object.assign(filter, { user_id: actor.user_id });
        else throw new GatewayError('ERR_ROUTE_FORBIDDEN', 'Spend logs need a user identity.');
        if (q.user_id !== undefined && actor.role !== 'org_admin' && q.user_id !== actor.user_id) return q.page === undefined && q.page_size === undefined ? [] : { data: [], total: 0, page: q.page ?? 1, page_size: q.page_size ?? 50 };
      }
      ctx.flush();
      if (q.page === undefined && q.page_size === undefined) return ctx.query.logs(filter, 1, 1000).data;
      const page = q.page ?? 1;
      const size = q.page_size ?? 50;
      const r = ctx.query.logs(filter, page, size);
      return { data: r.data, total: r.total, page, page_size: size };
    },

    /** Rows `{group_by, <dimension>, spend, total_requests, prompt_tokens, completion_tokens, total_tokens}`. */
    'GET /global/spend/report': ({ query, actor }) => {
      assertReadAll(actor);
      const q = parse(spendReportQuerySchema, query);
      ctx.flush();
      const name = { day: 'date', key: 'api_key', team: 'team_id', user: 'user_id', customer: 'end_user', model: 'model' }[q.group_by];
      return ctx.query.report(q.start_date?.slice(0, 10), q.end_date?.slice(0, 10), q.group_by).map(({ group, ...rest }) => ({ group_by: q.group_by, [name]: group, ...rest }));
    },

    /** `{cost, prompt_tokens, completion_tokens}`: messages are priced as prompt tokens (estimated), a completion_response by its usage. */
    'POST /spend/calculate': ({ body }) => {
      const b = parse(spendCalculateSchema, body);
      const price = ctx.priceOf(b.model);
      if (price === undefined) throw new GatewayError('ERR_MODEL_NOT_FOUND', `No price known for model ${b.model}.`, { param: 'model' });
      const usage = b.completion_response?.usage;
      const prompt = usage?.prompt_tokens ?? estimatePromptTokens('chat', { messages: b.messages ?? [] });
      const completion = usage?.completion_tokens ?? 0;
      return { cost: prompt * price.input + completion * price.output, prompt_tokens: prompt, completion_tokens: completion };
    },
  };
}
