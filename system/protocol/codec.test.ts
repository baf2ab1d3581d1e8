import { describe, expect, it } from 'vitest';
import type { BetFields } from '../domain/bet.js';
import { ErrorCode, MAX_FRAME_SIZE, MAX_PAYLOAD_SIZE, MessageCode } from './constants.js';
import { FrameTooLargeError, MalformedMessageError, ProtocolError, UnknownMessageTypeError } from './errors.js';
import { FrameDecoder } from './frame-decoder.js';
import { batchOf, betText } from './bet-text.js';
import { decodeMessage } from './message-decoder.js';
import type { Message } from './messages.js';
import {
  batchFrameSize,
  betWireSize,
  encodeBatch,
  encodeBatchBytes,
  encodeBatchResult,
  encodeBatchText,
  encodeError,
  encodeMessage,
  encodeWinnersAnswer,
} from './serializer.js';

const BET: BetFields = { firstName: 'Santiago Lionel', lastName: 'Lorca', document: '30904465', birthdate: '1999-03-17', number: '7574' };
const ACCENTED: BetFields = { firstName: 'José Zoë', lastName: 'Núñez, Jr.', document: '00412345', birthdate: '2000-02-29', number: '0' };

const SAMPLES: Message[] = [
  { type: 'hello', agency: 1 },
  { type: 'hello', agency: 0xffff_ffff },
  { type: 'status', agency: 3, stored: 123_456, drawDone: false },
  { type: 'status', agency: 3, stored: 0, drawDone: true },
  { type: 'bet', agency: 2, index: 41, bet: BET },
  batchOf(5, 100, [BET, ACCENTED, { ...BET, firstName: 'O"Brien' }]),
  batchOf(5, 0, []),
  { type: 'batch_result', code: ErrorCode.OK, firstIndex: 100, count: 3, detail: '' },
  { type: 'batch_result', code: ErrorCode.INVALID_BET, firstIndex: 7, count: 2, detail: 'bet 8: birthdate "2023-02-29" is not a calendar date' },
  { type: 'done', agency: 4 },
  { type: 'winners_query', agency: 4 },
  { type: 'winners', agency: 4, last: true, documents: [] },
  { type: 'winners', agency: 4, last: false, documents: ['00412345', '30904465'] },
  { type: 'echo', data: Buffer.from('hola mundo\n') },
  { type: 'echo', data: Buffer.alloc(0) },
  { type: 'error', code: ErrorCode.FRAME_TOO_LARGE, message: 'frame too large — ñ' },
];

function decodeAll(bytes: Buffer): Message[] {
  const d = new FrameDecoder();
  const out = d.push(bytes).map(decodeMessage);
  d.end();
  return out;
}

function frameOf(code: number, payload: number[] | Buffer): Buffer {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  const head = Buffer.from([code, 0, 0]);
  head.writeUInt16BE(body.length, 1);
  return Buffer.concat([head, body]);
}

function decodeRaw(code: number, payload: number[] | Buffer): Message {
  return decodeMessage({ code, payload: Buffer.isBuffer(payload) ? payload : Buffer.from(payload) });
}

describe('serializer ↔ message decoder', () => {
  it('covers every message type', () => {
    const types = new Set(SAMPLES.map((m) => m.type));
    expect([...types].sort()).toEqual(Object.keys(MessageCode).sort());
  });

  for (const message of SAMPLES) {
    it(`round-trips ${message.type} ${JSON.stringify(message).slice(0, 60)}`, () => {
      const bytes = encodeMessage(message);
      expect(bytes[0]).toBe(MessageCode[message.type]);
      expect(bytes.readUInt16BE(1)).toBe(bytes.length - 3);
      expect(decodeAll(bytes)).toEqual([message]);
    });
  }

  it('round-trips a stream of every message type split at every point', () => {
    const stream = Buffer.concat(SAMPLES.map(encodeMessage));
    for (let at = 0; at <= stream.length; at++) {
      const d = new FrameDecoder();
      const got = [...d.push(Buffer.from(stream.subarray(0, at))), ...d.push(Buffer.from(stream.subarray(at)))].map(decodeMessage);
      d.end();
      expect(got, `split at ${at}`).toEqual(SAMPLES);
    }
  });

  it('round-trips a stream of every message type fed one byte at a time', () => {
    const stream = Buffer.concat(SAMPLES.map(encodeMessage));
    const d = new FrameDecoder();
    const got: Message[] = [];
    for (const b of stream) got.push(...d.push(Buffer.from([b])).map(decodeMessage));
    d.end();
    expect(got).toEqual(SAMPLES);
  });

  it('lays out a hello frame as type, length, big-endian agency', () => {
    expect(encodeMessage({ type: 'hello', agency: 0x01020304 })).toEqual(Buffer.from([0x48, 0, 4, 1, 2, 3, 4]));
  });
});

describe('sizes', () => {
  it('betWireSize counts UTF-8 bytes, not characters', () => {
    const ascii: BetFields = { firstName: 'Jose', lastName: 'Nunez', document: '1', birthdate: '2000-01-01', number: '5' };
    const accented: BetFields = { ...ascii, firstName: 'José', lastName: 'Núñez' };
    expect(betWireSize(ascii)).toBe(5 + 4 + 5 + 1 + 10 + 1);
    expect(betWireSize(accented)).toBe(betWireSize(ascii) + 3);
    expect(betWireSize({ ...ascii, firstName: '€😀' })).toBe(5 + 3 + 4 + 5 + 1 + 10 + 1);
  });

  it('an encoded bet and batch take exactly the predicted bytes', () => {
    const bets = [BET, ACCENTED];
    const frame = encodeBatch(batchOf(1, 0, bets));
    expect(frame.length).toBe(batchFrameSize(betWireSize(BET) + betWireSize(ACCENTED)));
  });

  it('a batch from its bets\' wire bytes is the same frame as from their text, and decodes to them', () => {
    const batch = batchOf(7, 41, [BET, ACCENTED]);
    const frame = encodeBatchBytes({ agency: 7, firstIndex: 41, count: 2 }, batch.bytes);
    expect(frame).toEqual(encodeBatch(batch));
    expect(frame).toEqual(encodeBatchText({ agency: 7, firstIndex: 41, count: 2, text: betText(BET) + betText(ACCENTED) }));
    expect(decodeAll(frame)).toEqual([batch]);
    expect(() => encodeBatchBytes({ agency: 7, firstIndex: 0, count: 1 }, new Uint8Array(MAX_PAYLOAD_SIZE))).toThrow(FrameTooLargeError);
  });

  it('a batch filled to exactly 8192 bytes is encoded; one byte more throws FrameTooLargeError', () => {
    // Bets with 2-byte characters, then one last bet whose ASCII name fills the frame exactly.
    const bets: BetFields[] = [];
    const unit: BetFields = { firstName: 'ÁÁÁÁÁÁÁÁÁÁ', lastName: 'ÑÑÑÑÑÑÑÑÑÑ', document: '12345678', birthdate: '1990-01-01', number: '1234' };
    while (batchFrameSize((bets.length + 2) * betWireSize(unit)) <= MAX_FRAME_SIZE) bets.push(unit);
    const room = MAX_FRAME_SIZE - batchFrameSize(bets.length * betWireSize(unit));
    bets.push({ ...unit, firstName: 'a'.repeat(room - betWireSize({ ...unit, firstName: '' })) });
    const full = encodeBatch(batchOf(1, 0, bets));
    expect(full.length).toBe(MAX_FRAME_SIZE);
    expect(decodeAll(full)).toEqual([batchOf(1, 0, bets)]);

    const last = bets[bets.length - 1] as BetFields;
    const over = [...bets.slice(0, -1), { ...last, firstName: last.firstName + 'a' }];
    expect(() => encodeBatch(batchOf(1, 0, over))).toThrow(FrameTooLargeError);
    // A multibyte character where an ASCII one was also overflows: bytes are counted, not characters.
    const multibyte = [...bets.slice(0, -1), { ...last, firstName: last.firstName.slice(1) + 'ñ' }];
    expect(() => encodeBatch(batchOf(1, 0, multibyte))).toThrow(FrameTooLargeError);
  });

  it('a serializer asked for an oversized batch throws FrameTooLargeError with the frame size', () => {
    const bets = Array.from({ length: 300 }, () => BET);
    let caught: unknown;
    try {
      encodeBatch(batchOf(1, 0, bets));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(FrameTooLargeError);
    expect((caught as FrameTooLargeError).frameSize).toBe(batchFrameSize(300 * betWireSize(BET)));
    expect((caught as FrameTooLargeError).code).toBe(ErrorCode.FRAME_TOO_LARGE);
  });

  it('an echo of 8189 bytes fits and one of 8190 throws FrameTooLargeError', () => {
    expect(encodeMessage({ type: 'echo', data: Buffer.alloc(MAX_PAYLOAD_SIZE) }).length).toBe(MAX_FRAME_SIZE);
    expect(() => encodeMessage({ type: 'echo', data: Buffer.alloc(MAX_PAYLOAD_SIZE + 1) })).toThrow(FrameTooLargeError);
  });

  it('bets travel as text: fields joined by US (0x1F), each bet ended by RS (0x1E)', () => {
    const frame = encodeMessage({ type: 'bet', agency: 1, index: 0, bet: { ...BET, lastName: 'ñ'.repeat(128) } });
    const text = frame.subarray(3 + 8).toString('utf8');
    expect(text).toBe([BET.firstName, 'ñ'.repeat(128), BET.document, BET.birthdate, BET.number].join('\x1f') + '\x1e');
  });

  it('cuts long batch_result details and error messages to fit, at a character boundary', () => {
    const detail = '😀é'.repeat(3000);
    const result = encodeBatchResult({ code: ErrorCode.INVALID_BET, firstIndex: 0, count: 1, detail });
    expect(result.length).toBeLessThanOrEqual(MAX_FRAME_SIZE);
    expect(result.length).toBeGreaterThan(MAX_FRAME_SIZE - 8);
    const decoded = decodeAll(result)[0];
    expect(decoded?.type).toBe('batch_result');
    const text = decoded?.type === 'batch_result' ? decoded.detail : '';
    expect(text.length).toBeGreaterThan(0);
    expect(detail.startsWith(text)).toBe(true);

    const error = encodeError({ code: ErrorCode.SHUTTING_DOWN, message: 'x'.repeat(20_000) });
    expect(error.length).toBe(MAX_FRAME_SIZE);
  });

  it('never cuts a long text inside a surrogate pair, whatever the ASCII prefix', () => {
    for (let prefix = 0; prefix < 16; prefix++) {
      const message = 'a'.repeat(prefix) + '😀'.repeat(3000);
      const decoded = decodeAll(encodeError({ code: ErrorCode.SHUTTING_DOWN, message }))[0];
      const text = decoded?.type === 'error' ? decoded.message : '?';
      expect(text.includes('\uFFFD'), `prefix ${prefix}`).toBe(false);
      expect(message.startsWith(text), `prefix ${prefix}`).toBe(true);
    }
  });
});

describe('encodeWinnersAnswer', () => {
  const documents = (n: number): string[] => Array.from({ length: n }, (_, i) => String(i).padStart(8, '0'));

  function check(docs: string[]): Buffer[] {
    const frames = encodeWinnersAnswer(9, docs);
    const messages = frames.map((f) => decodeAll(f)[0]);
    for (const f of frames) expect(f.length).toBeLessThanOrEqual(MAX_FRAME_SIZE);
    const flags = messages.map((m) => (m?.type === 'winners' ? m.last : undefined));
    expect(flags).toEqual([...Array<boolean>(frames.length - 1).fill(false), true]);
    const all = messages.flatMap((m) => (m?.type === 'winners' && m.agency === 9 ? m.documents : ['?']));
    expect(all).toEqual(docs);
    return frames;
  }

  it('sends one empty last frame when nobody won', () => {
    expect(check([])).toHaveLength(1);
  });

  it('sends one frame for one winner', () => {
    expect(check(['00412345'])).toHaveLength(1);
  });

  it('splits thousands of documents into full frames, in order', () => {
    const frames = check(documents(5000));
    // 9 bytes per document, 10 bytes of overhead per frame: 909 documents fill a frame.
    expect(frames.length).toBe(Math.ceil(5000 / Math.floor((MAX_FRAME_SIZE - 10) / 9)));
    expect(frames[0]?.length).toBeGreaterThan(MAX_FRAME_SIZE - 9);
  });

  it('fills a frame to exactly 8192 bytes before starting another', () => {
    // 908 documents of 8 digits and one of 9: 10 + 908 * 9 + 10 = 8192 bytes.
    const docs = [...documents(908), '123456789'];
    expect(check(docs).map((f) => f.length)).toEqual([MAX_FRAME_SIZE]);
    expect(check([...docs, '1']).map((f) => f.length)).toEqual([MAX_FRAME_SIZE, 10 + 2]);
  });

  it('splits documents of mixed lengths (up to 20 digits) within the limit', () => {
    const docs = Array.from({ length: 3000 }, (_, i) => '9'.repeat(1 + (i % 20)));
    check(docs);
  });
});

describe('malformed payloads', () => {
  it('an unknown type code is UnknownMessageTypeError', () => {
    expect(() => decodeRaw(0x5a, [])).toThrow(UnknownMessageTypeError);
    expect(() => decodeRaw(0x00, [])).toThrow(UnknownMessageTypeError);
    try {
      decodeRaw(0x7a, []);
    } catch (err) {
      expect((err as ProtocolError).code).toBe(ErrorCode.UNKNOWN_MESSAGE);
    }
    expect.assertions(3);
  });

  it('a truncated payload is MalformedMessageError', () => {
    expect(() => decodeRaw(MessageCode.hello, [0, 0, 1])).toThrow(MalformedMessageError);
    const bet = encodeMessage({ type: 'bet', agency: 1, index: 2, bet: BET });
    for (let cut = 3; cut < bet.length; cut++) {
      expect(() => decodeRaw(MessageCode.bet, bet.subarray(3, cut)), `cut at ${cut}`).toThrow(MalformedMessageError);
    }
  });

  it('a batch that declares more bets than it holds is MalformedMessageError', () => {
    const frame = Buffer.from(encodeBatch(batchOf(1, 0, [BET])));
    frame.writeUInt16BE(2, 3 + 8);
    expect(() => decodeRaw(MessageCode.batch, frame.subarray(3))).toThrow(MalformedMessageError);
  });

  it('a bet record without exactly 5 fields is MalformedMessageError (a separator smuggled into a name)', () => {
    const header = Buffer.from([0, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
    const record = (fields: string[]) => Buffer.concat([header, Buffer.from(fields.join('\x1f') + '\x1e')]);
    const good = [BET.firstName, BET.lastName, BET.document, BET.birthdate, BET.number];
    expect(() => decodeRaw(MessageCode.batch, record(good))).not.toThrow();
    expect(() => decodeRaw(MessageCode.batch, record([...good, 'extra']))).toThrow(MalformedMessageError);
    expect(() => decodeRaw(MessageCode.batch, record(good.slice(1)))).toThrow(MalformedMessageError);
    expect(() => decodeRaw(MessageCode.batch, record(['Ana\x1eX', ...good.slice(1)]))).toThrow(MalformedMessageError);
  });

  it('trailing bytes are MalformedMessageError', () => {
    expect(() => decodeRaw(MessageCode.hello, [0, 0, 0, 1, 0])).toThrow(/trailing/);
    expect(() => decodeRaw(MessageCode.done, [0, 0, 0, 1, 0])).toThrow(MalformedMessageError);
    const batch = encodeBatch(batchOf(1, 0, [BET]));
    expect(() => decodeRaw(MessageCode.batch, Buffer.concat([batch.subarray(3), Buffer.from([0])]))).toThrow(MalformedMessageError);
  });

  it('a flag byte other than 0 or 1 is MalformedMessageError', () => {
    expect(() => decodeRaw(MessageCode.status, [0, 0, 0, 1, 0, 0, 0, 5, 2])).toThrow(MalformedMessageError);
    expect(() => decodeRaw(MessageCode.winners, [0, 0, 0, 1, 0xff, 0, 0])).toThrow(/flag/);
    expect(decodeRaw(MessageCode.winners, [0, 0, 0, 1, 1, 0, 0])).toEqual({ type: 'winners', agency: 1, last: true, documents: [] });
  });

  it('an unknown error code is MalformedMessageError', () => {
    expect(() => decodeRaw(MessageCode.error, [99, 0, 0])).toThrow(/unknown error code 99/);
    expect(() => decodeRaw(MessageCode.batch_result, [200, 0, 0, 0, 0, 0, 0, 0, 0])).toThrow(MalformedMessageError);
    expect(decodeRaw(MessageCode.error, [ErrorCode.UNEXPECTED_MESSAGE, 0, 0])).toEqual({
      type: 'error',
      code: ErrorCode.UNEXPECTED_MESSAGE,
      message: '',
    });
  });

  it('invalid UTF-8 in a text field is MalformedMessageError', () => {
    const frame = Buffer.from(encodeMessage({ type: 'bet', agency: 1, index: 0, bet: { ...BET, firstName: 'José' } }));
    const at = frame.indexOf(Buffer.from('é', 'utf8'));
    frame[at + 1] = 0x41; // a lead byte followed by ASCII
    expect(() => decodeAll(frame)).toThrow(/UTF-8/);
    expect(() => decodeRaw(MessageCode.error, [1, 0, 2, 0xc3, 0x28])).toThrow(MalformedMessageError);
    expect(() => decodeRaw(MessageCode.winners, [0, 0, 0, 1, 1, 0, 1, 1, 0xff])).toThrow(MalformedMessageError);
  });

  it('echo takes any bytes, invalid UTF-8 included', () => {
    const data = Buffer.from([0xff, 0x00, 0xc3]);
    expect(decodeRaw(MessageCode.echo, data)).toEqual({ type: 'echo', data });
  });
});
