import { describe, expect, it } from 'vitest';
import { backoffDelay } from './retry.js';

describe('backoffDelay', () => {
  it('doubles from 100 ms per attempt, then holds at the cap', () => {
    const top = () => 1 - Number.EPSILON; // the most jitter allows: the whole step
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, 10_000, top))).toEqual([100, 200, 400, 800, 1600, 3200]);
    expect([5, 6, 20, 1000].map((a) => backoffDelay(a, 2000, top))).toEqual([1600, 2000, 2000, 2000]);
  });

  it('jitters each step to between half of it and all of it', () => {
    expect(backoffDelay(3, 10_000, () => 0)).toBe(200);
    expect(backoffDelay(3, 10_000, () => 0.5)).toBe(300);
    for (let i = 0; i < 1000; i++) {
      const d = backoffDelay(4, 10_000, Math.random);
      if (d < 400 || d > 800) expect(d).toBeGreaterThanOrEqual(400);
    }
  });

  it('treats attempt 0 or below as the first, and a cap below 100 ms as the step', () => {
    expect(backoffDelay(0, 10_000, () => 0)).toBe(50);
    expect(backoffDelay(-3, 10_000, () => 0)).toBe(50);
    expect(backoffDelay(5, 40, () => 0)).toBe(20);
    expect(backoffDelay(5, 0, () => 0.9)).toBe(0);
  });

  it('never overflows for a huge attempt number', () => {
    expect(backoffDelay(10_000, 2000, () => 0)).toBe(1000);
  });
});
