/**
 * The LLM proxy: which deployment serves a model (registry), what a body may carry (validate),
 * what a request costs (cost), and forwarding with streaming pass-through and format translation
 * (forwarder). What is not exported here is private to the folder.
 */
export { ModelRegistry, parseProviderModel, DEFAULT_API_BASE, AZURE_DEFAULT_API_VERSION } from './registry.ts';
export type { Provider, ResolvedDeployment } from './registry.ts';
export { validateLlmBody, FORBIDDEN_PARAMS } from './validate.ts';
export {
  PRICE_TABLE,
  DEFAULT_MAX_OUTPUT_TOKENS,
  priceOf,
  costOf,
  estimatePromptTokens,
  worstCaseCost,
  worstCaseTokens,
} from './cost.ts';
export type { LlmKind, ModelPrice, Usage } from './cost.ts';
export { Forwarder, upstreamUrl } from './forwarder.ts';
export type { ForwardOptions, ForwardResult, ForwarderOptions } from './forwarder.ts';
export { SseParser, sseEvent } from './sse.ts';
export type { SseEvent } from './sse.ts';
