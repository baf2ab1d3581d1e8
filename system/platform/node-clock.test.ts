import { describe, expect, it, vi } from 'vitest';
import { nodeClock } from './node-clock.js';

describe('nodeClock.sleep (the sleep of the connection loop, the batch period and the echo loop)', () => {
  it('resolves after the time given', async () => {
    vi.useFakeTimers();
    try {
      let done = false;
      const p = nodeClock.sleep(500).then(() => (done = true));
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
      const p = nodeClock.sleep(60_000, controller.signal).then(() => (done = true));
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
      await nodeClock.sleep(0);
      await nodeClock.sleep(-5);
      await nodeClock.sleep(60_000, aborted);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('clears its timer when it ends normally (no listener left on the signal)', async () => {
    const controller = new AbortController();
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    await nodeClock.sleep(5, controller.signal);
    expect(remove).toHaveBeenCalledTimes(1);
  });
});
