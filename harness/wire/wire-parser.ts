/**
 * Reading frames, after pg-protocol's parser: bytes arrive in any split, the parser keeps the
 * leftover bytes of an unfinished frame between pushes, checks a declared length against the
 * limit as soon as the header is in (before buffering any body), and hands out whole frames in
 * order. decodeFrame then turns one frame into a message, checking every length (README tables).
 *
 * Errors carry the name of the error code the README gives for them, so that a test can say what
 * the server must answer to the same bytes.
 */
import { FRAME_HEADER_SIZE, frameTypeName, MAX_PAYLOAD_SIZE, RECORD_SEPARATOR, UNIT_SEPARATOR, type WireErrorName } from './wire-format.js';
import type { WireBet, WireMessage } from './wire-messages.js';

export class WireError extends Error {
  override readonly name = 'WireError';
  constructor(
    message: string,
    /** The README's error code for it: FRAME_TOO_LARGE, UNKNOWN_MESSAGE or MALFORMED_MESSAGE. */
    readonly code: WireErrorName,
  ) {
    super(message);
  }
}

export interface RawFrame {
  readonly type: number;
  readonly payload: Buffer;
}

export class FrameParser {
  private leftover: Buffer = Buffer.alloc(0);

  /**
   * Feeds bytes; calls `onFrame` for each frame they complete, in order. A header declaring more
   * than a frame may hold throws WireError(FRAME_TOO_LARGE) after the frames before it.
   */
  push(chunk: Uint8Array, onFrame: (frame: RawFrame) => void): void {
    let buf = this.leftover.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.leftover, chunk]);
    let offset = 0;
    while (buf.length - offset >= FRAME_HEADER_SIZE) {
      const length = buf.readUInt16BE(offset + 1);
      if (length > MAX_PAYLOAD_SIZE) {
        this.leftover = Buffer.alloc(0);
        throw new WireError(`a header declares ${FRAME_HEADER_SIZE + length} bytes, larger than a frame may be`, 'FRAME_TOO_LARGE');
      }
      if (buf.length - offset < FRAME_HEADER_SIZE + length) break;
      onFrame({ type: buf[offset] as number, payload: buf.subarray(offset + FRAME_HEADER_SIZE, offset + FRAME_HEADER_SIZE + length) });
      offset += FRAME_HEADER_SIZE + length;
    }
    buf = buf.subarray(offset);
    this.leftover = Buffer.from(buf);
  }

  /** Bytes held of a frame not yet complete. */
  get pendingBytes(): number {
    return this.leftover.length;
  }

  /** The stream ended: an unfinished frame is malformed. */
  end(): void {
    if (this.leftover.length > 0) throw new WireError(`the stream ended inside a frame (${this.leftover.length} bytes of it)`, 'MALFORMED_MESSAGE');
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A bounds-checked cursor over one payload. */
class PayloadReader {
  private pos = 0;
  constructor(private readonly buf: Buffer, private readonly what: string) {}

  private take(n: number): Buffer {
    if (this.pos + n > this.buf.length) throw new WireError(`${this.what}: the payload ends at byte ${this.buf.length}, ${n} more expected at ${this.pos}`, 'MALFORMED_MESSAGE');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  u8(): number {
    return this.take(1)[0] as number;
  }

  u16(): number {
    return this.take(2).readUInt16BE();
  }

  u32(): number {
    return this.take(4).readUInt32BE();
  }

  flag(): boolean {
    const v = this.u8();
    if (v > 1) throw new WireError(`${this.what}: a flag byte is ${v}, not 0 or 1`, 'MALFORMED_MESSAGE');
    return v === 1;
  }

  text(n: number): string {
    const bytes = this.take(n);
    try {
      return UTF8.decode(bytes);
    } catch {
      throw new WireError(`${this.what}: text that is not UTF-8`, 'MALFORMED_MESSAGE');
    }
  }

  rest(): Buffer {
    return this.take(this.buf.length - this.pos);
  }

  restText(): string {
    return this.text(this.buf.length - this.pos);
  }

  /** The payload must be used up exactly. */
  done<T>(value: T): T {
    if (this.pos !== this.buf.length) throw new WireError(`${this.what}: ${this.buf.length - this.pos} bytes after the message`, 'MALFORMED_MESSAGE');
    return value;
  }
}

/** Exactly `count` bets' texts, each five fields ended by RS. */
function betsOf(text: string, count: number, what: string): WireBet[] {
  const records = text.split(RECORD_SEPARATOR);
  if (records.pop() !== '' || records.length !== count) throw new WireError(`${what}: ${count} bets announced, the text holds ${records.length}`, 'MALFORMED_MESSAGE');
  return records.map((r, i) => {
    const f = r.split(UNIT_SEPARATOR);
    if (f.length !== 5) throw new WireError(`${what}: bet ${i + 1} has ${f.length} fields, not 5`, 'MALFORMED_MESSAGE');
    const [firstName, lastName, document, birthdate, number] = f as [string, string, string, string, string];
    return { firstName, lastName, document, birthdate, number };
  });
}

/** One frame as a message; WireError(UNKNOWN_MESSAGE) for a type byte the README does not list. */
export function decodeFrame(frame: RawFrame): WireMessage {
  const type = frameTypeName(frame.type);
  if (type === undefined) throw new WireError(`unknown message type 0x${frame.type.toString(16).padStart(2, '0')}`, 'UNKNOWN_MESSAGE');
  const r = new PayloadReader(frame.payload, type);
  switch (type) {
    case 'hello':
    case 'done':
    case 'winners_query':
      return r.done({ type, agency: r.u32() });
    case 'status':
      return r.done({ type, agency: r.u32(), stored: r.u32(), drawDone: r.flag() });
    case 'bet': {
      const agency = r.u32();
      const position = r.u32();
      return { type, agency, position, bet: betsOf(r.restText(), 1, type)[0] as WireBet };
    }
    case 'batch': {
      const agency = r.u32();
      const firstPosition = r.u32();
      const count = r.u16();
      return { type, agency, firstPosition, bets: betsOf(r.restText(), count, type) };
    }
    case 'batch_result': {
      const code = r.u8();
      const firstPosition = r.u32();
      const count = r.u16();
      return r.done({ type, code, firstPosition, count, detail: r.text(r.u16()) });
    }
    case 'winners': {
      const agency = r.u32();
      const last = r.flag();
      const documents = Array.from({ length: r.u16() }, () => r.text(r.u8()));
      return r.done({ type, agency, last, documents });
    }
    case 'echo':
      return { type, data: r.rest() };
    case 'error': {
      const code = r.u8();
      return r.done({ type, code, message: r.text(r.u16()) });
    }
  }
}

export interface DecodedStream {
  /** Every message before the first problem, in order. */
  readonly messages: readonly WireMessage[];
  /** The first problem met (a header over the limit, an unknown type, a malformed payload), if any. */
  readonly error: WireError | undefined;
  /** Bytes of an unfinished frame at the end (0 when the bytes are whole frames). */
  readonly pendingBytes: number;
}

/** Every message of a whole byte stream. */
export function decodeStream(bytes: Uint8Array): DecodedStream {
  const parser = new FrameParser();
  const messages: WireMessage[] = [];
  try {
    parser.push(bytes, (frame) => messages.push(decodeFrame(frame)));
  } catch (err) {
    if (!(err instanceof WireError)) throw err;
    return { messages, error: err, pendingBytes: 0 };
  }
  return { messages, error: undefined, pendingBytes: parser.pendingBytes };
}
