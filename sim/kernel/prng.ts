/**
 * The simulator's seeded randomness: the dataset's sfc32 generator (testbed/dataset/rng.ts), one
 * stream per label. Streams are derived by label from a seed, not by drawing from a parent, so
 * the network's draws never shift the fault schedule's, and a shrunk schedule keeps the other
 * streams as they were.
 */
import { Rng } from '../../testbed/dataset/rng.js';

/** FNV-1a of a label, to mix into a seed. */
function labelHash(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class Prng {
  private readonly core: Rng;

  /** `seed` is any integer (its low 32 bits and the bits above them both count). */
  constructor(readonly seed: number, readonly label = '') {
    this.core = new Rng(seed >>> 0, (labelHash(label) ^ Math.floor(seed / 0x1_0000_0000)) >>> 0);
  }

  /** An independent stream for `label`, from the same seed. */
  derive(label: string): Prng {
    return new Prng(this.seed, this.label === '' ? label : `${this.label}/${label}`);
  }

  u32(): number {
    return this.core.u32();
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.core.float();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return this.core.int(n);
  }

  /** Uniform integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.core.chance(p);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return this.core.pick(items);
  }
}
