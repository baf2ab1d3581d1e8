/**
 * Faults as small objects with a static factory, fired by a run now or when a trigger fires:
 *
 *   await run.fire(Faults.crash('server', 2000));          // SIGKILL, 2 s down, start again
 *   await run.fireWhen(Triggers.afterEvents({ source: 'server', action: 'apuesta_recibida' }, 10), Faults.partition('client2', 5000));
 *
 * A target is a service name (`server`, `client2`), `clients` (every client) or `all`.
 * Every fault records a `fault` entry in the run's timeline and, once undone, a `heal` entry
 * with the same `faultId`. Faults with a duration heal themselves; `sigterm` and `sigkill` stay
 * open until `Faults.start` on the same target heals them.
 */
import type { FaultTargetHandle } from './fault-target.js';
import type { EventFilter, Timeline } from '../run/timeline.js';
import type { ShapedContainer, Shaping } from './net-shaper.js';

export type { ShapedContainer, Shaping } from './net-shaper.js';
export type { FaultTargetHandle } from './fault-target.js';

export type FaultTarget = string;

/** What a fault needs from a run. */
export interface FaultContext {
  /** Handles of the target's containers, in plan order. */
  resolve(target: FaultTarget): FaultTargetHandle[];
  readonly timeline: Timeline;
  /** Runs a helper in the target's network namespace that applies `shaping` until healed. */
  shapeNetwork(target: FaultTargetHandle, shaping: Shaping): Promise<ShapedContainer>;
}

export interface FaultOutcome {
  readonly fault: string;
  /** Exit code per service, for faults that stop containers. */
  readonly exitCodes: Readonly<Record<string, number>>;
  readonly faultId: number;
}

export interface Fault {
  readonly description: string;
  readonly target: FaultTarget;
  /** Injects the fault; a fault with a duration holds it, then heals it, before resolving. */
  apply(ctx: FaultContext): Promise<FaultOutcome>;
}

/** Default grace period for SIGTERM: long enough for a graceful stop, as `docker stop` gives. */
export const DEFAULT_GRACE_SECONDS = 10;

export class FaultError extends Error {
  override readonly name = 'FaultError';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function record(ctx: FaultContext, kind: 'fault' | 'heal', faultId: number, text: string, handles: readonly FaultTargetHandle[]): void {
  const targets = handles.map((h) => h.service);
  ctx.timeline.add({ at: Date.now(), source: 'harness', kind, text: `${text} → ${targets.join(', ')}`, event: undefined, faultId, targets });
}

function nextFaultId(timeline: Timeline): number {
  return timeline.select({ kind: 'fault' }).length + 1;
}

/** The latest fault on `service` that has no heal yet. */
function openFaultOn(timeline: Timeline, service: string): number | undefined {
  const healed = new Set(timeline.select({ kind: 'heal' }).map((e) => e.faultId));
  const open = timeline.select({ kind: 'fault', where: (e) => e.targets?.includes(service) === true && !healed.has(e.faultId) });
  return open[open.length - 1]?.faultId;
}

interface Steps {
  /** Injects the fault on one container; may return its exit code. */
  readonly inject: (h: FaultTargetHandle, ctx: FaultContext) => Promise<number | undefined>;
  /** Undoes it; none: the fault stays open (a later `Faults.start` heals it). */
  readonly heal?: (h: FaultTargetHandle, ctx: FaultContext) => Promise<void>;
  /** How long the fault is held before its heal. */
  readonly holdMs?: number;
}

class StepFault implements Fault {
  constructor(
    readonly description: string,
    readonly target: FaultTarget,
    private readonly steps: Steps,
  ) {}

  async apply(ctx: FaultContext): Promise<FaultOutcome> {
    const handles = ctx.resolve(this.target);
    const faultId = nextFaultId(ctx.timeline);
    record(ctx, 'fault', faultId, this.description, handles);
    let codes: (readonly [string, number | undefined])[];
    try {
      codes = await Promise.all(handles.map(async (h) => [h.service, await this.steps.inject(h, ctx)] as const));
    } catch (err) {
      // Closes the fault's span in the timeline (and the report) with what went wrong.
      record(ctx, 'heal', faultId, `not applied (${(err as Error).message}): ${this.description}`, handles);
      throw err;
    }
    const exitCodes: Record<string, number> = {};
    for (const [service, code] of codes) if (code !== undefined) exitCodes[service] = code;
    const heal = this.steps.heal;
    if (heal) {
      if (this.steps.holdMs) await sleep(this.steps.holdMs);
      await Promise.all(handles.map((h) => heal(h, ctx)));
      record(ctx, 'heal', faultId, `healed: ${this.description}`, handles);
    }
    return { fault: this.description, exitCodes, faultId };
  }
}

/** Starts stopped targets again and heals the fault that stopped each of them. */
class StartFault implements Fault {
  readonly description: string;
  constructor(readonly target: FaultTarget) {
    this.description = `start ${target}`;
  }

  async apply(ctx: FaultContext): Promise<FaultOutcome> {
    const handles = ctx.resolve(this.target);
    await Promise.all(handles.map((h) => h.startAgain()));
    let faultId = 0;
    for (const h of handles) {
      const open = openFaultOn(ctx.timeline, h.service);
      if (open !== undefined) record(ctx, 'heal', (faultId = open), `healed: ${this.description}`, [h]);
    }
    return { fault: this.description, exitCodes: {}, faultId };
  }
}

function requirePositive(what: string, ms: number): void {
  if (!Number.isFinite(ms) || ms <= 0) throw new FaultError(`${what}: the duration must be > 0 ms, got ${ms}`);
}

export class Faults {
  /** SIGTERM with a real grace period (docker stop): SIGKILL only if it has not exited by then. Healed by `start`. */
  static sigterm(target: FaultTarget, graceSeconds = DEFAULT_GRACE_SECONDS): Fault {
    return new StepFault(`SIGTERM ${target} (grace ${graceSeconds} s)`, target, { inject: (h) => h.stop(graceSeconds) });
  }

  /** SIGKILL: no chance to clean up (a crash). Healed by `start`. */
  static sigkill(target: FaultTarget): Fault {
    return new StepFault(`SIGKILL ${target}`, target, {
      inject: async (h) => {
        await h.kill('SIGKILL');
        return h.waitForExit(30_000);
      },
    });
  }

  /** Starts a stopped target again (after `sigterm` or `sigkill`), with the same volumes. */
  static start(target: FaultTarget): Fault {
    return new StartFault(target);
  }

  /** SIGTERM (graceful, with a grace period), down for `downMs`, then started again. */
  static restart(target: FaultTarget, downMs = 0, graceSeconds = DEFAULT_GRACE_SECONDS): Fault {
    return new StepFault(`restart ${target} (SIGTERM, down ${downMs} ms)`, target, {
      inject: (h) => h.stop(graceSeconds),
      heal: (h) => h.startAgain(),
      holdMs: downMs,
    });
  }

  /** SIGKILL, down for `downMs`, then started again: a crash and a restart. */
  static crash(target: FaultTarget, downMs = 0): Fault {
    return new StepFault(`crash ${target} (SIGKILL, down ${downMs} ms)`, target, {
      inject: async (h) => {
        await h.kill('SIGKILL');
        return h.waitForExit(30_000);
      },
      heal: (h) => h.startAgain(),
      holdMs: downMs,
    });
  }

  /** Freezes the target (docker pause) for `ms`, then lets it go on. */
  static pause(target: FaultTarget, ms: number): Fault {
    requirePositive('pause', ms);
    return new StepFault(`pause ${target} for ${ms} ms`, target, { inject: pauseIt, heal: (h) => h.unpause(), holdMs: ms });
  }

  /** Takes the target off the run's network for `ms`, then puts it back with its alias. */
  static partition(target: FaultTarget, ms: number): Fault {
    requirePositive('partition', ms);
    return new StepFault(`partition ${target} for ${ms} ms`, target, { inject: disconnectIt, heal: (h) => h.reconnect(), holdMs: ms });
  }

  /** Drops each packet to and from the target with probability `p` for `ms` (iptables statistic). */
  static loss(target: FaultTarget, p: number, ms: number): Fault {
    requirePositive('loss', ms);
    return Faults.shaped(`${Math.round(p * 1000) / 10} % packet loss on ${target} for ${ms} ms`, target, { type: 'loss', probability: p }, ms);
  }

  /** Limits the target's outgoing traffic to `rate` (tc tbf, e.g. `1mbit`) for `ms`. */
  static bandwidth(target: FaultTarget, rate: string, ms: number): Fault {
    requirePositive('bandwidth', ms);
    return Faults.shaped(`bandwidth ${rate} on ${target} for ${ms} ms`, target, { type: 'bandwidth', rate }, ms);
  }

  private static shaped(description: string, target: FaultTarget, shaping: Shaping, ms: number): Fault {
    const helpers = new Map<string, ShapedContainer>();
    return new StepFault(description, target, {
      inject: async (h, ctx) => {
        helpers.set(h.service, await ctx.shapeNetwork(h, shaping));
        return undefined;
      },
      heal: async (h) => {
        await helpers.get(h.service)?.heal();
        helpers.delete(h.service);
      },
      holdMs: ms,
    });
  }
}

async function pauseIt(h: FaultTargetHandle): Promise<undefined> {
  await h.pause();
  return undefined;
}

async function disconnectIt(h: FaultTargetHandle): Promise<undefined> {
  await h.disconnect();
  return undefined;
}

/** When to fire a fault. */
export interface Trigger {
  readonly description: string;
  wait(timeline: Timeline): Promise<void>;
}

export class Triggers {
  /** Once `count` timeline entries match (e.g. the server's 10th `apuesta_recibida`). */
  static afterEvents(filter: EventFilter, count = 1, timeoutMs = 120_000): Trigger {
    return {
      description: `after ${count}× ${filter.source ?? ''} ${filter.action ?? ''}`.replace(/\s+/g, ' ').trim(),
      wait: async (timeline) => {
        await timeline.waitFor(filter, count, timeoutMs);
      },
    };
  }

  /** Once every one of `sources` has `count` entries matching `filter` (e.g. every client sent 2 batches). */
  static afterEach(sources: readonly string[], filter: Omit<EventFilter, 'source'>, count = 1, timeoutMs = 120_000): Trigger {
    return {
      description: `after ${count}× ${filter.action ?? 'entries'} from each of ${sources.join(', ')}`,
      wait: async (timeline) => {
        await Promise.all(sources.map((source) => timeline.waitFor({ ...filter, source }, count, timeoutMs)));
      },
    };
  }

  /** After `ms` milliseconds. */
  static afterMs(ms: number): Trigger {
    return { description: `after ${ms} ms`, wait: () => new Promise((r) => setTimeout(r, ms)) };
  }
}
