import { describe, expect, it } from 'vitest';
import type { LotteryRunResult, LotteryRunSpec } from './lottery-run.js';
import { parseSchedule } from './schedule.js';
import { shrink } from './shrink.js';

/** A stand-in run that fails `draw` while a server crash of at least 100 ms and 3 bets are in the spec. */
function fakeRun(spec: LotteryRunSpec): Promise<LotteryRunResult> {
  const fails = spec.bets >= 3 && spec.faults.some((f) => f.kind === 'crash' && f.target === 'server' && f.holdMs >= 100);
  const other = spec.faults.some((f) => f.kind === 'pause');
  const violations = [...(fails ? [{ invariant: 'draw', detail: '2 draws' }] : []), ...(other ? [{ invariant: 'lost', detail: 'x' }] : [])];
  return Promise.resolve({ spec, violations } as unknown as LotteryRunResult);
}

describe('the shrinker', () => {
  it('cuts faults, agencies, bets and holds while the same invariant still breaks', async () => {
    const spec: LotteryRunSpec = { seed: 1, agencies: 5, bets: 200, faults: parseSchedule('pause client2 @5+100; crash server @40+900; partition client3 stall @60+2000; kill client1 @90+10') };
    const outcome = await shrink(await fakeRun(spec), 'draw', { run: fakeRun });
    expect(outcome.spec).toEqual({ seed: 1, agencies: 1, bets: 3, faults: parseSchedule('crash server @40+112') });
    expect(outcome.runs).toBeGreaterThan(5);
  });

  it('stops at its budget', async () => {
    const spec: LotteryRunSpec = { seed: 1, agencies: 5, bets: 200, faults: parseSchedule('crash server @40+900') };
    expect((await shrink(await fakeRun(spec), 'draw', { run: fakeRun, budget: 3 })).runs).toBe(3);
  });
});
