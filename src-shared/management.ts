/**
 * zod schemas of the management API bodies (CONTRACT section 4), LiteLLM field names. The same
 * schemas validate requests in the core, type the code, feed /openapi.json and validate UI forms.
 * Bodies are strict: an unknown field is a 400 naming it.
 */
import { z } from 'zod';
import { KEY_TYPES } from './roles.ts';

const DURATION_RE = /^\d+(s|m|h|d|w|mo)$/;
export const durationString = z.string().regex(DURATION_RE, 'a duration like 30s, 30m, 30h, 30d, 1w or 1mo');
export const money = z.number().finite().nonnegative();
export const positiveInt = z.number().int().positive().max(1_000_000_000);
// eslint-disable-next-line no-control-regex
const id = z.string().min(1).max(256).regex(/^[^\u0000-\u001f\u007f]+$/, 'no control characters');

export const modelMaxBudgetSchema = z.record(
  z.string(),
  z.union([money, z.object({ budget_limit: z.union([money, z.string().regex(/^\d+(\.\d+)?$/).transform(Number)]), time_period: durationString.optional() }).strict()]),
);

/** Budget and rate-limit fields, the same on keys, users, teams, organizations, customers and budgets. */
export const limitFields = {
  max_budget: money.nullable().optional(),
  soft_budget: money.nullable().optional(),
  budget_duration: durationString.nullable().optional(),
  rpm_limit: positiveInt.nullable().optional(),
  tpm_limit: positiveInt.nullable().optional(),
  max_parallel_requests: positiveInt.nullable().optional(),
};

const keyFields = {
  key_alias: z.string().max(256).nullable().optional(),
  duration: durationString.nullable().optional(),
  models: z.array(z.string().min(1)).optional(),
  ...limitFields,
  model_max_budget: modelMaxBudgetSchema.nullable().optional(),
  model_rpm_limit: z.record(z.string(), positiveInt).nullable().optional(),
  model_tpm_limit: z.record(z.string(), positiveInt).nullable().optional(),
  allowed_routes: z.array(z.string().min(1)).optional(),
  key_type: z.enum(KEY_TYPES).optional(),
  user_id: id.nullable().optional(),
  team_id: id.nullable().optional(),
  organization_id: id.nullable().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  tags: z.array(z.string()).optional(),
  blocked: z.boolean().optional(),
  temp_budget_increase: money.nullable().optional(),
  temp_budget_expiry: z.string().datetime({ offset: true }).nullable().optional(),
};

export const keyGenerateSchema = z.object(keyFields).strict();
export type KeyGenerateBody = z.infer<typeof keyGenerateSchema>;

/** A key reference: raw key, its current hash, or its key_id. */
export const keyRef = z.string().min(1).max(512);

export const keyUpdateSchema = z.object({ key: keyRef, ...keyFields }).strict();
export type KeyUpdateBody = z.infer<typeof keyUpdateSchema>;

export const keyDeleteSchema = z
  .object({ keys: z.array(keyRef).min(1).optional(), key_aliases: z.array(z.string().min(1)).min(1).optional() })
  .strict()
  .refine((b) => b.keys !== undefined || b.key_aliases !== undefined, { message: 'give keys or key_aliases', path: ['keys'] });

export const keyRegenerateSchema = z
  .object({
    key: keyRef.optional(),
    grace_period: durationString.nullable().optional(),
    key_alias: keyFields.key_alias,
    models: keyFields.models,
    max_budget: keyFields.max_budget,
    duration: keyFields.duration,
    metadata: keyFields.metadata,
  })
  .strict();

export const keyBlockSchema = z.object({ key: keyRef }).strict();

/** What /key/info and /key/list show of a key: never the raw key. */
export interface KeyView {
  key_id: string;
  token: string;
  key_name: string;
  key_alias: string | null;
  user_id: string | null;
  team_id: string | null;
  organization_id: string | null;
  models: string[];
  spend: number;
  max_budget: number | null;
  soft_budget: number | null;
  budget_duration: string | null;
  budget_reset_at: string | null;
  rpm_limit: number | null;
  tpm_limit: number | null;
  max_parallel_requests: number | null;
  model_max_budget: Record<string, unknown> | null;
  model_rpm_limit: Record<string, number> | null;
  model_tpm_limit: Record<string, number> | null;
  /** Spend per model, for keys with model_max_budget. */
  model_spend: Record<string, number>;
  allowed_routes: string[];
  key_type: string;
  metadata: Record<string, unknown>;
  blocked: boolean;
  expires: string | null;
  created_at: string;
  updated_at: string;
  created_by: string | null;
  temp_budget_increase: number | null;
  temp_budget_expiry: string | null;
}

export const uiSessionCreateSchema = z.object({ token: z.string().min(1).max(512) }).strict();

export const authExplainSchema = z
  .object({ credential: z.string().min(1).max(16384), route: z.string().min(1).max(512), method: z.enum(['GET', 'POST', 'DELETE']).optional(), model: z.string().min(1).max(256).optional() })
  .strict();
