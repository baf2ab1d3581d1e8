/**
 * Bytes an adversary sends to the server, and what to make of the bytes it gets back. Pure.
 * Frames are built and answers read with the harness's own wire code (harness/wire, written from
 * the README's tables), never the system's: a framing bug in the system cannot hide in its judge.
 */
import { Rng } from '../../testbed/dataset/rng.js';
import { errorName, FRAME_HEADER_SIZE, FrameType, MAX_PAYLOAD_SIZE } from '../wire/wire-format.js';
import type { WireBet, WireMessage, WireMessageOf } from '../wire/wire-messages.js';
import { decodeStream, FrameParser, decodeFrame, WireError } from '../wire/wire-parser.js';
import { encodeFrames } from '../wire/wire-serializer.js';

/** `size` bytes from the testbed's seeded generator: the same seed, the same bytes. */
export function seededBytes(seed: number, size: number): Buffer {
  const rng = new Rng(seed);
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4) {
    const word = rng.u32();
    for (let b = 0; b < 4 && i + b < size; b++) out[i + b] = (word >>> (8 * b)) & 0xff;
  }
  return out;
}

/**
 * A frame header declaring `payloadLength` bytes (more than a frame may hold, by default the
 * smallest such length), followed by `bodyBytes` bytes of body that should never be read.
 */
export function oversizedHeader(code: number = FrameType.batch, payloadLength = MAX_PAYLOAD_SIZE + 1, bodyBytes = 64): Buffer {
  const frame = Buffer.alloc(FRAME_HEADER_SIZE + bodyBytes, 0x41);
  frame[0] = code;
  frame.writeUInt16BE(payloadLength, 1);
  return frame;
}

/** The first half of `frame` (at least its header): a frame cut short. */
export function firstHalf(frame: Buffer): Buffer {
  return Buffer.from(frame.subarray(0, Math.max(FRAME_HEADER_SIZE + 1, Math.floor(frame.length / 2))));
}

/** The same frame under another type code (a well-framed message of a type no one knows). */
export function retyped(frame: Buffer, code: number): Buffer {
  const copy = Buffer.from(frame);
  copy[0] = code;
  return copy;
}

export const HTTP_GET = Buffer.from('GET / HTTP/1.1\r\nHost: server\r\n\r\n', 'latin1');

/** Documents the adversary bets with: 10 digits, so no 8-digit dataset document is ever one of them. */
export function adversaryDocument(serial: number): string {
  return String(9_900_000_000 + serial);
}

/** A valid bet (its document from adversaryDocument). */
export function adversaryBet(serial: number): WireBet {
  return { firstName: 'Eve', lastName: 'Mallory', document: adversaryDocument(serial), birthdate: '1990-01-01', number: '1234' };
}

export type BadBet = 'bad-date' | 'number-out-of-range' | 'empty-name';

/** `bet` spoiled in one field. */
export function spoiled(bet: WireBet, how: BadBet): WireBet {
  switch (how) {
    case 'bad-date':
      return { ...bet, birthdate: '1990-02-30' };
    case 'number-out-of-range':
      return { ...bet, number: '10000' };
    case 'empty-name':
      return { ...bet, firstName: '' };
  }
}

/** `count` bets with documents from `firstSerial` on; the one at `badAt` spoiled as `bad` says. */
export function betsWithOneBad(firstSerial: number, count: number, badAt: number, bad: BadBet | undefined): WireBet[] {
  return Array.from({ length: count }, (_, i) => {
    const bet = adversaryBet(firstSerial + i);
    return i === badAt && bad !== undefined ? spoiled(bet, bad) : bet;
  });
}

/** hello(agency), then a batch of `bets` claiming `batchAgency`, from position 0. */
export function helloAndBatch(agency: number, batchAgency: number, bets: readonly WireBet[]): Buffer {
  return encodeFrames([{ type: 'hello', agency }, { type: 'batch', agency: batchAgency, firstPosition: 0, bets }]);
}

/** hello(agency), then its `done`: the agency has no more bets (valid frames, nothing spoiled). */
export function helloAndDone(agency: number): Buffer {
  return encodeFrames([{ type: 'hello', agency }, { type: 'done', agency }]);
}

/** What came back, decoded with the harness's wire parser. */
export interface DecodedAnswer {
  /** Every message of the answer, in order. */
  readonly messages: readonly WireMessage[];
  /** The `error` message, if the server sent one (it closes right after it). */
  readonly error: WireMessageOf<'error'> | undefined;
  /** Its code's name (`INVALID_BET`…), for readable assertions. */
  readonly errorName: string | undefined;
  /** Bytes after the last whole frame (0 when the answer is whole frames). */
  readonly trailingBytes: number;
  /** Why the answer itself could not be decoded, if it could not. */
  readonly problem: string | undefined;
}

export function decodeAnswer(bytes: Buffer): DecodedAnswer {
  const decoded = decodeStream(bytes);
  const error = decoded.messages.find((m): m is WireMessageOf<'error'> => m.type === 'error');
  return {
    messages: decoded.messages,
    error,
    errorName: error ? errorName(error.code) : undefined,
    trailingBytes: decoded.pendingBytes,
    problem: decoded.error?.message,
  };
}

/**
 * The error the README says a server answers to `bytes` (read as a whole stream that ends after
 * them), or undefined when they are whole valid frames.
 */
export function framingVerdict(bytes: Buffer): { readonly name: string } | undefined {
  const parser = new FrameParser();
  try {
    parser.push(bytes, (frame) => decodeFrame(frame));
    parser.end();
  } catch (err) {
    if (err instanceof WireError) return { name: err.code };
    throw err;
  }
  return undefined;
}
