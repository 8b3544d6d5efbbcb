/**
 * An incremental server-sent-events splitter (WHATWG HTML "Server-sent events" parsing, reduced to
 * what LLM providers send): bytes in, whole events out, each with its raw text so pass-through can
 * forward it unchanged. Comment-only blocks (`: keep-alive`) come out as events with empty data,
 * so pass-through forwards provider keep-alives too.
 */

export interface SseEvent {
  /** The event exactly as received, including its terminating blank line (normalised to `\n\n`). */
  raw: string;
  /** The `event:` field, if any. */
  event: string | undefined;
  /** The `data:` lines joined with `\n`. */
  data: string;
}

export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private buffer = '';
  /** A trailing `\r` held back until we know whether `\n` follows (a CRLF split across chunks). */
  private pendingCr = false;

  /** Feeds bytes; returns the events they completed. */
  push(chunk: Uint8Array | string): SseEvent[] {
    let text = (this.pendingCr ? '\r' : '') + (typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true }));
    this.pendingCr = text.endsWith('\r');
    if (this.pendingCr) text = text.slice(0, -1);
    this.buffer += text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
    const out: SseEvent[] = [];
    let idx: number;
    while ((idx = this.buffer.indexOf('\n\n')) !== -1) {
      const block = this.buffer.slice(0, idx);
      this.buffer = this.buffer.slice(idx + 2);
      const ev = parseBlock(block);
      if (ev) out.push(ev);
    }
    return out;
  }

  /** The trailing event of a stream that ended without a blank line, if any. */
  end(): SseEvent[] {
    this.buffer += this.decoder.decode() + (this.pendingCr ? '\n' : '');
    this.pendingCr = false;
    const rest = this.buffer.trim();
    this.buffer = '';
    if (rest === '') return [];
    const ev = parseBlock(rest);
    return ev ? [ev] : [];
  }
}

function parseBlock(block: string): SseEvent | undefined {
  if (block.trim() === '') return undefined;
  let event: string | undefined;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return { raw: `${block}\n\n`, event, data: data.join('\n') };
}

/** Formats one event. */
export function sseEvent(data: unknown, event?: string): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  return `${event === undefined ? '' : `event: ${event}\n`}data: ${payload}\n\n`;
}
