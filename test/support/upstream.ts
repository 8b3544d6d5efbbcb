/**
 * A fake LLM provider on 127.0.0.1:0 for every test that needs an upstream: it speaks the
 * OpenAI wire format (chat, completions, embeddings, models) and the Anthropic one (messages,
 * count_tokens), streaming and not, and records what it received.
 *
 * Deterministic on purpose, so tests can compute expected usage and cost:
 * - completion tokens = min(max_tokens ?? max_completion_tokens ?? 20, 20); each token is the
 *   4-character text "tok " (so chars/4 recovers the count exactly);
 * - prompt tokens = `promptTokensFor(body)` below (exported for tests).
 *
 * Failures: a model named `fail-<status>` (e.g. `fail-429`) answers that status with the
 * provider's error body; `failWith(status)` makes every following request fail until cleared.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or the raw text when it was not JSON, or undefined when empty. */
  body: unknown;
}

export interface UpstreamOptions {
  /** Delay before each response starts, in ms. */
  latencyMs?: number;
  /** Delay between stream events, in ms (lets a client drop a stream halfway). */
  chunkDelayMs?: number;
  /** Number of completion tokens when the request does not cap them (default 20). */
  defaultCompletionTokens?: number;
}

export interface Upstream {
  url: string;
  port: number;
  requests: RecordedRequest[];
  setLatency(ms: number): void;
  setChunkDelay(ms: number): void;
  /** Every following request answers this status (null clears). */
  failWith(status: number | null): void;
  /** How many streams a client cut (the socket closed before the stream ended). */
  streamsAborted(): number;
  close(): Promise<void>;
}

export const TOKEN_TEXT = 'tok ';
export const MAX_COMPLETION_TOKENS = 20;

function contentChars(content: unknown): number {
  if (typeof content === 'string') return content.length;
  if (Array.isArray(content)) {
    let n = 0;
    for (const part of content) {
      if (part !== null && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string') n += (part as { text: string }).text.length;
    }
    return n;
  }
  return 0;
}

/** Prompt tokens the fake upstream reports: 3 per message + ceil(chars / 4) of its text (+ system / prompt / input). */
export function promptTokensFor(body: Record<string, unknown>): number {
  let tokens = 0;
  if (Array.isArray(body.messages)) {
    for (const m of body.messages as Array<Record<string, unknown>>) tokens += 3 + Math.ceil(contentChars(m.content) / 4);
  }
  if (body.system !== undefined) tokens += 3 + Math.ceil(contentChars(body.system) / 4);
  const p = body.prompt ?? body.input;
  if (typeof p === 'string') tokens += Math.ceil(p.length / 4) + 1;
  else if (Array.isArray(p)) for (const x of p) tokens += Math.ceil(String(x).length / 4) + 1;
  return Math.max(tokens, 1);
}

export function completionTokensFor(body: Record<string, unknown>, def = MAX_COMPLETION_TOKENS): number {
  const cap = typeof body.max_tokens === 'number' ? body.max_tokens : typeof body.max_completion_tokens === 'number' ? body.max_completion_tokens : def;
  return Math.max(0, Math.min(cap, MAX_COMPLETION_TOKENS, def));
}

const sleep = (ms: number) => (ms > 0 ? new Promise<void>((r) => setTimeout(r, ms)) : Promise.resolve());

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, value: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

export async function startUpstream(opts: UpstreamOptions = {}): Promise<Upstream> {
  let latency = opts.latencyMs ?? 0;
  let chunkDelay = opts.chunkDelayMs ?? 0;
  let failStatus: number | null = null;
  let aborted = 0;
  const defTokens = opts.defaultCompletionTokens ?? MAX_COMPLETION_TOKENS;
  const requests: RecordedRequest[] = [];
  let seq = 0;

  async function writeEvents(res: ServerResponse, events: string[]): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    let closed = false;
    res.on('close', () => {
      if (!res.writableFinished) {
        closed = true;
        aborted += 1;
      }
    });
    for (const e of events) {
      if (closed) return;
      res.write(e);
      await sleep(chunkDelay);
    }
    if (!closed) res.end();
  }

  function fail(res: ServerResponse, status: number, anthropic: boolean, model: string): void {
    const message = `Fake upstream error ${status} for model ${model}`;
    const headers: Record<string, string> = status === 429 ? { 'retry-after': '7' } : {};
    if (anthropic) sendJson(res, status, { type: 'error', error: { type: status === 429 ? 'rate_limit_error' : 'api_error', message } }, headers);
    else sendJson(res, status, { error: { message, type: status === 429 ? 'rate_limit_error' : 'server_error', param: null, code: null } }, headers);
  }

  async function openaiChat(res: ServerResponse, body: Record<string, unknown>): Promise<void> {
    const model = String(body.model);
    const n = completionTokensFor(body, defTokens);
    const prompt = promptTokensFor(body);
    const usage = { prompt_tokens: prompt, completion_tokens: n, total_tokens: prompt + n };
    const id = `chatcmpl-fake${++seq}`;
    const created = 1_700_000_000;
    if (body.stream !== true) {
      sendJson(res, 200, {
        id, object: 'chat.completion', created, model,
        choices: [{ index: 0, message: { role: 'assistant', content: TOKEN_TEXT.repeat(n), refusal: null }, logprobs: null, finish_reason: n < MAX_COMPLETION_TOKENS ? 'length' : 'stop' }],
        usage,
      });
      return;
    }
    const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
    const chunk = (delta: Record<string, unknown>, finish: string | null) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...(includeUsage ? { usage: null } : {}) })}\n\n`;
    const events = [chunk({ role: 'assistant', content: '' }, null)];
    for (let i = 0; i < n; i++) events.push(chunk({ content: TOKEN_TEXT }, null));
    events.push(chunk({}, n < MAX_COMPLETION_TOKENS ? 'length' : 'stop'));
    if (includeUsage) events.push(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage })}\n\n`);
    events.push('data: [DONE]\n\n');
    await writeEvents(res, events);
  }

  async function openaiCompletion(res: ServerResponse, body: Record<string, unknown>): Promise<void> {
    const model = String(body.model);
    const n = completionTokensFor(body, defTokens);
    const prompt = promptTokensFor(body);
    const usage = { prompt_tokens: prompt, completion_tokens: n, total_tokens: prompt + n };
    const id = `cmpl-fake${++seq}`;
    if (body.stream !== true) {
      sendJson(res, 200, { id, object: 'text_completion', created: 1_700_000_000, model, choices: [{ index: 0, text: TOKEN_TEXT.repeat(n), logprobs: null, finish_reason: 'stop' }], usage });
      return;
    }
    const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
    const events: string[] = [];
    for (let i = 0; i < n; i++) events.push(`data: ${JSON.stringify({ id, object: 'text_completion', created: 1_700_000_000, model, choices: [{ index: 0, text: TOKEN_TEXT, logprobs: null, finish_reason: i === n - 1 ? 'stop' : null }] })}\n\n`);
    if (includeUsage) events.push(`data: ${JSON.stringify({ id, object: 'text_completion', created: 1_700_000_000, model, choices: [], usage })}\n\n`);
    events.push('data: [DONE]\n\n');
    await writeEvents(res, events);
  }

  function openaiEmbeddings(res: ServerResponse, body: Record<string, unknown>): void {
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    const prompt = promptTokensFor(body);
    sendJson(res, 200, {
      object: 'list',
      model: String(body.model),
      data: inputs.map((x, index) => ({ object: 'embedding', index, embedding: [String(x).length / 100, 0.5, -0.25] })),
      usage: { prompt_tokens: prompt, total_tokens: prompt },
    });
  }

  async function anthropicMessages(res: ServerResponse, body: Record<string, unknown>): Promise<void> {
    const model = String(body.model);
    const n = completionTokensFor(body, defTokens);
    const input = promptTokensFor(body);
    const id = `msg_fake${++seq}`;
    const stop = n < MAX_COMPLETION_TOKENS ? 'max_tokens' : 'end_turn';
    if (body.stream !== true) {
      sendJson(res, 200, {
        id, type: 'message', role: 'assistant', model,
        content: [{ type: 'text', text: TOKEN_TEXT.repeat(n) }],
        stop_reason: stop, stop_sequence: null,
        usage: { input_tokens: input, output_tokens: n },
      });
      return;
    }
    const ev = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
    const events = [
      ev('message_start', { message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: input, output_tokens: 1 } } }),
      ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
      ev('ping', {}),
    ];
    for (let i = 0; i < n; i++) events.push(ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: TOKEN_TEXT } }));
    events.push(ev('content_block_stop', { index: 0 }));
    events.push(ev('message_delta', { delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: n } }));
    events.push(ev('message_stop', {}));
    await writeEvents(res, events);
  }

  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      let body: unknown = undefined;
      if (raw !== '') {
        try {
          body = JSON.parse(raw) as unknown;
        } catch {
          body = raw;
        }
      }
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      requests.push({ method: req.method ?? '', path: url.pathname + url.search, headers: { ...req.headers }, body });
      await sleep(latency);
      const b = (body !== null && typeof body === 'object' ? body : {}) as Record<string, unknown>;
      const model = String(b.model ?? '');
      const isAnthropic = url.pathname.startsWith('/v1/messages');
      const m = /^fail-(\d{3})$/.exec(model);
      const status = failStatus ?? (m ? Number(m[1]) : null);
      if (status !== null) return fail(res, status, isAnthropic, model);
      const path = url.pathname.replace(/^\/openai\/deployments\/[^/]+/, '/v1');
      if (req.method === 'GET' && path === '/v1/models') {
        return sendJson(res, 200, { object: 'list', data: [{ id: 'fake-model', object: 'model', created: 1_700_000_000, owned_by: 'fake' }] });
      }
      if (req.method !== 'POST') return sendJson(res, 405, { error: { message: 'method not allowed', type: 'invalid_request_error' } });
      switch (path) {
        case '/v1/chat/completions': return openaiChat(res, b);
        case '/v1/completions': return openaiCompletion(res, b);
        case '/v1/embeddings': return openaiEmbeddings(res, b);
        case '/v1/messages': return anthropicMessages(res, b);
        case '/v1/messages/count_tokens': return sendJson(res, 200, { input_tokens: promptTokensFor(b) });
        default: return sendJson(res, 404, { error: { message: `no route ${path}`, type: 'not_found_error' } });
      }
    })().catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(err), type: 'server_error' } });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    setLatency: (ms) => { latency = ms; },
    setChunkDelay: (ms) => { chunkDelay = ms; },
    failWith: (s) => { failStatus = s; },
    streamsAborted: () => aborted,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
