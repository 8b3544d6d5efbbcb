/**
 * The config file schema (CONTRACT section 2), LiteLLM-compatible. Security sections
 * (`general_settings`, `litellm_jwtauth`) are strict: a typo must never silently disable a check.
 * Values may be secret references (`os.environ/NAME`, `keychain/NAME`); they are resolved by the
 * core at use, not here.
 */
import { z } from 'zod';

const nonNegative = z.number().finite().nonnegative();
const stringList = z.array(z.string());
/** A list given as YAML list or comma-separated string. */
const listish = z.union([z.array(z.string()), z.string().transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x !== ''))]);

export const modelInfoSchema = z
  .object({
    id: z.string().optional(),
    input_cost_per_token: nonNegative.optional(),
    output_cost_per_token: nonNegative.optional(),
    max_tokens: z.number().int().positive().optional(),
    max_input_tokens: z.number().int().positive().optional(),
    max_output_tokens: z.number().int().positive().optional(),
    access_groups: stringList.optional(),
    mode: z.enum(['chat', 'completion', 'embedding']).optional(),
  })
  .passthrough();

export const litellmParamsSchema = z
  .object({
    model: z.string().min(1),
    api_base: z.string().url().optional(),
    api_key: z.string().optional(),
    api_version: z.string().optional(),
    timeout: z.number().positive().optional(),
    stream_timeout: z.number().positive().optional(),
    max_retries: z.number().int().nonnegative().optional(),
    rpm: z.number().int().positive().optional(),
    tpm: z.number().int().positive().optional(),
    input_cost_per_token: nonNegative.optional(),
    output_cost_per_token: nonNegative.optional(),
    organization: z.string().optional(),
  })
  .passthrough();

export const deploymentSchema = z
  .object({
    model_name: z.string().min(1),
    litellm_params: litellmParamsSchema,
    model_info: modelInfoSchema.optional(),
  })
  .strict();
export type DeploymentConfig = z.infer<typeof deploymentSchema>;

export const roleMappingSchema = z.object({ role: z.string(), internal_role: z.string() }).strict();

export const jwtAuthSchema = z
  .object({
    public_key_url: listish.optional(),
    audience: z.string().optional(),
    issuer: z.string().optional(),
    disable_audience_validation: z.boolean().optional(),
    disable_issuer_validation: z.boolean().optional(),
    leeway_seconds: z.number().int().min(0).max(300).optional(),
    algorithms: stringList.optional(),
    admin_jwt_scope: z.string().optional(),
    admin_allowed_routes: stringList.optional(),
    team_id_jwt_field: z.string().optional(),
    team_ids_jwt_field: z.string().optional(),
    team_id_default: z.string().optional(),
    team_id_upsert: z.boolean().optional(),
    team_allowed_routes: stringList.optional(),
    user_id_jwt_field: z.string().optional(),
    user_email_jwt_field: z.string().optional(),
    user_allowed_email_domain: z.string().optional(),
    user_id_upsert: z.boolean().optional(),
    user_roles_jwt_field: z.string().optional(),
    user_allowed_roles: stringList.optional(),
    org_id_jwt_field: z.string().optional(),
    end_user_id_jwt_field: z.string().optional(),
    public_key_ttl: z.number().nonnegative().optional(),
    enforce_rbac: z.boolean().optional(),
    roles_jwt_field: z.string().optional(),
    role_mappings: z.array(roleMappingSchema).optional(),
    jwt_litellm_role_map: z.array(z.object({ jwt_role: z.string(), litellm_role: z.string() }).strict()).optional(),
    scope_mappings: z.array(z.object({ scope: z.string(), models: stringList.optional(), routes: stringList.optional() }).strict()).optional(),
    enforce_scope_based_access: z.boolean().optional(),
    oidc_userinfo_endpoint: z.string().url().optional(),
    object_id_jwt_field: z.string().optional(),
    custom_validate: z.string().optional(),
  })
  .strict();
export type JwtAuthConfig = z.infer<typeof jwtAuthSchema>;

export const oauth2ProxyMappingsSchema = z
  .object({
    user_id: z.string().optional(),
    user_email: z.string().optional(),
    team_id: z.string().optional(),
    org_id: z.string().optional(),
    models: z.string().optional(),
    max_budget: z.string().optional(),
  })
  .strict();

export const generalSettingsSchema = z
  .object({
    master_key: z.string().optional(),
    database_url: z.string().optional(),
    litellm_key_header_name: z.string().regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name').optional(),
    public_routes: stringList.optional(),
    enable_jwt_auth: z.boolean().optional(),
    litellm_jwtauth: jwtAuthSchema.optional(),
    jwt_public_key_url: listish.optional(),
    jwt_audience: z.string().optional(),
    jwt_issuer: z.string().optional(),
    jwt_admin_scope: z.string().optional(),
    user_allowed_email_domain: z.string().optional(),
    enable_oauth2_auth: z.boolean().optional(),
    oauth_token_info_endpoint: z.string().url().optional(),
    oauth_client_id: z.string().optional(),
    oauth_client_secret: z.string().optional(),
    oauth_user_id_field_name: z.string().optional(),
    oauth_user_role_field_name: z.string().optional(),
    oauth_user_team_id_field_name: z.string().optional(),
    enable_oauth2_proxy_auth: z.boolean().optional(),
    oauth2_config_mappings: oauth2ProxyMappingsSchema.optional(),
    trusted_proxy_ranges: stringList.optional(),
    custom_auth: z.string().optional(),
    custom_auth_settings: z.object({ mode: z.enum(['on', 'auto']) }).strict().optional(),
    custom_sso: z.string().optional(),
    allow_user_auth: z.boolean().optional(),
    allowed_hosts: stringList.optional(),
    allowed_origins: stringList.optional(),
    alerting_webhook_url: z.string().url().optional(),
    max_request_size_mb: z.number().positive().max(1024).optional(),
    require_auth_for_metrics_endpoint: z.boolean().optional(),
    ui_session_ttl_minutes: z.number().int().positive().max(60 * 24 * 30).optional(),
    allow_insecure_secret_storage: z.boolean().optional(),
    proxy_base_url: z.string().url().optional(),
  })
  .strict();
export type GeneralSettings = z.infer<typeof generalSettingsSchema>;

export const litellmSettingsSchema = z
  .object({
    max_budget: nonNegative.optional(),
    budget_duration: z.string().optional(),
    timezone: z.string().optional(),
    max_end_user_budget: nonNegative.optional(),
    default_end_user_budget_id: z.string().optional(),
  })
  .passthrough();

export const configFileSchema = z
  .object({
    model_list: z.array(deploymentSchema).default([]),
    general_settings: generalSettingsSchema.default({}),
    litellm_settings: litellmSettingsSchema.default({}),
  })
  .passthrough();

export type ConfigFile = z.infer<typeof configFileSchema>;

/** Top-level sections Tollgate knows; others are warned about and ignored. */
export const KNOWN_TOP_LEVEL = ['model_list', 'general_settings', 'litellm_settings', 'router_settings', 'environment_variables'] as const;
