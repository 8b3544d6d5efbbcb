/**
 * Wire-format translation between the OpenAI chat format and the Anthropic Messages format,
 * requests, responses and streams, so an OpenAI client can use an Anthropic deployment and an
 * Anthropic client (e.g. Claude Code) an OpenAI-compatible one. Covers text, images, tools,
 * stop sequences and usage; provider-specific extras that have no counterpart are dropped.
 */
import { sseEvent } from './sse.ts';
import type { Usage } from './cost.ts';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (isObj(p) && typeof p.text === 'string' ? p.text : '')).join('');
  return '';
}

// ---------- OpenAI chat request -> Anthropic messages request ----------

function openaiPartToAnthropic(part: unknown): Obj | undefined {
  if (!isObj(part)) return undefined;
  if (part.type === 'text') return { type: 'text', text: String(part.text ?? '') };
  if (part.type === 'image_url') {
    const url = str(isObj(part.image_url) ? part.image_url.url : part.image_url) ?? '';
    const m = /^data:([^;]+);base64,(.*)$/s.exec(url);
    if (m) return { type: 'image', source: { type: 'base64', media_type: m[1], data: m[2] } };
    return { type: 'image', source: { type: 'url', url } };
  }
  return undefined;
}

function toBlocks(content: unknown): Obj[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (Array.isArray(content)) return content.map(openaiPartToAnthropic).filter((b): b is Obj => b !== undefined);
  return [];
}

const OPENAI_STOP_TO_ANTHROPIC_CHOICE = (choice: unknown): Obj | undefined => {
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'required') return { type: 'any' };
  if (choice === 'none') return { type: 'none' };
  if (isObj(choice) && isObj(choice.function)) return { type: 'tool', name: String(choice.function.name) };
  return undefined;
};

/** OpenAI `/v1/chat/completions` body to an Anthropic `/v1/messages` body. */
export function openaiChatToAnthropic(body: Obj, upstreamModel: string, defaultMaxTokens: number): Obj {
  const system: string[] = [];
  const messages: Array<{ role: 'user' | 'assistant'; content: Obj[] }> = [];
  const push = (role: 'user' | 'assistant', blocks: Obj[]) => {
    if (blocks.length === 0) return;
    const last = messages[messages.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else messages.push({ role, content: blocks });
  };
  for (const m of Array.isArray(body.messages) ? body.messages : []) {
    if (!isObj(m)) continue;
    const role = m.role;
    if (role === 'system' || role === 'developer') system.push(textOf(m.content));
    else if (role === 'assistant') {
      const blocks = toBlocks(m.content);
      if (Array.isArray(m.tool_calls)) {
        for (const tc of m.tool_calls) {
          if (!isObj(tc) || !isObj(tc.function)) continue;
          let input: unknown = {};
          try {
            input = JSON.parse(String(tc.function.arguments ?? '{}'));
          } catch {
            input = {};
          }
          blocks.push({ type: 'tool_use', id: String(tc.id), name: String(tc.function.name), input });
        }
      }
      push('assistant', blocks);
    } else if (role === 'tool' || role === 'function') {
      push('user', [{ type: 'tool_result', tool_use_id: String(m.tool_call_id ?? m.name ?? ''), content: textOf(m.content) }]);
    } else push('user', toBlocks(m.content));
  }
  const out: Obj = { model: upstreamModel, messages, max_tokens: body.max_completion_tokens ?? body.max_tokens ?? defaultMaxTokens };
  if (system.length > 0) out.system = system.join('\n\n');
  if (body.temperature !== undefined && body.temperature !== null) out.temperature = Math.min(Number(body.temperature), 1);
  if (body.top_p !== undefined && body.top_p !== null) out.top_p = body.top_p;
  if (body.stop !== undefined && body.stop !== null) out.stop_sequences = Array.isArray(body.stop) ? body.stop : [body.stop];
  if (body.stream === true) out.stream = true;
  if (typeof body.user === 'string') out.metadata = { user_id: body.user };
  if (Array.isArray(body.tools)) {
    out.tools = body.tools.filter(isObj).filter((t) => isObj(t.function)).map((t) => {
      const f = t.function as Obj;
      return { name: f.name, description: f.description, input_schema: f.parameters ?? { type: 'object', properties: {} } };
    });
  }
  const choice = OPENAI_STOP_TO_ANTHROPIC_CHOICE(body.tool_choice);
  if (choice) out.tool_choice = choice;
  return out;
}

const ANTHROPIC_STOP_TO_OPENAI: Record<string, string> = { end_turn: 'stop', stop_sequence: 'stop', max_tokens: 'length', tool_use: 'tool_calls', refusal: 'content_filter', pause_turn: 'stop' };
const OPENAI_FINISH_TO_ANTHROPIC: Record<string, string> = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use', function_call: 'tool_use', content_filter: 'refusal' };

/** Anthropic usage as OpenAI usage (cache reads and writes count as prompt tokens). */
export function anthropicUsage(u: unknown): { prompt?: number; completion?: number } {
  if (!isObj(u)) return {};
  const n = (v: unknown) => (typeof v === 'number' ? v : 0);
  const out: { prompt?: number; completion?: number } = {};
  if (typeof u.input_tokens === 'number') out.prompt = u.input_tokens + n(u.cache_creation_input_tokens) + n(u.cache_read_input_tokens);
  if (typeof u.output_tokens === 'number') out.completion = u.output_tokens;
  return out;
}

/** A non-streamed Anthropic message as an OpenAI chat completion. */
export function anthropicMessageToChatCompletion(msg: Obj, clientModel: string, created: number): Obj {
  let text = '';
  const toolCalls: Obj[] = [];
  for (const b of Array.isArray(msg.content) ? msg.content : []) {
    if (!isObj(b)) continue;
    if (b.type === 'text') text += String(b.text ?? '');
    else if (b.type === 'tool_use') toolCalls.push({ id: b.id, type: 'function', function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) } });
  }
  const u = anthropicUsage(msg.usage);
  const message: Obj = { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text, refusal: null };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    id: `chatcmpl-${String(msg.id ?? '')}`,
    object: 'chat.completion',
    created: Math.floor(created / 1000),
    model: clientModel,
    choices: [{ index: 0, message, logprobs: null, finish_reason: ANTHROPIC_STOP_TO_OPENAI[String(msg.stop_reason)] ?? 'stop' }],
    usage: { prompt_tokens: u.prompt ?? 0, completion_tokens: u.completion ?? 0, total_tokens: (u.prompt ?? 0) + (u.completion ?? 0) },
  };
}

/** Anthropic stream events to OpenAI `chat.completion.chunk` events. */
export class AnthropicToOpenaiStream {
  private id = 'chatcmpl-anthropic';
  private readonly toolIndex = new Map<number, number>();
  private usage: { prompt?: number; completion?: number } = {};
  private finish: string | null = null;
  private done = false;

  constructor(
    private readonly clientModel: string,
    private readonly includeUsage: boolean,
    private readonly createdMs: number,
  ) {}

  private chunk(delta: Obj, finish: string | null = null): string {
    return sseEvent({ id: this.id, object: 'chat.completion.chunk', created: Math.floor(this.createdMs / 1000), model: this.clientModel, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
  }

  event(ev: Obj): string[] {
    switch (ev.type) {
      case 'message_start': {
        const m = isObj(ev.message) ? ev.message : {};
        this.id = `chatcmpl-${String(m.id ?? '')}`;
        this.usage = { ...this.usage, ...anthropicUsage(m.usage) };
        return [this.chunk({ role: 'assistant', content: '' })];
      }
      case 'content_block_start': {
        const b = isObj(ev.content_block) ? ev.content_block : {};
        if (b.type === 'tool_use') {
          const idx = this.toolIndex.size;
          this.toolIndex.set(Number(ev.index), idx);
          return [this.chunk({ tool_calls: [{ index: idx, id: b.id, type: 'function', function: { name: b.name, arguments: '' } }] })];
        }
        return [];
      }
      case 'content_block_delta': {
        const d = isObj(ev.delta) ? ev.delta : {};
        if (d.type === 'text_delta') return [this.chunk({ content: String(d.text ?? '') })];
        if (d.type === 'input_json_delta') {
          const idx = this.toolIndex.get(Number(ev.index)) ?? 0;
          return [this.chunk({ tool_calls: [{ index: idx, function: { arguments: String(d.partial_json ?? '') } }] })];
        }
        return [];
      }
      case 'message_delta': {
        const d = isObj(ev.delta) ? ev.delta : {};
        const u = anthropicUsage(ev.usage);
        if (u.completion !== undefined) this.usage.completion = u.completion;
        if (u.prompt !== undefined) this.usage.prompt = u.prompt;
        this.finish = ANTHROPIC_STOP_TO_OPENAI[String(d.stop_reason)] ?? 'stop';
        return [this.chunk({}, this.finish)];
      }
      case 'message_stop':
        return this.end();
      case 'error': {
        const e = isObj(ev.error) ? ev.error : {};
        this.done = true;
        return [sseEvent({ error: { message: String(e.message ?? 'upstream error'), type: 'upstream_error', param: null, code: '502' } })];
      }
      default:
        return [];
    }
  }

  /** Closes the stream (usage chunk when asked, then `[DONE]`); idempotent. */
  end(): string[] {
    if (this.done) return [];
    this.done = true;
    const out: string[] = [];
    if (this.includeUsage) {
      const p = this.usage.prompt ?? 0;
      const c = this.usage.completion ?? 0;
      out.push(sseEvent({ id: this.id, object: 'chat.completion.chunk', created: Math.floor(this.createdMs / 1000), model: this.clientModel, choices: [], usage: { prompt_tokens: p, completion_tokens: c, total_tokens: p + c } }));
    }
    out.push('data: [DONE]\n\n');
    return out;
  }
}

// ---------- Anthropic messages request -> OpenAI chat request ----------

function anthropicBlockToOpenaiPart(b: Obj): Obj | undefined {
  if (b.type === 'text') return { type: 'text', text: String(b.text ?? '') };
  if (b.type === 'image' && isObj(b.source)) {
    const s = b.source;
    if (s.type === 'base64') return { type: 'image_url', image_url: { url: `data:${String(s.media_type)};base64,${String(s.data)}` } };
    if (s.type === 'url') return { type: 'image_url', image_url: { url: String(s.url) } };
  }
  return undefined;
}

/** Anthropic `/v1/messages` body to an OpenAI `/v1/chat/completions` body. */
export function anthropicToOpenaiChat(body: Obj, upstreamModel: string): Obj {
  const messages: Obj[] = [];
  const sys = typeof body.system === 'string' ? body.system : textOf(body.system);
  if (sys !== '') messages.push({ role: 'system', content: sys });
  for (const m of Array.isArray(body.messages) ? body.messages : []) {
    if (!isObj(m)) continue;
    const role = m.role === 'assistant' ? 'assistant' : 'user';
    if (typeof m.content === 'string') {
      messages.push({ role, content: m.content });
      continue;
    }
    const parts: Obj[] = [];
    const toolCalls: Obj[] = [];
    const toolResults: Obj[] = [];
    for (const b of Array.isArray(m.content) ? m.content : []) {
      if (!isObj(b)) continue;
      if (b.type === 'tool_use') toolCalls.push({ id: b.id, type: 'function', function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) } });
      else if (b.type === 'tool_result') toolResults.push({ role: 'tool', tool_call_id: b.tool_use_id, content: textOf(b.content) });
      else {
        const p = anthropicBlockToOpenaiPart(b);
        if (p) parts.push(p);
      }
    }
    messages.push(...toolResults);
    if (role === 'assistant') {
      if (parts.length > 0 || toolCalls.length > 0) {
        const msg: Obj = { role, content: parts.length === 0 ? null : parts.map((p) => String(p.text ?? '')).join('') };
        if (toolCalls.length > 0) msg.tool_calls = toolCalls;
        messages.push(msg);
      }
    } else if (parts.length > 0) {
      messages.push({ role, content: parts.every((p) => p.type === 'text') ? parts.map((p) => String(p.text)).join('') : parts });
    }
  }
  const out: Obj = { model: upstreamModel, messages };
  if (typeof body.max_tokens === 'number') out.max_tokens = body.max_tokens;
  if (body.temperature !== undefined) out.temperature = body.temperature;
  if (body.top_p !== undefined) out.top_p = body.top_p;
  if (Array.isArray(body.stop_sequences)) out.stop = body.stop_sequences;
  if (body.stream === true) {
    out.stream = true;
    out.stream_options = { include_usage: true };
  }
  if (isObj(body.metadata) && typeof body.metadata.user_id === 'string') out.user = body.metadata.user_id;
  if (Array.isArray(body.tools)) {
    out.tools = body.tools.filter(isObj).filter((t) => typeof t.name === 'string').map((t) => ({
      type: 'function',
      function: { name: t.name, description: t.description, parameters: t.input_schema ?? { type: 'object', properties: {} } },
    }));
  }
  if (isObj(body.tool_choice)) {
    const c = body.tool_choice;
    if (c.type === 'auto') out.tool_choice = 'auto';
    else if (c.type === 'any') out.tool_choice = 'required';
    else if (c.type === 'none') out.tool_choice = 'none';
    else if (c.type === 'tool') out.tool_choice = { type: 'function', function: { name: c.name } };
  }
  return out;
}

/** A non-streamed OpenAI chat completion as an Anthropic message. */
export function chatCompletionToAnthropicMessage(cc: Obj, clientModel: string): Obj {
  const choice = Array.isArray(cc.choices) && isObj(cc.choices[0]) ? cc.choices[0] : {};
  const msg = isObj(choice.message) ? choice.message : {};
  const content: Obj[] = [];
  const text = textOf(msg.content);
  if (text !== '') content.push({ type: 'text', text });
  for (const tc of Array.isArray(msg.tool_calls) ? msg.tool_calls : []) {
    if (!isObj(tc) || !isObj(tc.function)) continue;
    let input: unknown = {};
    try {
      input = JSON.parse(String(tc.function.arguments ?? '{}'));
    } catch {
      input = {};
    }
    content.push({ type: 'tool_use', id: tc.id, name: tc.function.name, input });
  }
  const u = isObj(cc.usage) ? cc.usage : {};
  return {
    id: `msg_${String(cc.id ?? '')}`,
    type: 'message',
    role: 'assistant',
    model: clientModel,
    content,
    stop_reason: OPENAI_FINISH_TO_ANTHROPIC[String(choice.finish_reason)] ?? 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: Number(u.prompt_tokens ?? 0), output_tokens: Number(u.completion_tokens ?? 0) },
  };
}

/** OpenAI chat chunks to Anthropic stream events (message_start ... message_stop). */
export class OpenaiToAnthropicStream {
  private started = false;
  private block: { index: number; kind: 'text' | 'tool'; toolIdx?: number } | undefined;
  private nextIndex = 0;
  private stopReason = 'end_turn';
  private usage: Usage | undefined;
  private done = false;

  constructor(
    private readonly clientModel: string,
    private readonly promptEstimate: number,
  ) {}

  private start(id: string): string[] {
    if (this.started) return [];
    this.started = true;
    return [sseEvent({ type: 'message_start', message: { id: `msg_${id}`, type: 'message', role: 'assistant', model: this.clientModel, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: this.promptEstimate, output_tokens: 0 } } }, 'message_start')];
  }

  private closeBlock(): string[] {
    if (!this.block) return [];
    const out = [sseEvent({ type: 'content_block_stop', index: this.block.index }, 'content_block_stop')];
    this.block = undefined;
    return out;
  }

  event(chunk: Obj): string[] {
    const out = this.start(String(chunk.id ?? 'openai'));
    if (isObj(chunk.usage)) this.usage = { prompt_tokens: Number(chunk.usage.prompt_tokens ?? 0), completion_tokens: Number(chunk.usage.completion_tokens ?? 0), total_tokens: Number(chunk.usage.total_tokens ?? 0) };
    if (isObj(chunk.error)) {
      this.done = true;
      out.push(sseEvent({ type: 'error', error: { type: 'api_error', message: String(chunk.error.message ?? 'upstream error') } }, 'error'));
      return out;
    }
    const choice = Array.isArray(chunk.choices) && isObj(chunk.choices[0]) ? chunk.choices[0] : undefined;
    if (!choice) return out;
    const delta = isObj(choice.delta) ? choice.delta : {};
    if (typeof delta.content === 'string' && delta.content !== '') {
      if (!this.block || this.block.kind !== 'text') {
        out.push(...this.closeBlock());
        this.block = { index: this.nextIndex++, kind: 'text' };
        out.push(sseEvent({ type: 'content_block_start', index: this.block.index, content_block: { type: 'text', text: '' } }, 'content_block_start'));
      }
      out.push(sseEvent({ type: 'content_block_delta', index: this.block.index, delta: { type: 'text_delta', text: delta.content } }, 'content_block_delta'));
    }
    for (const tc of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
      if (!isObj(tc)) continue;
      const f = isObj(tc.function) ? tc.function : {};
      const toolIdx = Number(tc.index ?? 0);
      if (!this.block || this.block.kind !== 'tool' || this.block.toolIdx !== toolIdx) {
        out.push(...this.closeBlock());
        this.block = { index: this.nextIndex++, kind: 'tool', toolIdx };
        out.push(sseEvent({ type: 'content_block_start', index: this.block.index, content_block: { type: 'tool_use', id: String(tc.id ?? `toolu_${toolIdx}`), name: String(f.name ?? ''), input: {} } }, 'content_block_start'));
      }
      if (typeof f.arguments === 'string' && f.arguments !== '') {
        out.push(sseEvent({ type: 'content_block_delta', index: this.block.index, delta: { type: 'input_json_delta', partial_json: f.arguments } }, 'content_block_delta'));
      }
    }
    if (typeof choice.finish_reason === 'string') this.stopReason = OPENAI_FINISH_TO_ANTHROPIC[choice.finish_reason] ?? 'end_turn';
    return out;
  }

  /** Closes the message (block stop, message_delta with usage, message_stop); idempotent. */
  end(): string[] {
    if (this.done) return [];
    this.done = true;
    const out = this.start('openai');
    out.push(...this.closeBlock());
    out.push(sseEvent({ type: 'message_delta', delta: { stop_reason: this.stopReason, stop_sequence: null }, usage: { input_tokens: this.usage?.prompt_tokens ?? this.promptEstimate, output_tokens: this.usage?.completion_tokens ?? 0 } }, 'message_delta'));
    out.push(sseEvent({ type: 'message_stop' }, 'message_stop'));
    return out;
  }
}
