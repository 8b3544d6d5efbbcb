/**
 * The forwarder: sends one LLM request to its deployment with undici (one keep-alive pool per
 * origin), writes the answer to the client as it arrives (JSON, or SSE event by event), and reports
 * the usage and cost, including for streams the client abandons (CONTRACT section 7).
 *
 * Secrets: the provider key only ever goes into the one auth header of the upstream request; it is
 * never logged, never echoed, and redacted from any upstream error message we pass on.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { Pool } from 'undici';
import type { Dispatcher } from 'undici';
import { GatewayError } from '../../../src-shared/errors.ts';
import type { Clock } from '../ports.ts';
import { costOf, estimatePromptTokens, priceOf } from './cost.ts';
import type { LlmKind, Usage } from './cost.ts';
import type { ResolvedDeployment } from './registry.ts';
import { SseParser } from './sse.ts';
import type { SseEvent } from './sse.ts';
import {
  AnthropicToOpenaiStream,
  OpenaiToAnthropicStream,
  anthropicMessageToChatCompletion,
  anthropicToOpenaiChat,
  anthropicUsage,
  chatCompletionToAnthropicMessage,
  openaiChatToAnthropic,
} from './translate.ts';

export interface ForwardOptions {
  kind: LlmKind;
  /** The validated client body (see validateLlmBody); not modified. */
  body: Record<string, unknown>;
  deployment: ResolvedDeployment;
  /** The resolved provider secret, or null for providers that need none (local servers). */
  apiKey: string | null;
  clientRes: ServerResponse;
  /** Fires when the client went away (wire it to the response's 'close' before it finished). */
  clientAbort: AbortSignal;
  requestId: string;
  /** Extra headers for the client's response (x-request-id, x-litellm-*, rate-limit headers). */
  responseHeaders?: Record<string, string>;
  /** The client's request headers: only `anthropic-version`, `anthropic-beta` and `openai-beta` are passed on. */
  clientHeaders?: IncomingHttpHeaders;
}

export interface ForwardResult {
  /** The status the client got (upstream's status on upstream errors; 499 when the client left before any answer). */
  status: number;
  usage: Usage;
  /** USD at the deployment's prices. */
  cost: number;
  streamed: boolean;
  /** The client disconnected before the answer was complete. Streams: usage is what was produced so far; non-streamed: the full answer's usage (the provider bills it anyway). */
  aborted: boolean;
  /** The upstream's error message (bounded, redacted) when it failed. */
  upstreamError?: string;
  /** Milliseconds from sending to the end of the answer, by the injected clock. */
  durationMs: number;
}

export interface ForwarderOptions {
  clock: Clock;
  /** Connection pool size per upstream origin (default 64). */
  connectionsPerOrigin?: number;
  /** Idle keep-alive of upstream connections, ms (default 30 s). */
  keepAliveTimeoutMs?: number;
  /** Connect timeout, ms (default 10 s). */
  connectTimeoutMs?: number;
}

type Format = 'openai' | 'anthropic';
type Op = 'chat' | 'completion' | 'embedding' | 'messages' | 'count_tokens';
type Obj = Record<string, unknown>;

const MAX_ERROR_BODY = 64 * 1024;
const MAX_ERROR_MESSAGE = 500;
const PASS_CLIENT_HEADERS = ['anthropic-version', 'anthropic-beta', 'openai-beta'] as const;
const ANTHROPIC_VERSION = '2023-06-01';

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const zeroUsage = (): Usage => ({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });

function upstreamFormat(d: ResolvedDeployment): Format {
  return d.provider === 'anthropic' ? 'anthropic' : 'openai';
}

function clientFormat(kind: LlmKind): Format {
  return kind === 'messages' || kind === 'count_tokens' ? 'anthropic' : 'openai';
}

/** The upstream URL of an operation on a deployment. */
export function upstreamUrl(d: ResolvedDeployment, op: Op): URL {
  const base = d.api_base.replace(/\/+$/, '');
  const suffix = op === 'chat' ? 'chat/completions' : op === 'completion' ? 'completions' : op === 'embedding' ? 'embeddings' : op === 'messages' ? 'messages' : 'messages/count_tokens';
  if (d.provider === 'anthropic') return new URL(`${base.replace(/\/v1$/, '')}/v1/${suffix}`);
  if (d.provider === 'azure') {
    const u = new URL(`${base.replace(/\/openai$/, '')}/openai/deployments/${encodeURIComponent(d.upstream_model)}/${suffix}`);
    u.searchParams.set('api-version', d.api_version ?? '');
    return u;
  }
  if (d.provider === 'ollama' && !/\/v1$/.test(base)) return new URL(`${base}/v1/${suffix}`);
  return new URL(`${base}/${suffix}`);
}

/** The auth header a provider expects (never logged). */
function authHeaders(d: ResolvedDeployment, apiKey: string | null): Record<string, string> {
  if (apiKey === null || apiKey === '') return {};
  if (d.provider === 'anthropic') return { 'x-api-key': apiKey };
  if (d.provider === 'azure') return { 'api-key': apiKey };
  return { authorization: `Bearer ${apiKey}` };
}

function redact(text: string, apiKey: string | null): string {
  let t = text;
  if (apiKey !== null && apiKey.length >= 4) t = t.split(apiKey).join('[redacted]');
  // Providers sometimes echo a (partial) key: "Incorrect API key provided: sk-abc***xyz".
  t = t.replace(/\b(sk|sk-ant|sk-proj)-[A-Za-z0-9_*-]{6,}/g, '[redacted]');
  return t.length > MAX_ERROR_MESSAGE ? `${t.slice(0, MAX_ERROR_MESSAGE)}...` : t;
}

function errorMessageOf(text: string): string {
  try {
    const j = JSON.parse(text) as unknown;
    if (isObj(j)) {
      if (isObj(j.error) && typeof j.error.message === 'string') return j.error.message;
      if (typeof j.error === 'string') return j.error;
      if (typeof j.message === 'string') return j.message;
      if (typeof j.detail === 'string') return j.detail;
    }
  } catch {
    // not JSON: the text itself
  }
  return text.trim() === '' ? 'upstream error' : text.trim();
}

function headerValue(h: IncomingHttpHeaders | Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

function writeChunk(res: ServerResponse, s: string): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return Promise.resolve(false);
  if (res.write(s)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve(!res.destroyed);
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string>): void {
  if (res.headersSent || res.destroyed) return;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

/** Counts what a stream produced, in the upstream's format: final usage when it came, and the streamed text. */
class StreamMeter {
  prompt: number | undefined;
  completion: number | undefined;
  chars = 0;

  constructor(private readonly format: Format) {}

  observe(j: Obj): void {
    if (this.format === 'openai') {
      if (isObj(j.usage)) {
        if (typeof j.usage.prompt_tokens === 'number') this.prompt = j.usage.prompt_tokens;
        if (typeof j.usage.completion_tokens === 'number') this.completion = j.usage.completion_tokens;
      }
      for (const c of Array.isArray(j.choices) ? j.choices : []) {
        if (!isObj(c)) continue;
        if (typeof c.text === 'string') this.chars += c.text.length;
        const d = isObj(c.delta) ? c.delta : undefined;
        if (!d) continue;
        if (typeof d.content === 'string') this.chars += d.content.length;
        if (typeof d.reasoning_content === 'string') this.chars += d.reasoning_content.length;
        for (const tc of Array.isArray(d.tool_calls) ? d.tool_calls : []) {
          if (isObj(tc) && isObj(tc.function) && typeof tc.function.arguments === 'string') this.chars += tc.function.arguments.length;
        }
      }
      return;
    }
    if (j.type === 'message_start' && isObj(j.message)) {
      const u = anthropicUsage(j.message.usage);
      if (u.prompt !== undefined) this.prompt = u.prompt;
    } else if (j.type === 'message_delta') {
      const u = anthropicUsage(j.usage);
      if (u.completion !== undefined) this.completion = u.completion;
      if (u.prompt !== undefined && u.prompt > 0) this.prompt = u.prompt;
    } else if (j.type === 'content_block_delta' && isObj(j.delta)) {
      const d = j.delta;
      for (const k of ['text', 'partial_json', 'thinking'] as const) if (typeof d[k] === 'string') this.chars += (d[k] as string).length;
    }
  }
}

/**
 * Forwards LLM requests upstream and streams answers back.
 *
 * @example
 * const fwd = new Forwarder({ clock: systemClock });
 * const result = await fwd.forward({ kind: 'chat', body, deployment, apiKey, clientRes: res, clientAbort, requestId });
 * ledger.record(result.cost);
 */
export class Forwarder {
  private readonly clock: Clock;
  /** One keep-alive pool per upstream origin (an undici Agent adds a dispatch layer per request). */
  private readonly pools = new Map<string, Pool>();
  private readonly poolOptions: Pool.Options;

  constructor(opts: ForwarderOptions) {
    this.clock = opts.clock;
    this.poolOptions = {
      connections: opts.connectionsPerOrigin ?? 64,
      keepAliveTimeout: opts.keepAliveTimeoutMs ?? 30_000,
      connect: { timeout: opts.connectTimeoutMs ?? 10_000 },
    };
  }

  private poolFor(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (pool === undefined) {
      pool = new Pool(origin, this.poolOptions);
      this.pools.set(origin, pool);
    }
    return pool;
  }

  /** Closes the upstream connection pools (in-flight requests finish first). */
  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close()));
    this.pools.clear();
  }

  /**
   * Sends the request and writes the answer to `clientRes`. Throws `ERR_UPSTREAM` (502, or 504 on
   * timeout) only when nothing was written yet; `ERR_BAD_REQUEST` when the route and provider cannot
   * be bridged (completions or embeddings to Anthropic).
   */
  async forward(opts: ForwardOptions): Promise<ForwardResult> {
    const started = this.clock.now();
    const { kind, deployment: d, body, clientRes: res } = opts;
    const cFmt = clientFormat(kind);
    const uFmt = upstreamFormat(d);
    const baseHeaders = { ...(opts.responseHeaders ?? {}) };
    const done = (r: Omit<ForwardResult, 'durationMs' | 'cost'> & { cost?: number }): ForwardResult => ({
      ...r,
      cost: r.cost ?? costOf(r.usage, d),
      durationMs: Math.max(0, this.clock.now() - started),
    });

    if (opts.clientAbort.aborted) return done({ status: 499, usage: zeroUsage(), streamed: false, aborted: true });

    // Which upstream operation, with which body.
    let op: Op;
    let upstreamBody: Obj;
    let stripUsage = false;
    const clientWantsStream = body.stream === true;
    if (cFmt === uFmt) {
      op = kind;
      upstreamBody = { ...body, model: d.upstream_model };
      if (uFmt === 'openai' && clientWantsStream && (kind === 'chat' || kind === 'completion')) {
        const so = isObj(body.stream_options) ? body.stream_options : {};
        if (so.include_usage !== true) {
          upstreamBody.stream_options = { ...so, include_usage: true };
          stripUsage = true;
        }
      }
    } else if (cFmt === 'openai') {
      if (kind !== 'chat') {
        throw new GatewayError('ERR_BAD_REQUEST', `The model '${String(body.model)}' is an Anthropic model and supports only /v1/chat/completions and /v1/messages, not ${kind === 'embedding' ? '/v1/embeddings' : '/v1/completions'}.`, { param: 'model' });
      }
      op = 'messages';
      upstreamBody = openaiChatToAnthropic(body, d.upstream_model, Math.min(priceOf(d).maxOutput || 4096, 8192));
    } else {
      if (kind === 'count_tokens') {
        // OpenAI-compatible servers have no token-count endpoint: answer with our estimate.
        sendJson(res, 200, { input_tokens: estimatePromptTokens('count_tokens', body) }, baseHeaders);
        return done({ status: 200, usage: zeroUsage(), streamed: false, aborted: false, cost: 0 });
      }
      op = 'chat';
      upstreamBody = anthropicToOpenaiChat(body, d.upstream_model);
    }

    const url = upstreamUrl(d, op);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: clientWantsStream ? 'text/event-stream' : 'application/json',
      'user-agent': 'tollgate',
      ...authHeaders(d, opts.apiKey),
    };
    if (uFmt === 'anthropic') {
      const clientHeaders = opts.clientHeaders ?? {};
      headers['anthropic-version'] = (cFmt === 'anthropic' ? headerValue(clientHeaders, 'anthropic-version') : undefined) ?? ANTHROPIC_VERSION;
      const beta = cFmt === 'anthropic' ? headerValue(clientHeaders, 'anthropic-beta') : undefined;
      if (beta !== undefined) headers['anthropic-beta'] = beta;
    } else if (opts.clientHeaders) {
      for (const h of PASS_CLIENT_HEADERS) {
        if (h.startsWith('anthropic')) continue;
        const v = headerValue(opts.clientHeaders, h);
        if (v !== undefined) headers[h] = v;
      }
    }

    // A stream is cut when its client leaves (we charge what was produced). A non-streamed answer is
    // read to its end regardless: the provider bills it in full, so its real usage is what we charge.
    const upstreamAbort = clientWantsStream ? new AbortController() : null;
    const onClientAbort = () => upstreamAbort?.abort();
    if (upstreamAbort !== null) opts.clientAbort.addEventListener('abort', onClientAbort, { once: true });

    let response: Dispatcher.ResponseData;
    try {
      response = await this.poolFor(url.origin).request({
        path: url.pathname + url.search,
        method: 'POST',
        headers,
        body: JSON.stringify(upstreamBody),
        ...(upstreamAbort === null ? {} : { signal: upstreamAbort.signal }),
        headersTimeout: d.timeout_ms,
        bodyTimeout: d.timeout_ms,
      });
    } catch (err) {
      opts.clientAbort.removeEventListener('abort', onClientAbort);
      if (opts.clientAbort.aborted) return done({ status: 499, usage: zeroUsage(), streamed: false, aborted: true });
      const code = isObj(err) && typeof err.code === 'string' ? err.code : 'unknown';
      const timeout = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT';
      throw new GatewayError('ERR_UPSTREAM', `The provider for model '${d.model_name}' ${timeout ? 'did not answer in time' : 'could not be reached'} (${code}).`, {
        status: timeout ? 504 : 502,
        cause: err,
      });
    }

    try {
      if (response.statusCode < 200 || response.statusCode >= 300) return done(await this.relayError(response, opts, baseHeaders));
      const ctype = headerValue(response.headers, 'content-type') ?? '';
      if (ctype.includes('text/event-stream')) {
        return done(await this.relayStream(response, opts, { cFmt, uFmt, stripUsage, baseHeaders, upstreamAbort }));
      }
      return done(await this.relayJson(response, opts, { cFmt, uFmt, baseHeaders }));
    } finally {
      opts.clientAbort.removeEventListener('abort', onClientAbort);
    }
  }

  private async relayError(response: Dispatcher.ResponseData, opts: ForwardOptions, baseHeaders: Record<string, string>): Promise<Omit<ForwardResult, 'durationMs' | 'cost'>> {
    let text = '';
    try {
      for await (const chunk of response.body) {
        text += (chunk as Buffer).toString('utf8');
        if (text.length > MAX_ERROR_BODY) {
          response.body.destroy();
          break;
        }
      }
    } catch {
      // a broken error body still yields the status
    }
    const status = response.statusCode;
    const message = redact(errorMessageOf(text), opts.apiKey);
    const headers = { ...baseHeaders };
    const retryAfter = headerValue(response.headers, 'retry-after');
    if (retryAfter !== undefined) headers['retry-after'] = retryAfter;
    const fallbackStatus = status >= 400 && status <= 599 ? status : 502;
    sendJson(opts.clientRes, fallbackStatus, { error: { message, type: 'upstream_error', param: null, code: String(fallbackStatus) } }, headers);
    return { status: fallbackStatus, usage: zeroUsage(), streamed: false, aborted: false, upstreamError: message };
  }

  private async relayJson(
    response: Dispatcher.ResponseData,
    opts: ForwardOptions,
    ctx: { cFmt: Format; uFmt: Format; baseHeaders: Record<string, string> },
  ): Promise<Omit<ForwardResult, 'durationMs' | 'cost'>> {
    let text: string;
    try {
      text = await response.body.text();
    } catch (err) {
      if (opts.clientRes.headersSent || opts.clientRes.destroyed) return { status: 499, usage: zeroUsage(), streamed: false, aborted: true };
      throw new GatewayError('ERR_UPSTREAM', `The provider for model '${opts.deployment.model_name}' broke off its answer.`, { cause: err });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      sendJson(opts.clientRes, response.statusCode, text, ctx.baseHeaders);
      return { status: response.statusCode, usage: zeroUsage(), streamed: false, aborted: false };
    }
    const usage = zeroUsage();
    let out: unknown = json;
    if (isObj(json)) {
      if (ctx.uFmt === 'anthropic') {
        const u = anthropicUsage(json.usage);
        usage.prompt_tokens = u.prompt ?? 0;
        usage.completion_tokens = u.completion ?? 0;
        if (ctx.cFmt === 'openai') out = anthropicMessageToChatCompletion(json, String(opts.body.model), this.clock.now());
      } else {
        if (isObj(json.usage)) {
          usage.prompt_tokens = typeof json.usage.prompt_tokens === 'number' ? json.usage.prompt_tokens : 0;
          usage.completion_tokens = typeof json.usage.completion_tokens === 'number' ? json.usage.completion_tokens : 0;
        }
        if (ctx.cFmt === 'anthropic') out = chatCompletionToAnthropicMessage(json, String(opts.body.model));
      }
      usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
    }
    if (opts.kind === 'count_tokens') usage.prompt_tokens = usage.completion_tokens = usage.total_tokens = 0;
    const aborted = opts.clientAbort.aborted || opts.clientRes.destroyed;
    sendJson(opts.clientRes, response.statusCode, out === json ? text : out, ctx.baseHeaders);
    return { status: response.statusCode, usage, streamed: false, aborted };
  }

  private async relayStream(
    response: Dispatcher.ResponseData,
    opts: ForwardOptions,
    ctx: { cFmt: Format; uFmt: Format; stripUsage: boolean; baseHeaders: Record<string, string>; upstreamAbort: AbortController | null },
  ): Promise<Omit<ForwardResult, 'durationMs' | 'cost'>> {
    const res = opts.clientRes;
    const meter = new StreamMeter(ctx.uFmt);
    const parser = new SseParser();
    const clientModel = String(opts.body.model);
    const clientSo = isObj(opts.body.stream_options) ? opts.body.stream_options : {};
    const promptEstimate = estimatePromptTokens(opts.kind, opts.body);
    const converter =
      ctx.cFmt === ctx.uFmt
        ? undefined
        : ctx.uFmt === 'anthropic'
          ? new AnthropicToOpenaiStream(clientModel, clientSo.include_usage === true, this.clock.now())
          : new OpenaiToAnthropicStream(clientModel, promptEstimate);

    res.writeHead(response.statusCode, {
      ...ctx.baseHeaders,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();

    const handle = async (ev: SseEvent): Promise<boolean> => {
      let j: Obj | undefined;
      if (ev.data !== '' && ev.data !== '[DONE]') {
        try {
          const parsed = JSON.parse(ev.data) as unknown;
          if (isObj(parsed)) j = parsed;
        } catch {
          j = undefined;
        }
      }
      if (j) meter.observe(j);
      if (!converter) {
        if (ctx.stripUsage && j && isObj(j.usage) && Array.isArray(j.choices) && j.choices.length === 0) return true;
        return writeChunk(res, ev.raw);
      }
      if (!j) return true; // [DONE] and comments: the converter writes its own ending
      for (const s of converter.event(j)) if (!(await writeChunk(res, s))) return false;
      return true;
    };

    let aborted = false;
    let upstreamError: string | undefined;
    try {
      outer: for await (const chunk of response.body) {
        for (const ev of parser.push(chunk as Buffer)) {
          if (!(await handle(ev))) {
            aborted = true;
            break outer;
          }
        }
      }
      if (!aborted) for (const ev of parser.end()) await handle(ev);
    } catch (err) {
      if (opts.clientAbort.aborted || res.destroyed) aborted = true;
      else {
        const code = isObj(err) && typeof err.code === 'string' ? err.code : 'unknown';
        upstreamError = `The provider stream broke off (${code}).`;
      }
    }
    if (opts.clientAbort.aborted || res.destroyed) aborted = true;
    if (aborted) {
      ctx.upstreamAbort?.abort();
      response.body.destroy();
    } else if (upstreamError !== undefined) {
      const errEvent =
        ctx.cFmt === 'anthropic'
          ? `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'api_error', message: upstreamError } })}\n\n`
          : `data: ${JSON.stringify({ error: { message: upstreamError, type: 'upstream_error', param: null, code: '502' } })}\n\n`;
      await writeChunk(res, errEvent);
    } else if (converter) {
      for (const s of converter.end()) await writeChunk(res, s);
    }
    if (!res.writableEnded) res.end();

    const prompt = meter.prompt ?? promptEstimate;
    const completion = meter.completion ?? Math.ceil(meter.chars / 4);
    const usage: Usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
    const result: Omit<ForwardResult, 'durationMs' | 'cost'> = { status: response.statusCode, usage, streamed: true, aborted };
    if (upstreamError !== undefined) result.upstreamError = upstreamError;
    return result;
  }
}
