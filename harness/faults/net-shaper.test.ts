/** The shaping checks and the helper's arguments: plain functions, no engine. */
import { describe, expect, it } from 'vitest';
import { parseRate, shaperArguments, ShapingError, validateShaping } from './net-shaper.js';

describe('shaping checks', () => {
  it('parses tc rates and rejects what tc would not take', () => {
    expect(parseRate('1mbit')).toBe(1e6);
    expect(parseRate('512kbit')).toBe(512e3);
    expect(parseRate('2mbps')).toBe(16e6);
    expect(parseRate('1.5mibit')).toBe(1.5 * 1024 * 1024);
    for (const bad of ['', '1', 'mbit', '1 mbit', '1MBIT', '-1mbit', '1mbits', '1e6bit', '1kbit', '200gbit']) {
      expect(() => parseRate(bad), bad).toThrow(ShapingError);
    }
  });

  it('accepts a probability strictly between 0 and 1 only', () => {
    for (const p of [0, 1, -0.1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => validateShaping({ type: 'loss', probability: p }), String(p)).toThrow(/loss probability must be > 0 and < 1/);
    }
    expect(() => validateShaping({ type: 'loss', probability: 0.3 })).not.toThrow();
  });

  it('gives the helper its arguments, with a burst of at least 32 KiB', () => {
    expect(shaperArguments({ type: 'loss', probability: 0.3 })).toEqual(['loss', '0.3']);
    expect(shaperArguments({ type: 'bandwidth', rate: '1mbit' })).toEqual(['bandwidth', '1mbit', '32768', '100ms']);
    expect(shaperArguments({ type: 'bandwidth', rate: '1gbit' })).toEqual(['bandwidth', '1gbit', '2500000', '100ms']);
  });
});
