/**
 * Rate limits (rpm_limit, tpm_limit, max_parallel_requests; CONTRACT section 7), in memory.
 *
 * Algorithm: a sliding log per scope. Every admission appends one entry (time, tokens) to each
 * scope it touches; an entry counts while `now - time < 60 s`. So in ANY 60-second interval a
 * scope admits at most `rpm` requests: exact, with no boundary burst as fixed windows allow.
 * Checks and reservations run in one synchronous call, so on Node's single thread concurrent
 * requests cannot interleave between them: under 100 concurrent clients exactly `rpm` are
 * admitted per window.
 *
 * - rpm: refused while the window holds `rpm` or more requests.
 * - tpm: tokens are prompt + completion. An admission reserves its estimate at once (so
 *   in-flight requests count) and `release(actual)` corrects the entry in place. Refused while
 *   the window's tokens are at or above `tpm` (the budget rule, `>=` refuses), so a scope can
 *   exceed its tpm by at most one request's tokens, however many run concurrently. A request
 *   that outlives the window and used more than its estimate has the surplus counted at release.
 * - max_parallel_requests: refused while `inFlight >= maxParallel`; release frees the slot.
 *
 * All-or-nothing: every spec is checked before anything is counted. Memory is bounded by the
 * entries of the last 60 s: scopes with nothing in flight and nothing in the window are pruned
 * at most once per window, from `admit`, or when the owner calls `prune()`.
 * The clock is read through the injected `Clock` and never allowed to run backwards here.
 */
import type { Clock } from '../ports.ts';
import { GatewayError } from '../../../src-shared/errors.ts';

/** One limit holder for a request: the key, its user, team, team member, customer, key+model. */
export interface RateLimitSpec {
  /** Counter identity, e.g. `key:ID`, `user:ID`, `team:ID`, `team_member:TEAM:USER`, `customer:ID`, `key_model:ID:gpt-4o`. */
  scope: string;
  /** Human name for messages: `key`, `user`, `team`, ... */
  level: string;
  /** Requests per 60 s; null or absent means no limit; 0 refuses everything. */
  rpm?: number | null;
  /** Tokens (prompt + completion) per 60 s. */
  tpm?: number | null;
  /** Requests in flight at once. */
  maxParallel?: number | null;
}

/** What `/key/info`-like displays show for a scope, for the current 60-second window. */
export interface RateLimitSnapshot {
  scope: string;
  /** Requests admitted in the last 60 s (in flight or finished). */
  requests: number;
  /** Tokens counted in the last 60 s (estimates for requests still in flight). */
  tokens: number;
  inFlight: number;
}

/** A granted admission. Call `release` exactly when the request ends, whatever the outcome. */
export interface Admission {
  readonly estimatedTokens: number;
  readonly released: boolean;
  /**
   * Frees the parallel slot and replaces the token estimate with `actualTokens` (prompt +
   * completion; omit to keep the estimate). Idempotent: a second call does nothing. Throws a
   * RangeError, changing nothing, when `actualTokens` is negative or not a finite number.
   */
  release(actualTokens?: number): void;
  /** OpenAI-style `x-ratelimit-*` headers for the tightest rpm and the tightest tpm spec, as of now. */
  headers(): Record<string, string>;
}

const WINDOW_MS = 60_000;
const INITIAL_CAPACITY = 8;
/** An emptied log bigger than this gives its memory back. */
const SHRINK_ABOVE = 1024;

/**
 * One scope's sliding log: a ring buffer of entries (time, tokens, is-a-request) in typed arrays,
 * so the hot path allocates nothing per entry and a busy window puts no load on the GC. Entries
 * are addressed by an ever-growing sequence number; those below `headSeq` have left the window.
 */
class ScopeState {
  private cap = INITIAL_CAPACITY;
  private times = new Float64Array(INITIAL_CAPACITY);
  private amounts = new Float64Array(INITIAL_CAPACITY);
  private isRequest = new Uint8Array(INITIAL_CAPACITY);
  headSeq = 0;
  tailSeq = 0;
  requests = 0;
  tokens = 0;
  inFlight = 0;

  get empty(): boolean {
    return this.headSeq === this.tailSeq;
  }

  evict(now: number): void {
    const horizon = now - WINDOW_MS;
    const cap = this.cap;
    let head = this.headSeq;
    const tail = this.tailSeq;
    while (head < tail) {
      const i = head % cap;
      if (this.times[i]! > horizon) break;
      if (this.isRequest[i] === 1) this.requests--;
      this.tokens -= this.amounts[i]!;
      head++;
    }
    this.headSeq = head;
    if (head === tail) {
      // Exact zeros when the window empties (no float residue from corrections).
      this.requests = 0;
      this.tokens = 0;
      if (cap > SHRINK_ABOVE) this.resize(INITIAL_CAPACITY);
    }
  }

  /** Appends an entry and returns its sequence number. */
  push(t: number, tokens: number, request: boolean): number {
    if (this.tailSeq - this.headSeq === this.cap) this.resize(this.cap * 2);
    const seq = this.tailSeq++;
    const i = seq % this.cap;
    this.times[i] = t;
    this.amounts[i] = tokens;
    this.isRequest[i] = request ? 1 : 0;
    if (request) this.requests++;
    this.tokens += tokens;
    return seq;
  }

  /** The tokens of a live entry, or -1 when it has left the window. */
  tokensOf(seq: number): number {
    return seq >= this.headSeq ? this.amounts[seq % this.cap]! : -1;
  }

  setTokens(seq: number, tokens: number): void {
    const i = seq % this.cap;
    this.tokens += tokens - this.amounts[i]!;
    this.amounts[i] = tokens;
  }

  /** Ms until the request count drops below `limit`. */
  msUntilRequestsBelow(limit: number, now: number): number {
    if (limit <= 0) return WINDOW_MS;
    let toExpire = this.requests - limit + 1;
    for (let seq = this.headSeq; seq < this.tailSeq; seq++) {
      const i = seq % this.cap;
      if (this.isRequest[i] === 1 && --toExpire <= 0) return this.times[i]! + WINDOW_MS - now;
    }
    return 0;
  }

  /** Ms until the window's tokens drop below `limit`. */
  msUntilTokensBelow(limit: number, now: number): number {
    if (limit <= 0) return WINDOW_MS;
    let tokens = this.tokens;
    for (let seq = this.headSeq; seq < this.tailSeq; seq++) {
      const i = seq % this.cap;
      tokens -= this.amounts[i]!;
      if (tokens < limit) return this.times[i]! + WINDOW_MS - now;
    }
    return WINDOW_MS;
  }

  /** Ms until every request (or every token) entry has left the window: the limit is back at its initial state. */
  msUntilEmpty(now: number, requestsOnly: boolean): number {
    for (let seq = this.tailSeq - 1; seq >= this.headSeq; seq--) {
      const i = seq % this.cap;
      if (!requestsOnly || this.isRequest[i] === 1) return this.times[i]! + WINDOW_MS - now;
    }
    return 0;
  }

  private resize(cap: number): void {
    const times = new Float64Array(cap);
    const amounts = new Float64Array(cap);
    const isRequest = new Uint8Array(cap);
    for (let seq = this.headSeq; seq < this.tailSeq; seq++) {
      const from = seq % this.cap;
      const to = seq % cap;
      times[to] = this.times[from]!;
      amounts[to] = this.amounts[from]!;
      isRequest[to] = this.isRequest[from]!;
    }
    this.cap = cap;
    this.times = times;
    this.amounts = amounts;
    this.isRequest = isRequest;
  }
}

interface Refusal {
  spec: RateLimitSpec;
  kind: 'rpm_limit' | 'tpm_limit' | 'max_parallel_requests';
  limit: number;
  waitMs: number;
}

/** In-memory rate limits for one gateway process. */
export class RateLimiter {
  /** The window of every limit, in ms. */
  static readonly WINDOW_MS = WINDOW_MS;

  private readonly clock: Clock;
  private readonly scopes = new Map<string, ScopeState>();
  private lastNow = -Infinity;
  private lastSweep: number;

  constructor(clock: Clock) {
    this.clock = clock;
    this.lastSweep = clock.now();
  }

  /** Scopes currently held in memory (for tests and metrics). */
  get size(): number {
    return this.scopes.size;
  }

  /**
   * Checks every spec and, if all allow it, counts the request in all of them at once.
   * Throws GatewayError('ERR_RATE_LIMITED') naming the first refusing level, with `retry-after`
   * (whole seconds, at least 1, the longest wait among the refusing limits) and counts nothing.
   * A scope named twice is counted once, under the tighter of its limits.
   *
   * @example
   * const admission = limiter.admit([{ scope: 'key:k1', level: 'key', rpm: 10, tpm: 1000 }], 120);
   * try { ... } finally { admission.release(usage.total_tokens); }
   */
  admit(specs: readonly RateLimitSpec[], estimatedTokens = 0): Admission {
    checkCount(estimatedTokens, 'estimatedTokens');
    const now = this.now();
    if (now - this.lastSweep >= WINDOW_MS) this.prune();

    const states: ScopeState[] = [];
    let refusals: Refusal[] | null = null;
    for (const spec of specs) {
      checkSpec(spec);
      const state = this.stateOf(spec.scope);
      if (!states.includes(state)) {
        state.evict(now);
        states.push(state);
      }
      const { rpm, tpm, maxParallel } = spec;
      if (maxParallel != null && state.inFlight >= maxParallel) {
        (refusals ??= []).push({ spec, kind: 'max_parallel_requests', limit: maxParallel, waitMs: 1000 });
      }
      if (rpm != null && state.requests >= rpm) {
        (refusals ??= []).push({ spec, kind: 'rpm_limit', limit: rpm, waitMs: state.msUntilRequestsBelow(rpm, now) });
      }
      if (tpm != null && state.tokens >= tpm) {
        (refusals ??= []).push({ spec, kind: 'tpm_limit', limit: tpm, waitMs: state.msUntilTokensBelow(tpm, now) });
      }
    }
    if (refusals !== null) throw this.refusal(refusals, specs, now);

    const seqs: number[] = new Array<number>(states.length);
    for (let i = 0; i < states.length; i++) {
      const state = states[i]!;
      seqs[i] = state.push(now, estimatedTokens, true);
      state.inFlight++;
    }
    return new GrantedAdmission(this, specs, states, seqs, estimatedTokens);
  }

  /** The current window of `scope` (zeros for a scope with no recent activity). */
  snapshot(scope: string): RateLimitSnapshot {
    const state = this.scopes.get(scope);
    if (state === undefined) return { scope, requests: 0, tokens: 0, inFlight: 0 };
    state.evict(this.now());
    return { scope, requests: state.requests, tokens: state.tokens, inFlight: state.inFlight };
  }

  /** Drops every scope with nothing in flight and nothing in its window; returns how many. */
  prune(): number {
    const now = this.now();
    this.lastSweep = now;
    let removed = 0;
    for (const [scope, state] of this.scopes) {
      state.evict(now);
      if (state.inFlight === 0 && state.empty) {
        this.scopes.delete(scope);
        removed++;
      }
    }
    return removed;
  }

  /** @internal */
  now(): number {
    const t = this.clock.now();
    if (t > this.lastNow) this.lastNow = t;
    return this.lastNow;
  }

  /** @internal */
  headersFor(specs: readonly RateLimitSpec[], now: number): Record<string, string> {
    const headers: Record<string, string> = {};
    let req: { limit: number; remaining: number; state: ScopeState } | null = null;
    let tok: { limit: number; remaining: number; state: ScopeState } | null = null;
    for (const spec of specs) {
      const state = this.scopes.get(spec.scope);
      if (state === undefined) continue;
      state.evict(now);
      const { rpm, tpm } = spec;
      if (rpm != null) {
        const remaining = Math.max(0, rpm - state.requests);
        if (req === null || remaining < req.remaining || (remaining === req.remaining && rpm < req.limit)) req = { limit: rpm, remaining, state };
      }
      if (tpm != null) {
        const remaining = Math.max(0, tpm - state.tokens);
        if (tok === null || remaining < tok.remaining || (remaining === tok.remaining && tpm < tok.limit)) tok = { limit: tpm, remaining, state };
      }
    }
    if (req !== null) {
      headers['x-ratelimit-limit-requests'] = String(req.limit);
      headers['x-ratelimit-remaining-requests'] = String(req.remaining);
      headers['x-ratelimit-reset-requests'] = formatReset(req.state.msUntilEmpty(now, true));
    }
    if (tok !== null) {
      headers['x-ratelimit-limit-tokens'] = String(tok.limit);
      headers['x-ratelimit-remaining-tokens'] = String(tok.remaining);
      headers['x-ratelimit-reset-tokens'] = formatReset(tok.state.msUntilEmpty(now, false));
    }
    return headers;
  }

  private stateOf(scope: string): ScopeState {
    let state = this.scopes.get(scope);
    if (state === undefined) {
      state = new ScopeState();
      this.scopes.set(scope, state);
    }
    return state;
  }

  private refusal(refusals: Refusal[], specs: readonly RateLimitSpec[], now: number): GatewayError {
    const first = refusals[0]!;
    let waitMs = 0;
    for (const r of refusals) waitMs = Math.max(waitMs, r.waitMs);
    const headers = this.headersFor(specs, now);
    headers['retry-after'] = String(Math.max(1, Math.ceil(waitMs / 1000)));
    return new GatewayError('ERR_RATE_LIMITED',
      `Rate limit exceeded for ${first.spec.level}: ${first.kind} ${first.limit} reached`, { headers });
  }
}

class GrantedAdmission implements Admission {
  released = false;
  readonly estimatedTokens: number;
  private readonly limiter: RateLimiter;
  private readonly specs: readonly RateLimitSpec[];
  private readonly states: ScopeState[];
  private readonly seqs: number[];

  constructor(limiter: RateLimiter, specs: readonly RateLimitSpec[], states: ScopeState[], seqs: number[], estimatedTokens: number) {
    this.limiter = limiter;
    this.specs = specs;
    this.states = states;
    this.seqs = seqs;
    this.estimatedTokens = estimatedTokens;
  }

  release(actualTokens?: number): void {
    if (this.released) return;
    const actual = actualTokens ?? this.estimatedTokens;
    checkCount(actual, 'actualTokens');
    this.released = true;
    const now = this.limiter.now();
    for (let i = 0; i < this.states.length; i++) {
      const state = this.states[i]!;
      const seq = this.seqs[i]!;
      state.inFlight--;
      state.evict(now);
      const counted = state.tokensOf(seq);
      if (counted >= 0) state.setTokens(seq, actual);
      else if (actual > this.estimatedTokens) state.push(now, actual - this.estimatedTokens, false);
    }
  }

  headers(): Record<string, string> {
    return this.limiter.headersFor(this.specs, this.limiter.now());
  }
}

function checkCount(value: number, name: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative finite number, got ${String(value)}`);
  }
}

function checkSpec(spec: RateLimitSpec): void {
  if (typeof spec.scope !== 'string' || spec.scope === '') throw new TypeError('A rate limit spec needs a non-empty scope');
  checkLimit(spec.rpm, 'rpm_limit', spec);
  checkLimit(spec.tpm, 'tpm_limit', spec);
  checkLimit(spec.maxParallel, 'max_parallel_requests', spec);
}

function checkLimit(value: number | null | undefined, name: string, spec: RateLimitSpec): void {
  if (value == null) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} of ${spec.scope} must be null or a non-negative finite number, got ${String(value)}`);
  }
}

/** OpenAI's reset format: `20ms`, `1.5s`, `1m0s`. */
function formatReset(ms: number): string {
  const rounded = Math.max(0, Math.ceil(ms));
  if (rounded < 1000) return `${rounded}ms`;
  if (rounded < 60_000) return `${Number((rounded / 1000).toFixed(3))}s`;
  const minutes = Math.floor(rounded / 60_000);
  return `${minutes}m${Number(((rounded - minutes * 60_000) / 1000).toFixed(3))}s`;
}
