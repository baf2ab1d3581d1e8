/**
 * A simulated process's Clock: virtual time from the kernel, timers as events the process owns
 * (so they stop while it is paused and vanish when it dies). A ref'd timer keeps the process
 * alive, as in Node. Timers of one delay due at the same time fire in the order they were set.
 */
import { type Clock, sleepOn, type Timer } from '../../system/platform/clock.js';
import type { SimEvent, Simulation } from '../kernel/simulation.js';
import type { SimProcess } from '../process/sim-process.js';

/** Node's limit: a delay outside 1 … 2^31 - 1 ms counts as 1. */
const TIMEOUT_MAX = 2 ** 31 - 1;

/** 2024-01-01T00:00:00Z: virtual time 0 on every simulated clock, unless told otherwise. */
export const SIM_EPOCH_MS = Date.UTC(2024, 0, 1);

class SimTimer implements Timer {
  event: SimEvent | undefined;
  private refd = true;

  constructor(private readonly proc: SimProcess) {}

  get active(): boolean {
    return this.event !== undefined;
  }

  unref(): this {
    if (this.refd && this.active) this.proc.unref();
    this.refd = false;
    return this;
  }

  ref(): this {
    if (!this.refd && this.active) this.proc.ref();
    this.refd = true;
    return this;
  }

  hasRef(): boolean {
    return this.refd;
  }

  /** Fired or cleared: it no longer holds the process. */
  settle(): void {
    this.event = undefined;
    if (this.refd) this.proc.unref();
  }
}

export class SimClock implements Clock {
  constructor(
    private readonly sim: Simulation,
    private readonly proc: SimProcess,
    private readonly epochMs = SIM_EPOCH_MS,
  ) {}

  now(): number {
    return this.epochMs + Math.floor(this.sim.now);
  }

  setTimeout(callback: () => void, ms: number): Timer {
    const delay = ms >= 1 && ms <= TIMEOUT_MAX ? ms : 1;
    const timer = new SimTimer(this.proc);
    this.proc.ref();
    timer.event = this.sim.schedule(
      delay,
      'timer',
      () => {
        timer.settle();
        callback();
      },
      { owner: this.proc, detail: String(delay), fifo: `${this.proc.id}:timer:${delay}` },
    );
    return timer;
  }

  clearTimeout(timer: Timer | undefined): void {
    if (!(timer instanceof SimTimer) || !timer.active) return;
    this.sim.cancel(timer.event);
    timer.settle();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }
}
