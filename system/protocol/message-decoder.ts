/** Payload decoding, separate from framing: a Frame in, a typed Message out, or a ProtocolError. */
import { isUtf8 } from 'node:buffer';
import { betAt, scanBets } from './bet-text.js';
import { ErrorCode, isErrorCode, messageTypeOf } from './constants.js';
import { MalformedMessageError, UnknownMessageTypeError } from './errors.js';
import type { Frame } from './frame-decoder.js';
import type { Message } from './messages.js';

/** A bounds-checked cursor over one payload. */
class Reader {
  private pos = 0;
  constructor(private readonly buf: Buffer, private readonly what: string) {}

  private need(n: number): void {
    if (this.pos + n > this.buf.length) {
      throw new MalformedMessageError(`${this.what}: payload ends at byte ${this.buf.length}, ${n} more expected at ${this.pos}`);
    }
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++] as number;
  }

  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** The next n bytes, checked to be valid UTF-8: a view, nothing is copied or decoded. */
  private utf8(n: number): Buffer {
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    if (!isUtf8(out)) throw new MalformedMessageError(`${this.what}: text at byte ${this.pos} is not valid UTF-8`);
    this.pos += n;
    return out;
  }

  private text(n: number): string {
    return this.utf8(n).toString('utf8');
  }

  str8(): string {
    return this.text(this.u8());
  }

  str16(): string {
    return this.text(this.u16());
  }

  /** The rest of the payload as bytes checked to be valid UTF-8 (the bets of a batch). */
  restUtf8(): Buffer {
    return this.utf8(this.buf.length - this.pos);
  }

  rest(): Buffer {
    const out = this.buf.subarray(this.pos);
    this.pos = this.buf.length;
    return out;
  }

  /** The payload must be used up exactly. */
  done<T>(value: T): T {
    if (this.pos !== this.buf.length) {
      throw new MalformedMessageError(`${this.what}: ${this.buf.length - this.pos} unexpected trailing bytes`);
    }
    return value;
  }
}

function errorCode(r: Reader, what: string): ErrorCode {
  const code = r.u8();
  if (!isErrorCode(code)) throw new MalformedMessageError(`${what}: unknown error code ${code}`);
  return code;
}

function flag(r: Reader, what: string): boolean {
  const v = r.u8();
  if (v > 1) throw new MalformedMessageError(`${what}: flag byte is ${v}, expected 0 or 1`);
  return v === 1;
}

export function decodeMessage(frame: Frame): Message {
  const type = messageTypeOf(frame.code);
  if (type === undefined) throw new UnknownMessageTypeError(frame.code);
  const r = new Reader(frame.payload, type);
  switch (type) {
    case 'hello':
      return r.done({ type, agency: r.u32() });
    case 'status':
      return r.done({ type, agency: r.u32(), stored: r.u32(), drawDone: flag(r, type) });
    case 'bet': {
      const agency = r.u32();
      const index = r.u32();
      const bytes = r.restUtf8();
      return { type, agency, index, bet: betAt(bytes, scanBets(bytes, 1, type), 0) };
    }
    case 'batch': {
      const agency = r.u32();
      const firstIndex = r.u32();
      const count = r.u16();
      const bytes = r.restUtf8();
      return { type, agency, firstIndex, count, bytes, spans: scanBets(bytes, count, type) };
    }
    case 'batch_result':
      return r.done({ type, code: errorCode(r, type), firstIndex: r.u32(), count: r.u16(), detail: r.str16() });
    case 'done':
      return r.done({ type, agency: r.u32() });
    case 'winners_query':
      return r.done({ type, agency: r.u32() });
    case 'winners': {
      const agency = r.u32();
      const last = flag(r, type);
      const count = r.u16();
      const documents: string[] = new Array(count);
      for (let i = 0; i < count; i++) documents[i] = r.str8();
      return r.done({ type, agency, last, documents });
    }
    case 'echo':
      return { type, data: r.rest() };
    case 'error':
      return r.done({ type, code: errorCode(r, type), message: r.str16() });
  }
}
