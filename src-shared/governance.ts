/**
 * zod schemas of the governance API bodies (CONTRACT section 4: users, teams, organizations,
 * customers, budgets, spend), LiteLLM field names. Strict: an unknown field is a 400 naming it.
 * Money is finite and non-negative, limits are positive integers, ids have no control characters.
 */
import { z } from 'zod';
import { money, positiveInt, modelMaxBudgetSchema, limitFields } from './management.ts';

/** An object id (user, team, org, customer, budget): 1..256 characters, no control characters. */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
export const objectId = z.string().min(1).max(256).regex(/^[^\u0000-\u001f\u007f]+$/, 'no control characters');
const metadata = z.record(z.string(), z.unknown());
const models = z.array(z.string().min(1).max(256));

export const USER_ROLES = ['proxy_admin', 'proxy_admin_viewer', 'org_admin', 'internal_user', 'internal_user_viewer'] as const;
export const TEAM_MEMBER_ROLES = ['admin', 'user'] as const;
export type TeamMemberRole = (typeof TEAM_MEMBER_ROLES)[number];

const limits = limitFields;

// ----- users -----------------------------------------------------------------------------------

const userFields = {
  user_email: z.string().max(320).nullable().optional(),
  user_alias: z.string().max(256).nullable().optional(),
  user_role: z.enum(USER_ROLES).optional(),
  ...limits,
  models: models.optional(),
  teams: z.array(objectId).optional(),
  organization_id: objectId.nullable().optional(),
  metadata: metadata.optional(),
  blocked: z.boolean().optional(),
};
export const userNewSchema = z.object({ user_id: objectId.optional(), ...userFields }).strict();
export type UserNewBody = z.infer<typeof userNewSchema>;
export const userUpdateSchema = z.object({ user_id: objectId, ...userFields }).strict();
export type UserUpdateBody = z.infer<typeof userUpdateSchema>;
export const userDeleteSchema = z.object({ user_ids: z.array(objectId).min(1) }).strict();

// ----- teams -----------------------------------------------------------------------------------

export const teamMemberSchema = z
  .object({ user_id: objectId.optional(), user_email: z.string().max(320).optional(), role: z.enum(TEAM_MEMBER_ROLES).default('user') })
  .strict()
  .refine((m) => m.user_id !== undefined || m.user_email !== undefined, { message: 'give user_id or user_email', path: ['user_id'] });
export type TeamMemberInput = z.infer<typeof teamMemberSchema>;

const teamFields = {
  team_alias: z.string().max(256).nullable().optional(),
  organization_id: objectId.nullable().optional(),
  models: models.optional(),
  ...limits,
  /** Default budget of each member inside the team (LiteLLM `team_member_budget`). */
  team_member_budget: money.nullable().optional(),
  team_member_rpm_limit: positiveInt.nullable().optional(),
  team_member_tpm_limit: positiveInt.nullable().optional(),
  blocked: z.boolean().optional(),
  metadata: metadata.optional(),
};
export const teamNewSchema = z
  .object({ team_id: objectId.optional(), members_with_roles: z.array(teamMemberSchema).optional(), ...teamFields })
  .strict();
export type TeamNewBody = z.infer<typeof teamNewSchema>;
export const teamUpdateSchema = z.object({ team_id: objectId, ...teamFields }).strict();
export type TeamUpdateBody = z.infer<typeof teamUpdateSchema>;
export const teamDeleteSchema = z.object({ team_ids: z.array(objectId).min(1) }).strict();
export const teamMemberAddSchema = z
  .object({
    team_id: objectId,
    member: z.union([teamMemberSchema, z.array(teamMemberSchema).min(1)]),
    /** This member's budget inside the team (LiteLLM `max_budget_in_team`). */
    max_budget_in_team: money.nullable().optional(),
  })
  .strict();
export const teamMemberDeleteSchema = z
  .object({ team_id: objectId, user_id: objectId.optional(), user_email: z.string().max(320).optional() })
  .strict()
  .refine((m) => m.user_id !== undefined || m.user_email !== undefined, { message: 'give user_id or user_email', path: ['user_id'] });
export const teamBlockSchema = z.object({ team_id: objectId }).strict();

// ----- organizations ---------------------------------------------------------------------------

export const ORG_MEMBER_ROLES = ['org_admin', 'internal_user', 'internal_user_viewer'] as const;
export const orgMemberSchema = z
  .object({ user_id: objectId.optional(), user_email: z.string().max(320).optional(), role: z.enum(ORG_MEMBER_ROLES).default('internal_user') })
  .strict()
  .refine((m) => m.user_id !== undefined || m.user_email !== undefined, { message: 'give user_id or user_email', path: ['user_id'] });
const orgFields = {
  organization_alias: z.string().min(1).max(256).optional(),
  models: models.optional(),
  ...limits,
  budget_id: objectId.nullable().optional(),
  metadata: metadata.optional(),
  blocked: z.boolean().optional(),
};
export const orgNewSchema = z.object({ organization_id: objectId.optional(), ...orgFields }).strict();
export type OrgNewBody = z.infer<typeof orgNewSchema>;
export const orgUpdateSchema = z.object({ organization_id: objectId, ...orgFields }).strict();
export type OrgUpdateBody = z.infer<typeof orgUpdateSchema>;
export const orgDeleteSchema = z.object({ organization_ids: z.array(objectId).min(1) }).strict();
export const orgMemberAddSchema = z
  .object({ organization_id: objectId, member: z.union([orgMemberSchema, z.array(orgMemberSchema).min(1)]) })
  .strict();

// ----- customers (end users) -------------------------------------------------------------------

const customerFields = {
  alias: z.string().max(256).nullable().optional(),
  blocked: z.boolean().optional(),
  budget_id: objectId.nullable().optional(),
  ...limits,
  allowed_model_region: z.enum(['eu', 'us']).nullable().optional(),
  default_model: z.string().min(1).max(256).nullable().optional(),
  /** Tollgate addition: models this end user may use (empty = all). */
  models: models.optional(),
  metadata: metadata.optional(),
};
export const customerNewSchema = z.object({ user_id: objectId, ...customerFields }).strict();
export type CustomerNewBody = z.infer<typeof customerNewSchema>;
export const customerUpdateSchema = z.object({ user_id: objectId, ...customerFields }).strict();
export type CustomerUpdateBody = z.infer<typeof customerUpdateSchema>;
export const customerIdsSchema = z.object({ user_ids: z.array(objectId).min(1) }).strict();

// ----- reusable budgets ------------------------------------------------------------------------

const budgetFields = { ...limits, model_max_budget: modelMaxBudgetSchema.nullable().optional() };
export const budgetNewSchema = z.object({ budget_id: objectId.optional(), ...budgetFields }).strict();
export type BudgetNewBody = z.infer<typeof budgetNewSchema>;
export const budgetUpdateSchema = z.object({ budget_id: objectId, ...budgetFields }).strict();
export type BudgetUpdateBody = z.infer<typeof budgetUpdateSchema>;
export const budgetDeleteSchema = z.object({ id: objectId }).strict();

// ----- spend -----------------------------------------------------------------------------------

const dateParam = z.string().regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/, 'a date YYYY-MM-DD or an ISO date-time');
const pageParam = z.string().regex(/^\d{1,6}$/, 'a positive whole number').transform(Number).pipe(z.number().int().positive());

export const spendLogsQuerySchema = z
  .object({
    start_date: dateParam.optional(),
    end_date: dateParam.optional(),
    api_key: z.string().min(1).max(512).optional(),
    user_id: objectId.optional(),
    team_id: objectId.optional(),
    end_user: objectId.optional(),
    model: z.string().min(1).max(256).optional(),
    request_id: z.string().min(1).max(256).optional(),
    page: pageParam.optional(),
    page_size: pageParam.pipe(z.number().max(1000)).optional(),
  })
  .strict();
export type SpendLogsQuery = z.infer<typeof spendLogsQuerySchema>;

export const SPEND_GROUPS = ['day', 'key', 'team', 'user', 'customer', 'model'] as const;
export type SpendGroup = (typeof SPEND_GROUPS)[number];
export const spendReportQuerySchema = z
  .object({ start_date: dateParam.optional(), end_date: dateParam.optional(), group_by: z.enum(SPEND_GROUPS).default('day') })
  .strict();

export const spendCalculateSchema = z
  .object({
    model: z.string().min(1).max(256),
    messages: z.array(z.unknown()).optional(),
    completion_response: z
      .object({ usage: z.object({ prompt_tokens: z.number().int().nonnegative(), completion_tokens: z.number().int().nonnegative() }).passthrough() })
      .passthrough()
      .optional(),
  })
  .strict()
  .refine((b) => b.messages !== undefined || b.completion_response !== undefined, { message: 'give messages or completion_response', path: ['messages'] });

/** One spend log row as `/spend/logs` returns it (LiteLLM's SpendLogs names; never a secret). */
export interface SpendLogView {
  request_id: string;
  api_key: string | null;
  key_name: string | null;
  key_alias: string | null;
  user: string | null;
  team_id: string | null;
  organization_id: string | null;
  end_user: string | null;
  model: string;
  model_group: string;
  deployment_model: string;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  spend: number;
  status: string;
  latency_ms: number;
  streamed: boolean;
  aborted: boolean;
  startTime: string;
  endTime: string;
}

/** Request bodies by route, for /openapi.json (the same schemas validate the requests). */
export const governanceBodySchemas = {
  'POST /user/new': userNewSchema,
  'POST /user/update': userUpdateSchema,
  'POST /user/delete': userDeleteSchema,
  'POST /team/new': teamNewSchema,
  'POST /team/update': teamUpdateSchema,
  'POST /team/delete': teamDeleteSchema,
  'POST /team/member_add': teamMemberAddSchema,
  'POST /team/member_delete': teamMemberDeleteSchema,
  'POST /team/block': teamBlockSchema,
  'POST /team/unblock': teamBlockSchema,
  'POST /organization/new': orgNewSchema,
  'POST /organization/update': orgUpdateSchema,
  'POST /organization/delete': orgDeleteSchema,
  'POST /organization/member_add': orgMemberAddSchema,
  'POST /customer/new': customerNewSchema,
  'POST /customer/update': customerUpdateSchema,
  'POST /customer/delete': customerIdsSchema,
  'POST /customer/block': customerIdsSchema,
  'POST /customer/unblock': customerIdsSchema,
  'POST /budget/new': budgetNewSchema,
  'POST /budget/update': budgetUpdateSchema,
  'POST /budget/delete': budgetDeleteSchema,
  'POST /spend/calculate': spendCalculateSchema,
} as const;
