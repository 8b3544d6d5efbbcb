/**
 * The audit service: every management change is one row (who, what, when, before/after).
 * Values pass through `redact` first, so a secret can never reach the audit table.
 */
import type { AuditRepository, AuditQuery } from '../store/index.ts';
import type { Clock } from '../ports.ts';
import type { Actor } from './actor.ts';

const SECRET_FIELD = /(^|_)(key|api_key|secret|token|password|master_key|client_secret)$/i;
const ALLOWED_FIELDS = new Set(['key_id', 'key_name', 'key_alias', 'token_hash_prefix', 'key_type', 'api_key_ref']);

/** Deep copy with secret-looking fields replaced; keeps ids and abbreviated names. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'token') continue;
      if (!ALLOWED_FIELDS.has(k) && SECRET_FIELD.test(k) && typeof v === 'string' && !/^(os\.environ|keychain)\//.test(v)) out[k] = '[redacted]';
      else out[k] = redact(v);
    }
    return out;
  }
  if (typeof value === 'string' && /sk-[A-Za-z0-9_-]{20,}/.test(value)) return value.replace(/sk-[A-Za-z0-9_-]{20,}/g, (m) => `sk-...${m.slice(-4)}`);
  return value;
}

export class AuditService {
  private readonly repo: AuditRepository;
  private readonly clock: Clock;

  constructor(repo: AuditRepository, clock: Clock) {
    this.repo = repo;
    this.clock = clock;
  }

  record(actor: Actor, action: string, objectType: string, objectId: string | null, before: unknown, after: unknown): void {
    this.repo.add(
      { actor: actor.display, actor_role: actor.role, action, object_type: objectType, object_id: objectId, before: redact(before), after: redact(after), request_id: actor.request_id },
      new Date(this.clock.now()),
    );
  }

  list(q: AuditQuery): ReturnType<AuditRepository['list']> {
    return this.repo.list(q);
  }
}
