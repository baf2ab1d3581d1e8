/**
 * Faults as small objects with a static factory, fired by a run now or when a trigger fires:
 *
 *   await run.fire(Faults.sigterm('server'));
 *   await run.fireWhen(Triggers.afterEvents({ source: 'server', action: 'apuesta_recibida' }, 10), Faults.sigkill('client2'));
 *
 * A target is a service name (`server`, `client2`), `clients` (every client) or `all`.
 */
import type { ContainerHandle } from '../run/container-handle.js';
import type { EventFilter, Timeline } from '../run/timeline.js';

export type FaultTarget = string;

/** What a fault needs from a run. */
export interface FaultContext {
  /** Handles of the target's containers, in plan order. */
  resolve(target: FaultTarget): ContainerHandle[];
  readonly timeline: Timeline;
}

export interface FaultOutcome {
  readonly fault: string;
  /** Exit code per service, for faults that stop containers. */
  readonly exitCodes: Readonly<Record<string, number>>;
}

export interface Fault {
  readonly description: string;
  apply(ctx: FaultContext): Promise<FaultOutcome>;
}

/** Default grace period for SIGTERM: long enough for a graceful stop, as `docker stop` gives. */
export const DEFAULT_GRACE_SECONDS = 10;

async function eachTarget(
  ctx: FaultContext,
  target: FaultTarget,
  description: string,
  act: (h: ContainerHandle) => Promise<number | undefined>,
): Promise<FaultOutcome> {
  const handles = ctx.resolve(target);
  ctx.timeline.add({ at: Date.now(), source: 'harness', kind: 'fault', text: `${description} → ${handles.map((h) => h.service).join(', ')}`, event: undefined });
  const codes = await Promise.all(handles.map(async (h) => [h.service, await act(h)] as const));
  const exitCodes: Record<string, number> = {};
  for (const [service, code] of codes) if (code !== undefined) exitCodes[service] = code;
  return { fault: description, exitCodes };
}

class SimpleFault implements Fault {
  constructor(
    readonly description: string,
    private readonly target: FaultTarget,
    private readonly act: (h: ContainerHandle) => Promise<number | undefined>,
  ) {}

  apply(ctx: FaultContext): Promise<FaultOutcome> {
    return eachTarget(ctx, this.target, this.description, this.act);
  }
}

export class Faults {
  /** SIGTERM with a real grace period (docker stop): SIGKILL only if it has not exited by then. */
  static sigterm(target: FaultTarget, graceSeconds = DEFAULT_GRACE_SECONDS): Fault {
    return new SimpleFault(`SIGTERM ${target} (grace ${graceSeconds} s)`, target, (h) => h.stop(graceSeconds));
  }

  /** SIGKILL: no chance to clean up (a crash). */
  static sigkill(target: FaultTarget): Fault {
    return new SimpleFault(`SIGKILL ${target}`, target, async (h) => {
      await h.kill('SIGKILL');
      return h.waitForExit(30_000);
    });
  }

  /** SIGTERM (graceful, with a grace period), then start the same container again. */
  static restart(target: FaultTarget, graceSeconds = DEFAULT_GRACE_SECONDS): Fault {
    return new SimpleFault(`restart ${target}`, target, (h) => h.restart(graceSeconds));
  }

  /** Starts a stopped target again (after a SIGTERM or SIGKILL fault). */
  static start(target: FaultTarget): Fault {
    return new SimpleFault(`start ${target}`, target, async (h) => {
      await h.startAgain();
      return undefined;
    });
  }

  /** SIGKILL, then start the same container again (a crash and a restart). */
  static crashAndRestart(target: FaultTarget): Fault {
    return new SimpleFault(`crash and restart ${target}`, target, async (h) => {
      await h.kill('SIGKILL');
      const code = await h.waitForExit(30_000);
      await h.startAgain();
      return code;
    });
  }

  /** Freezes the target (docker pause) for `ms`, then lets it go on. */
  static pause(target: FaultTarget, ms: number): Fault {
    return new SimpleFault(`pause ${target} for ${ms} ms`, target, async (h) => {
      await h.pause();
      await new Promise((r) => setTimeout(r, ms));
      await h.unpause();
      return undefined;
    });
  }

  /** Takes the target off the run's network for `ms`, then puts it back (same alias). */
  static disconnect(target: FaultTarget, ms: number): Fault {
    return new SimpleFault(`disconnect ${target} for ${ms} ms`, target, async (h) => {
      await h.disconnect();
      await new Promise((r) => setTimeout(r, ms));
      await h.reconnect();
      return undefined;
    });
  }
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
