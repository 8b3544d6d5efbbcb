/**
 * A bounded, time-limited cache of identity-provider answers, keyed by the SHA-256 of the token so
 * the raw bearer never sits in memory as a map key. Time comes from the injected Clock.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../ports.ts';

/** Lower-case hex SHA-256 of a token: the cache key (never the token itself). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

interface Entry<T> {
  value: T;
  expiresAt: number;
}

export class TokenCache<T> {
  readonly #entries = new Map<string, Entry<T>>();
  readonly #clock: Clock;
  readonly #maxEntries: number;

  constructor(clock: Clock, maxEntries: number) {
    this.#clock = clock;
    this.#maxEntries = Math.max(1, maxEntries);
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): T | undefined {
    const e = this.#entries.get(key);
    if (e === undefined) return undefined;
    if (this.#clock.now() >= e.expiresAt) {
      this.#entries.delete(key);
      return undefined;
    }
    // Refresh recency (Map keeps insertion order: the first entry is the least recently used).
    this.#entries.delete(key);
    this.#entries.set(key, e);
    return e.value;
  }

  set(key: string, value: T, expiresAt: number): void {
    if (expiresAt <= this.#clock.now()) return;
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.#entries.clear();
  }
}
