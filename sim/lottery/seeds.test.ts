/**
 * A fixed slice of seeds, one test each, so that a failing seed is named (and so that mutation
 * testing, which runs this suite, stops at the first seed that kills a mutant). The CI slice of
 * `npm test` (500 seeds, scripts/test.sh) runs through the CLI; this one is its first seeds.
 */
import { describe, expect, it } from 'vitest';
import { runLottery, specFromSeed } from './lottery-run.js';
import { describeSchedule } from './schedule.js';

const SEEDS = Array.from({ length: Number(process.env.SIM_TEST_SEEDS ?? 40) }, (_, i) => i + 1);

describe('seeded runs of the real system, 5 agencies × 200 bets, 4 faults each', () => {
  it.each(SEEDS)('seed %i holds every invariant', async (seed) => {
    const spec = specFromSeed(seed);
    const r = await runLottery(spec);
    expect(r.violations, `seed ${seed}: ${describeSchedule(spec.faults)}`).toEqual([]);
  });

  it.each([1, 2, 3])('seed %i without faults holds every invariant, every bet acknowledged and stored once', async (seed) => {
    const r = await runLottery({ ...specFromSeed(seed), faults: [] });
    expect(r.violations).toEqual([]);
    expect([r.check.acknowledged, r.check.stored]).toEqual([1000, 1000]);
  });
});
