import { describe, expect, it } from 'vitest';
import { Timeline } from '../run/timeline.js';
import type { FaultContext } from './faults.js';
import { Nemesis, NemesisError } from './nemesis.js';

const targets = ['server', 'client1', 'client2', 'client3'];

describe('Nemesis.fromSeed', () => {
  it('derives the same schedule from the same seed, and another from another seed', () => {
    const a = Nemesis.fromSeed({ seed: 42, targets });
    const b = Nemesis.fromSeed({ seed: 42, targets });
    const c = Nemesis.fromSeed({ seed: 43, targets });
    expect(a.describe()).toBe(b.describe());
    expect(a.describe()).not.toBe(c.describe());
    expect(a.plan).toHaveLength(6);
    expect(a.describe().split('\n')[0]).toBe('nemesis seed 42: 6 faults');
  });

  it('plans faults one after another: each starts after the previous one is held and healed', () => {
    const n = Nemesis.fromSeed({ seed: 7, faults: 20, targets, holdMs: [1000, 2000], gapMs: [100, 200] });
    n.plan.forEach((p, i) => {
      expect(targets).toContain(p.target);
      expect(p.holdMs).toBeGreaterThanOrEqual(1000);
      expect(p.holdMs).toBeLessThanOrEqual(2000);
      const prev = n.plan[i - 1];
      if (prev) expect(p.atMs).toBeGreaterThanOrEqual(prev.atMs + prev.holdMs + 100);
    });
    expect(new Set(n.plan.map((p) => p.kind)).size).toBeGreaterThan(2);
  });

  it('only uses the kinds it is given', () => {
    const n = Nemesis.fromSeed({ seed: 1, faults: 10, targets, kinds: ['pause'] });
    expect(n.plan.every((p) => p.kind === 'pause' && p.fault.description.startsWith('pause '))).toBe(true);
  });

  it('rejects a bad seed, no targets, no kinds', () => {
    expect(() => Nemesis.fromSeed({ seed: -1, targets })).toThrow(NemesisError);
    expect(() => Nemesis.fromSeed({ seed: 1.5, targets })).toThrow(/whole number/);
    expect(() => Nemesis.fromSeed({ seed: 1, targets: [] })).toThrow(/target/);
    expect(() => Nemesis.fromSeed({ seed: 1, targets, kinds: [] })).toThrow(/kind/);
  });
});

describe('Nemesis.run', () => {
  it('skips a target that is not running and notes it in the timeline', async () => {
    const timeline = new Timeline();
    const ctx: FaultContext = {
      timeline,
      resolve: () => {
        throw new Error('a skipped fault must not touch its target');
      },
      shapeNetwork: () => Promise.reject(new Error('unused')),
    };
    const n = Nemesis.fromSeed({ seed: 3, faults: 2, targets: ['client1'], firstMs: [0, 0], gapMs: [0, 0], holdMs: [1, 1] });
    const outcomes = await n.run(ctx, async () => false);
    expect(outcomes.map((o) => o.outcome)).toEqual([undefined, undefined]);
    expect(timeline.select({ kind: 'note' }).map((e) => e.text)).toEqual(n.plan.map((p) => `nemesis skipped "${p.fault.description}": client1 is not running`));
  });
});
