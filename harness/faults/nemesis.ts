/**
 * A seeded fault schedule (Jepsen's "nemesis"): which faults, when, on whom, all derived from one
 * seed, so that a failing run is replayed with the same seed (`run.mjs --seed N`).
 *
 *   const nemesis = Nemesis.fromSeed({ seed: 42, faults: 6, targets: ['server', 'client1', 'client2'] });
 *   console.log(nemesis.describe());
 *   await nemesis.run(run);        // every fault is healed when this resolves
 *
 * Faults run one after another: each is healed before the next starts (at its planned time or
 * right after the previous heal, whichever is later). A target that is no longer running (a
 * client that finished) is skipped, and the skip is noted in the timeline.
 */
import { Rng } from '../../testbed/dataset/rng.js';
import { type Fault, type FaultContext, type FaultOutcome, Faults } from './faults.js';

export const NEMESIS_KINDS = ['crash', 'restart', 'partition', 'pause', 'loss'] as const;
export type NemesisKind = (typeof NEMESIS_KINDS)[number];

export interface NemesisOptions {
  readonly seed: number;
  /** How many faults (default 6). */
  readonly faults?: number;
  /** Services that may be hit (`server`, `client1`, …). */
  readonly targets: readonly string[];
  readonly kinds?: readonly NemesisKind[];
  /** When the first fault may come, from run(): [min, max] ms. */
  readonly firstMs?: readonly [number, number];
  /** Pause between a heal and the next fault: [min, max] ms. */
  readonly gapMs?: readonly [number, number];
  /** How long a fault is held: [min, max] ms. */
  readonly holdMs?: readonly [number, number];
  /** Probability of each packet being dropped by a `loss` fault. */
  readonly lossProbability?: number;
}

export interface PlannedFault {
  /** Planned start, ms after run() began (later if the previous fault is still being healed). */
  readonly atMs: number;
  readonly kind: NemesisKind;
  readonly target: string;
  readonly holdMs: number;
  readonly fault: Fault;
}

export interface NemesisOutcome {
  readonly planned: PlannedFault;
  /** Undefined when the fault was skipped (its target had stopped). */
  readonly outcome: FaultOutcome | undefined;
  readonly startedMs: number;
  readonly endedMs: number;
}

export class NemesisError extends Error {
  override readonly name = 'NemesisError';
}

function between(rng: Rng, [min, max]: readonly [number, number]): number {
  return min + rng.int(max - min + 1);
}

function faultOf(kind: NemesisKind, target: string, holdMs: number, lossProbability: number): Fault {
  switch (kind) {
    case 'crash':
      return Faults.crash(target, holdMs);
    case 'restart':
      return Faults.restart(target, holdMs);
    case 'partition':
      return Faults.partition(target, holdMs);
    case 'pause':
      return Faults.pause(target, holdMs);
    case 'loss':
      return Faults.loss(target, lossProbability, holdMs);
  }
}

export class Nemesis {
  private constructor(
    readonly seed: number,
    readonly plan: readonly PlannedFault[],
  ) {}

  static fromSeed(options: NemesisOptions): Nemesis {
    const { seed, targets, faults = 6, kinds = NEMESIS_KINDS, firstMs = [300, 1000], gapMs = [200, 1000], holdMs = [800, 2500], lossProbability = 0.1 } = options;
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) throw new NemesisError(`the seed must be a whole number from 0 to 4294967295, got ${seed}`);
    if (targets.length === 0) throw new NemesisError('the nemesis needs at least one target');
    if (kinds.length === 0) throw new NemesisError('the nemesis needs at least one kind of fault');
    if (!Number.isInteger(faults) || faults < 1) throw new NemesisError(`faults must be a whole number >= 1, got ${faults}`);
    const rng = new Rng(seed, 0x4e454d);
    const plan: PlannedFault[] = [];
    let at = between(rng, firstMs);
    for (let i = 0; i < faults; i++) {
      const kind = rng.pick(kinds);
      const target = rng.pick(targets);
      const hold = between(rng, holdMs);
      plan.push({ atMs: at, kind, target, holdMs: hold, fault: faultOf(kind, target, hold, lossProbability) });
      at += hold + between(rng, gapMs);
    }
    return new Nemesis(seed, plan);
  }

  /** The schedule, one line per fault: `+1.2 s  crash server (SIGKILL, down 1500 ms)`. */
  describe(): string {
    return [`nemesis seed ${this.seed}: ${this.plan.length} faults`, ...this.plan.map((p) => `  +${(p.atMs / 1000).toFixed(1)} s  ${p.fault.description}`)].join('\n');
  }

  /**
   * Fires the plan against `ctx`; resolves once every fault has been healed. `isRunning` says
   * whether a target can still be hit (a finished client cannot be crashed).
   */
  async run(ctx: FaultContext, isRunning: (service: string) => Promise<boolean>): Promise<NemesisOutcome[]> {
    const start = Date.now();
    const outcomes: NemesisOutcome[] = [];
    for (const planned of this.plan) {
      const wait = start + planned.atMs - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const startedMs = Date.now() - start;
      if (!(await isRunning(planned.target))) {
        ctx.timeline.add({ at: Date.now(), source: 'harness', kind: 'note', text: `nemesis skipped "${planned.fault.description}": ${planned.target} is not running`, event: undefined });
        outcomes.push({ planned, outcome: undefined, startedMs, endedMs: startedMs });
        continue;
      }
      const outcome = await planned.fault.apply(ctx);
      outcomes.push({ planned, outcome, startedMs, endedMs: Date.now() - start });
    }
    return outcomes;
  }
}
