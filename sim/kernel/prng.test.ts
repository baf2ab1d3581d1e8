import { describe, expect, it } from 'vitest';
import { Prng } from './prng.js';

describe('the PRNG', () => {
  it('is a function of its seed and label; derived streams are independent of the parent\'s draws', () => {
    const draws = (p: Prng) => Array.from({ length: 5 }, () => p.u32());
    expect(draws(new Prng(42))).toEqual(draws(new Prng(42)));
    expect(draws(new Prng(42))).not.toEqual(draws(new Prng(43)));
    const parent = new Prng(42);
    const before = draws(parent.derive('network'));
    draws(parent);
    expect(draws(parent.derive('network'))).toEqual(before);
    expect(draws(parent.derive('disk'))).not.toEqual(before);
    expect(draws(new Prng(2 ** 40 + 1))).not.toEqual(draws(new Prng(1)));
  });

  it('draws uniformly enough: ints cover their range, floats stay in [0, 1)', () => {
    const p = new Prng(7);
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) counts[p.int(10)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    for (let i = 0; i < 10_000; i++) {
      const x = p.next();
      expect(x >= 0 && x < 1).toBe(true);
    }
    expect(new Set(Array.from({ length: 1000 }, () => p.between(3, 5)))).toEqual(new Set([3, 4, 5]));
  });
});
