/**
 * Provider checks for `/health/test_connection` and `tollgate doctor`: is the provider reachable,
 * and is the key accepted? A cheap authenticated GET of the provider's model list; nothing billed.
 */
import { request } from 'undici';
import type { ResolvedDeployment } from '../proxy/index.ts';

export interface ConnectionReport {
  reachable: boolean;
  key_accepted: boolean | null;
  status: number | null;
  message: string;
}

export function modelsUrl(d: ResolvedDeployment): URL {
  const base = d.api_base.replace(/\/+$/, '');
  if (d.provider === 'anthropic') return new URL(`${base.replace(/\/v1$/, '')}/v1/models`);
  if (d.provider === 'azure') {
    const u = new URL(`${base.replace(/\/openai$/, '')}/openai/models`);
    u.searchParams.set('api-version', d.api_version ?? '');
    return u;
  }
  if (d.provider === 'ollama' && !/\/v1$/.test(base)) return new URL(`${base}/v1/models`);
  return new URL(`${base}/models`);
}

export async function testConnection(d: ResolvedDeployment, apiKey: string | null, timeoutMs = 10_000): Promise<ConnectionReport> {
  const headers: Record<string, string> = {};
  if (apiKey !== null) {
    if (d.provider === 'anthropic') {
      headers['x-api-key'] = apiKey;
      headers['anthropic-version'] = '2023-06-01';
    } else if (d.provider === 'azure') headers['api-key'] = apiKey;
    else headers.authorization = `Bearer ${apiKey}`;
  }
  const url = modelsUrl(d);
  try {
    const res = await request(url, { method: 'GET', headers, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    await res.body.dump();
    if (res.statusCode === 401 || res.statusCode === 403) return { reachable: true, key_accepted: false, status: res.statusCode, message: `${url.origin} answered ${res.statusCode}: the key was refused` };
    if (res.statusCode >= 200 && res.statusCode < 300) return { reachable: true, key_accepted: apiKey === null ? null : true, status: res.statusCode, message: `${url.origin} answered and accepted the key` };
    return { reachable: true, key_accepted: null, status: res.statusCode, message: `${url.origin} answered ${res.statusCode}` };
  } catch (err) {
    const code = (err as { code?: string }).code ?? (err as Error).message;
    return { reachable: false, key_accepted: null, status: null, message: `${url.origin} is not reachable (${code})` };
  }
}
