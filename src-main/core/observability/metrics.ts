/** Prometheus metrics with prom-client, in a registry of our own (several gateways per process in tests). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({ name: 'tollgate_requests_total', help: 'Requests by route class, model and status', labelNames: ['route_class', 'model', 'status'] as const, registers: [this.registry] });
  readonly latency = new Histogram({
    name: 'tollgate_request_duration_seconds', help: 'Request latency by route class and model', labelNames: ['route_class', 'model'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers: [this.registry],
  });
  readonly authFailures = new Counter({ name: 'tollgate_auth_failures_total', help: 'Authentication and authorization failures by error type', labelNames: ['type'] as const, registers: [this.registry] });
  readonly upstreamErrors = new Counter({ name: 'tollgate_upstream_errors_total', help: 'Upstream provider failures by model and status', labelNames: ['model', 'status'] as const, registers: [this.registry] });
  readonly inFlight = new Gauge({ name: 'tollgate_in_flight_requests', help: 'Requests being served', registers: [this.registry] });
  readonly spend = new Counter({ name: 'tollgate_spend_usd_total', help: 'Spend recorded, USD', labelNames: ['model'] as const, registers: [this.registry] });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'tollgate_' });
  }
}
