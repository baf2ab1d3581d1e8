import { FRAME_HEADER_SIZE, MAX_PAYLOAD_SIZE } from './constants.js';
import { FrameTooLargeError, TruncatedFrameError } from './errors.js';

/** One frame off the wire: its type code and its payload (a view into received bytes, never overwritten). */
export interface Frame {
  readonly code: number;
  readonly payload: Buffer;
}

/**
 * Incremental framing. Bytes arrive in any split; complete frames come out in order.
 * It keeps leftover bytes and an offset between pushes, never holds more than one frame's worth,
 * and rejects a declared length over the maximum as soon as the header is in, before any body.
 */
export class FrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);
  private offset = 0;
  private failure: FrameTooLargeError | undefined;

  /**
   * Feeds bytes; returns the frames they complete. An oversized header throws FrameTooLargeError;
   * when good frames came before it in the same chunk, they are returned first and the error is
   * kept in `error` (and thrown by any later push or end), so no good frame is lost.
   */
  push(chunk: Buffer): Frame[] {
    if (this.failure) throw this.failure;
    this.append(chunk);
    const frames: Frame[] = [];
    for (;;) {
      const available = this.buffer.length - this.offset;
      if (available < FRAME_HEADER_SIZE) break;
      const code = this.buffer[this.offset] as number;
      const length = this.buffer.readUInt16BE(this.offset + 1);
      if (length > MAX_PAYLOAD_SIZE) {
        this.failure = new FrameTooLargeError(FRAME_HEADER_SIZE + length);
        if (frames.length === 0) throw this.failure;
        break;
      }
      if (available < FRAME_HEADER_SIZE + length) break;
      const start = this.offset + FRAME_HEADER_SIZE;
      frames.push({ code, payload: this.buffer.subarray(start, start + length) });
      this.offset = start + length;
    }
    return frames;
  }

  /** Bytes held of a frame not yet complete. */
  get pendingBytes(): number {
    return this.buffer.length - this.offset;
  }

  /** The framing error met after the frames last returned, if any; the stream is unusable after it. */
  get error(): FrameTooLargeError | undefined {
    return this.failure;
  }

  /** The stream ended: throws TruncatedFrameError if it ended inside a frame. */
  end(): void {
    if (this.failure) throw this.failure;
    if (this.pendingBytes > 0) throw new TruncatedFrameError(this.pendingBytes);
  }

  private append(chunk: Buffer): void {
    const leftover = this.buffer.length - this.offset;
    if (leftover === 0) {
      this.buffer = chunk;
    } else {
      // Copy so that payload views handed out earlier stay intact; at most one partial frame is copied.
      this.buffer = Buffer.concat([this.buffer.subarray(this.offset), chunk]);
    }
    this.offset = 0;
  }
}
