/**
 * The run's trace: every event the kernel runs and every note (a log line, a fault), each as one
 * line `<virtual ms> <owner> <kind> <detail>`. The lines feed a 64-bit hash (two FNV-1a lanes
 * with different bases); the hash is the run's fingerprint: same seed, same hash. Lines are kept
 * only when asked (`keep`), and the last `tail` always, to show what led up to a failure.
 */

export interface TraceOptions {
  /** Keep every line (memory grows with the run). */
  readonly keep?: boolean;
  /** How many of the latest lines to keep in any case. */
  readonly tail?: number;
}

export class Trace {
  private h1 = 0x811c9dc5;
  private h2 = 0xcbf29ce4;
  private count = 0;
  readonly lines: string[] | undefined;
  private readonly recent: string[];
  private readonly tailSize: number;
  private next = 0;

  constructor(options: TraceOptions = {}) {
    this.lines = options.keep ? [] : undefined;
    this.tailSize = options.tail ?? 50;
    this.recent = [];
  }

  record(time: number, owner: string, kind: string, detail: string): void {
    const line = `${time.toFixed(3)} ${owner} ${kind}${detail === '' ? '' : ' '}${detail}`;
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x000001b3) ^ (h2 >>> 15);
    }
    // The line break, so that "a b" + "c" and "a" + "b c" differ.
    this.h1 = Math.imul(h1 ^ 10, 0x01000193);
    this.h2 = Math.imul(h2 ^ 10, 0x000001b3) ^ (h2 >>> 15);
    this.count++;
    this.lines?.push(line);
    if (this.tailSize > 0) {
      this.recent[this.next] = line;
      this.next = (this.next + 1) % this.tailSize;
    }
  }

  /** Lines recorded so far. */
  get size(): number {
    return this.count;
  }

  /** 16 hex digits. */
  get hash(): string {
    return (this.h1 >>> 0).toString(16).padStart(8, '0') + (this.h2 >>> 0).toString(16).padStart(8, '0');
  }

  /** The latest lines, oldest first. */
  tail(): string[] {
    if (this.recent.length < this.tailSize) return [...this.recent];
    return [...this.recent.slice(this.next), ...this.recent.slice(0, this.next)];
  }
}
