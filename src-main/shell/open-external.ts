/**
 * The one place that hands a URL to the operating system (Electron security checklist item 15:
 * "Do not use shell.openExternal with untrusted content"; the pattern of Insomnia's single
 * openExternal wrapper). Allowed: https URLs; the configured identity provider's origin (which may
 * be plain http on a developer's machine); and the gateway's own SSO start on loopback, which the
 * UI opens so that sign-in happens in the system browser (RFC 8252 section 8.12: no embedded
 * user-agents). Never: javascript:, file:, data:, other http, or any URL with credentials in it.
 */
import { isLoopbackHost } from './csp.ts';

/** The gateway path that starts SSO (CONTRACT section 4). */
export const SSO_START_PATH = '/sso/key/generate';

/** Authorize URLs carry PKCE and state; anything far longer is not one of ours. */
const MAX_URL_LENGTH = 8192;

export interface OpenExternalPolicy {
  /** The running gateway's origin (`http://127.0.0.1:4000`), or null while it is paused. */
  gatewayOrigin: () => string | null;
  /** Origins of the configured identity provider (authorize endpoint, issuer). */
  trustedOrigins: readonly string[];
}

export type ExternalDecision = { ok: true; url: string } | { ok: false; reason: string };

export function checkExternalUrl(raw: string, policy: OpenExternalPolicy): ExternalDecision {
  if (typeof raw !== 'string' || raw.length === 0) return { ok: false, reason: 'empty URL' };
  if (raw.length > MAX_URL_LENGTH) return { ok: false, reason: 'URL too long' };
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  if (u.username !== '' || u.password !== '') return { ok: false, reason: 'credentials in URL' };
  const trusted = new Set(policy.trustedOrigins.map(originOf).filter((o): o is string => o !== null));
  if (u.protocol === 'https:') return { ok: true, url: u.href };
  if (u.protocol === 'http:') {
    if (trusted.has(u.origin)) return { ok: true, url: u.href };
    const gateway = policy.gatewayOrigin();
    if (gateway !== null && isLoopbackHost(u.hostname) && u.origin === originOf(gateway) && u.pathname === SSO_START_PATH) {
      return { ok: true, url: u.href };
    }
    return { ok: false, reason: 'plain http is only allowed for the gateway SSO start and the configured identity provider' };
  }
  return { ok: false, reason: `scheme ${u.protocol} is not allowed` };
}

export interface ExternalOpener {
  /** Opens the URL if the policy allows it; resolves false (and opens nothing) otherwise. */
  open(url: string): Promise<boolean>;
}

/**
 * @example
 * const external = createOpenExternal((u) => shell.openExternal(u), policy, log);
 * await external.open('https://docs.litellm.ai/');
 */
export function createOpenExternal(
  launch: (url: string) => Promise<void>,
  policy: OpenExternalPolicy,
  onRefused: (url: string, reason: string) => void = () => {},
): ExternalOpener {
  return {
    async open(url) {
      const decision = checkExternalUrl(url, policy);
      if (!decision.ok) {
        onRefused(redactForLog(url), decision.reason);
        return false;
      }
      await launch(decision.url);
      return true;
    },
  };
}

/** Origins of the identity provider from LiteLLM's GENERIC_* variables (CONTRACT section 4). */
export function idpOriginsFromEnv(env: Record<string, string | undefined>): string[] {
  const names = ['GENERIC_AUTHORIZATION_ENDPOINT', 'GENERIC_ISSUER'];
  const out: string[] = [];
  for (const name of names) {
    const o = originOf(env[name] ?? '');
    if (o !== null && !out.includes(o)) out.push(o);
  }
  return out;
}

function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}

/** Logs never carry query strings (state, tokens) or credentials. */
function redactForLog(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return url.slice(0, 32);
  }
}
