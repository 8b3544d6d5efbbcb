/**
 * Identity from an authenticating reverse proxy's headers (oauth2-proxy, IAP; `enable_oauth2_proxy_auth`).
 * The headers are believed ONLY when the socket's peer address is inside `trusted_proxy_ranges`
 * (never `X-Forwarded-For`, which any client can write). From any other peer the headers are
 * ignored and the chain goes on, so no header identity is ever accepted from it.
 * Headers can only narrow: `models` is a restriction, `max_budget` a lower cap; the role is the
 * stored user's (or internal_user), never a header's; a stored user acts only for a team it is a
 * member of (CONTRACT section 5).
 */
import { BlockList, isIP } from 'node:net';
import { GatewayError } from '../../../../src-shared/errors.ts';
import type { Authenticator, AuthRequest, Credential, Principal } from '../principal.ts';
import type { CidrRange, IdentityDirectory, OAuth2ProxySettings } from '../identity.ts';

export interface OAuth2ProxyDeps {
  directory?: IdentityDirectory;
}

const MAX_HEADER_VALUE = 1024;

/** The one place that decides whether a peer is a trusted proxy. Handles IPv4-mapped IPv6 (`::ffff:a.b.c.d`). */
export function createPeerTrust(ranges: readonly CidrRange[]): (remoteAddress: string) => boolean {
  const list = new BlockList();
  for (const r of ranges) list.addSubnet(r.address, r.prefix, r.family);
  return (remoteAddress: string) => {
    let addr = remoteAddress;
    // Strip an IPv6 zone id (`fe80::1%eth0`): BlockList does not parse it.
    const zone = addr.indexOf('%');
    if (zone !== -1) addr = addr.slice(0, zone);
    const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(addr);
    if (mapped?.[1] !== undefined) return list.check(mapped[1], 'ipv4');
    const v = isIP(addr);
    if (v === 4) return list.check(addr, 'ipv4');
    if (v === 6) return list.check(addr, 'ipv6');
    return false;
  };
}

function header(request: AuthRequest, name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const raw = request.headers[name];
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (v === undefined) return undefined;
  const t = v.trim();
  if (t === '') return undefined;
  if (t.length > MAX_HEADER_VALUE) {
    throw new GatewayError('ERR_MALFORMED_CREDENTIAL', `proxy header ${name} is longer than ${MAX_HEADER_VALUE} characters`, { param: name });
  }
  return t;
}

/** Creates the oauth2-proxy header authenticator. */
export function createOAuth2ProxyAuthenticator(settings: OAuth2ProxySettings, deps: OAuth2ProxyDeps = {}): Authenticator {
  const trusted = createPeerTrust(settings.trustedProxyRanges);
  const m = settings.mappings;
  return {
    name: 'oauth2_proxy',
    async authenticate(_credential: Credential | null, request: AuthRequest): Promise<Principal | null> {
      if (!trusted(request.remoteAddress)) return null;
      const userId = header(request, m.user_id);
      if (userId === undefined) return null;
      const email = header(request, m.user_email) ?? null;
      const teamId = header(request, m.team_id) ?? null;
      const orgId = header(request, m.org_id) ?? null;
      const stored = deps.directory?.getUser(userId);
      const team = teamId === null ? undefined : deps.directory?.getTeam(teamId);
      // Acting for a team replaces the user's own model list by the team's (as for a team key), so
      // a team header would widen a stored user's access unless the user belongs to that team.
      if (stored !== undefined && team?.members !== undefined && !team.members.includes(stored.user_id)) {
        throw new GatewayError('ERR_CLAIMS_NOT_ALLOWED', `proxy header ${m.team_id ?? 'team'} names team ${team.team_id}, which user ${stored.user_id} is not a member of`, { param: m.team_id ?? null });
      }
      const principal: Principal = {
        method: 'oauth2_proxy',
        user_id: userId,
        user_role: stored?.user_role ?? 'internal_user',
        user_email: email ?? stored?.user_email ?? null,
        team_id: teamId,
        org_id: orgId ?? team?.organization_id ?? null,
        end_user_id: null,
        key_id: null,
        display: `oauth2_proxy:${userId}`,
      };
      const models = header(request, m.models);
      if (models !== undefined) {
        principal.models = [...new Set(models.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
      }
      const budget = header(request, m.max_budget);
      if (budget !== undefined) {
        const n = Number(budget);
        if (!/^\d+(\.\d+)?$/.test(budget) || !Number.isFinite(n)) {
          throw new GatewayError('ERR_MALFORMED_CREDENTIAL', `proxy header ${m.max_budget} must be a non-negative number`, { param: m.max_budget ?? null });
        }
        principal.max_budget = n;
      }
      return principal;
    },
  };
}
