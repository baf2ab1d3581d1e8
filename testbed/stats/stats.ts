/**
 * Figures for benchmarks and reports: medians, formatting, and the extremes of long lists.
 * `Math.max(...list)` passes every element as an argument and throws a RangeError once a list
 * holds more than about 125,000 numbers (a 20x run logs that many batches): use maxOf/minOf.
 */

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function fmt(n: number, digits = 1): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** The largest value, undefined for none; any number of values. */
export function maxOf(values: Iterable<number>): number | undefined {
  let max: number | undefined;
  for (const v of values) if (max === undefined || v > max) max = v;
  return max;
}

/** The smallest value, undefined for none; any number of values. */
export function minOf(values: Iterable<number>): number | undefined {
  let min: number | undefined;
  for (const v of values) if (min === undefined || v < min) min = v;
  return min;
}
