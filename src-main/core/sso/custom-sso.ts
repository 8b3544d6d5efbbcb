/**
 * `general_settings.custom_sso`: the operator's function that decides, per SSO login, the user's
 * models, budget and role (LiteLLM's `custom_sso_handler(userIDPInfo) -> SSOUserDefinedValues`).
 * Resolved like custom_auth (`module.function`, `./file.mjs`, `./file.mjs:name`). Its answer is
 * validated with a strict schema, like any other input; `null` changes nothing; a throw refuses
 * the login with the function's message.
 */
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { USER_ROLES, objectId } from '../../../src-shared/governance.ts';
import { durationString, money } from '../../../src-shared/management.ts';
import { resolveSpec } from '../auth/custom/index.ts';
import type { Claims } from './claims.ts';
import type { SsoProvider } from './settings.ts';

/** What the function receives: LiteLLM's OpenID fields, plus the raw claims. */
export interface SsoUserInfo {
  id: string;
  email: string | null;
  display_name: string | null;
  first_name: string | null;
  last_name: string | null;
  provider: SsoProvider;
  claims: Claims;
}

export const customSsoResultSchema = z
  .object({
    user_id: objectId.optional(),
    user_email: z.string().max(320).nullable().optional(),
    user_role: z.enum(USER_ROLES).optional(),
    models: z.array(z.string().min(1).max(256)).optional(),
    max_budget: money.nullable().optional(),
    budget_duration: durationString.nullable().optional(),
  })
  .strict();
export type CustomSsoResult = z.infer<typeof customSsoResultSchema>;

export type CustomSsoFunction = (info: SsoUserInfo) => unknown;

export async function loadCustomSso(spec: string, configDir: string): Promise<CustomSsoFunction> {
  const { file, exportName } = resolveSpec(spec, configDir, 'custom_sso');
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (cause) {
    throw new Error(`custom_sso "${spec}": ${file} could not be loaded: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  const fn = mod[exportName];
  if (typeof fn !== 'function') throw new Error(`custom_sso "${spec}": ${file} has no function export "${exportName}"`);
  return fn as CustomSsoFunction;
}
