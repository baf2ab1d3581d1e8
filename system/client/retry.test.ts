import { describe, expect, it, vi } from 'vitest';
import { backoffDelay, sleep } from './retry.js';

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
      const d = backoffDelay(4, 10_000);
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

describe('sleep', () => {
  it('resolves after the time given', async () => {
    vi.useFakeTimers();
    try {
      let done = false;
      const p = sleep(500).then(() => (done = true));
      await vi.advanceTimersByTimeAsync(499);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await p;
      expect(done).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('resolves early, without an error, once the signal aborts, and forgets its listener', async () => {
    vi.useFakeTimers();
    try {
      const controller = new AbortController();
      const remove = vi.spyOn(controller.signal, 'removeEventListener');
      let done = false;
      const p = sleep(60_000, controller.signal).then(() => (done = true));
      await vi.advanceTimersByTimeAsync(10);
      expect(done).toBe(false);
      controller.abort();
      await p;
      expect(done).toBe(true);
      expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not wait at all for 0 ms, a negative time, or a signal already aborted', async () => {
    vi.useFakeTimers();
    try {
      const aborted = AbortSignal.abort();
      await sleep(0);
      await sleep(-5);
      await sleep(60_000, aborted);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('clears its timer when it ends normally (no listener left on the signal)', async () => {
    const controller = new AbortController();
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    await sleep(5, controller.signal);
    expect(remove).toHaveBeenCalledTimes(1);
  });
});
