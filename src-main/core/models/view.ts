/**
 * What `/model/info` (and the answers of /model/new and /model/update) show of a deployment:
 * LiteLLM's shape, with `api_key` only as its reference and nothing else that could carry a
 * secret. Config deployments may hold a literal key (warned at load) or arbitrary passthrough
 * params, so litellm_params is rebuilt from an allow-list rather than copied.
 */
import { redact } from '../management/audit.ts';
import { isSecretReference } from './validate.ts';

export interface ModelInfoEntry {
  model_name: string;
  litellm_params: Record<string, unknown>;
  model_info: Record<string, unknown> & { id: string; db_model: boolean };
}

const SHOWN_PARAMS = ['model', 'api_base', 'api_key', 'api_version', 'timeout', 'stream_timeout', 'max_retries', 'rpm', 'tpm', 'input_cost_per_token', 'output_cost_per_token', 'organization'];

/** An api_base without user:password@ (a config file may carry one). */
function withoutUserInfo(base: string): string | undefined {
  try {
    const u = new URL(base);
    if (u.username === '' && u.password === '') return base;
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, base.endsWith('/') ? '/' : '');
  } catch {
    return undefined;
  }
}

export function publicParams(p: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of SHOWN_PARAMS) {
    const v = p[k];
    if (v === undefined || v === null) continue;
    if (k === 'api_key') out.api_key = typeof v === 'string' && isSecretReference(v) ? v : '[redacted]';
    else if (k === 'api_base') {
      const base = typeof v === 'string' ? withoutUserInfo(v) : undefined;
      if (base !== undefined) out.api_base = base;
    } else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  // Other passthrough settings (temperature, max_tokens, ...) only when they cannot be a secret.
  for (const [k, v] of Object.entries(p)) {
    if (!SHOWN_PARAMS.includes(k) && (typeof v === 'number' || typeof v === 'boolean')) out[k] = v;
  }
  return out;
}

export function entryOf(modelName: string, params: Record<string, unknown>, info: Record<string, unknown>, id: string, dbModel: boolean): ModelInfoEntry {
  const shownInfo = redact(info) as Record<string, unknown>;
  return { model_name: modelName, litellm_params: publicParams(params), model_info: { ...shownInfo, id, db_model: dbModel } };
}
