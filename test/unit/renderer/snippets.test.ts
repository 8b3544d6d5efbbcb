// The snippets shown next to a new key: right base URLs per SDK, the key in each, safe quoting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseUrls, buildSnippets, shellQuote, stringLiteral } from '../../../src-renderer/lib/snippets.ts';

const KEY = 'sk-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd';

test('base URLs: OpenAI SDKs get /v1, Anthropic gets the origin', () => {
  assert.deepEqual(baseUrls('http://127.0.0.1:4000'), { openai: 'http://127.0.0.1:4000/v1', anthropic: 'http://127.0.0.1:4000' });
  assert.deepEqual(baseUrls('http://127.0.0.1:4000/'), { openai: 'http://127.0.0.1:4000/v1', anthropic: 'http://127.0.0.1:4000' });
  assert.deepEqual(baseUrls('http://127.0.0.1:4000/v1'), { openai: 'http://127.0.0.1:4000/v1', anthropic: 'http://127.0.0.1:4000' });
});

test('every snippet kind is there, in order, and carries the key', () => {
  const s = buildSnippets({ gatewayUrl: 'http://127.0.0.1:4000', apiKey: KEY, model: 'gpt-4o-mini' });
  assert.deepEqual(s.map((x) => x.id), ['env', 'openai-python', 'openai-js', 'anthropic-python', 'anthropic-js', 'curl']);
  for (const x of s) assert.ok(x.code.includes(KEY), `${x.id} contains the key`);
});

test('environment variables match the documented names and values', () => {
  const env = buildSnippets({ gatewayUrl: 'http://127.0.0.1:4000', apiKey: KEY, model: 'm' }).find((x) => x.id === 'env')!;
  assert.equal(
    env.code,
    [
      'export OPENAI_BASE_URL=http://127.0.0.1:4000/v1',
      `export OPENAI_API_KEY=${KEY}`,
      'export ANTHROPIC_BASE_URL=http://127.0.0.1:4000',
      `export ANTHROPIC_API_KEY=${KEY}`,
    ].join('\n'),
  );
});

test('SDK snippets use the right constructor options', () => {
  const s = Object.fromEntries(buildSnippets({ gatewayUrl: 'http://localhost:4100', apiKey: KEY, model: 'claude-3-5-haiku' }).map((x) => [x.id, x.code]));
  assert.match(s['openai-python']!, /OpenAI\(base_url="http:\/\/localhost:4100\/v1", api_key="sk-/);
  assert.match(s['openai-js']!, /new OpenAI\(\{ baseURL: "http:\/\/localhost:4100\/v1", apiKey: "sk-/);
  assert.match(s['anthropic-python']!, /anthropic\.Anthropic\(base_url="http:\/\/localhost:4100", api_key=/);
  assert.match(s['anthropic-js']!, /new Anthropic\(\{ baseURL: "http:\/\/localhost:4100", apiKey: /);
  assert.match(s['anthropic-js']!, /max_tokens: 256/);
  assert.match(s.curl!, /^curl http:\/\/localhost:4100\/v1\/chat\/completions/);
  assert.match(s.curl!, /-H 'Authorization: Bearer sk-/);
  assert.ok(s['openai-python']!.includes('model="claude-3-5-haiku"'));
});

test('odd model names are quoted, not injected', () => {
  const model = `evil'"; rm -rf / #\n`;
  const s = Object.fromEntries(buildSnippets({ gatewayUrl: 'http://127.0.0.1:4000', apiKey: KEY, model }).map((x) => [x.id, x.code]));
  assert.ok(s['openai-python']!.includes(`model=${JSON.stringify(model)},`));
  // The curl body is one single-quoted shell word that decodes back to the JSON body.
  const line = s.curl!.split('\n').at(-1)!;
  assert.ok(line.startsWith("  -d '"));
  assert.equal(unquote(line.slice(5)), JSON.stringify({ model, messages: [{ role: 'user', content: 'Say hello in five words.' }] }));
});

test('shellQuote and stringLiteral', () => {
  assert.equal(shellQuote('http://127.0.0.1:4000/v1'), 'http://127.0.0.1:4000/v1');
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
  assert.equal(shellQuote('a b'), "'a b'");
  assert.equal(stringLiteral('a"b'), '"a\\"b"');
  assert.equal(stringLiteral('x\u2028y'), '"x\\u2028y"');
});

/** Minimal POSIX single-quote decoder for the test: 'abc'\''def' -> abc'def. */
function unquote(word: string): string {
  let out = '';
  let i = 0;
  while (i < word.length) {
    if (word[i] === "'") {
      const end = word.indexOf("'", i + 1);
      out += word.slice(i + 1, end);
      i = end + 1;
    } else if (word[i] === '\\') {
      out += word[i + 1];
      i += 2;
    } else {
      out += word[i];
      i++;
    }
  }
  return out;
}
