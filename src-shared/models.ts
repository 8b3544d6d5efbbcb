/**
 * zod schemas of the model (provider) management bodies: `/model/new`, `/model/update`,
 * `/model/delete`, `/health/test_connection` (LiteLLM paths and field names). Strict, unlike the
 * config file's `litellm_params`: a deployment stored through the API can only carry the fields
 * listed here, so no unknown field can smuggle a credential into the database.
 */
import { z } from 'zod';

// eslint-disable-next-line no-control-regex
const NO_CONTROL = /^[^\u0000-\u001f\u007f-\u009f]*$/;
const nonNegative = z.number().finite().nonnegative();

/** Deployment ids: they name the keychain entry `model-<id>`, so the secret-name alphabet. */
export const MODEL_ID_RE = /^[A-Za-z0-9._-]{1,100}$/;
export const modelIdSchema = z.string().regex(MODEL_ID_RE, 'use 1 to 100 characters from A-Z, a-z, 0-9, ".", "_" and "-"');

const modelName = z.string().min(1).max(256).regex(NO_CONTROL, 'no control characters');
const providerModel = z.string().min(1).max(256).regex(/^[^\s\u0000-\u001f\u007f-\u009f]+$/, 'no spaces or control characters'); // eslint-disable-line no-control-regex

/** http(s) only, and no user:password@ (it would be shown back by /model/info). */
export const apiBaseSchema = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .max(2048)
  .regex(NO_CONTROL, 'no control characters')
  .refine((s) => !/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(s), 'must not carry a user name or password: give the secret as api_key');

/** A literal secret (goes to the keychain) or a reference `keychain/NAME` / `os.environ/NAME`. */
export const apiKeySchema = z.string().min(1, 'must not be empty (leave api_key out for servers without one)').max(16_384).regex(NO_CONTROL, 'no control characters');

const paramFields = {
  model: providerModel,
  api_base: apiBaseSchema,
  api_key: apiKeySchema,
  api_version: z.string().min(1).max(64).regex(NO_CONTROL, 'no control characters'),
  timeout: z.number().positive().max(86_400),
  stream_timeout: z.number().positive().max(86_400),
  max_retries: z.number().int().nonnegative().max(100),
  rpm: z.number().int().positive(),
  tpm: z.number().int().positive(),
  input_cost_per_token: nonNegative,
  output_cost_per_token: nonNegative,
  organization: z.string().min(1).max(256).regex(NO_CONTROL, 'no control characters'),
};

export const modelParamsSchema = z
  .object({
    model: paramFields.model,
    api_base: paramFields.api_base.optional(),
    api_key: paramFields.api_key.optional(),
    api_version: paramFields.api_version.optional(),
    timeout: paramFields.timeout.optional(),
    stream_timeout: paramFields.stream_timeout.optional(),
    max_retries: paramFields.max_retries.optional(),
    rpm: paramFields.rpm.optional(),
    tpm: paramFields.tpm.optional(),
    input_cost_per_token: paramFields.input_cost_per_token.optional(),
    output_cost_per_token: paramFields.output_cost_per_token.optional(),
    organization: paramFields.organization.optional(),
  })
  .strict();
export type ModelParams = z.infer<typeof modelParamsSchema>;

/** For /model/update: every field optional; `null` removes an optional one. */
export const modelParamsPatchSchema = z
  .object({
    model: paramFields.model.optional(),
    api_base: paramFields.api_base.nullable().optional(),
    api_key: paramFields.api_key.nullable().optional(),
    api_version: paramFields.api_version.nullable().optional(),
    timeout: paramFields.timeout.nullable().optional(),
    stream_timeout: paramFields.stream_timeout.nullable().optional(),
    max_retries: paramFields.max_retries.nullable().optional(),
    rpm: paramFields.rpm.nullable().optional(),
    tpm: paramFields.tpm.nullable().optional(),
    input_cost_per_token: paramFields.input_cost_per_token.nullable().optional(),
    output_cost_per_token: paramFields.output_cost_per_token.nullable().optional(),
    organization: paramFields.organization.nullable().optional(),
  })
  .strict();
export type ModelParamsPatch = z.infer<typeof modelParamsPatchSchema>;

const infoFields = {
  input_cost_per_token: nonNegative,
  output_cost_per_token: nonNegative,
  max_tokens: z.number().int().positive(),
  max_input_tokens: z.number().int().positive(),
  max_output_tokens: z.number().int().positive(),
  access_groups: z.array(z.string().min(1).max(256).regex(NO_CONTROL, 'no control characters')).max(100),
  mode: z.enum(['chat', 'completion', 'embedding']),
  base_model: z.string().min(1).max(256).regex(NO_CONTROL, 'no control characters'),
  description: z.string().max(1024).regex(NO_CONTROL, 'no control characters'),
};

export const modelInfoBodySchema = z
  .object({
    id: modelIdSchema.optional(),
    input_cost_per_token: infoFields.input_cost_per_token.optional(),
    output_cost_per_token: infoFields.output_cost_per_token.optional(),
    max_tokens: infoFields.max_tokens.optional(),
    max_input_tokens: infoFields.max_input_tokens.optional(),
    max_output_tokens: infoFields.max_output_tokens.optional(),
    access_groups: infoFields.access_groups.optional(),
    mode: infoFields.mode.optional(),
    base_model: infoFields.base_model.optional(),
    description: infoFields.description.optional(),
    /** Accepted as LiteLLM clients send it back from /model/info; ignored. */
    db_model: z.boolean().optional(),
  })
  .strict();
export type ModelInfoBody = z.infer<typeof modelInfoBodySchema>;

export const modelInfoPatchSchema = z
  .object({
    id: modelIdSchema.optional(),
    input_cost_per_token: infoFields.input_cost_per_token.nullable().optional(),
    output_cost_per_token: infoFields.output_cost_per_token.nullable().optional(),
    max_tokens: infoFields.max_tokens.nullable().optional(),
    max_input_tokens: infoFields.max_input_tokens.nullable().optional(),
    max_output_tokens: infoFields.max_output_tokens.nullable().optional(),
    access_groups: infoFields.access_groups.nullable().optional(),
    mode: infoFields.mode.nullable().optional(),
    base_model: infoFields.base_model.nullable().optional(),
    description: infoFields.description.nullable().optional(),
    db_model: z.boolean().optional(),
  })
  .strict();
export type ModelInfoPatch = z.infer<typeof modelInfoPatchSchema>;

/** `POST /model/new`. */
export const modelNewSchema = z
  .object({
    model_name: modelName,
    litellm_params: modelParamsSchema,
    model_info: modelInfoBodySchema.optional(),
  })
  .strict();
export type ModelNewBody = z.infer<typeof modelNewSchema>;

/** `POST /model/update`: the deployment by `model_id` or `model_info.id`; given fields replace, `null` removes. */
export const modelUpdateSchema = z
  .object({
    model_id: modelIdSchema.optional(),
    model_name: modelName.optional(),
    litellm_params: modelParamsPatchSchema.optional(),
    model_info: modelInfoPatchSchema.optional(),
  })
  .strict()
  .refine((b) => b.model_id !== undefined || b.model_info?.id !== undefined, { message: 'give model_id or model_info.id', path: ['model_id'] })
  .refine((b) => b.model_id === undefined || b.model_info?.id === undefined || b.model_id === b.model_info.id, { message: 'model_id and model_info.id differ', path: ['model_info', 'id'] });
export type ModelUpdateBody = z.infer<typeof modelUpdateSchema>;

/** `POST /model/delete`. */
export const modelDeleteSchema = z.object({ id: z.string().min(1).max(300).regex(NO_CONTROL, 'no control characters') }).strict();
export type ModelDeleteBody = z.infer<typeof modelDeleteSchema>;

/** `POST /health/test_connection`: an unsaved deployment's params, or a deployment by id. */
export const testConnectionSchema = z
  .object({
    litellm_params: z
      .object({
        model: paramFields.model,
        api_base: paramFields.api_base.optional(),
        api_key: paramFields.api_key.optional(),
        api_version: paramFields.api_version.optional(),
      })
      .strict()
      .optional(),
    model_id: z.string().min(1).max(300).regex(NO_CONTROL, 'no control characters').optional(),
    /** LiteLLM's field; Tollgate checks the model list whatever the mode. */
    mode: z.enum(['chat', 'completion', 'embedding', 'audio_transcription', 'audio_speech', 'image_generation', 'rerank']).optional(),
  })
  .strict()
  .refine((b) => (b.litellm_params === undefined) !== (b.model_id === undefined), { message: 'give either litellm_params or model_id', path: ['litellm_params'] });
export type TestConnectionBody = z.infer<typeof testConnectionSchema>;

/** The answer of `/health/test_connection`. */
export interface TestConnectionResult {
  status: 'success' | 'error';
  reachable: boolean;
  /** null when it could not be told (no key given, or the provider answered neither 2xx nor 401/403). */
  key_accepted: boolean | null;
  message: string;
}

/** For /openapi.json. */
export const modelBodySchemas = {
  'POST /model/new': modelNewSchema,
  'POST /model/update': modelUpdateSchema,
  'POST /model/delete': modelDeleteSchema,
  'POST /health/test_connection': testConnectionSchema,
} as const;
