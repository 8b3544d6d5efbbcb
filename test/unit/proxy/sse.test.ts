import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SseParser, sseEvent } from '../../../src-main/core/proxy/index.ts';

test('events split at any byte, including inside a multi-byte character and CRLF line ends, come out whole', () => {
  const text = 'event: content_block_delta\r\ndata: {"text":"héllo ✓"}\r\n\r\n: comment\n\ndata: [DONE]\n\n';
  const bytes = Buffer.from(text, 'utf8');
  const parser = new SseParser();
  const events = [];
  for (let i = 0; i < bytes.length; i++) events.push(...parser.push(bytes.subarray(i, i + 1)));
  events.push(...parser.end());
  assert.deepEqual(events.map((e) => [e.event, e.data]), [
    ['content_block_delta', '{"text":"héllo ✓"}'],
    [undefined, ''], // a comment-only block (keep-alive) is kept so pass-through forwards it
    [undefined, '[DONE]'],
  ]);
  assert.equal(events[0]!.raw, 'event: content_block_delta\ndata: {"text":"héllo ✓"}\n\n');
});

test('multi-line data is joined with newlines and a trailing event without blank line is flushed by end()', () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push('data: a\ndata: b\n\ndata: tail'), [{ raw: 'data: a\ndata: b\n\n', event: undefined, data: 'a\nb' }]);
  assert.deepEqual(parser.end().map((e) => e.data), ['tail']);
  assert.equal(sseEvent({ x: 1 }, 'ping'), 'event: ping\ndata: {"x":1}\n\n');
});
