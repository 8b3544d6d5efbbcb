/**
 * Form schemas for the management bodies that src-shared/management.ts does not (yet) define,
 * written against the field names of CONTRACT section 4 (LiteLLM's). Switch each to the shared
 * schema once it exists there, so the browser and the gateway validate alike.
 */
import { z } from 'zod';
import { durationString, money, positiveInt } from '../../src-shared/management.ts';
import { ROLES } from '../../src-shared/roles.ts';

const id = z.string().min(1).max(256);
const models = z.array(z.string().min(1)).optional();

export const teamNewSchema = z
  .object({
    team_alias: z.string().min(1, 'Give the team a name.').max(256),
    team_id: id.optional(),
    models,
    max_budget: money.optional(),
    budget_duration: durationString.optional(),
    rpm_limit: positiveInt.optional(),
    tpm_limit: positiveInt.optional(),
  })
  .strict();

export const TEAM_MEMBER_ROLES = ['user', 'admin'] as const;

export const teamMemberAddSchema = z
  .object({
    team_id: id,
    member: z.array(z.object({ user_id: id, role: z.enum(TEAM_MEMBER_ROLES) }).strict()).min(1),
  })
  .strict();

export const userNewSchema = z
  .object({
    user_id: id.optional(),
    user_email: z.email('Enter an email address.').optional(),
    user_role: z.enum(ROLES),
    models,
    max_budget: money.optional(),
    budget_duration: durationString.optional(),
  })
  .strict();

export const userUpdateSchema = userNewSchema.extend({ user_id: id }).strict();

export const customerNewSchema = z
  .object({
    user_id: id,
    alias: z.string().max(256).optional(),
    max_budget: money.optional(),
    budget_id: id.optional(),
    blocked: z.boolean().optional(),
  })
  .strict();

export const budgetNewSchema = z
  .object({
    budget_id: id,
    max_budget: money.optional(),
    soft_budget: money.optional(),
    budget_duration: durationString.optional(),
    rpm_limit: positiveInt.optional(),
    tpm_limit: positiveInt.optional(),
    max_parallel_requests: positiveInt.optional(),
  })
  .strict();

export const providerParamsSchema = z
  .object({
    model: z
      .string()
      .min(1, 'Name the upstream model, e.g. openai/gpt-4o-mini.')
      .regex(/^[^/\s]+\/\S+$/, 'Write provider/model, e.g. openai/gpt-4o-mini or ollama/llama3.'),
    api_base: z.url('Enter a URL such as http://127.0.0.1:11434/v1.').optional(),
    api_key: z.string().min(1).optional(),
  })
  .strict();

export const modelNewSchema = z
  .object({
    model_name: z.string().min(1, 'The name clients will send as "model".').max(256),
    litellm_params: providerParamsSchema,
  })
  .strict();
