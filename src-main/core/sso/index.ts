/**
 * SSO sign-in (issue 6, CONTRACT section 4 "SSO and UI"): settings from LiteLLM's environment
 * names, the authorization-code flow with PKCE through openid-client, claims to user and role,
 * the refusal pages. `wireSso` is what createGateway calls.
 */
import type { GeneralSettings } from '../../../src-shared/config.ts';
import { ConfigError } from '../config/index.ts';
import { loadCustomSso } from './custom-sso.ts';
import { readSsoSettings, SsoSettingsError } from './settings.ts';
import { createSso, type Sso, type SsoDeps } from './service.ts';

export { createSso, refusalOf, SSO_CALLBACK_PATH, SSO_START_PATH } from './service.ts';
export type { Sso, SsoDeps, SsoDescription } from './service.ts';
export { readSsoSettings, parseDomains, isLoopbackHostname, SsoSettingsError } from './settings.ts';
export type { SsoProvider, SsoSettings } from './settings.ts';
export { identityFrom, checkEmailDomain, claimAt, SsoRefusal } from './claims.ts';
export type { Claims, SsoIdentity } from './claims.ts';
export { PendingLogins, PENDING_TTL_MS, MAX_PENDING } from './pending.ts';
export { customSsoResultSchema, loadCustomSso } from './custom-sso.ts';
export type { CustomSsoFunction, CustomSsoResult, SsoUserInfo } from './custom-sso.ts';
export { escapeHtml, PAGE_HEADERS } from './pages.ts';

/**
 * Reads the SSO settings and loads custom_sso; a bad setting is a ConfigError naming it, so
 * `tollgate serve` exits with the reason instead of serving a weaker login.
 */
export async function wireSso(
  gs: GeneralSettings,
  env: Record<string, string | undefined>,
  deps: Omit<SsoDeps, 'settings' | 'customSso'> & { configDir: string; configPath: string | null },
): Promise<Sso> {
  const where = deps.configPath ?? 'environment';
  let settings;
  try {
    settings = readSsoSettings(gs, env, (m) => deps.logger.warn(m));
  } catch (err) {
    if (err instanceof SsoSettingsError) throw new ConfigError(`SSO: ${err.message}`);
    throw err;
  }
  let customSso = null;
  if (gs.custom_sso !== undefined) {
    customSso = await loadCustomSso(gs.custom_sso, deps.configDir).catch((err: unknown) => {
      throw new ConfigError(`${where}: general_settings.custom_sso: ${(err as Error).message}`);
    });
  }
  const { configDir: _d, configPath: _p, ...rest } = deps;
  return createSso({ ...rest, settings, customSso });
}
