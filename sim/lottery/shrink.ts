/**
 * Shrinking a failing run: a greedy search for a smaller spec (fewer faults, fewer agencies,
 * fewer bets, shorter holds) that still breaks the same invariant, keeping the seed. Each try
 * is a whole run; the search stops when no cut keeps it failing, or after `budget` runs. A
 * smaller spec changes the interleaving (the tie-breaking stream is consumed differently), so
 * the result is "a short schedule that fails the same way", not the same run made smaller.
 */
import { type LotteryRunResult, type LotteryRunSpec, runLottery } from './lottery-run.js';
import type { PlannedFault } from './schedule.js';

export interface ShrinkOutcome {
  readonly spec: LotteryRunSpec;
  readonly result: LotteryRunResult;
  /** Runs tried (each a whole simulated run). */
  readonly runs: number;
  readonly wallMs: number;
}

export type RunFn = (spec: LotteryRunSpec) => Promise<LotteryRunResult>;

const BET_STEPS = [1, 2, 3, 5, 10, 20, 50, 100, 150];

function withAgencies(spec: LotteryRunSpec, agencies: number): LotteryRunSpec {
  const exists = (f: PlannedFault) => f.target === 'server' || Number(f.target.slice('client'.length)) <= agencies;
  return { ...spec, agencies, faults: spec.faults.filter(exists) };
}

/** Smaller specs to try from `spec`, most promising (biggest cut) first. */
function* candidates(spec: LotteryRunSpec): Generator<LotteryRunSpec> {
  for (let i = 0; i < spec.faults.length; i++) yield { ...spec, faults: spec.faults.filter((_, j) => j !== i) };
  for (let a = 1; a < spec.agencies; a++) yield withAgencies(spec, a);
  for (const b of BET_STEPS) if (b < spec.bets) yield { ...spec, bets: b };
  for (let i = 0; i < spec.faults.length; i++) {
    const f = spec.faults[i] as PlannedFault;
    if (f.holdMs > 1) yield { ...spec, faults: spec.faults.map((g, j) => (j === i ? { ...g, holdMs: Math.floor(g.holdMs / 2) } : g)) };
  }
}

export async function shrink(failing: LotteryRunResult, invariant: string, options: { budget?: number; run?: RunFn } = {}): Promise<ShrinkOutcome> {
  const run = options.run ?? ((s: LotteryRunSpec) => runLottery(s));
  const budget = options.budget ?? 200;
  const started = performance.now();
  let best = failing;
  let runs = 0;
  let progress = true;
  while (progress && runs < budget) {
    progress = false;
    for (const spec of candidates(best.spec)) {
      if (runs >= budget) break;
      runs++;
      const result = await run(spec);
      if (result.violations.some((v) => v.invariant === invariant)) {
        best = result;
        progress = true;
        break;
      }
    }
  }
  return { spec: best.spec, result: best, runs, wallMs: performance.now() - started };
}
