import type { Clock } from '../../../src-main/core/ports.ts';

/** A clock the test moves by hand. */
export class FakeClock implements Clock {
  constructor(public t = Date.UTC(2026, 4, 10, 12)) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so a failing order can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Yields to the event loop a random number of times, so concurrent tasks interleave. */
export async function jitter(random: () => number): Promise<void> {
  const hops = Math.floor(random() * 4);
  for (let i = 0; i < hops; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
