/**
 * Logins in progress, keyed by their `state` (RFC 6749 section 10.12, RFC 9700 section 4.7):
 * each holds the PKCE verifier and the nonce, lives ~10 minutes and is taken exactly once, so a
 * replayed, forged or late callback finds nothing to complete. In memory only: a restart simply
 * abandons logins in progress. `/sso/key/generate` is public, so the map is bounded; past the
 * bound the oldest entries go first.
 */
import type { Clock } from '../ports.ts';

export interface PendingLogin {
  state: string;
  codeVerifier: string;
  nonce: string;
  redirectUri: string;
  expiresAt: number;
}

export type TakeResult = { status: 'ok'; login: PendingLogin } | { status: 'expired' } | { status: 'unknown' };

export const PENDING_TTL_MS = 10 * 60 * 1000;
export const MAX_PENDING = 1000;

export class PendingLogins {
  private readonly logins = new Map<string, PendingLogin>();
  private readonly clock: Clock;
  private readonly ttlMs: number;
  private readonly max: number;

  constructor(clock: Clock, options: { ttlMs?: number; max?: number } = {}) {
    this.clock = clock;
    this.ttlMs = options.ttlMs ?? PENDING_TTL_MS;
    this.max = options.max ?? MAX_PENDING;
  }

  add(login: Omit<PendingLogin, 'expiresAt'>): PendingLogin {
    this.prune();
    while (this.logins.size >= this.max) {
      const oldest = this.logins.keys().next();
      if (oldest.done === true) break;
      this.logins.delete(oldest.value);
    }
    const p = { ...login, expiresAt: this.clock.now() + this.ttlMs };
    this.logins.set(login.state, p);
    return p;
  }

  /** Removes and returns the login for `state`; an expired one is removed too. */
  take(state: string): TakeResult {
    const p = this.logins.get(state);
    if (p === undefined) return { status: 'unknown' };
    this.logins.delete(state);
    if (p.expiresAt <= this.clock.now()) return { status: 'expired' };
    return { status: 'ok', login: p };
  }

  get size(): number {
    return this.logins.size;
  }

  private prune(): void {
    const now = this.clock.now();
    for (const [k, p] of this.logins) if (p.expiresAt <= now) this.logins.delete(k);
  }
}
