/**
 * Small seeded pseudo-random generators, pure and deterministic (no Math.random):
 * sfc32 for the streams of values, seeded through splitmix32, and a keyed permutation
 * of 0 … 10^8 - 1 that hands out unique 8-digit documents without remembering any.
 */

/** One step of splitmix32: a good 32-bit mixer, used to expand seeds. */
export function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** sfc32 (Chris Doty-Humphrey's small fast counting generator), 128 bits of state. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;

  /** `stream` picks an independent sequence for the same seed (e.g. one per agency). */
  constructor(seed: number, stream = 0) {
    const s = mix32((seed >>> 0) ^ Math.imul(stream + 1, 0x632be5ab));
    this.a = mix32(s);
    this.b = mix32(this.a ^ 0x5bd1e995);
    this.c = mix32(this.b ^ 0x1b873593);
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** An integer in [0, n), n ≤ 2^32 (the bias, at most n / 2^32, is negligible here). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)] as T;
  }
}

export const DOCUMENT_SPACE = 100_000_000;
const HALF_BITS = 14;
const HALF_MASK = (1 << HALF_BITS) - 1;
const ROUNDS = 4;

/**
 * A bijection of [0, 10^8) chosen by the seed: a 4-round Feistel network over 28 bits,
 * cycle-walked until the value falls below 10^8. Distinct indexes give distinct documents.
 */
export class DocumentPermutation {
  private readonly keys: number[];

  constructor(seed: number) {
    this.keys = [];
    let k = mix32((seed >>> 0) ^ 0x0d0c0de5);
    for (let i = 0; i < ROUNDS; i++) {
      k = mix32(k + i);
      this.keys.push(k);
    }
  }

  private feistel(x: number): number {
    let left = x >>> HALF_BITS;
    let right = x & HALF_MASK;
    for (const key of this.keys) {
      const next = left ^ (mix32(right ^ key) & HALF_MASK);
      left = right;
      right = next;
    }
    return (left << HALF_BITS) | right;
  }

  /** The document number of the index-th bet of the dataset, 0 ≤ index < 10^8. */
  at(index: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= DOCUMENT_SPACE) throw new RangeError(`document index ${index} is outside 0 … ${DOCUMENT_SPACE - 1}`);
    let x = index;
    do x = this.feistel(x);
    while (x >= DOCUMENT_SPACE);
    return x;
  }

  /** The same, as the 8-digit text of a document (leading zeros kept). */
  documentAt(index: number): string {
    return String(this.at(index)).padStart(8, '0');
  }
}
