import { describe, expect, it } from 'vitest';
import { nemesisSeed } from './run-nemesis.js';

describe('nemesisSeed', () => {
  it('is undefined without the nemesis', () => {
    expect(nemesisSeed({ nemesis: false, seed: undefined }, () => 5)).toBeUndefined();
  });

  it('keeps a given seed, 0 included', () => {
    expect(nemesisSeed({ nemesis: true, seed: 42 }, () => 5)).toBe(42);
    expect(nemesisSeed({ nemesis: true, seed: 0 }, () => 5)).toBe(0);
  });

  it('draws a fresh one otherwise, a whole number from 0 to 4294967295', () => {
    expect(nemesisSeed({ nemesis: true, seed: undefined }, () => 1234)).toBe(1234);
    for (let i = 0; i < 50; i++) {
      const seed = nemesisSeed({ nemesis: true, seed: undefined });
      expect(Number.isInteger(seed)).toBe(true);
      expect(seed).toBeGreaterThanOrEqual(0);
      expect(seed).toBeLessThanOrEqual(0xffff_ffff);
    }
  });
});
