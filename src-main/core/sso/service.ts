/**
 * SSO sign-in (CONTRACT section 4 "SSO and UI"; ARCHITECTURE "The desktop shell"): the
 * authorization-code flow with PKCE S256, state and nonce (RFC 6749, RFC 7636, OIDC Core 3.1,
 * RFC 8252 for the loopback redirect), through openid-client.
 *
 * start: a pending login (verifier, state, nonce) and the IdP's authorize URL.
 * callback: take the pending login by state (unknown, replayed or expired -> refused), exchange the
 * code with the verifier, validate the ID token when an issuer is known, read the claims, apply
 * ALLOWED_EMAIL_DOMAINS and custom_sso, create or update the user through the governance handlers
 * (validated and audited like any management change), then a one-time sign-in token: to the
 * desktop shell when one listens (the browser is told to return to the app), else to the UI at
 * `/ui/#token=`. A refusal is a page that says why; it creates nothing.
 */
import * as oidc from 'openid-client';
import { GatewayError } from '../../../src-shared/errors.ts';
import { masterPrincipal, type SessionStore } from '../auth/index.ts';
import type { Governance } from '../governance/index.ts';
import type { HandlerTable } from '../management/handlers.ts';
import { actorOf } from '../management/actor.ts';
import type { AuditService } from '../management/audit.ts';
import type { Logger } from '../observability/index.ts';
import type { BrowserOpener, Clock } from '../ports.ts';
import type { RawResponse } from '../http/app.ts';
import { SsoClient } from './client.ts';
import { SsoRefusal, checkEmailDomain, claimsSchema, identityFrom, type Claims, type SsoIdentity, type UserRole } from './claims.ts';
import { customSsoResultSchema, type CustomSsoFunction, type CustomSsoResult } from './custom-sso.ts';
import { continueInBrowserPage, notConfiguredPage, redirect, refusedPage, returnToAppPage } from './pages.ts';
import { PendingLogins } from './pending.ts';
import type { SsoProvider, SsoSettings } from './settings.ts';

export const SSO_START_PATH = '/sso/key/generate';
export const SSO_CALLBACK_PATH = '/sso/callback';
/** How often `?open=browser` may launch the system browser (a web page could request it). */
const OPEN_COOLDOWN_MS = 5_000;
const MAX_PARAM_LENGTH = 4096;

export interface SsoDeps {
  settings: SsoSettings | null;
  clock: Clock;
  governance: Pick<Governance, 'handlers' | 'state'>;
  audit: AuditService;
  sessions: SessionStore;
  logger: Logger;
  customSso: CustomSsoFunction | null;
  browserOpener?: BrowserOpener | undefined;
  /** The gateway's own base URL (`http://127.0.0.1:PORT`), or null before it listens. */
  ownBaseUrl: () => string | null;
  /** Gateway.onSsoComplete listeners (the desktop shell). */
  listeners: ReadonlySet<(signInToken: string) => void>;
}

/** `/config/auth`'s `sso` section: no secrets. */
export interface SsoDescription {
  enabled: boolean;
  provider: SsoProvider | null;
  client_id: string | null;
  issuer: string | null;
  redirect_uri: string | null;
  allowed_email_domains: readonly string[];
}

export interface Sso {
  handlers: HandlerTable;
  /** Starts a login and returns the IdP's authorize URL (the desktop shell opens it). */
  start(): Promise<string>;
  describe(): SsoDescription;
}

/** Untrusted text for a page or a log line: control characters out, bounded length (escaped later). */
function text(v: unknown, max = 200): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  return String(v).replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, max);
}

function findCause(err: unknown, key: string): unknown {
  let cur: unknown = err;
  for (let i = 0; i < 5 && cur !== null && typeof cur === 'object'; i++) {
    if (key in cur) return (cur as Record<string, unknown>)[key];
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** openid-client's failures as a refusal the person can act on (no secrets: codes and claim names only). */
export function refusalOf(err: unknown): SsoRefusal {
  if (err instanceof SsoRefusal) return err;
  if (err instanceof oidc.ResponseBodyError) {
    return new SsoRefusal(400, `token_${text(err.error, 64)}`, `The identity provider refused to complete the sign-in (${text(err.error, 64)}). Start again.`);
  }
  if (err instanceof oidc.AuthorizationResponseError) {
    return new SsoRefusal(400, `idp_${text(err.error, 64)}`, `The identity provider answered with an error (${text(err.error, 64)}).`);
  }
  if (err instanceof oidc.ClientError) {
    const claim = findCause(err, 'claim');
    const attribute = findCause(err, 'attribute');
    switch (err.code) {
      case 'OAUTH_JWT_CLAIM_COMPARISON_FAILED':
        return new SsoRefusal(400, `id_token_${text(claim ?? 'claim', 32)}`, `The ID token is not valid for this sign-in: its "${text(claim ?? 'claim', 32)}" claim does not match (another application's token, or another login's).`);
      case 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED':
        return new SsoRefusal(400, 'id_token_time', 'The ID token is expired or not yet valid.');
      case 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED':
        return new SsoRefusal(400, `response_${text(attribute ?? 'attribute', 32)}`, `The identity provider's answer does not match this sign-in ("${text(attribute ?? 'attribute', 32)}").`);
      case 'OAUTH_INVALID_RESPONSE':
        if (findCause(err, 'signature') !== undefined) return new SsoRefusal(400, 'id_token_signature', "The ID token's signature does not verify with the identity provider's keys.");
        return new SsoRefusal(400, 'response_invalid', `The identity provider's answer is not valid: ${text(err.message)}.`);
      case 'OAUTH_PARSE_ERROR':
        return new SsoRefusal(400, 'response_invalid', `The identity provider's answer is not valid: ${text(err.message)}.`);
      case 'OAUTH_RESPONSE_IS_NOT_CONFORM':
      case 'OAUTH_RESPONSE_IS_NOT_JSON':
        return new SsoRefusal(502, 'idp_bad_response', 'The identity provider answered with something unexpected. Try again later.');
      default:
        break;
    }
  }
  if (err instanceof TypeError || (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError' || findCause(err, 'name') === 'TimeoutError'))) {
    return new SsoRefusal(503, 'idp_unreachable', 'The identity provider could not be reached. Try again later.');
  }
  return new SsoRefusal(500, 'internal', 'The sign-in could not be completed because of an internal error.');
}

function userInfoFor(settings: SsoSettings, identity: SsoIdentity, claims: Claims) {
  const s = (k: string): string | null => (typeof claims[k] === 'string' ? (claims[k] as string) : null);
  return { id: identity.user_id, email: identity.user_email, display_name: identity.display_name, first_name: s('given_name'), last_name: s('family_name'), provider: settings.provider, claims };
}

class SsoService {
  private readonly d: SsoDeps;
  private readonly s: SsoSettings;
  private readonly client: SsoClient;
  private readonly pending: PendingLogins;
  private lastOpen = -Infinity;

  constructor(deps: SsoDeps, settings: SsoSettings) {
    this.d = deps;
    this.s = settings;
    this.client = new SsoClient(settings);
    this.pending = new PendingLogins(deps.clock);
  }

  redirectUri(): string | null {
    const base = this.s.proxyBaseUrl ?? this.d.ownBaseUrl();
    return base === null ? null : `${base}${SSO_CALLBACK_PATH}`;
  }

  async start(): Promise<string> {
    const redirectUri = this.redirectUri();
    if (redirectUri === null) throw new Error('the gateway is not listening yet');
    const { config } = await this.client.get();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const challenge = await oidc.calculatePKCECodeChallenge(codeVerifier);
    this.pending.add({ state, codeVerifier, nonce, redirectUri });
    return oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri, scope: this.s.scope, response_type: 'code',
      code_challenge: challenge, code_challenge_method: 'S256', state, nonce,
    }).href;
  }

  async startRoute(query: Readonly<Record<string, unknown>>): Promise<RawResponse> {
    try {
      if (query.open === 'browser' && this.d.browserOpener !== undefined) {
        const now = this.d.clock.now();
        if (now - this.lastOpen >= OPEN_COOLDOWN_MS) {
          this.lastOpen = now;
          await this.d.browserOpener.open(await this.start());
        }
        return continueInBrowserPage();
      }
      return redirect(await this.start());
    } catch (err) {
      const r = err instanceof oidc.ClientError || err instanceof TypeError ? new SsoRefusal(503, 'idp_unreachable', 'The identity provider could not be reached, or its discovery document is not valid. Try again later.') : refusalOf(err);
      this.d.logger.warn({ reason: r.reason, err: err instanceof Error ? err.message : String(err) }, 'sso start failed');
      return refusedPage(r.status, r.reason, r.message, null);
    }
  }

  async callbackRoute(query: Readonly<Record<string, unknown>>, requestId: string): Promise<RawResponse> {
    try {
      return await this.complete(query, requestId);
    } catch (err) {
      const r = refusalOf(err);
      this.d.logger.warn({ req_id: requestId, reason: r.reason, ...(r.status >= 500 && err instanceof Error ? { err: err.message } : {}) }, 'sso sign-in refused');
      return refusedPage(r.status, r.reason, r.message, SSO_START_PATH);
    }
  }

  private async complete(query: Readonly<Record<string, unknown>>, requestId: string): Promise<RawResponse> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (typeof v !== 'string' || v.length > MAX_PARAM_LENGTH) throw new SsoRefusal(400, 'bad_callback', 'The callback address is malformed (a parameter is repeated or too long).');
      params.append(k, v);
    }
    const state = params.get('state');
    if (state === null || state === '') throw new SsoRefusal(400, 'state_missing', 'The callback carries no state, so it is not the end of a sign-in this gateway started.');
    const taken = this.pending.take(state);
    const idpError = params.get('error');
    if (idpError !== null) {
      const desc = params.get('error_description');
      throw new SsoRefusal(400, `idp_${text(idpError, 64)}`, `The identity provider did not sign you in: ${text(idpError, 64)}${desc === null ? '' : ` (${text(desc)})`}.`);
    }
    if (taken.status === 'unknown') {
      throw new SsoRefusal(400, 'state_unknown', 'This sign-in was not started here, or it was already completed: its state is unknown (a changed, forged or replayed callback). Start again.');
    }
    if (taken.status === 'expired') throw new SsoRefusal(400, 'login_expired', 'This sign-in took longer than 10 minutes and has expired. Start again.');
    const login = taken.login;
    if (!params.has('code')) throw new SsoRefusal(400, 'code_missing', 'The callback carries no authorization code.');

    const { config, endpoints } = await this.client.get();
    const current = new URL(login.redirectUri);
    for (const [k, v] of params) {
      // Without a configured issuer there is nothing to compare RFC 9207's `iss` with.
      if (k === 'iss' && !this.client.validatesIdToken) continue;
      current.searchParams.append(k, v);
    }
    const tokens = await oidc.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: login.codeVerifier,
      expectedState: login.state,
      ...(this.client.validatesIdToken ? { expectedNonce: login.nonce, idTokenExpected: true } : {}),
    });

    let claims: Claims;
    if (this.client.validatesIdToken) {
      const idClaims = tokens.claims();
      if (idClaims === undefined) throw new SsoRefusal(400, 'id_token_missing', 'The identity provider sent no ID token.');
      let info: Claims = {};
      if (endpoints.userinfo !== null) info = claimsSchema.parse(await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub));
      claims = { ...info, ...(idClaims as Claims) };
    } else {
      const res = await oidc.fetchProtectedResource(config, tokens.access_token, new URL(endpoints.userinfo!), 'GET');
      if (!res.ok) throw new SsoRefusal(502, 'userinfo_failed', `The identity provider's userinfo endpoint answered ${res.status}.`);
      const parsed = claimsSchema.safeParse(await res.json().catch(() => null));
      if (!parsed.success) throw new SsoRefusal(502, 'userinfo_invalid', "The identity provider's userinfo answer is not a JSON object.");
      claims = parsed.data;
    }

    const identity = identityFrom(claims, this.s.attributes);
    checkEmailDomain(identity, this.s.allowedEmailDomains);
    const custom = await this.runCustomSso(identity, claims);
    const user = await this.upsertUser(identity, custom, requestId);

    const token = this.d.sessions.createSignInToken({ user_id: user.user_id, user_role: user.user_role, user_email: user.user_email });
    this.d.logger.info({ req_id: requestId, user_id: user.user_id, user_role: user.user_role, provider: this.s.provider }, 'sso sign-in');
    if (this.d.listeners.size > 0) {
      for (const l of this.d.listeners) {
        try {
          l(token);
        } catch (err) {
          this.d.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'sso listener failed');
        }
      }
      return returnToAppPage();
    }
    const base = this.s.proxyBaseUrl ?? this.d.ownBaseUrl() ?? '';
    return redirect(`${base}/ui/#token=${encodeURIComponent(token)}`);
  }

  private async runCustomSso(identity: SsoIdentity, claims: Claims): Promise<CustomSsoResult> {
    const fn = this.d.customSso;
    if (fn === null) return {};
    let out: unknown;
    try {
      out = await fn(userInfoFor(this.s, identity, claims));
    } catch (err) {
      throw new SsoRefusal(403, 'custom_sso', err instanceof Error ? text(err.message, 300) : 'The sign-in was refused by this gateway’s custom_sso handler.');
    }
    if (out === null || out === undefined) return {};
    const parsed = customSsoResultSchema.safeParse(out);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      this.d.logger.error({ path: issue?.path.join('.'), msg: issue?.message }, 'custom_sso returned an invalid answer');
      throw new SsoRefusal(500, 'custom_sso_invalid', `The gateway's custom_sso handler returned an invalid value${issue === undefined ? '' : ` at "${text(issue.path.join('.'), 64)}"`}.`);
    }
    return parsed.data;
  }

  private async upsertUser(identity: SsoIdentity, custom: CustomSsoResult, requestId: string): Promise<{ user_id: string; user_role: UserRole; user_email: string | null }> {
    const userId = custom.user_id ?? identity.user_id;
    const email = custom.user_email !== undefined ? custom.user_email : identity.user_email;
    const system = { ...masterPrincipal(), user_id: null, display: `sso:${this.s.provider}` };
    const actor = actorOf(system, requestId);
    const call = async (route: string, body: Record<string, unknown>): Promise<void> => {
      const h = this.d.governance.handlers[route];
      if (h === undefined) throw new Error(`${route} is not available`);
      try {
        await h({ principal: system, actor, body, query: {}, params: {}, requestId });
      } catch (err) {
        if (err instanceof GatewayError) throw new SsoRefusal(500, 'user_store', `Your user could not be saved: ${text(err.message)}`);
        throw err;
      }
    };
    // PROXY_ADMIN_ID, then custom_sso, then the role claim decide; with none of them a new user is a viewer.
    const decided: UserRole | null = this.s.adminId !== null && userId === this.s.adminId ? 'proxy_admin' : (custom.user_role ?? identity.role_claim);
    const limits = {
      ...(custom.models === undefined ? {} : { models: custom.models }),
      ...(custom.max_budget === undefined ? {} : { max_budget: custom.max_budget }),
      ...(custom.budget_duration === undefined ? {} : { budget_duration: custom.budget_duration }),
    };
    const existing = this.d.governance.state.users.get(userId);
    let created = false;
    if (existing === undefined) {
      await call('POST /user/new', {
        user_id: userId, user_role: decided ?? 'internal_user_viewer',
        ...(email === null ? {} : { user_email: email }),
        ...(identity.display_name === null ? {} : { user_alias: identity.display_name }),
        ...limits,
      });
      created = true;
    } else {
      if (existing.blocked) throw new SsoRefusal(403, 'user_blocked', `The user ${userId} is blocked on this gateway.`);
      const patch: Record<string, unknown> = { ...limits };
      if (decided !== null && decided !== existing.user_role) patch.user_role = decided;
      if (existing.user_email === null && email !== null) patch.user_email = email;
      if (Object.keys(patch).length > 0) await call('POST /user/update', { user_id: userId, ...patch });
    }
    const u = this.d.governance.state.users.get(userId);
    if (u === undefined) throw new Error('the SSO user was not stored');
    const role = u.user_role as UserRole;
    this.d.audit.record(actor, 'sso.sign_in', 'user', userId, null, { provider: this.s.provider, user_role: role, user_email: u.user_email, created });
    return { user_id: userId, user_role: role, user_email: u.user_email };
  }

  describe(): SsoDescription {
    return { enabled: true, provider: this.s.provider, client_id: this.s.clientId, issuer: this.s.issuer, redirect_uri: this.redirectUri(), allowed_email_domains: this.s.allowedEmailDomains };
  }
}

/** The SSO routes and the shell's entry point; with no provider configured, the routes say so. */
export function createSso(deps: SsoDeps): Sso {
  const settings = deps.settings;
  if (settings === null) {
    return {
      handlers: {
        'GET /sso/key/generate': () => notConfiguredPage(),
        'GET /sso/callback': () => notConfiguredPage(),
      },
      start: () => Promise.reject(new Error('SSO is not configured: set GOOGLE_CLIENT_ID, MICROSOFT_CLIENT_ID or GENERIC_CLIENT_ID')),
      describe: () => {
        const base = deps.ownBaseUrl();
        return { enabled: false, provider: null, client_id: null, issuer: null, redirect_uri: base === null ? null : `${base}${SSO_CALLBACK_PATH}`, allowed_email_domains: [] };
      },
    };
  }
  const service = new SsoService(deps, settings);
  return {
    handlers: {
      'GET /sso/key/generate': (c) => service.startRoute(c.query),
      'GET /sso/callback': (c) => service.callbackRoute(c.query, c.requestId),
    },
    start: () => service.start(),
    describe: () => service.describe(),
  };
}
