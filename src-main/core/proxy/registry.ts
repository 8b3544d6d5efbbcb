/**
 * The model registry: which deployment serves a requested model name. Built from the config's
 * `model_list` (LiteLLM-compatible) and replaceable live (`set`) when `/model/new` etc. change it.
 */
import type { DeploymentConfig } from '../../../src-shared/config.ts';

export type Provider = 'openai' | 'azure' | 'anthropic' | 'ollama' | 'openai_compatible';

/** A deployment ready to be forwarded to. `api_key_ref` is the unresolved reference (`os.environ/X`, `keychain/X` or a literal). */
export interface ResolvedDeployment {
  /** `model_info.id`, else `<model_name>#<index in model_list>`. */
  id: string;
  model_name: string;
  provider: Provider;
  /** The model name the upstream expects (for wildcards: the requested name). */
  upstream_model: string;
  api_base: string;
  api_key_ref: string | undefined;
  api_version?: string;
  model_info: Record<string, unknown>;
  /** Per-request upstream timeout (litellm_params.timeout seconds, default 600 s). */
  timeout_ms: number;
  /** The raw litellm_params, for prices and provider-specific settings. */
  litellm_params: Record<string, unknown>;
}

export const DEFAULT_API_BASE: Record<Provider, string | undefined> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
  ollama: 'http://127.0.0.1:11434',
  azure: undefined,
  openai_compatible: undefined,
};

const DEFAULT_TIMEOUT_MS = 600_000;
/** Used when an azure deployment names no api_version (the latest GA data-plane version when written). */
export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

const KNOWN_PREFIX: Record<string, Provider> = {
  openai: 'openai',
  azure: 'azure',
  azure_ai: 'openai_compatible',
  anthropic: 'anthropic',
  ollama: 'ollama',
  ollama_chat: 'ollama',
  openai_compatible: 'openai_compatible',
  hosted_vllm: 'openai_compatible',
  vllm: 'openai_compatible',
  lm_studio: 'openai_compatible',
  groq: 'openai_compatible',
  openrouter: 'openai_compatible',
  together_ai: 'openai_compatible',
  deepseek: 'openai_compatible',
  mistral: 'openai_compatible',
  text_completion_openai: 'openai_compatible',
};

const KNOWN_BASES: Record<string, string> = {
  groq: 'https://api.groq.com/openai/v1',
  openrouter: 'https://openrouter.ai/api/v1',
  together_ai: 'https://api.together.xyz/v1',
  deepseek: 'https://api.deepseek.com/v1',
  mistral: 'https://api.mistral.ai/v1',
};

/** Splits `provider/model` (`openai/gpt-4o`) into provider and upstream model; no prefix means OpenAI. */
export function parseProviderModel(model: string, apiBase: string | undefined): { provider: Provider; prefix: string; upstream: string; defaultBase: string | undefined } {
  const slash = model.indexOf('/');
  const prefix = slash > 0 ? model.slice(0, slash) : '';
  const rest = slash > 0 ? model.slice(slash + 1) : model;
  const known = KNOWN_PREFIX[prefix];
  if (known !== undefined) return { provider: known, prefix, upstream: rest, defaultBase: KNOWN_BASES[prefix] ?? DEFAULT_API_BASE[known] };
  if (prefix === '') return { provider: apiBase ? 'openai_compatible' : 'openai', prefix: 'openai', upstream: model, defaultBase: DEFAULT_API_BASE.openai };
  // Unknown prefix: an OpenAI-compatible server when an api_base is given; the whole string is the model
  // (e.g. `meta-llama/Llama-3` on vLLM). Without api_base it cannot be reached (resolve() skips it).
  return { provider: 'openai_compatible', prefix, upstream: model, defaultBase: undefined };
}

interface Entry {
  config: DeploymentConfig;
  index: number;
  pattern: RegExp | null;
}

function wildcardToRegExp(pattern: string): RegExp {
  const escaped = pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${escaped}$`);
}

/**
 * Resolves requested model names to deployments.
 *
 * @example
 * const reg = new ModelRegistry(config.model_list);
 * const d = reg.resolve('claude-3-5-haiku-latest'); // via `claude-*` -> anthropic/*
 */
export class ModelRegistry {
  private entries: Entry[] = [];
  private readonly cursor = new Map<string, number>();

  constructor(deployments: readonly DeploymentConfig[] = []) {
    this.set(deployments);
  }

  /** Replaces every deployment at once (live reload, `/model/new`). */
  set(deployments: readonly DeploymentConfig[]): void {
    this.entries = deployments.map((config, index) => ({
      config,
      index,
      pattern: config.model_name.includes('*') ? wildcardToRegExp(config.model_name) : null,
    }));
    this.cursor.clear();
  }

  /** Exact `model_name` first, then wildcard names (most specific, i.e. longest, pattern first); round-robin among equals. */
  resolve(requestedModel: string): ResolvedDeployment | undefined {
    const exact = this.entries.filter((e) => e.pattern === null && e.config.model_name === requestedModel);
    if (exact.length > 0) return this.build(this.pick(requestedModel, exact), requestedModel);
    const wild = this.entries.filter((e) => e.pattern !== null && e.pattern.test(requestedModel));
    if (wild.length === 0) return undefined;
    const bestName = [...wild].sort((a, b) => b.config.model_name.length - a.config.model_name.length)[0]!.config.model_name;
    const best = wild.filter((e) => e.config.model_name === bestName);
    return this.build(this.pick(`*${bestName}`, best), requestedModel);
  }

  /** Every configured `model_name`, in config order, without duplicates (wildcard patterns included as written). */
  modelNames(): string[] {
    return [...new Set(this.entries.map((e) => e.config.model_name))];
  }

  /** The union of `model_info.access_groups` over the deployments named `modelName`. */
  accessGroupsOf(modelName: string): string[] {
    const groups = new Set<string>();
    for (const e of this.entries) {
      const matches = e.config.model_name === modelName || (e.pattern !== null && e.pattern.test(modelName));
      if (matches) for (const g of e.config.model_info?.access_groups ?? []) groups.add(g);
    }
    return [...groups];
  }

  /** Every deployment as resolved for its own name (for `/model/info`, `doctor`); wildcard ones keep the pattern. */
  list(): ResolvedDeployment[] {
    return this.entries.map((e) => this.build(e, e.config.model_name)).filter((d): d is ResolvedDeployment => d !== undefined);
  }

  private pick(key: string, candidates: Entry[]): Entry {
    const i = this.cursor.get(key) ?? 0;
    this.cursor.set(key, (i + 1) % candidates.length);
    return candidates[i % candidates.length]!;
  }

  private build(entry: Entry, requested: string): ResolvedDeployment | undefined {
    const p = entry.config.litellm_params;
    const parsed = parseProviderModel(p.model, p.api_base);
    let upstream = parsed.upstream;
    if (upstream.includes('*')) {
      // `anthropic/*` or `openai/gpt-*`: the requested name is the upstream model.
      upstream = requested;
    }
    const apiBase = (p.api_base ?? parsed.defaultBase)?.replace(/\/+$/, '');
    if (apiBase === undefined) return undefined;
    const timeoutS = typeof p.timeout === 'number' ? p.timeout : undefined;
    const d: ResolvedDeployment = {
      id: entry.config.model_info?.id ?? `${entry.config.model_name}#${entry.index}`,
      model_name: entry.config.model_name,
      provider: parsed.provider,
      upstream_model: upstream,
      api_base: apiBase,
      api_key_ref: p.api_key,
      model_info: { ...(entry.config.model_info ?? {}) },
      timeout_ms: timeoutS !== undefined ? Math.round(timeoutS * 1000) : DEFAULT_TIMEOUT_MS,
      litellm_params: { ...p },
    };
    if (p.api_version !== undefined) d.api_version = p.api_version;
    else if (parsed.provider === 'azure') d.api_version = AZURE_DEFAULT_API_VERSION;
    return d;
  }
}
