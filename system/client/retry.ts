/** Exponential backoff with jitter, and a sleep that a signal cuts short. */

const BASE_DELAY_MS = 100;

/** Delay before attempt `attempt` (1-based): 100 ms doubling, capped, then jittered to 50–100 %. */
export function backoffDelay(attempt: number, capMs: number, random: () => number = Math.random): number {
  const exp = Math.min(capMs, BASE_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (random() * exp) / 2);
}

/** Resolves after `ms`, or early (without error) once `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
