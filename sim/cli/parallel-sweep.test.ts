/**
 * A sweep spread over child processes counts the same as the sweep in this process: the same
 * runs, events, faults and distinct trace hashes (each seed's run is the same wherever it runs),
 * whatever order the outcomes came back in; failures come out in seed order.
 */
import { describe, expect, it } from 'vitest';
import { parallelSweep } from './parallel-sweep.js';
import { type SeedOutcome, sweep, SweepTally } from './sweep.js';

const SHAPE = { agencies: 3, bets: 40, faults: 4 };

const figures = (s: Awaited<ReturnType<typeof sweep>>) => ({
  runs: s.runs,
  events: s.events,
  fired: s.faultsFired,
  skipped: s.faultsSkipped,
  excused: s.excusedDraws,
  schedules: s.distinctSchedules,
  traces: s.distinctTraces,
  failures: s.failures.map((f) => f.spec.seed),
});

describe('a sweep in worker processes', () => {
  it('gives the figures of the same sweep in this process', async () => {
    const o = { ...SHAPE, from: 21, seeds: 25 };
    const alone = await sweep(o);
    const split = await parallelSweep(o, 2);
    expect(split.workers).toBe(2);
    expect(alone.workers).toBe(0);
    expect(figures(split)).toEqual(figures(alone));
    expect(alone.runs).toBe(25);
    expect(alone.distinctTraces).toBe(25);
  }, 120_000);

  it('brings back every failing seed with what it broke, in seed order', async () => {
    // No agency at all: the server never hears that every agency was done, so no draw (a real failure of the run).
    const seen: number[] = [];
    const s = await parallelSweep({ agencies: 0, bets: 5, faults: 2, from: 1, seeds: 14, onFailure: (r) => seen.push(r.spec.seed) }, 2);
    expect(s.failures.map((f) => f.spec.seed)).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
    expect(s.failures.every((f) => f.violations.some((v) => v.invariant === 'draw'))).toBe(true);
    expect([...seen].sort((a, b) => a - b)).toEqual(s.failures.map((f) => f.spec.seed));
    expect(s.failures[0]?.spec).toMatchObject({ seed: 1, agencies: 0, bets: 5 });
  }, 120_000);

  it('keeps failures in seed order, each reported as it comes', () => {
    const seen: number[] = [];
    const tally = new SweepTally({ from: 1, seeds: 3, onFailure: (r) => seen.push(r.spec.seed) });
    const outcome = (seed: number, failed: boolean): SeedOutcome => ({
      spec: { seed, agencies: 1, bets: 1, faults: [] },
      schedule: '',
      traceHash: `h${seed}`,
      violations: failed ? [{ invariant: 'draw', detail: 'twice' }] : [],
      fired: 0,
      skipped: 0,
      excused: 0,
      events: 1,
    });
    for (const [seed, failed] of [[3, true], [1, true], [2, false]] as const) tally.add(outcome(seed, failed));
    const s = tally.summary(2, 0);
    expect(seen).toEqual([3, 1]);
    expect(s.failures.map((f) => f.spec.seed)).toEqual([1, 3]);
    expect([s.runs, s.distinctTraces, s.events]).toEqual([3, 3, 3]);
  });
});
