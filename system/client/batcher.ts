/**
 * Groups bets into batches of at most `maxAmount` bets and at most `maxFrameSize` bytes on the
 * wire (header included, UTF-8 bytes). Greedy: a batch closes only when the next bet would break
 * a limit, so every batch but the last holds exactly maxAmount bets whenever the frame allows.
 */
import { MAX_FRAME_SIZE } from '../protocol/constants.js';
import { batchFrameSize } from '../protocol/serializer.js';

export interface Batch {
  /** Position of the first bet in the agency's stream. */
  readonly firstIndex: number;
  readonly count: number;
  /** The bets' wire texts (see protocol/bet-text.ts), joined, and its UTF-8 size. */
  readonly text: string;
  readonly textBytes: number;
  /** Whole frame size on the wire. */
  readonly frameSize: number;
}

export class BetTooLargeError extends Error {
  override readonly name = 'BetTooLargeError';
}

export class Batcher {
  private count = 0;
  private text = '';
  private bytes = 0;
  private nextIndex: number;

  constructor(
    private readonly maxAmount: number,
    firstIndex = 0,
    private readonly maxFrameSize = MAX_FRAME_SIZE,
  ) {
    if (maxAmount < 1) throw new RangeError('maxAmount must be at least 1');
    this.nextIndex = firstIndex;
  }

  /** Adds a bet (its wire text); returns the batch it closed, if any. */
  add(text: string): Batch | undefined {
    const size = Buffer.byteLength(text, 'utf8');
    if (batchFrameSize(size) > this.maxFrameSize) {
      throw new BetTooLargeError(`a bet of ${size} bytes cannot fit in a ${this.maxFrameSize}-byte frame`);
    }
    let closed: Batch | undefined;
    if (this.count > 0 && batchFrameSize(this.bytes + size) > this.maxFrameSize) closed = this.take();
    this.count++;
    this.text += text;
    this.bytes += size;
    if (this.count >= this.maxAmount) {
      if (closed) throw new Error('unreachable: two batches closed by one bet');
      closed = this.take();
    }
    return closed;
  }

  /** The last, partial batch (undefined when empty). */
  flush(): Batch | undefined {
    return this.count > 0 ? this.take() : undefined;
  }

  private take(): Batch {
    const batch: Batch = {
      firstIndex: this.nextIndex,
      count: this.count,
      text: this.text,
      textBytes: this.bytes,
      frameSize: batchFrameSize(this.bytes),
    };
    this.nextIndex += this.count;
    this.count = 0;
    this.text = '';
    this.bytes = 0;
    return batch;
  }
}
