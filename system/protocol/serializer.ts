/**
 * Pure functions from messages to the bytes of whole frames. Every function checks the frame
 * limit and throws FrameTooLargeError rather than produce a frame the peer must refuse.
 */
import type { BetFields } from '../domain/bet.js';
import {
  BATCH_OVERHEAD,
  FRAME_HEADER_SIZE,
  MAX_FRAME_SIZE,
  MAX_PAYLOAD_SIZE,
  MAX_SHORT_STRING_BYTES,
  MessageCode,
  U16_SIZE,
  U32_SIZE,
  U8_SIZE,
  WINNERS_OVERHEAD,
} from './constants.js';
import { betText } from './bet-text.js';
import { FrameTooLargeError, ProtocolError } from './errors.js';
import type { Message, MessageOf } from './messages.js';

/** A cursor that writes into a frame-sized buffer. */
class Writer {
  private readonly buf: Buffer;
  private pos = FRAME_HEADER_SIZE;

  constructor(private readonly code: number, payloadSize: number) {
    if (payloadSize > MAX_PAYLOAD_SIZE) throw new FrameTooLargeError(FRAME_HEADER_SIZE + payloadSize);
    this.buf = Buffer.allocUnsafe(FRAME_HEADER_SIZE + payloadSize);
  }

  u8(v: number): this {
    this.pos = this.buf.writeUInt8(v, this.pos);
    return this;
  }

  u16(v: number): this {
    this.pos = this.buf.writeUInt16BE(v, this.pos);
    return this;
  }

  u32(v: number): this {
    this.pos = this.buf.writeUInt32BE(v, this.pos);
    return this;
  }

  /** A string with a 1-byte length; `bytes` is its UTF-8 length, already measured. */
  str8(s: string, bytes: number): this {
    this.buf[this.pos] = bytes;
    this.pos += U8_SIZE + this.buf.write(s, this.pos + U8_SIZE, bytes, 'utf8');
    return this;
  }

  /** Text whose UTF-8 size the caller measured (`bytes`). */
  text(s: string, bytes: number): this {
    const written = this.buf.write(s, this.pos, bytes, 'utf8');
    if (written !== bytes) throw new RangeError(`text measured as ${bytes} bytes wrote ${written}: a size given was wrong`);
    this.pos += written;
    return this;
  }

  str16(s: string, bytes: number): this {
    this.pos = this.buf.writeUInt16BE(bytes, this.pos);
    this.pos += this.buf.write(s, this.pos, bytes, 'utf8');
    return this;
  }

  raw(data: Uint8Array): this {
    this.buf.set(data, this.pos);
    this.pos += data.length;
    return this;
  }

  finish(): Buffer {
    this.buf[0] = this.code;
    this.buf.writeUInt16BE(this.pos - FRAME_HEADER_SIZE, 1);
    return this.pos === this.buf.length ? this.buf : this.buf.subarray(0, this.pos);
  }
}

function shortStringBytes(field: string, value: string): number {
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_SHORT_STRING_BYTES) throw new ProtocolError(`${field} is ${bytes} bytes; at most ${MAX_SHORT_STRING_BYTES} fit`);
  return bytes;
}

/** Bytes one bet takes inside a batch or bet frame: its UTF-8 text plus 5 separators. */
export function betWireSize(bet: BetFields): number {
  return Buffer.byteLength(betText(bet), 'utf8');
}

/** Whole-frame size of a batch holding bets whose wire sizes add up to `betsBytes`. */
export function batchFrameSize(betsBytes: number): number {
  return BATCH_OVERHEAD + betsBytes;
}

export function encodeHello(m: Omit<MessageOf<'hello'>, 'type'>): Buffer {
  return new Writer(MessageCode.hello, U32_SIZE).u32(m.agency).finish();
}

export function encodeStatus(m: Omit<MessageOf<'status'>, 'type'>): Buffer {
  return new Writer(MessageCode.status, 2 * U32_SIZE + U8_SIZE).u32(m.agency).u32(m.stored).u8(m.drawDone ? 1 : 0).finish();
}

export function encodeBet(m: Omit<MessageOf<'bet'>, 'type'>): Buffer {
  const text = betText(m.bet);
  const bytes = Buffer.byteLength(text, 'utf8');
  return new Writer(MessageCode.bet, 2 * U32_SIZE + bytes).u32(m.agency).u32(m.index).text(text, bytes).finish();
}

/** A batch whose bets' wire text (betText of each, in order) is already joined. */
export interface BatchText {
  readonly agency: number;
  readonly firstIndex: number;
  readonly count: number;
  readonly text: string;
}

/** A batch frame from its bets' joined text, as given (tests use it to send texts the client would not make). */
export function encodeBatchText(m: BatchText): Buffer {
  return encodeBatchBytes(m, Buffer.from(m.text, 'utf8'));
}

/** A batch frame from its bets' wire bytes (UTF-8 of their joined wire texts), already joined. */
export function encodeBatchBytes(m: Omit<BatchText, 'text'>, bets: Uint8Array): Buffer {
  return new Writer(MessageCode.batch, BATCH_OVERHEAD - FRAME_HEADER_SIZE + bets.length)
    .u32(m.agency)
    .u32(m.firstIndex)
    .u16(m.count)
    .raw(bets)
    .finish();
}

/** A batch frame (its spans are not needed: the bytes are what travels). */
export function encodeBatch(m: Omit<MessageOf<'batch'>, 'type' | 'spans'>): Buffer {
  return encodeBatchBytes(m, m.bytes);
}

/** The detail text is cut to fit the frame rather than refused: it is for people. */
export function encodeBatchResult(m: Omit<MessageOf<'batch_result'>, 'type'>): Buffer {
  const fixed = U8_SIZE + U32_SIZE + U16_SIZE + U16_SIZE;
  const detail = fitText(m.detail, MAX_PAYLOAD_SIZE - fixed);
  return new Writer(MessageCode.batch_result, fixed + detail.bytes)
    .u8(m.code)
    .u32(m.firstIndex)
    .u16(m.count)
    .str16(detail.text, detail.bytes)
    .finish();
}

export function encodeDone(m: Omit<MessageOf<'done'>, 'type'>): Buffer {
  return new Writer(MessageCode.done, U32_SIZE).u32(m.agency).finish();
}

export function encodeWinnersQuery(m: Omit<MessageOf<'winners_query'>, 'type'>): Buffer {
  return new Writer(MessageCode.winners_query, U32_SIZE).u32(m.agency).finish();
}

/** One winners frame; use encodeWinnersAnswer to split any number of documents over frames. */
export function encodeWinners(m: Omit<MessageOf<'winners'>, 'type'>): Buffer {
  let size = WINNERS_OVERHEAD - FRAME_HEADER_SIZE;
  const lengths = m.documents.map((d) => shortStringBytes('document', d));
  for (const n of lengths) size += U8_SIZE + n;
  const w = new Writer(MessageCode.winners, size).u32(m.agency).u8(m.last ? 1 : 0).u16(m.documents.length);
  m.documents.forEach((d, i) => w.str8(d, lengths[i] as number));
  return w.finish();
}

/** The whole answer for an agency: as many frames as it takes, the last one flagged (one empty frame if none won). */
export function encodeWinnersAnswer(agency: number, documents: readonly string[]): Buffer[] {
  const frames: Buffer[] = [];
  let part: string[] = [];
  let size = WINNERS_OVERHEAD;
  for (const doc of documents) {
    const bytes = U8_SIZE + shortStringBytes('document', doc);
    if (size + bytes > MAX_FRAME_SIZE) {
      frames.push(encodeWinners({ agency, last: false, documents: part }));
      part = [];
      size = WINNERS_OVERHEAD;
    }
    part.push(doc);
    size += bytes;
  }
  frames.push(encodeWinners({ agency, last: true, documents: part }));
  return frames;
}

export function encodeEcho(m: Omit<MessageOf<'echo'>, 'type'>): Buffer {
  return new Writer(MessageCode.echo, m.data.length).raw(m.data).finish();
}

export function encodeError(m: Omit<MessageOf<'error'>, 'type'>): Buffer {
  const fixed = U8_SIZE + U16_SIZE;
  const text = fitText(m.message, MAX_PAYLOAD_SIZE - fixed);
  return new Writer(MessageCode.error, fixed + text.bytes).u8(m.code).str16(text.text, text.bytes).finish();
}

/** Any message to its frame(s). */
export function encodeMessage(m: Message): Buffer {
  switch (m.type) {
    case 'hello': return encodeHello(m);
    case 'status': return encodeStatus(m);
    case 'bet': return encodeBet(m);
    case 'batch': return encodeBatch(m);
    case 'batch_result': return encodeBatchResult(m);
    case 'done': return encodeDone(m);
    case 'winners_query': return encodeWinnersQuery(m);
    case 'winners': return encodeWinners(m);
    case 'echo': return encodeEcho(m);
    case 'error': return encodeError(m);
  }
}

/** Cuts text at a character boundary so that its UTF-8 form fits in `maxBytes`. */
function fitText(text: string, maxBytes: number): { text: string; bytes: number } {
  let bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= maxBytes) return { text, bytes };
  let cut = text;
  while (bytes > maxBytes) {
    cut = cut.slice(0, Math.max(0, cut.length - Math.ceil((bytes - maxBytes) / 4)));
    if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
    bytes = Buffer.byteLength(cut, 'utf8');
  }
  return { text: cut, bytes };
}

export { betText };
