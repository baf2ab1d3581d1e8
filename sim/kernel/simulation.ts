/**
 * The simulator's kernel: one event queue in virtual time, driven by a seeded PRNG.
 *
 * - Every timer and I/O completion is an event: a callback due at a virtual time, owned by a
 *   simulated process (or by the kernel: the network's wires, the fault schedule).
 * - Events due at the same time run in an order drawn from the PRNG, except within a FIFO group
 *   (a process's timers of one delay keep their order, as Node's do).
 * - Between two events every microtask and process.nextTick callback runs to the end: each
 *   event runs in its own setImmediate callback, and Node drains both queues between those.
 *   setImmediate carries no time; nothing else in the run makes a macrotask, so the order of
 *   everything is fixed by the seed. No real timer, no real I/O.
 * - What Node itself defers with process.nextTick (a write callback, `close` after destroy()),
 *   the models defer with tick(), so no event can slip in between, as in Node.
 * - An event of a paused owner waits with its owner; one of a dead owner is dropped; one that
 *   throws kills its owner, as an uncaught exception kills a process.
 */
import { EventQueue, type QueuedEvent } from './event-queue.js';
import { Prng } from './prng.js';
import { Trace, type TraceOptions } from './trace.js';

export type OwnerState = 'running' | 'paused' | 'dead';

/** Whoever an event belongs to: a simulated process. */
export interface Owner {
  /** Unique in the run, stable across runs: it goes into the trace ("server#2"). */
  readonly id: string;
  readonly state: OwnerState;
  /** An event came due while paused: keep it until resumed (then requeue() it). */
  hold(event: SimEvent): void;
  /** One of its callbacks threw: it dies of it. */
  fail(err: unknown): void;
}

export interface SimEvent extends QueuedEvent {
  readonly owner: Owner | undefined;
  readonly kind: string;
  readonly detail: string;
  readonly fn: () => void;
  cancelled: boolean;
  /** The event that took its place when its paused owner resumed: cancelling this one cancels that. */
  successor?: SimEvent;
}

export interface ScheduleOptions {
  readonly owner?: Owner | undefined;
  /** A short text for the trace (kept deterministic: no wall times, no object ids). */
  readonly detail?: string;
  /** Events of one group due at the same time run in the order they were scheduled. */
  readonly fifo?: string;
}

export interface RunOptions {
  /** Virtual time at which the run stops (the liveness deadline). */
  readonly deadlineMs?: number;
  /** Checked before each event, after the microtasks: true stops the run. */
  readonly until?: () => boolean;
  readonly maxEvents?: number;
}

export type StopReason = 'until' | 'quiescent' | 'deadline' | 'max-events';

export interface RunOutcome {
  readonly reason: StopReason;
  readonly now: number;
  readonly events: number;
  readonly traceHash: string;
}

export interface SimulationOptions {
  readonly seed: number;
  readonly trace?: TraceOptions;
}

/** Events run per turn of Node's event loop (each still in its own setImmediate callback). */
const EVENTS_PER_TURN = 64;

export class Simulation {
  readonly rng: Prng;
  readonly trace: Trace;
  private readonly tieBreak: Prng;
  private readonly queue = new EventQueue<SimEvent>();
  private readonly fifoLast = new Map<string, { time: number; rank: number }>();
  private seq = 0;
  private clock = 0;
  private eventCount = 0;
  private running = false;
  private current: Owner | undefined;
  /** A kernel callback (no owner) threw outside an event: the run fails with it. */
  private kernelFailure: Error | undefined;

  constructor(options: SimulationOptions) {
    this.rng = new Prng(options.seed);
    this.tieBreak = this.rng.derive('kernel.ties');
    this.trace = new Trace(options.trace);
  }

  get seed(): number {
    return this.rng.seed;
  }

  /** Virtual milliseconds since the start of the run. */
  get now(): number {
    return this.clock;
  }

  get eventsRun(): number {
    return this.eventCount;
  }

  get pending(): number {
    return this.queue.size;
  }

  /** The owner of the event running now (its microtasks run before the next event). */
  get currentOwner(): Owner | undefined {
    return this.current;
  }

  /** Schedules `fn` `delayMs` from now (negative counts as 0). */
  schedule(delayMs: number, kind: string, fn: () => void, options: ScheduleOptions = {}): SimEvent {
    return this.at(this.clock + Math.max(0, delayMs), kind, fn, options);
  }

  at(time: number, kind: string, fn: () => void, options: ScheduleOptions = {}): SimEvent {
    const when = Math.max(time, this.clock);
    let rank = this.tieBreak.next();
    if (options.fifo !== undefined) {
      const last = this.fifoLast.get(options.fifo);
      if (last && last.time === when) rank = last.rank;
      else this.fifoLast.set(options.fifo, { time: when, rank });
    }
    const event: SimEvent = { time: when, rank, seq: this.seq++, owner: options.owner, kind, detail: options.detail ?? '', fn, cancelled: false };
    this.queue.push(event);
    return event;
  }

  cancel(event: SimEvent | undefined): void {
    for (let e = event; e; e = e.successor) e.cancelled = true;
  }

  /** Puts a held event back, due now, with a fresh rank (a resumed owner); cancel() of the held one still reaches it. */
  requeue(event: SimEvent): void {
    if (event.cancelled) return;
    event.successor = this.at(this.clock, event.kind, event.fn, { owner: event.owner, detail: event.detail });
  }

  /** Runs `fn` in this event's process.nextTick queue, as Node defers things; a throw kills `owner`. */
  tick(owner: Owner | undefined, fn: () => void): void {
    process.nextTick(() => {
      if (owner?.state === 'dead') return;
      try {
        fn();
      } catch (err) {
        if (owner) owner.fail(err);
        else this.kernelFailure ??= err instanceof Error ? err : new Error(String(err));
      }
    });
  }

  /** A trace line that is not an event (a log line, a fault). */
  note(owner: string, kind: string, detail = ''): void {
    this.trace.record(this.clock, owner, kind, detail);
  }

  /** Runs events until a stop condition; resolves between two events (microtasks drained). */
  run(options: RunOptions = {}): Promise<RunOutcome> {
    if (this.running) return Promise.reject(new Error('the simulation is already running'));
    this.running = true;
    const deadline = options.deadlineMs ?? Number.POSITIVE_INFINITY;
    const maxEvents = options.maxEvents ?? Number.POSITIVE_INFINITY;
    const startCount = this.eventCount;
    return new Promise<RunOutcome>((resolve, reject) => {
      let finished = false;
      // An unhandled rejection kills the process whose event it came from, as in Node; for the
      // length of the run it is ours alone to handle (the test runner's listeners are put back).
      const others = process.listeners('unhandledRejection');
      process.removeAllListeners('unhandledRejection');
      const onRejection = (reason: unknown) => {
        if (this.current) this.current.fail(reason);
        else this.kernelFailure ??= reason instanceof Error ? reason : new Error(String(reason));
      };
      process.on('unhandledRejection', onRejection);
      const finish = (reason: StopReason | Error) => {
        finished = true;
        this.running = false;
        this.current = undefined;
        process.off('unhandledRejection', onRejection);
        for (const listener of others) process.on('unhandledRejection', listener);
        if (reason instanceof Error) reject(reason);
        else resolve({ reason, now: this.clock, events: this.eventCount, traceHash: this.trace.hash });
      };
      const step = () => {
        if (finished) return;
        if (this.kernelFailure) return finish(this.kernelFailure);
        if (options.until?.()) return finish('until');
        if (this.eventCount - startCount >= maxEvents) return finish('max-events');
        const event = this.nextEvent();
        if (event === undefined) return finish('quiescent');
        if (event.time > deadline) {
          this.queue.push(event);
          this.clock = Math.max(this.clock, deadline);
          return finish('deadline');
        }
        this.clock = event.time;
        if (event.owner?.state === 'paused') {
          event.owner.hold(event);
          return;
        }
        this.eventCount++;
        this.current = event.owner;
        this.trace.record(event.time, event.owner?.id ?? 'kernel', event.kind, event.detail);
        try {
          event.fn();
        } catch (err) {
          if (event.owner) event.owner.fail(err);
          else finish(err instanceof Error ? err : new Error(String(err)));
        }
      };
      const turn = () => {
        if (finished) return;
        for (let i = 0; i < EVENTS_PER_TURN; i++) setImmediate(step);
        setImmediate(turn);
      };
      turn();
    });
  }

  /** The earliest event still worth running (cancelled ones and those of dead owners are dropped). */
  private nextEvent(): SimEvent | undefined {
    for (;;) {
      const event = this.queue.pop();
      if (event === undefined) return undefined;
      if (event.cancelled || event.owner?.state === 'dead') continue;
      return event;
    }
  }
}
