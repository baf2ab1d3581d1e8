/**
 * Groups bets into batches of at most `maxAmount` bets and at most `maxFrameSize` bytes on the
 * wire (header included, UTF-8 bytes). Greedy: a batch closes only when the next bet would break
 * a limit, so every batch but the last holds exactly maxAmount bets whenever the frame allows.
 * Bets come packed (packed-bets.ts): each run of them that fits is copied at once.
 */
import { BATCH_OVERHEAD, MAX_FRAME_SIZE } from '../protocol/constants.js';
import { batchFrameSize } from '../protocol/serializer.js';
import { betStart, type PackedBets } from './packed-bets.js';

export interface Batch {
  /** Position of the first bet in the agency's stream. */
  readonly firstIndex: number;
  readonly count: number;
  /** The bets' wire bytes (see protocol/bet-text.ts), one after the other. */
  readonly bets: Buffer;
  /** Whole frame size on the wire. */
  readonly frameSize: number;
}

export class BetTooLargeError extends Error {
  override readonly name = 'BetTooLargeError';
}

export class Batcher {
  private count = 0;
  private readonly buffer: Buffer;
  private bytes = 0;
  private nextIndex: number;

  constructor(
    private readonly maxAmount: number,
    firstIndex = 0,
    private readonly maxFrameSize = MAX_FRAME_SIZE,
  ) {
    if (maxAmount < 1) throw new RangeError('maxAmount must be at least 1');
    this.nextIndex = firstIndex;
    this.buffer = Buffer.allocUnsafe(Math.max(0, maxFrameSize - BATCH_OVERHEAD));
  }

  /** Adds the bets of `bets` from the `from`-th on, in order; returns the batches they closed. */
  add(bets: PackedBets, from = 0): Batch[] {
    const closed: Batch[] = [];
    const ends = bets.ends;
    const room = this.maxFrameSize - BATCH_OVERHEAD;
    let i = from;
    while (i < ends.length) {
      const start = betStart(bets, i);
      // The longest run from bet i that fits both limits.
      const last = Math.min(ends.length, i + this.maxAmount - this.count);
      const fits = start + room - this.bytes;
      let j = i;
      while (j < last && (ends[j] as number) <= fits) j++;
      if (j === i) {
        const size = (ends[i] as number) - start;
        if (batchFrameSize(size) > this.maxFrameSize) {
          throw new BetTooLargeError(`a bet of ${size} bytes cannot fit in a ${this.maxFrameSize}-byte frame`);
        }
        closed.push(this.take());
        continue;
      }
      const end = ends[j - 1] as number;
      this.buffer.set(bets.bytes.subarray(start, end), this.bytes);
      this.bytes += end - start;
      this.count += j - i;
      i = j;
      if (this.count >= this.maxAmount) closed.push(this.take());
    }
    return closed;
  }

  /** The last, partial batch (undefined when empty). */
  flush(): Batch | undefined {
    return this.count > 0 ? this.take() : undefined;
  }

  private take(): Batch {
    const bets = Buffer.allocUnsafe(this.bytes);
    this.buffer.copy(bets, 0, 0, this.bytes);
    const batch: Batch = { firstIndex: this.nextIndex, count: this.count, bets, frameSize: batchFrameSize(this.bytes) };
    this.nextIndex += this.count;
    this.count = 0;
    this.bytes = 0;
    return batch;
  }
}
