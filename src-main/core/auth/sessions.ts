/**
 * UI sessions and one-time sign-in tokens (CONTRACT "SSO and UI"). Held in memory only, keyed by
 * the SHA-256 of the token, so a heap dump or a log never shows a usable token. No cookies.
 */
import type { Role } from '../../../src-shared/roles.ts';
import type { Clock } from '../ports.ts';
import { randomToken, sha256Hex } from './secret-compare.ts';

export interface SessionInfo {
  session_id: string;
  user_id: string;
  user_role: Role;
  user_email: string | null;
  expiresAt: number;
}

interface SignIn {
  user_id: string;
  user_role: Role;
  user_email: string | null;
  expiresAt: number;
}

export class SessionStore {
  private readonly sessions = new Map<string, SessionInfo>();
  private readonly signIns = new Map<string, SignIn>();
  private readonly clock: Clock;
  private readonly sessionTtlMs: number;
  private readonly signInTtlMs: number;

  constructor(clock: Clock, options: { sessionTtlMs?: number; signInTtlMs?: number } = {}) {
    this.clock = clock;
    this.sessionTtlMs = options.sessionTtlMs ?? 12 * 60 * 60 * 1000;
    this.signInTtlMs = options.signInTtlMs ?? 5 * 60 * 1000;
  }

  /** A one-time sign-in token (single use, expires within minutes). */
  createSignInToken(user: { user_id: string; user_role: Role; user_email?: string | null }): string {
    this.prune();
    const token = `tgl_${randomToken()}`;
    this.signIns.set(sha256Hex(token), { user_id: user.user_id, user_role: user.user_role, user_email: user.user_email ?? null, expiresAt: this.clock.now() + this.signInTtlMs });
    return token;
  }

  /** Exchanges a sign-in token for a session; the sign-in token is consumed even when expired. */
  exchange(token: string): { token: string; info: SessionInfo } | undefined {
    const h = sha256Hex(token);
    const s = this.signIns.get(h);
    if (s === undefined) return undefined;
    this.signIns.delete(h);
    if (s.expiresAt <= this.clock.now()) return undefined;
    return this.createSession(s);
  }

  createSession(user: { user_id: string; user_role: Role; user_email?: string | null }): { token: string; info: SessionInfo } {
    const token = `tgs_${randomToken()}`;
    const info: SessionInfo = { session_id: sha256Hex(token).slice(0, 16), user_id: user.user_id, user_role: user.user_role, user_email: user.user_email ?? null, expiresAt: this.clock.now() + this.sessionTtlMs };
    this.sessions.set(sha256Hex(token), info);
    return { token, info };
  }

  lookup(token: string): SessionInfo | undefined {
    const h = sha256Hex(token);
    const s = this.sessions.get(h);
    if (s === undefined) return undefined;
    if (s.expiresAt <= this.clock.now()) {
      this.sessions.delete(h);
      return undefined;
    }
    return s;
  }

  revoke(token: string): boolean {
    return this.sessions.delete(sha256Hex(token));
  }

  /** Revokes by the session id a Principal carries (the id is a prefix of the token's hash). */
  revokeById(sessionId: string): boolean {
    for (const [h, s] of this.sessions) {
      if (s.session_id === sessionId) return this.sessions.delete(h);
    }
    return false;
  }

  private prune(): void {
    const now = this.clock.now();
    for (const [h, s] of this.signIns) if (s.expiresAt <= now) this.signIns.delete(h);
    for (const [h, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(h);
  }
}
