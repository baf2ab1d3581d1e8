/**
 * Pure functions from messages to the bytes of whole frames (README's tables), for probes,
 * adversaries and tests. A frame that would exceed MAX_FRAME_SIZE is refused: an adversary that
 * wants an oversized header builds it on purpose (raw-payloads.ts).
 */
import { FRAME_HEADER_SIZE, FrameType, MAX_BATCH_BETS, MAX_PAYLOAD_SIZE, RECORD_SEPARATOR, UNIT_SEPARATOR } from './wire-format.js';
import type { WireBet, WireMessage } from './wire-messages.js';

export class WireEncodeError extends Error {
  override readonly name = 'WireEncodeError';
}

/** Fixed-size parts of a payload, written big-endian. */
class PayloadWriter {
  private readonly parts: Buffer[] = [];

  u8(v: number): this {
    this.parts.push(Buffer.from([v]));
    return this;
  }

  u16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(v);
    this.parts.push(b);
    return this;
  }

  u32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v);
    this.parts.push(b);
    return this;
  }

  bytes(data: Uint8Array): this {
    this.parts.push(Buffer.from(data));
    return this;
  }

  text(s: string): this {
    return this.bytes(Buffer.from(s, 'utf8'));
  }

  /** A text with its length first, in a u8 or a u16. */
  lengthPrefixed(s: string, lengthBytes: 1 | 2): this {
    const data = Buffer.from(s, 'utf8');
    if (data.length >= 2 ** (8 * lengthBytes)) throw new WireEncodeError(`a text of ${data.length} bytes does not fit a ${lengthBytes}-byte length`);
    return (lengthBytes === 1 ? this.u8(data.length) : this.u16(data.length)).bytes(data);
  }

  frame(type: number): Buffer {
    const payload = Buffer.concat(this.parts);
    if (payload.length > MAX_PAYLOAD_SIZE) throw new WireEncodeError(`a payload of ${payload.length} bytes is over the ${MAX_PAYLOAD_SIZE}-byte limit`);
    const header = Buffer.alloc(FRAME_HEADER_SIZE);
    header[0] = type;
    header.writeUInt16BE(payload.length, 1);
    return Buffer.concat([header, payload]);
  }
}

/** One bet's wire text: `first US last US document US birthdate US number RS`. */
export function betWireText(bet: WireBet): string {
  return [bet.firstName, bet.lastName, bet.document, bet.birthdate, bet.number].join(UNIT_SEPARATOR) + RECORD_SEPARATOR;
}

/** The frame of one message. */
export function encodeFrame(m: WireMessage): Buffer {
  const w = new PayloadWriter();
  switch (m.type) {
    case 'hello':
    case 'done':
    case 'winners_query':
      return w.u32(m.agency).frame(FrameType[m.type]);
    case 'status':
      return w.u32(m.agency).u32(m.stored).u8(m.drawDone ? 1 : 0).frame(FrameType.status);
    case 'bet':
      return w.u32(m.agency).u32(m.position).text(betWireText(m.bet)).frame(FrameType.bet);
    case 'batch':
      if (m.bets.length > MAX_BATCH_BETS) throw new WireEncodeError(`${m.bets.length} bets: a batch holds at most ${MAX_BATCH_BETS}`);
      return w.u32(m.agency).u32(m.firstPosition).u16(m.bets.length).text(m.bets.map(betWireText).join('')).frame(FrameType.batch);
    case 'batch_result':
      return w.u8(m.code).u32(m.firstPosition).u16(m.count).lengthPrefixed(m.detail, 2).frame(FrameType.batch_result);
    case 'winners':
      w.u32(m.agency).u8(m.last ? 1 : 0).u16(m.documents.length);
      for (const d of m.documents) w.lengthPrefixed(d, 1);
      return w.frame(FrameType.winners);
    case 'echo':
      return w.bytes(m.data).frame(FrameType.echo);
    case 'error':
      return w.u8(m.code).lengthPrefixed(m.message, 2).frame(FrameType.error);
  }
}

/** Several messages' frames, one after the other. */
export function encodeFrames(messages: readonly WireMessage[]): Buffer {
  return Buffer.concat(messages.map(encodeFrame));
}
