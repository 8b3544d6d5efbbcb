/**
 * The built-in authenticators: master key, UI session, virtual key. Each implements
 * `Authenticator`: null = not my kind of credential, throw = mine but refused.
 */
import { GatewayError } from '../../../src-shared/errors.ts';
import type { Role } from '../../../src-shared/roles.ts';
import type { Clock } from '../ports.ts';
import type { Authenticator, Credential, Principal } from './principal.ts';
import type { KeyIndex } from './key-index.ts';
import type { SessionStore } from './sessions.ts';
import { abbreviateKey, digestEquals, sha256Digest, sha256Hex, VIRTUAL_KEY_RE } from './secret-compare.ts';
import type { KeyRecord } from '../store/index.ts';

export function masterPrincipal(): Principal {
  return { method: 'master_key', user_id: 'default_user_id', user_role: 'proxy_admin', team_id: null, org_id: null, end_user_id: null, key_id: null, display: 'master_key' };
}

export function createMasterKeyAuthenticator(masterKey: () => string): Authenticator {
  // The master key's digest is computed once; each request then hashes only its own token.
  let cachedKey: string | undefined;
  let digest: Buffer = Buffer.alloc(0);
  return {
    name: 'master_key',
    authenticate(cred: Credential | null) {
      if (cred === null) return Promise.resolve(null);
      const key = masterKey();
      if (key !== cachedKey) {
        cachedKey = key;
        digest = sha256Digest(key);
      }
      return Promise.resolve(digestEquals(sha256Digest(cred.token), digest) ? masterPrincipal() : null);
    },
  };
}

export function createSessionAuthenticator(sessions: SessionStore): Authenticator {
  return {
    name: 'ui_session',
    authenticate(cred: Credential | null) {
      if (cred === null || !cred.token.startsWith('tgs_')) return Promise.resolve(null);
      const s = sessions.lookup(cred.token);
      if (s === undefined) return Promise.reject(new GatewayError('ERR_INVALID_CREDENTIAL', 'The UI session has expired or was signed out; sign in again.', { param: cred.header }));
      return Promise.resolve({
        method: 'ui_session', user_id: s.user_id, user_role: s.user_role, user_email: s.user_email, team_id: null, org_id: null,
        end_user_id: null, key_id: null, display: `${s.user_id} (session:${s.session_id})`, session_id: s.session_id,
      } satisfies Principal);
    },
  };
}

/**
 * The principal a key acts as: its owner's role, or internal_user for a key with no owner. Its
 * organization is the key's own, else (for a personal key) its owner's; a team key's is the team's.
 */
export function principalForKey(rec: KeyRecord, roleOf: (userId: string) => Role | undefined, orgOf?: (userId: string) => string | null | undefined): Principal {
  return {
    method: 'virtual_key',
    user_id: rec.user_id,
    user_role: rec.user_id === null ? 'internal_user' : (roleOf(rec.user_id) ?? 'internal_user'),
    team_id: rec.team_id,
    org_id: rec.organization_id ?? (rec.team_id === null && rec.user_id !== null ? (orgOf?.(rec.user_id) ?? null) : null),
    end_user_id: null,
    key_id: rec.key_id,
    display: rec.key_name,
  };
}

/** Validates a raw key against the in-memory index: unknown, blocked and expired keys are refused. */
export function checkVirtualKey(token: string, param: string, keys: KeyIndex, clock: Clock): KeyRecord {
  const now = clock.now();
  const rec = keys.byHash(sha256Hex(token), now);
  if (rec === undefined) {
    if (/^[0-9a-f]{64}$/i.test(token)) {
      throw new GatewayError('ERR_INVALID_CREDENTIAL', 'This looks like a key hash; send the key itself (sk-...).', { param });
    }
    if (!VIRTUAL_KEY_RE.test(token)) throw new GatewayError('ERR_INVALID_CREDENTIAL', 'Malformed key: Tollgate keys are sk- followed by 43 characters.', { param });
    throw new GatewayError('ERR_KEY_NOT_FOUND', `Authentication error: key ${abbreviateKey(token)} not found.`, { param });
  }
  if (rec.blocked) throw new GatewayError('ERR_BLOCKED', `Key ${rec.key_name} is blocked.`, { param });
  if (rec.expires !== null && Date.parse(rec.expires) <= now) {
    throw new GatewayError('ERR_KEY_EXPIRED', `Key ${rec.key_name} expired at ${rec.expires}.`, { param: rec.key_name });
  }
  return rec;
}

export function createVirtualKeyAuthenticator(keys: KeyIndex, clock: Clock, roleOf: (userId: string) => Role | undefined, orgOf?: (userId: string) => string | null | undefined): Authenticator {
  return {
    name: 'virtual_key',
    authenticate(cred: Credential | null) {
      if (cred === null || !cred.token.startsWith('sk-')) return Promise.resolve(null);
      try {
        return Promise.resolve(principalForKey(checkVirtualKey(cred.token, cred.header, keys, clock), roleOf, orgOf));
      } catch (err) {
        return Promise.reject(err);
      }
    },
  };
}
