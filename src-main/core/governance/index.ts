/**
 * governance/: users, teams, organizations, customers, reusable budgets and spend, and the
 * Governor that enforces their budgets and rate limits on every LLM call. One factory; the
 * gateway wires its parts: `governor` into the LLM handler, `handlers` into the management
 * routes, `isTeamAdmin`/`checkOwners`/`onKeyChange` into the KeyService hooks, `roleOf` into
 * authentication, `flush`/`close` into shutdown, `start` after the key index is loaded.
 */
import { GatewayError } from '../../../src-shared/errors.ts';
import type { Role } from '../../../src-shared/roles.ts';
import type { Clock } from '../ports.ts';
import type { Db, KeyRecord, KeysRepository } from '../store/index.ts';
import type { KeyIndex } from '../auth/index.ts';
import type { Governor } from '../policy/index.ts';
import type { AuditService } from '../management/audit.ts';
import type { Actor } from '../management/actor.ts';
import type { HandlerTable } from '../management/handlers.ts';
import { PRICE_TABLE } from '../proxy/cost.ts';
import { SpendQuery, SpendWriter, dayFormatter } from '../ledger/index.ts';
import type { BudgetResetEvent } from '../counters/index.ts';
import { createRepos } from './repo.ts';
import { GovernanceState } from './state.ts';
import { GovernanceGovernor } from './governor.ts';
import { SoftBudgetAlerts } from './alerts.ts';
import { isTeamAdminOf, type ServiceContext } from './access.ts';
import { userHandlers } from './users.ts';
import { teamHandlers } from './teams.ts';
import { orgHandlers } from './orgs.ts';
import { customerHandlers } from './customers.ts';
import { budgetHandlers } from './budgets.ts';
import { spendHandlers } from './spend.ts';
import type { GovernanceLog, GovernanceSettings } from './types.ts';

export type * from './types.ts';
export { isTeamAdminOf } from './access.ts';

export interface GovernanceDeps {
  db: Db;
  clock: Clock;
  audit: AuditService;
  keyIndex: KeyIndex;
  keysRepo: KeysRepository;
  settings: GovernanceSettings;
  log?: GovernanceLog;
  /** USD per token of a model name, for /spend/calculate (default: the built-in price table). */
  priceOf?: (model: string) => { input: number; output: number } | undefined;
}

export interface Governance {
  governor: Governor;
  /** The in-memory objects (users, teams, ...), read by the identity directory. */
  state: GovernanceState;
  handlers: HandlerTable;
  isTeamAdmin(actor: Actor, teamId: string): boolean;
  /** The stored role of a user (a key's role is its owner's), or undefined for an unknown user. */
  roleOf(userId: string): Role | undefined;
  /** The organization a user belongs to, for the Principal's org_id. */
  orgOf(userId: string): string | null | undefined;
  /** Throws 404 naming the field when a key body references an unknown user, team or organization. */
  checkOwners(body: { user_id?: string | null; team_id?: string | null; organization_id?: string | null }): void;
  /** KeyService hook: a key changed (or was deleted, rec undefined). */
  onKeyChange(rec: KeyRecord | undefined, keyId: string): void;
  /** Writes queued spend rows and spend totals in one transaction. */
  flush(): void;
  /** Stops the timers, flushes, waits for webhook posts. */
  close(): Promise<void>;
  /** Spend settled today (local day in litellm_settings.timezone), USD. */
  todaySpend(): number;
  /** Rebuilds state from the store, runs resets that fell due while stopped, starts the flush and reset timers. */
  start(): void;
  /** Runs due budget resets now (the timer calls this; tests call it after moving the clock). */
  runResets(): BudgetResetEvent[];
  /** Spend rows waiting for the next flush. */
  pendingRows(): number;
}

function tablePrice(model: string): { input: number; output: number } | undefined {
  const name = model.toLowerCase().replace(/^.*\//, '');
  let best: string | undefined;
  for (const key of Object.keys(PRICE_TABLE)) if (name === key || (name.startsWith(key) && (best === undefined || key.length > best.length))) best = key;
  const p = best === undefined ? undefined : PRICE_TABLE[best];
  return p === undefined ? undefined : { input: p.input, output: p.output };
}

/** Builds the governance module. Nothing is read from the store until `start()`. */
export function createGovernance(deps: GovernanceDeps): Governance {
  const { db, clock, audit, keyIndex, keysRepo, settings, log } = deps;
  const repos = createRepos(db);
  const state = new GovernanceState({ clock, repos, keyIndex, keysRepo, settings });
  const writer = new SpendWriter(db, { timeZone: state.timeZone, inTransaction: () => state.persistDirty() });
  const query = new SpendQuery(db);
  const alerts = new SoftBudgetAlerts(settings.alertingWebhookUrl, audit, log);
  const days = dayFormatter(state.timeZone);
  let today = { day: '', spend: 0 };
  let flushTimer: NodeJS.Timeout | undefined;
  let resetTimer: NodeJS.Timeout | undefined;

  const flush = (): void => {
    try {
      writer.flush();
    } catch (err) {
      log?.error({ err: String(err) }, 'spend flush failed; rows kept for the next attempt');
      throw err;
    }
  };
  const governor = new GovernanceGovernor(state, {
    log: (row) => writer.append(row),
    softBudget: (c, requestId) => alerts.crossed(c, requestId, clock.now()),
    spent: (cost, at) => {
      const day = days.format(at);
      if (day !== today.day) today = { day, spend: query.daySpend(day) };
      today.spend += cost;
    },
  });
  const ctx: ServiceContext = { state, audit, clock, query, flush, priceOf: deps.priceOf ?? tablePrice };
  const handlers: HandlerTable = {
    ...userHandlers(ctx), ...teamHandlers(ctx), ...orgHandlers(ctx), ...customerHandlers(ctx), ...budgetHandlers(ctx), ...spendHandlers(ctx),
  };
  const runResets = (): BudgetResetEvent[] => {
    const events = state.runResets();
    for (const e of events) log?.info?.({ scope: e.id, previous_spend: e.previousSpend }, 'budget reset');
    return events;
  };
  const scheduleReset = (): void => {
    if (resetTimer !== undefined) clearTimeout(resetTimer);
    const next = state.scheduler.nextDueAt();
    // Re-check at least every minute: resets move as budgets change, and timers drift across sleep.
    const wait = next === null ? 60_000 : Math.min(60_000, Math.max(0, next - clock.now()));
    resetTimer = setTimeout(() => {
      try { runResets(); } catch (err) { log?.error({ err: String(err) }, 'budget reset failed'); }
      scheduleReset();
    }, wait);
    resetTimer.unref();
  };

  return {
    governor,
    state,
    handlers,
    isTeamAdmin: (actor, teamId) => isTeamAdminOf(actor, state.teams.get(teamId)),
    roleOf: (userId) => state.users.get(userId)?.user_role,
    orgOf: (userId) => state.users.get(userId)?.organization_id,
    checkOwners(body) {
      if (body.user_id != null && !state.users.has(body.user_id)) throw new GatewayError('ERR_NOT_FOUND', `User ${body.user_id} not found.`, { param: 'user_id' });
      if (body.team_id != null && !state.teams.has(body.team_id)) throw new GatewayError('ERR_NOT_FOUND', `Team ${body.team_id} not found.`, { param: 'team_id' });
      if (body.organization_id != null && !state.orgs.has(body.organization_id)) throw new GatewayError('ERR_NOT_FOUND', `Organization ${body.organization_id} not found.`, { param: 'organization_id' });
    },
    onKeyChange: (rec, keyId) => state.onKeyChange(rec, keyId),
    flush,
    async close() {
      if (flushTimer !== undefined) clearInterval(flushTimer);
      if (resetTimer !== undefined) clearTimeout(resetTimer);
      flushTimer = undefined;
      resetTimer = undefined;
      flush();
      await alerts.drain();
    },
    todaySpend() {
      const day = days.format(clock.now());
      if (day !== today.day) today = { day, spend: query.daySpend(day) + 0 };
      return today.spend;
    },
    start() {
      state.load();
      runResets();
      today = { day: days.format(clock.now()), spend: 0 };
      today.spend = query.daySpend(today.day);
      flushTimer = setInterval(() => {
        try { flush(); } catch { /* logged in flush; retried next tick */ }
      }, settings.flushIntervalMs ?? 1000);
      flushTimer.unref();
      scheduleReset();
    },
    runResets,
    pendingRows: () => writer.pending,
  };
}
