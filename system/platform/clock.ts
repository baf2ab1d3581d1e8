/**
 * Time, behind an interface: wall-clock readings for log timestamps, timers for the idle timeout,
 * the client's answer timeout, the connect timeout, backoff and `batch.period`.
 *
 * The production clock (node-clock.ts) is Node's own timers; the simulator's runs in virtual time.
 * Code that takes a Clock must not touch the global timers or Date.now: that is what makes a
 * simulated run a pure function of its seed.
 */

/** A pending timer: Node's Timeout has this shape, so the production clock hands out its own. */
export interface Timer {
  /** The timer no longer keeps the process alive (Node's unref). */
  unref(): this;
  /** The timer keeps the process alive again (the default). */
  ref(): this;
  hasRef(): boolean;
}

export interface Clock {
  /** Milliseconds since the epoch, an integer (Date.now). */
  now(): number;
  /** Calls `callback` once, `ms` from now; `ms` below 1 counts as 1, as Node's timers do. */
  setTimeout(callback: () => void, ms: number): Timer;
  /** Cancels a pending timer; a fired or cancelled one, or undefined, is ignored. */
  clearTimeout(timer: Timer | undefined): void;
  /** Resolves after `ms` (at once when `ms` <= 0), or early and without error once `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The one sleep both clocks share: a timer, cut short by the signal. */
export function sleepOn(clock: Pick<Clock, 'setTimeout' | 'clearTimeout'>, ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clock.clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = clock.setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
