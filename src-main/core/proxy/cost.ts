/**
 * Prices and token arithmetic: the real cost of a request from its usage, and the worst case used
 * for budget and tpm reservations before forwarding (ARCHITECTURE "The hot path").
 */
import type { ResolvedDeployment } from './registry.ts';

export type LlmKind = 'chat' | 'completion' | 'embedding' | 'messages' | 'count_tokens';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface ModelPrice {
  /** USD per input token. */
  input: number;
  /** USD per output token. */
  output: number;
  /** The model's maximum output tokens (worst-case reservations). */
  maxOutput: number;
}

/**
 * Built-in list prices (USD per token) of common models. Keys are matched exactly, else the longest
 * key that prefixes the model name (so dated names like `gpt-4o-2024-08-06` find `gpt-4o`).
 * `model_info.input_cost_per_token` / `output_cost_per_token` (or the same in litellm_params) override.
 * Cache reads and writes are charged at the input price (an overestimate for cache reads).
 */
export const PRICE_TABLE: Readonly<Record<string, ModelPrice>> = {
  'gpt-4o': { input: 2.5e-6, output: 1e-5, maxOutput: 16_384 },
  'gpt-4o-mini': { input: 1.5e-7, output: 6e-7, maxOutput: 16_384 },
  'gpt-4.1': { input: 2e-6, output: 8e-6, maxOutput: 32_768 },
  'gpt-4.1-mini': { input: 4e-7, output: 1.6e-6, maxOutput: 32_768 },
  'gpt-4.1-nano': { input: 1e-7, output: 4e-7, maxOutput: 32_768 },
  'o3': { input: 2e-6, output: 8e-6, maxOutput: 100_000 },
  'o3-mini': { input: 1.1e-6, output: 4.4e-6, maxOutput: 100_000 },
  'o4-mini': { input: 1.1e-6, output: 4.4e-6, maxOutput: 100_000 },
  'text-embedding-3-small': { input: 2e-8, output: 0, maxOutput: 0 },
  'text-embedding-3-large': { input: 1.3e-7, output: 0, maxOutput: 0 },
  'text-embedding-ada-002': { input: 1e-7, output: 0, maxOutput: 0 },
  'claude-3-5-sonnet': { input: 3e-6, output: 1.5e-5, maxOutput: 8_192 },
  'claude-3-5-haiku': { input: 8e-7, output: 4e-6, maxOutput: 8_192 },
  'claude-3-7-sonnet': { input: 3e-6, output: 1.5e-5, maxOutput: 64_000 },
  'claude-3-haiku': { input: 2.5e-7, output: 1.25e-6, maxOutput: 4_096 },
  'claude-3-opus': { input: 1.5e-5, output: 7.5e-5, maxOutput: 4_096 },
  'claude-sonnet-4': { input: 3e-6, output: 1.5e-5, maxOutput: 64_000 },
  'claude-opus-4': { input: 1.5e-5, output: 7.5e-5, maxOutput: 32_000 },
  'claude-opus-4-5': { input: 5e-6, output: 2.5e-5, maxOutput: 64_000 },
  'claude-haiku-4-5': { input: 1e-6, output: 5e-6, maxOutput: 64_000 },
};

/** When neither the request nor the model says how many tokens may come back. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 4096;

const FREE_PROVIDERS = new Set(['ollama']);

function tableLookup(model: string): ModelPrice | undefined {
  const name = model.toLowerCase().replace(/^.*\//, '');
  const exact = PRICE_TABLE[name];
  if (exact) return exact;
  let best: string | undefined;
  for (const key of Object.keys(PRICE_TABLE)) {
    if (name.startsWith(key) && (best === undefined || key.length > best.length)) best = key;
  }
  return best === undefined ? undefined : PRICE_TABLE[best];
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

/** The prices in force for a deployment: overrides, then the built-in table; unknown and local models are free. */
export function priceOf(deployment: ResolvedDeployment): ModelPrice {
  const mi = deployment.model_info;
  const lp = deployment.litellm_params;
  const table = FREE_PROVIDERS.has(deployment.provider) ? undefined : (tableLookup(deployment.upstream_model) ?? tableLookup(deployment.model_name));
  const maxOutput = num(mi.max_output_tokens) ?? num(mi.max_tokens) ?? table?.maxOutput ?? DEFAULT_MAX_OUTPUT_TOKENS;
  return {
    input: num(mi.input_cost_per_token) ?? num(lp.input_cost_per_token) ?? table?.input ?? 0,
    output: num(mi.output_cost_per_token) ?? num(lp.output_cost_per_token) ?? table?.output ?? 0,
    maxOutput,
  };
}

/** USD for a request's actual usage. */
export function costOf(usage: Usage, deployment: ResolvedDeployment): number {
  const p = priceOf(deployment);
  return usage.prompt_tokens * p.input + usage.completion_tokens * p.output;
}

function textChars(content: unknown): number {
  if (typeof content === 'string') return content.length;
  if (Array.isArray(content)) {
    let n = 0;
    for (const part of content) {
      if (typeof part === 'string') n += part.length;
      else if (part !== null && typeof part === 'object') {
        const p = part as Record<string, unknown>;
        if (typeof p.text === 'string') n += p.text.length;
        else if (p.type === 'image_url' || p.type === 'image') n += 85 * 4; // a low-detail image costs ~85 tokens
        else if (p.type === 'tool_result') n += textChars(p.content);
        else if (p.type === 'tool_use') n += JSON.stringify(p.input ?? {}).length;
      }
    }
    return n;
  }
  return 0;
}

/**
 * A cheap prompt-token estimate (~4 characters per token plus a few per message), used before the
 * upstream reports usage: reservations, and streams cut before their usage arrived.
 */
export function estimatePromptTokens(kind: LlmKind, body: Record<string, unknown>): number {
  let chars = 0;
  let overhead = 3;
  if (kind === 'chat' || kind === 'messages' || kind === 'count_tokens') {
    const messages = Array.isArray(body.messages) ? (body.messages as unknown[]) : [];
    for (const m of messages) {
      overhead += 4;
      if (m !== null && typeof m === 'object') {
        const msg = m as Record<string, unknown>;
        chars += textChars(msg.content);
        if (Array.isArray(msg.tool_calls)) chars += JSON.stringify(msg.tool_calls).length;
      }
    }
    if (body.system !== undefined) {
      overhead += 4;
      chars += textChars(body.system);
    }
    if (Array.isArray(body.tools)) chars += JSON.stringify(body.tools).length;
  } else {
    const input = kind === 'completion' ? body.prompt : body.input;
    const items = Array.isArray(input) ? (input as unknown[]) : [input];
    for (const x of items) {
      overhead += 1;
      if (typeof x === 'string') chars += x.length;
      else if (Array.isArray(x)) chars += x.length * 4; // already tokens
    }
  }
  return Math.ceil(chars / 4) + overhead;
}

function requestedMaxOutput(body: Record<string, unknown>): number | undefined {
  return num(body.max_completion_tokens) ?? num(body.max_tokens) ?? num(body.max_output_tokens);
}

/** Tokens a request can at most consume: estimated prompt plus the output cap (request, model, else 4096). */
export function worstCaseTokens(kind: LlmKind, body: Record<string, unknown>, deployment: ResolvedDeployment): number {
  if (kind === 'count_tokens') return 0;
  const prompt = estimatePromptTokens(kind, body);
  if (kind === 'embedding') return prompt;
  const n = typeof body.n === 'number' && body.n > 1 ? Math.floor(body.n) : 1;
  return prompt + n * (requestedMaxOutput(body) ?? priceOf(deployment).maxOutput);
}

/** USD a request can at most cost, for budget reservations. */
export function worstCaseCost(kind: LlmKind, body: Record<string, unknown>, deployment: ResolvedDeployment): number {
  if (kind === 'count_tokens') return 0;
  const p = priceOf(deployment);
  const prompt = estimatePromptTokens(kind, body);
  const output = worstCaseTokens(kind, body, deployment) - prompt;
  return prompt * p.input + output * p.output;
}
