/**
 * The governor port: budgets, rate limits and spend for one LLM call. The LLM handler calls
 * `admit` after authentication and model access (it throws a 429 GatewayError to refuse), then
 * exactly one of `ticket.settle` (with real usage, also for streams the client abandoned) or
 * `ticket.release` (nothing was charged: upstream unreachable before any token).
 */
import type { Principal } from '../auth/index.ts';
import type { KeyRecord } from '../store/index.ts';

export interface LlmUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface AdmitInput {
  principal: Principal;
  key: KeyRecord | undefined;
  /** The model name the client asked for. */
  model: string;
  /** Worst-case cost (USD) and tokens of this request, for reservations. */
  worstCaseCost: number;
  worstCaseTokens: number;
  /** The request's end user (customer), from headers or body.user. */
  endUserId: string | null;
  requestId: string;
  route: string;
}

export interface SettleInput {
  usage: LlmUsage;
  cost: number;
  status: number;
  aborted: boolean;
  latencyMs: number;
  /** The model as the deployment names it (provider/model), for the spend log. */
  deploymentModel: string;
  streamed: boolean;
}

export interface Ticket {
  /** Headers to add to the response (x-ratelimit-*). */
  headers(): Record<string, string>;
  settle(result: SettleInput): void;
  release(status: number, latencyMs: number): void;
}

export interface Governor {
  /** Model access of stored objects the principal belongs to (team, user, customer); throws 403. */
  checkModelAccess(principal: Principal, key: KeyRecord | undefined, model: { name: string; providerModel?: string; accessGroups: readonly string[] }, endUserId: string | null): void;
  /** Blocked team/user/customer checks that run for every authenticated call; throws 401. */
  checkBlocked(principal: Principal, endUserId: string | null): void;
  admit(input: AdmitInput): Ticket;
}

/** Admits everything and records nothing: used until the governance module is wired. */
export const openGovernor: Governor = {
  checkModelAccess() {},
  checkBlocked() {},
  admit() {
    return { headers: () => ({}), settle() {}, release() {} };
  },
};
