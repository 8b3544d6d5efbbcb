/**
 * Builds the identity authenticators (JWT, OAuth2, oauth2-proxy headers, custom auth) from the
 * config, over an IdentityDirectory backed by the governance objects. Upserts go through the
 * governance services, so they are validated and audited like any management change.
 */
import type { GeneralSettings } from '../../src-shared/config.ts';
import { normaliseIdentitySettings, IdentitySettingsError, type IdentityDirectory } from './auth/identity.ts';
import { createJwtAuthenticator } from './auth/jwt/index.ts';
import { createOAuth2Authenticator } from './auth/oauth2/index.ts';
import { createOAuth2ProxyAuthenticator } from './auth/oauth2-proxy/index.ts';
import { createCustomAuthenticator, loadCustomAuth, loadCustomValidate } from './auth/custom/index.ts';
import { checkVirtualKey, principalForKey, masterPrincipal, type Authenticator, type KeyIndex } from './auth/index.ts';
import { ConfigError } from './config/index.ts';
import { actorOf } from './management/actor.ts';
import type { Governance } from './governance/index.ts';
import type { Clock } from './ports.ts';
import type { Role } from '../../src-shared/roles.ts';

export function governanceDirectory(gov: Governance): IdentityDirectory {
  const system = { ...masterPrincipal(), display: 'identity-upsert' };
  const call = (route: string, body: unknown): void => {
    const h = gov.handlers[route];
    if (h === undefined) throw new Error(`${route} is not available`);
    void h({ principal: system, actor: actorOf(system, null), body, query: {}, params: {}, requestId: 'identity-upsert' });
  };
  const userOf = (u: { user_id: string; user_role: Role; user_email: string | null; models: string[]; blocked: boolean }) =>
    ({ user_id: u.user_id, user_role: u.user_role, user_email: u.user_email, models: u.models, blocked: u.blocked });
  return {
    getUser: (id) => {
      const u = gov.state.users.get(id);
      return u === undefined ? undefined : userOf(u);
    },
    findUserByEmail: (email) => {
      for (const u of gov.state.users.values()) if (u.user_email !== null && u.user_email.toLowerCase() === email.toLowerCase()) return userOf(u);
      return undefined;
    },
    getTeam: (id) => {
      const t = gov.state.teams.get(id);
      return t === undefined ? undefined : { team_id: t.team_id, models: t.models, blocked: t.blocked, organization_id: t.organization_id, members: t.members_with_roles.map((m) => m.user_id) };
    },
    upsertUser: (u) => {
      if (!gov.state.users.has(u.user_id)) call('POST /user/new', { user_id: u.user_id, user_role: u.user_role, ...(u.user_email ? { user_email: u.user_email } : {}) });
    },
    upsertTeam: (t) => {
      if (!gov.state.teams.has(t.team_id)) call('POST /team/new', { team_id: t.team_id });
    },
    addTeamMember: (teamId, userId) => {
      const t = gov.state.teams.get(teamId);
      if (t !== undefined && !t.members_with_roles.some((m) => m.user_id === userId)) call('POST /team/member_add', { team_id: teamId, member: [{ user_id: userId, role: 'user' }] });
    },
  };
}

export interface IdentityWiring {
  custom?: { authenticator: Authenticator; mode: 'on' | 'auto' };
  identity: Authenticator[];
  warm(): void;
}

export async function wireIdentity(gs: GeneralSettings, env: Record<string, string | undefined>, deps: { configDir: string; configPath: string | null; clock: Clock; governance: Governance; keyIndex: KeyIndex; roleOf: (id: string) => Role | undefined }): Promise<IdentityWiring> {
  let settings;
  try {
    settings = normaliseIdentitySettings(gs, env);
  } catch (err) {
    if (err instanceof IdentitySettingsError) throw new ConfigError(`${deps.configPath ?? 'config'}: ${err.message}`);
    throw err;
  }
  const directory = governanceDirectory(deps.governance);
  const identity: Authenticator[] = [];
  const warmers: (() => Promise<void>)[] = [];
  if (settings.jwt !== null) {
    const jwt = settings.jwt;
    if (jwt.customValidateSpec !== undefined) jwt.customValidate = await loadCustomValidate(jwt.customValidateSpec, deps.configDir);
    const a = createJwtAuthenticator(jwt, { clock: deps.clock, directory });
    identity.push(a);
    warmers.push(() => a.warm());
  }
  if (settings.oauth2 !== null) identity.push(createOAuth2Authenticator(settings.oauth2, { clock: deps.clock, directory }));
  if (settings.oauth2Proxy !== null) identity.push(createOAuth2ProxyAuthenticator(settings.oauth2Proxy, { directory }));
  let custom: IdentityWiring['custom'];
  if (settings.customAuth !== null) {
    const fn = await loadCustomAuth(settings.customAuth.spec, deps.configDir).catch((err: unknown) => {
      throw new ConfigError(`${deps.configPath ?? 'config'}: general_settings.custom_auth: ${(err as Error).message}`);
    });
    const authenticator = createCustomAuthenticator(fn, settings.customAuth.mode, {
      directory,
      resolveVirtualKey: (key) => Promise.resolve(principalForKey(checkVirtualKey(key, 'authorization', deps.keyIndex, deps.clock), deps.roleOf)),
    });
    custom = { authenticator, mode: settings.customAuth.mode };
  }
  return {
    ...(custom === undefined ? {} : { custom }),
    identity,
    warm: () => {
      for (const w of warmers) w().catch(() => undefined);
    },
  };
}
