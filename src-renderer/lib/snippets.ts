/**
 * Ready-to-paste snippets shown once, next to a freshly created key: the OpenAI SDK (Python, JS),
 * the Anthropic SDK (Python, JS), curl and environment variables. Pure string building, no DOM.
 * Values are quoted for the target language so an odd model name cannot break the snippet.
 */

export interface SnippetInput {
  /** Gateway origin, e.g. `http://127.0.0.1:4000` (no trailing slash needed). */
  gatewayUrl: string;
  /** The raw virtual key (`sk-...`). */
  apiKey: string;
  /** A model the key may use, for the example call. */
  model: string;
}

export interface Snippet {
  id: 'env' | 'openai-python' | 'openai-js' | 'anthropic-python' | 'anthropic-js' | 'curl';
  label: string;
  language: 'shell' | 'python' | 'javascript';
  code: string;
}

/** Quotes a string for a POSIX shell (single quotes; embedded `'` closed, escaped, reopened). */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A double-quoted string literal valid in both Python and JavaScript. */
export function stringLiteral(value: string): string {
  return JSON.stringify(value).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** `http://127.0.0.1:4000/` -> `http://127.0.0.1:4000`. */
export function normaliseGatewayUrl(url: string): string {
  return url.trim().replace(/\/+$/, '').replace(/\/v1$/, '');
}

/** The base URLs clients need: OpenAI's SDKs want `/v1`, Anthropic's want the bare origin. */
export function baseUrls(gatewayUrl: string): { openai: string; anthropic: string } {
  const root = normaliseGatewayUrl(gatewayUrl);
  return { openai: `${root}/v1`, anthropic: root };
}

/**
 * Every snippet for one key, in display order.
 * @example buildSnippets({gatewayUrl: 'http://127.0.0.1:4000', apiKey: 'sk-abc', model: 'gpt-4o'})[0].code
 */
export function buildSnippets(input: SnippetInput): Snippet[] {
  const { openai, anthropic } = baseUrls(input.gatewayUrl);
  const key = input.apiKey;
  const model = input.model;
  const hello = 'Say hello in five words.';

  const env = [
    `export OPENAI_BASE_URL=${shellQuote(openai)}`,
    `export OPENAI_API_KEY=${shellQuote(key)}`,
    `export ANTHROPIC_BASE_URL=${shellQuote(anthropic)}`,
    `export ANTHROPIC_API_KEY=${shellQuote(key)}`,
  ].join('\n');

  const openaiPython = [
    'from openai import OpenAI',
    '',
    `client = OpenAI(base_url=${stringLiteral(openai)}, api_key=${stringLiteral(key)})`,
    'reply = client.chat.completions.create(',
    `    model=${stringLiteral(model)},`,
    `    messages=[{"role": "user", "content": ${stringLiteral(hello)}}],`,
    ')',
    'print(reply.choices[0].message.content)',
  ].join('\n');

  const openaiJs = [
    "import OpenAI from 'openai';",
    '',
    `const client = new OpenAI({ baseURL: ${stringLiteral(openai)}, apiKey: ${stringLiteral(key)} });`,
    'const reply = await client.chat.completions.create({',
    `  model: ${stringLiteral(model)},`,
    `  messages: [{ role: 'user', content: ${stringLiteral(hello)} }],`,
    '});',
    'console.log(reply.choices[0].message.content);',
  ].join('\n');

  const anthropicPython = [
    'import anthropic',
    '',
    `client = anthropic.Anthropic(base_url=${stringLiteral(anthropic)}, api_key=${stringLiteral(key)})`,
    'message = client.messages.create(',
    `    model=${stringLiteral(model)},`,
    '    max_tokens=256,',
    `    messages=[{"role": "user", "content": ${stringLiteral(hello)}}],`,
    ')',
    'print(message.content[0].text)',
  ].join('\n');

  const anthropicJs = [
    "import Anthropic from '@anthropic-ai/sdk';",
    '',
    `const client = new Anthropic({ baseURL: ${stringLiteral(anthropic)}, apiKey: ${stringLiteral(key)} });`,
    'const message = await client.messages.create({',
    `  model: ${stringLiteral(model)},`,
    '  max_tokens: 256,',
    `  messages: [{ role: 'user', content: ${stringLiteral(hello)} }],`,
    '});',
    'console.log(message.content[0]);',
  ].join('\n');

  const body = JSON.stringify({ model, messages: [{ role: 'user', content: hello }] });
  const curl = [
    `curl ${shellQuote(`${openai}/chat/completions`)} \\`,
    `  -H ${shellQuote(`Authorization: Bearer ${key}`)} \\`,
    "  -H 'Content-Type: application/json' \\",
    `  -d ${shellQuote(body)}`,
  ].join('\n');

  return [
    { id: 'env', label: 'Environment', language: 'shell', code: env },
    { id: 'openai-python', label: 'OpenAI · Python', language: 'python', code: openaiPython },
    { id: 'openai-js', label: 'OpenAI · JavaScript', language: 'javascript', code: openaiJs },
    { id: 'anthropic-python', label: 'Anthropic · Python', language: 'python', code: anthropicPython },
    { id: 'anthropic-js', label: 'Anthropic · JavaScript', language: 'javascript', code: anthropicJs },
    { id: 'curl', label: 'curl', language: 'shell', code: curl },
  ];
}
