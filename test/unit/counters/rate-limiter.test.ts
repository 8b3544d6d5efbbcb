import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimiter } from '../../../src-main/core/counters/index.ts';
import type { Admission, RateLimitSpec } from '../../../src-main/core/counters/index.ts';
import { GatewayError } from '../../../src-shared/errors.ts';
import { FakeClock, jitter, seeded } from './fake-clock.ts';

function refusedWith(pattern: RegExp, retryAfter?: string) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof GatewayError, 'a GatewayError');
    assert.equal(e.code, 'ERR_RATE_LIMITED');
    assert.equal(e.status, 429);
    assert.match(e.message, pattern);
    const ra = e.headers['retry-after'];
    assert.ok(ra !== undefined && Number.isInteger(Number(ra)) && Number(ra) >= 1, `retry-after ${ra}`);
    if (retryAfter !== undefined) assert.equal(ra, retryAfter);
    return true;
  };
}

function tryAdmit(limiter: RateLimiter, specs: RateLimitSpec[], tokens = 0): Admission | null {
  try {
    return limiter.admit(specs, tokens);
  } catch (e) {
    if (e instanceof GatewayError && e.code === 'ERR_RATE_LIMITED') return null;
    throw e;
  }
}

test('rpm_limit N admits exactly N requests per window under 100 concurrent clients', async () => {
  const clock = new FakeClock();
  const limiter = new RateLimiter(clock);
  const random = seeded(7);
  const key: RateLimitSpec = { scope: 'key:k1', level: 'key', rpm: 10 };
  let admitted = 0;
  let refused = 0;
  const client = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) {
      await jitter(random);
      const admission = tryAdmit(limiter, [key]);
      if (admission === null) { refused++; continue; }
      admitted++;
      await jitter(random);
      admission.release();
    }
  };
  await Promise.all(Array.from({ length: 100 }, client));
  assert.equal(admitted, 10);
  assert.equal(refused, 490);

  // The window slides: still full 1 ms before the first admissions expire, free again at 60 s.
  clock.advance(59_999);
  assert.equal(tryAdmit(limiter, [key]), null);
  clock.advance(1);
  admitted = 0;
  refused = 0;
  await Promise.all(Array.from({ length: 100 }, client));
  assert.equal(admitted, 10);
});

test('rpm is a sliding 60 s window: no burst at a window boundary', () => {
  const clock = new FakeClock();
  const limiter = new RateLimiter(clock);
  const key: RateLimitSpec = { scope: 'key:k1', level: 'key', rpm: 4 };
  for (let i = 0; i < 2; i++) limiter.admit([key]).release();
  clock.advance(30_000);
  for (let i = 0; i < 2; i++) limiter.admit([key]).release();
  // 31 s after the first two: 4 requests in the last 60 s.
  clock.advance(1_000);
  assert.throws(() => limiter.admit([key]), refusedWith(/^Rate limit exceeded for key: rpm_limit 4 reached$/, '29'));
  clock.advance(29_000); // the first two are now 60 s old
  limiter.admit([key]).release();
  limiter.admit([key]).release();
  assert.throws(() => limiter.admit([key]), refusedWith(/rpm_limit 4/, '30'));
  assert.deepEqual(limiter.snapshot('key:k1'), { scope: 'key:k1', requests: 4, tokens: 0, inFlight: 0 });
});

test('retry-after rounds up to whole seconds and is at least 1', () => {
  const clock = new FakeClock();
  const limiter = new RateLimiter(clock);
  const key: RateLimitSpec = { scope: 'key:k1', level: 'key', rpm: 1 };
  limiter.admit([key]).release();
  clock.advance(59_500);
  assert.throws(() => limiter.admit([key]), refusedWith(/rpm_limit 1/, '1'));
  clock.advance(200);
  assert.throws(() => limiter.admit([key]), refusedWith(/rpm_limit 1/, '1'));
  assert.throws(() => limiter.admit([{ scope: 'key:k2', level: 'key', rpm: 0 }]), refusedWith(/rpm_limit 0/, '60'));
});

test('tpm reserves the estimate at admission and settles the actual count at release', () => {
  const clock = new FakeClock();
  const limiter = new RateLimiter(clock);
  const key: RateLimitSpec = { scope: 'key:k1', level: 'key', tpm: 1000 };
  const a = limiter.admit([key], 600);
  assert.equal(limiter.snapshot('key:k1').tokens, 600);
  const b = limiter.admit([key], 300); // 600 < 1000: admitted
  assert.equal(limiter.snapshot('key:k1').tokens, 900);
  a.release(100);
  assert.equal(limiter.snapshot('key:k1').tokens, 400);
  b.release(700);
  assert.equal(limiter.snapshot('key:k1').tokens, 800);
  clock.advance(10_000);
  const c = limiter.admit([key], 200); // 800 < 1000
  // 1000 >= 1000 refuses; the window drops below 1000 when b's 700 leave (at 60 s, 50 s from now).
  assert.throws(() => limiter.admit([key], 1), refusedWith(/^Rate limit exceeded for key: tpm_limit 1000 reached$/, '50'));
  c.release(); // no count given: the estimate stands
  assert.equal(limiter.snapshot('key:k1').tokens, 1000);
  clock.advance(50_000);
  assert.equal(limiter.snapshot('key:k1').tokens, 200);
  limiter.admit([key], 50).release(50);
});

test('tokens of a request that outlives the window are counted when it ends', () => {
  const clock = new FakeClock();
  const limiter = new RateLimiter(clock);
  const key: RateLimitSpec = { scope: 'key:k1', level: 'key', rpm: 100, tpm: 1000 };
  const long = limiter.admit([key], 100);
  clock.advance(90_000);
  assert.deepEqual(limiter.snapshot('key:k1'), { scope: 'key:k1', requests: 0, tokens: 0, inFlight: 1 });
  long.release(900);
  // The 800 tokens beyond the estimate count now; they are tokens, not a request.
  assert.deepEqual(limiter.snapshot('key:k1'), { scope: 'key:k1', requests: 0, tokens: 800, inFlight: 0 });
  clock.advance(60_000);
  assert.equal(limiter.snapshot('key:k1').tokens, 0);
});

test('max_parallel_requests: release frees the slot and a second release is harmless', () => {
  const clock = new FakeClock();
  const limiter = new RateLimiter(clock);
  const key: RateLimitSpec = { scope: 'key:k1', level: 'key', maxParallel: 2 };
  const a = limiter.admit([key]);
  const b = limiter.admit([key]);
  assert.throws(() => limiter.admit([key]), refusedWith(/^Rate limit exceeded for key: max_parallel_requests 2 reached$/, '1'));
  a.release();
  assert.equal(a.released, true);
  a.release();
  a.release(5);
  assert.equal(limiter.snapshot('key:k1').inFlight, 1);
  const c = limiter.admit([key]);
  assert.throws(() => limiter.admit([key]), refusedWith(/max_parallel_requests 2/));
  b.release();
  c.release();
  assert.equal(limiter.snapshot('key:k1').inFlight, 0);
});

test('all-or-nothing: a refusal anywhere counts nothing anywhere', () => {
  const clock = new FakeClock();
  const limiter = new RateLimiter(clock);
  const specs: RateLimitSpec[] = [
    { scope: 'key:k1', level: 'key', rpm: 10, tpm: 10_000, maxParallel: 5 },
    { scope: 'user:u1', level: 'user', rpm: 10 },
    { scope: 'team:t1', level: 'team', rpm: 1 },
  ];
  limiter.admit([specs[2]!]).release();
  const before = limiter.snapshot('key:k1');
  assert.throws(() => limiter.admit(specs, 500), refusedWith(/^Rate limit exceeded for team: rpm_limit 1 reached$/));
  assert.deepEqual(limiter.snapshot('key:k1'), before);
  assert.deepEqual(limiter.snapshot('user:u1'), { scope: 'user:u1', requests: 0, tokens: 0, inFlight: 0 });
  assert.equal(limiter.snapshot('team:t1').requests, 1);
});

test('with several refusals the message names the first level and retry-after is the longest wait', () => {
  const clock = new FakeClock();
  const limiter = new RateLimiter(clock);
  const key: RateLimitSpec = { scope: 'key:k1', level: 'key', rpm: 1 };
  const team: RateLimitSpec = { scope: 'team:t1', level: 'team', rpm: 1 };
  limiter.admit([team]).release();
  clock.advance(20_000);
  limiter.admit([key]).release();
  clock.advance(10_000);
  // key frees in 50 s, team in 30 s: come back in 50.
  assert.throws(() => limiter.admit([key, team]), refusedWith(/for key: rpm_limit 1/, '50'));
});

test('a scope named twice is counted once, under the tighter limit', () => {
  const clock = new FakeClock();
  const limiter = new RateLimiter(clock);
  const a = limiter.admit([{ scope: 'key:k1', level: 'key', rpm: 5 }, { scope: 'key:k1', level: 'key', rpm: 2 }], 10);
  assert.deepEqual(limiter.snapshot('key:k1'), { scope: 'key:k1', requests: 1, tokens: 10, inFlight: 1 });
  a.release(20);
  assert.equal(limiter.snapshot('key:k1').tokens, 20);
  limiter.admit([{ scope: 'key:k1', level: 'key', rpm: 5 }, { scope: 'key:k1', level: 'key', rpm: 2 }]).release();
  assert.throws(() => limiter.admit([{ scope: 'key:k1', level: 'key', rpm: 5 }, { scope: 'key:k1', level: 'key', rpm: 2 }]), refusedWith(/rpm_limit 2/));
});

test('headers() report the tightest rpm and tpm specs, OpenAI style', () => {
  const clock = new FakeClock();
  const limiter = new RateLimiter(clock);
  const specs: RateLimitSpec[] = [
    { scope: 'key:k1', level: 'key', rpm: 100, tpm: 1000 },
    { scope: 'team:t1', level: 'team', rpm: 3, tpm: 50_000 },
    { scope: 'user:u1', level: 'user' },
  ];
  limiter.admit(specs, 100).release(150);
  clock.advance(1_500);
  const admission = limiter.admit(specs, 200);
  assert.deepEqual(admission.headers(), {
    'x-ratelimit-limit-requests': '3',
    'x-ratelimit-remaining-requests': '1',
    'x-ratelimit-reset-requests': '1m0s',
    'x-ratelimit-limit-tokens': '1000',
    'x-ratelimit-remaining-tokens': '650',
    'x-ratelimit-reset-tokens': '1m0s',
  });
  clock.advance(30_000);
  assert.equal(admission.headers()['x-ratelimit-reset-requests'], '30s');
  assert.equal(admission.headers()['x-ratelimit-reset-tokens'], '30s');
  clock.advance(29_990); // the first request (t = 0) has left the window; the second leaves in 10 ms
  admission.release(200);
  assert.deepEqual(admission.headers(), {
    'x-ratelimit-limit-requests': '3',
    'x-ratelimit-remaining-requests': '2',
    'x-ratelimit-reset-requests': '10ms',
    'x-ratelimit-limit-tokens': '1000',
    'x-ratelimit-remaining-tokens': '800',
    'x-ratelimit-reset-tokens': '10ms',
  });
  assert.deepEqual(limiter.admit([{ scope: 'x', level: 'key' }]).headers(), {});
  // A refusal carries the same headers beside retry-after.
  limiter.admit(specs).release();
  limiter.admit(specs).release();
  assert.throws(() => limiter.admit(specs), (e: unknown) => {
    assert.ok(e instanceof GatewayError);
    assert.equal(e.headers['x-ratelimit-remaining-requests'], '0');
    assert.equal(e.headers['x-ratelimit-limit-requests'], '3');
    return true;
  });
});

test('negative, NaN and infinite inputs are rejected with clear errors', () => {
  const clock = new FakeClock();
  const limiter = new RateLimiter(clock);
  const key: RateLimitSpec = { scope: 'key:k1', level: 'key', tpm: 100 };
  assert.throws(() => limiter.admit([key], Number.NaN), /estimatedTokens must be a non-negative finite number, got NaN/);
  assert.throws(() => limiter.admit([key], -1), /estimatedTokens/);
  assert.throws(() => limiter.admit([{ scope: 'key:k1', level: 'key', rpm: -1 }]), /rpm_limit of key:k1 must be null or a non-negative finite number, got -1/);
  assert.throws(() => limiter.admit([{ scope: 'key:k1', level: 'key', tpm: Number.NaN }]), /tpm_limit of key:k1/);
  assert.throws(() => limiter.admit([{ scope: 'key:k1', level: 'key', maxParallel: Infinity }]), /max_parallel_requests of key:k1/);
  assert.throws(() => limiter.admit([{ scope: '', level: 'key' }]), /non-empty scope/);
  const a = limiter.admit([key], 10);
  assert.throws(() => a.release(Number.NaN), /actualTokens must be a non-negative finite number, got NaN/);
  assert.throws(() => a.release(-3), /actualTokens/);
  assert.equal(a.released, false, 'a refused release changes nothing');
  assert.equal(limiter.snapshot('key:k1').inFlight, 1);
  a.release(12);
  assert.deepEqual(limiter.snapshot('key:k1'), { scope: 'key:k1', requests: 1, tokens: 12, inFlight: 0 });
});

test('idle scopes are pruned; scopes with requests in flight or in the window are kept', () => {
  const clock = new FakeClock();
  const limiter = new RateLimiter(clock);
  for (let i = 0; i < 1000; i++) limiter.admit([{ scope: `customer:${i}`, level: 'customer', rpm: 5 }], 1).release();
  const held = limiter.admit([{ scope: 'key:long', level: 'key', rpm: 5 }]);
  assert.equal(limiter.size, 1001);
  clock.advance(30_000);
  limiter.admit([{ scope: 'key:recent', level: 'key', rpm: 5 }]).release();
  clock.advance(30_000);
  // The sweep runs from admit once a window has passed since the last one.
  limiter.admit([{ scope: 'key:now', level: 'key', rpm: 5 }]).release();
  assert.equal(limiter.size, 3, 'key:long (in flight), key:recent (in the window), key:now');
  held.release();
  clock.advance(60_000);
  assert.equal(limiter.prune(), 3);
  assert.equal(limiter.size, 0);
});

test('a clock that steps backwards does not corrupt the window', () => {
  const clock = new FakeClock();
  const limiter = new RateLimiter(clock);
  const key: RateLimitSpec = { scope: 'key:k1', level: 'key', rpm: 2 };
  limiter.admit([key]).release();
  clock.advance(-30_000);
  limiter.admit([key]).release();
  assert.throws(() => limiter.admit([key]), refusedWith(/rpm_limit 2/));
  clock.advance(90_000); // 60 s after the highest time seen
  limiter.admit([key]).release();
});
