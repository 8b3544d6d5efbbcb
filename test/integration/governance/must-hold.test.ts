/**
 * Issue 3 "Must hold", end to end over HTTP: a real gateway (real SQLite, fake clock), the real
 * OpenAI SDK, and the fake upstream on loopback with latency so that requests truly overlap.
 *
 * Prices are chosen so the budget bound is exact: `priced` costs 1e-6 USD per input token and
 * 1e-3 per output token; every request asks `max_tokens: 10` with the message "hi", so the
 * upstream answers 4 prompt tokens + 10 completion tokens (real cost 0.010004 USD) while the
 * gateway reserves its estimate of 8 prompt tokens + 10 (0.010008 USD). With max_budget =
 * 10 x 0.010004, any 9 requests (settled or in flight) sum to at most 0.090072 < max_budget and
 * any 10 to at least max_budget, so exactly 10 are admitted whatever the interleaving.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startUpstream, promptTokensFor, completionTokensFor, type Upstream } from '../../support/upstream.ts';
import { startGateway, type TestGateway } from '../../support/gateway.ts';

const IN = 0.000001;
const OUT = 0.001;
const MESSAGES = [{ role: 'user' as const, content: 'hi' }];
const BODY = { model: 'priced', messages: MESSAGES, max_tokens: 10 };
const REAL_COST = promptTokensFor(BODY) * IN + completionTokensFor(BODY) * OUT;

let up: Upstream;
/** A second upstream that the stream-cut test closes in the middle of a stream. */
let cutter: Upstream;
let gw: TestGateway;

interface Governance { runResets(): unknown[]; flush(): void; pendingRows(): number }
const gov = (): Governance => gw.internals.governance as Governance;

before(async () => {
  up = await startUpstream({ latencyMs: 200 });
  cutter = await startUpstream({ chunkDelayMs: 40 });
  gw = await startGateway({
    env: { UPSTREAM_KEY: 'sk-provider-secret-must-hold-000000' },
    config: `
model_list:
  - model_name: priced
    litellm_params: { model: openai/priced, api_base: ${up.url}/v1, api_key: os.environ/UPSTREAM_KEY }
    model_info: { input_cost_per_token: ${IN}, output_cost_per_token: ${OUT} }
  - model_name: cut
    litellm_params: { model: openai/cut, api_base: ${cutter.url}/v1, api_key: os.environ/UPSTREAM_KEY }
    model_info: { input_cost_per_token: ${IN}, output_cost_per_token: ${OUT} }
  - model_name: broken
    litellm_params: { model: openai/fail-500, api_base: ${up.url}/v1, api_key: os.environ/UPSTREAM_KEY }
    model_info: { input_cost_per_token: ${IN}, output_cost_per_token: ${OUT} }
`,
  });
});
after(async () => {
  await gw.stop();
  await up.close();
  await cutter.close();
});

async function newKey(body: Record<string, unknown>): Promise<string> {
  const r = await gw.call('POST', '/key/generate', body);
  assert.equal(r.status, 200, r.text);
  return r.json.key as string;
}

function client(key: string): OpenAI {
  // maxRetries 0: the SDK would otherwise retry 429s and hide what the gateway answered.
  return new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0, timeout: 20_000 });
}

const near = (a: number, b: number, msg?: string): void => assert.ok(Math.abs(a - b) < 1e-9, msg ?? `${a} != ${b}`);

test('200 concurrent requests against a budget for 10: exactly 10 succeed, the rest 429 budget_exceeded, spend = sum of real costs', async () => {
  assert.equal(REAL_COST, 4 * IN + 10 * OUT);
  const maxBudget = Number((10 * REAL_COST).toFixed(9));
  const key = await newKey({ key_alias: 'ten-requests', max_budget: maxBudget, models: ['priced'] });
  const c = client(key);
  const before = up.requests.length;
  const outcomes = await Promise.allSettled(Array.from({ length: 200 }, () => c.chat.completions.create(BODY)));
  const ok = outcomes.filter((o): o is PromiseFulfilledResult<OpenAI.Chat.Completions.ChatCompletion> => o.status === 'fulfilled');
  const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
  assert.equal(ok.length, 10, `successes: ${ok.length}`);
  assert.equal(failed.length, 190);
  assert.equal(up.requests.length - before, 10, 'refused requests never reach the upstream');
  for (const f of failed) {
    const err = f.reason as InstanceType<typeof OpenAI.APIError>;
    assert.ok(err instanceof OpenAI.APIError, String(f.reason));
    assert.equal(err.status, 429);
    const body = err.error as { type: string; message: string; code: string };
    assert.equal(body.type, 'budget_exceeded');
    assert.equal(body.code, '429');
    assert.match(body.message, /^Budget exceeded for key 'ten-requests': spend [\d.]+ USD, max_budget 0\.10004 USD/);
  }
  // Every refusal names the level, the spend and the limit; the last ones see the committed spend.
  const realSum = ok.reduce((s, o) => s + o.value.usage!.prompt_tokens * IN + o.value.usage!.completion_tokens * OUT, 0);
  near(realSum, 10 * REAL_COST);
  const info = await gw.call('GET', `/key/info?key=${encodeURIComponent(key)}`);
  assert.equal(info.status, 200, info.text);
  near(info.json.info.spend, realSum, `key spend ${info.json.info.spend} vs sum ${realSum}`);
  assert.ok(info.json.info.spend <= maxBudget + 1e-12, 'never past the budget');
  // A request after all settled: refused with the committed spend in the message.
  await assert.rejects(c.chat.completions.create(BODY), (err: InstanceType<typeof OpenAI.APIError>) => {
    assert.equal(err.status, 429);
    assert.match((err.error as { message: string }).message, /spend 0\.10004 USD, max_budget 0\.10004 USD$/);
    return true;
  });
  gov().flush();
  assert.equal(gov().pendingRows(), 0);
  const logs = await gw.call('GET', `/spend/logs?api_key=${encodeURIComponent(key)}`);
  assert.equal(logs.status, 200, logs.text);
  const rows = logs.json as Array<{ spend: number; status: string; prompt_tokens: number; completion_tokens: number; request_id: string }>;
  assert.equal(rows.length, 10, 'one spend log row per admitted request');
  assert.ok(rows.every((r) => r.status === 'success' && r.prompt_tokens === 4 && r.completion_tokens === 10));
  near(rows.reduce((s, r) => s + r.spend, 0), realSum);
  // The HTTP request ids of the successes are the logged ones.
  const ids = new Set(rows.map((r) => r.request_id));
  assert.equal(ids.size, 10);
  console.log(`[must-hold] budget: ${ok.length}/200 succeeded, ${failed.length} refused; key spend ${info.json.info.spend} USD = sum of real costs ${realSum} USD (max_budget ${maxBudget})`);
});

test('rpm_limit N admits exactly N of 100 concurrent requests per window; 429 rate_limit_error with Retry-After and x-ratelimit-*; N more after 60 s', async () => {
  const N = 7;
  const key = await newKey({ key_alias: 'rpm-seven', rpm_limit: N });
  const fire = (): Promise<Response> => fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(BODY),
  });
  const round = async (): Promise<{ ok: Response[]; limited: Response[]; other: Response[] }> => {
    const res = await Promise.all(Array.from({ length: 100 }, fire));
    const bodies = await Promise.all(res.map(async (r) => ({ r, j: await r.json() as { error?: { type: string; message: string; code: string } } })));
    const limited = bodies.filter((b) => b.r.status === 429);
    for (const { r, j } of limited) {
      assert.equal(j.error?.type, 'rate_limit_error');
      assert.equal(j.error?.code, '429');
      assert.match(j.error!.message, /Rate limit exceeded for key: rpm_limit 7 reached/);
      const retry = Number(r.headers.get('retry-after'));
      assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 60, `retry-after ${r.headers.get('retry-after')}`);
      assert.equal(r.headers.get('x-ratelimit-limit-requests'), String(N));
      assert.equal(r.headers.get('x-ratelimit-remaining-requests'), '0');
      assert.match(r.headers.get('x-ratelimit-reset-requests') ?? '', /^\d+(\.\d+)?(ms|s)$|^\dm[\d.]+s$/);
    }
    return { ok: bodies.filter((b) => b.r.status === 200).map((b) => b.r), limited: limited.map((b) => b.r), other: bodies.filter((b) => b.r.status !== 200 && b.r.status !== 429).map((b) => b.r) };
  };
  const first = await round();
  assert.equal(first.other.length, 0);
  assert.equal(first.ok.length, N, `first window admitted ${first.ok.length}`);
  assert.equal(first.limited.length, 100 - N);
  for (const r of first.ok) {
    assert.equal(r.headers.get('x-ratelimit-limit-requests'), String(N));
    assert.ok(Number(r.headers.get('x-ratelimit-remaining-requests')) < N);
  }
  // Same window (the clock has not moved): nothing more.
  const again = await fire();
  assert.equal(again.status, 429);
  await again.body?.cancel();
  // Just before the window ends: still refused; once 60 s have passed: N more.
  gw.clock.advance(59_999);
  const edge = await fire();
  assert.equal(edge.status, 429);
  assert.equal(edge.headers.get('retry-after'), '1');
  await edge.body?.cancel();
  gw.clock.advance(1);
  const second = await round();
  assert.equal(second.ok.length, N, `second window admitted ${second.ok.length}`);
  assert.equal(second.limited.length, 100 - N);
  console.log(`[must-hold] rpm: ${first.ok.length}/100 then ${second.ok.length}/100 admitted with rpm_limit ${N}`);
});

test('a stream the client drops halfway is charged for the tokens produced and frees its max_parallel_requests slot', async () => {
  up.setLatency(0);
  up.setChunkDelay(40);
  try {
    const key = await newKey({ key_alias: 'one-at-a-time', max_parallel_requests: 1 });
    const c = client(key);
    const abortedBefore = up.streamsAborted();
    const stream = await c.chat.completions.create({ model: 'priced', messages: MESSAGES, stream: true });
    // While the stream runs, the one slot is taken.
    await assert.rejects(c.chat.completions.create(BODY), (err: InstanceType<typeof OpenAI.APIError>) => {
      assert.equal(err.status, 429);
      assert.equal((err.error as { type: string }).type, 'rate_limit_error');
      assert.match((err.error as { message: string }).message, /max_parallel_requests 1/);
      assert.ok(err.headers?.get('retry-after') != null);
      return true;
    });
    let chunks = 0;
    let text = '';
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (++chunks === 5) break; // the SDK aborts the HTTP request
    }
    assert.equal(text, 'tok '.repeat(4));
    // Wait (by condition, not time) until the gateway has settled the aborted stream.
    let row: { spend: number; completion_tokens: number; prompt_tokens: number; status: string; aborted: boolean; streamed: boolean } | undefined;
    for (let i = 0; i < 500 && row === undefined; i++) {
      const logs = await gw.call('GET', `/spend/logs?api_key=${encodeURIComponent(key)}`);
      row = (logs.json as (typeof row)[])[0];
      if (row === undefined) await new Promise((r) => setTimeout(r, 10));
    }
    assert.ok(row !== undefined, 'the aborted stream was settled');
    assert.equal(row.status, 'aborted');
    assert.equal(row.aborted, true);
    assert.equal(row.streamed, true);
    assert.ok(row.completion_tokens >= 4 && row.completion_tokens < 20, `completion tokens ${row.completion_tokens}`);
    const full = promptTokensFor({ messages: MESSAGES }) * IN + 20 * OUT;
    assert.ok(row.spend > 0 && row.spend < full, `spend ${row.spend} vs full answer ${full}`);
    near(row.spend, row.prompt_tokens * IN + row.completion_tokens * OUT);
    const info = await gw.call('GET', `/key/info?key=${encodeURIComponent(key)}`);
    near(info.json.info.spend, row.spend);
    // The gateway cut the upstream too.
    for (let i = 0; i < 500 && up.streamsAborted() === abortedBefore; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(up.streamsAborted(), abortedBefore + 1);
    // The slot is free: the next request on the max_parallel_requests 1 key succeeds.
    up.setChunkDelay(0);
    const next = await c.chat.completions.create(BODY);
    assert.equal(next.usage!.completion_tokens, 10);
    console.log(`[must-hold] dropped stream: charged ${row.spend} USD for ${row.prompt_tokens}+${row.completion_tokens} tokens (full answer ${full} USD); slot freed`);
  } finally {
    up.setChunkDelay(0);
    up.setLatency(200);
  }
});

test('after a budget_duration reset requests succeed again without a restart', async () => {
  const key = await newKey({ key_alias: 'daily', max_budget: REAL_COST, budget_duration: '1d' });
  const c = client(key);
  await c.chat.completions.create(BODY);
  const refused = async (): Promise<void> => {
    await assert.rejects(c.chat.completions.create(BODY), (err: InstanceType<typeof OpenAI.APIError>) => {
      assert.equal(err.status, 429);
      assert.equal((err.error as { type: string }).type, 'budget_exceeded');
      // The reset time is known: Retry-After is the time to the next UTC midnight.
      const midnight = Date.UTC(new Date(gw.clock.now()).getUTCFullYear(), new Date(gw.clock.now()).getUTCMonth(), new Date(gw.clock.now()).getUTCDate() + 1);
      assert.equal(err.headers?.get('retry-after'), String(Math.ceil((midnight - gw.clock.now()) / 1000)));
      return true;
    });
  };
  await refused();
  const info1 = await gw.call('GET', `/key/info?key=${encodeURIComponent(key)}`);
  near(info1.json.info.spend, REAL_COST);
  const resetAt = Date.parse(info1.json.info.budget_reset_at as string);
  assert.equal(new Date(resetAt).toISOString().slice(11), '00:00:00.000Z');
  // One millisecond before the boundary: still refused.
  gw.clock.t = resetAt - 1;
  await refused();
  // Past the boundary, with no explicit runResets: the request path runs the due reset itself.
  gw.clock.t = resetAt + 1000;
  const r = await c.chat.completions.create(BODY);
  assert.equal(r.usage!.completion_tokens, 10);
  const info2 = await gw.call('GET', `/key/info?key=${encodeURIComponent(key)}`);
  near(info2.json.info.spend, REAL_COST, 'spend of the new period only');
  assert.equal(Date.parse(info2.json.info.budget_reset_at as string), resetAt + 86_400_000);
  await refused();
  // Next period, through the timer's entry point (runResets) this time.
  gw.clock.t = resetAt + 86_400_000 + 1;
  const events = gov().runResets() as Array<{ id: string }>;
  assert.ok(events.length >= 1);
  await c.chat.completions.create(BODY);
  // Spend logs hold every settled request (3) with the real costs.
  gov().flush();
  const logs = await gw.call('GET', `/spend/logs?api_key=${encodeURIComponent(key)}`);
  assert.equal((logs.json as unknown[]).length, 3);
});

test('200 concurrent requests over 4 keys of one team with a budget for 10: exactly 10 succeed, 429 names the team, team spend = sum', async () => {
  const maxBudget = Number((10 * REAL_COST).toFixed(9));
  const team = await gw.call('POST', '/team/new', { team_alias: 'crowd', max_budget: maxBudget });
  assert.equal(team.status, 200, team.text);
  const teamId = team.json.team_id as string;
  const clients = await Promise.all([0, 1, 2, 3].map(async (i) => client(await newKey({ team_id: teamId, key_alias: `crowd-${i}` }))));
  const outcomes = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => clients[i % 4]!.chat.completions.create(BODY)));
  const ok = outcomes.filter((o): o is PromiseFulfilledResult<OpenAI.Chat.Completions.ChatCompletion> => o.status === 'fulfilled');
  assert.equal(ok.length, 10);
  for (const o of outcomes) {
    if (o.status === 'fulfilled') continue;
    const err = o.reason as InstanceType<typeof OpenAI.APIError>;
    assert.equal(err.status, 429);
    assert.match((err.error as { message: string }).message, /^Budget exceeded for team 'crowd'/);
  }
  const realSum = ok.reduce((s, o) => s + o.value.usage!.prompt_tokens * IN + o.value.usage!.completion_tokens * OUT, 0);
  const info = await gw.call('GET', `/team/info?team_id=${teamId}`);
  near(info.json.team_info.spend, realSum);
  const keySum = (info.json.keys as Array<{ spend: number }>).reduce((s, k) => s + k.spend, 0);
  near(keySum, realSum, 'the keys\' spend adds up to the team\'s');
  console.log(`[must-hold] team budget: ${ok.length}/200 succeeded over 4 keys; team spend ${info.json.team_info.spend} USD = sum ${realSum} USD`);
});

test('other exits free the slot and charge what was produced: non-streamed drop, drop before the first byte, upstream error, upstream cutting a stream', async () => {
  const key = await newKey({ key_alias: 'exits', max_parallel_requests: 1, max_budget: Number((3 * REAL_COST).toFixed(9)) });
  const c = client(key);
  type Row = { request_id: string; spend: number; status: string; aborted: boolean; streamed: boolean; completion_tokens: number; prompt_tokens: number };
  // Each request carries its own x-request-id, so its spend log row can be found.
  const rowOf = async (id: string): Promise<Row> => {
    for (let i = 0; i < 500; i++) {
      const logs = await gw.call('GET', `/spend/logs?request_id=${id}`);
      if ((logs.json as Row[]).length === 1) return (logs.json as Row[])[0]!;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no spend row for ${id}`);
  };
  const rid = (id: string): { headers: Record<string, string> } => ({ headers: { 'x-request-id': id } });

  // 1. A non-streamed request dropped while the upstream thinks: the provider bills it in full, so do we.
  const ac = new AbortController();
  const seen = up.requests.length;
  const dropped = c.chat.completions.create(BODY, { signal: ac.signal, ...rid('exits-json-drop') });
  for (let i = 0; i < 500 && up.requests.length === seen; i++) await new Promise((r) => setTimeout(r, 5));
  assert.equal(up.requests.length, seen + 1, 'the request reached the upstream');
  ac.abort();
  await assert.rejects(dropped);
  const r1 = await rowOf('exits-json-drop');
  assert.equal(r1.status, 'aborted');
  assert.equal(r1.completion_tokens, 10);
  near(r1.spend, REAL_COST, `non-streamed drop charged ${r1.spend}`);

  // 2. A stream dropped before its first byte (during the upstream's latency): nothing produced, nothing charged.
  const ac2 = new AbortController();
  const seen2 = up.requests.length;
  const early = c.chat.completions.create({ model: 'priced', messages: MESSAGES, stream: true }, { signal: ac2.signal, ...rid('exits-early-drop') });
  for (let i = 0; i < 500 && up.requests.length === seen2; i++) await new Promise((r) => setTimeout(r, 5));
  ac2.abort();
  await assert.rejects(early);
  const r2 = await rowOf('exits-early-drop');
  assert.equal(r2.status, 'aborted');
  assert.equal(r2.spend, 0);

  // 3. An upstream error: no spend; the reservation and the slot are released.
  await assert.rejects(c.chat.completions.create({ ...BODY, model: 'broken' }, rid('exits-upstream-500')), (err: InstanceType<typeof OpenAI.APIError>) => {
    assert.equal(err.status, 500);
    return true;
  });
  const r3 = await rowOf('exits-upstream-500');
  assert.equal(r3.status, 'failure');
  assert.equal(r3.spend, 0);

  // 4. The upstream cuts a stream halfway: the client's stream fails, we charge what was produced.
  const stream = await c.chat.completions.create({ model: 'cut', messages: MESSAGES, stream: true }, rid('exits-upstream-cut'));
  let chunks = 0;
  let text = '';
  await assert.rejects((async () => {
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (++chunks === 4) void cutter.close();
    }
  })());
  const r4 = await rowOf('exits-upstream-cut');
  assert.equal(r4.status, 'failure', 'a stream the provider broke off is an upstream failure');
  assert.equal(r4.streamed, true);
  assert.ok(r4.completion_tokens >= text.length / 4 && r4.completion_tokens > 0 && r4.completion_tokens < 20, `cut after ${r4.completion_tokens} tokens`);
  near(r4.spend, r4.prompt_tokens * IN + r4.completion_tokens * OUT);
  const rows = [r1, r2, r3, r4];

  // Every slot came back, and the budget holds only what was charged: one more request fits.
  const info = await gw.call('GET', `/key/info?key=${encodeURIComponent(key)}`);
  near(info.json.info.spend, rows.reduce((s, r) => s + r.spend, 0));
  const last = await c.chat.completions.create(BODY);
  assert.equal(last.usage!.completion_tokens, 10);
});

test('a complete stream is charged its real usage (usage requested from the upstream, stripped for the client)', async () => {
  up.setLatency(0);
  try {
    const key = await newKey({ key_alias: 'streamer' });
    const stream = await client(key).chat.completions.create({ ...BODY, stream: true });
    let sawUsage = false;
    for await (const chunk of stream) if (chunk.usage) sawUsage = true;
    assert.equal(sawUsage, false, 'the client did not ask for usage');
    const info = await gw.call('GET', `/key/info?key=${encodeURIComponent(key)}`);
    near(info.json.info.spend, REAL_COST);
  } finally {
    up.setLatency(200);
  }
});
