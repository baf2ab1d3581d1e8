/** Exponential backoff with jitter (the jitter's randomness is the caller's: a Platform's Random). */

const BASE_DELAY_MS = 100;

/** Delay before attempt `attempt` (1-based): 100 ms doubling, capped, then jittered to 50–100 %. */
export function backoffDelay(attempt: number, capMs: number, random: () => number): number {
  const exp = Math.min(capMs, BASE_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (random() * exp) / 2);
}
