/**
 * Soft-budget alerts: a POST to `general_settings.alerting_webhook_url` (fire-and-forget through
 * undici, never awaited by a request) and an audit row, once per crossing.
 */
import { request } from 'undici';
import type { SoftBudgetCrossing } from '../counters/index.ts';
import type { AuditService } from '../management/audit.ts';
import type { GovernanceLog } from './types.ts';

export class SoftBudgetAlerts {
  private readonly url: string | undefined;
  private readonly audit: AuditService;
  private readonly log: GovernanceLog | undefined;
  private readonly inflight = new Set<Promise<void>>();

  constructor(url: string | undefined, audit: AuditService, log: GovernanceLog | undefined) {
    this.url = url;
    this.audit = audit;
    this.log = log;
  }

  crossed(c: SoftBudgetCrossing, requestId: string, at: number): void {
    const event = {
      event: 'soft_budget_crossed', type: 'soft_budget', level: c.level, scope: c.id, name: c.label,
      spend: c.spend, soft_budget: c.softBudget, max_budget: c.maxBudget, request_id: requestId, at: new Date(at).toISOString(),
    };
    this.audit.record({ user_id: null, role: 'proxy_admin', org_id: null, display: 'system', request_id: requestId }, 'budget.soft_budget_crossed', c.level, c.id, null, event);
    if (this.url === undefined) return;
    const p = request(this.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event), headersTimeout: 10_000, bodyTimeout: 10_000 })
      .then((res) => res.body.dump())
      .catch((err: unknown) => this.log?.warn({ err: String(err) }, 'soft budget webhook failed'))
      .finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  /** Waits for webhook posts still in flight (shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.inflight]);
  }
}
