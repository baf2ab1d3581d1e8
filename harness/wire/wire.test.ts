import { describe, expect, it } from 'vitest';
import { FrameType, MAX_BATCH_BETS, MAX_FRAME_SIZE, WireErrorCode, errorName } from './wire-format.js';
import type { WireBet, WireMessage } from './wire-messages.js';
import { decodeFrame, decodeStream, FrameParser, type RawFrame, WireError } from './wire-parser.js';
import { betWireText, encodeFrame, encodeFrames, WireEncodeError } from './wire-serializer.js';

const BET: WireBet = { firstName: 'José', lastName: 'Pérez, Jr.', document: '00412345', birthdate: '2000-02-29', number: '7574' };

const EVERY_MESSAGE: WireMessage[] = [
  { type: 'hello', agency: 3 },
  { type: 'status', agency: 3, stored: 120, drawDone: false },
  { type: 'bet', agency: 3, position: 7, bet: BET },
  { type: 'batch', agency: 3, firstPosition: 8, bets: [BET, { ...BET, firstName: 'Zoë', number: '0042' }] },
  { type: 'batch_result', code: WireErrorCode.INVALID_BET, firstPosition: 8, count: 2, detail: 'bet 2: ñ' },
  { type: 'done', agency: 3 },
  { type: 'winners_query', agency: 3 },
  { type: 'winners', agency: 3, last: true, documents: ['00412345', '9'] },
  { type: 'echo', data: Buffer.from('hello') },
  { type: 'error', code: WireErrorCode.UNKNOWN_AGENCY, message: 'agency 99 is not one of them' },
];

function framesOf(parser: FrameParser, chunk: Uint8Array): RawFrame[] {
  const out: RawFrame[] = [];
  parser.push(chunk, (f) => out.push(f));
  return out;
}

describe('the harness wire format, from the README tables', () => {
  it("encodes the README's echo example byte for byte: E \\0 005 h e l l o", () => {
    expect([...encodeFrame({ type: 'echo', data: Buffer.from('hello') })]).toEqual([0x45, 0, 5, ...Buffer.from('hello')]);
  });

  it('encodes hello, a batch and a status as the tables say (type, u16 length, big-endian fields)', () => {
    expect([...encodeFrame({ type: 'hello', agency: 0x01020304 })]).toEqual([0x48, 0, 4, 1, 2, 3, 4]);
    expect([...encodeFrame({ type: 'status', agency: 1, stored: 2, drawDone: true })]).toEqual([0x53, 0, 9, 0, 0, 0, 1, 0, 0, 0, 2, 1]);
    const text = Buffer.from(betWireText(BET), 'utf8');
    expect(betWireText(BET)).toBe('José\u001fPérez, Jr.\u001f00412345\u001f2000-02-29\u001f7574\u001e');
    const batch = encodeFrame({ type: 'batch', agency: 5, firstPosition: 256, bets: [BET] });
    expect([...batch.subarray(0, 13)]).toEqual([0x4d, 0, 10 + text.length, 0, 0, 0, 5, 0, 0, 1, 0, 0, 1]);
    expect(batch.subarray(13)).toEqual(text);
  });

  it('decodes every message it encodes', () => {
    for (const m of EVERY_MESSAGE) {
      const bytes = encodeFrame(m);
      const { messages, error, pendingBytes } = decodeStream(bytes);
      expect({ messages, error, pendingBytes }, m.type).toEqual({ messages: [m.type === 'echo' ? { ...m, data: bytes.subarray(3) } : m], error: undefined, pendingBytes: 0 });
    }
  });

  it('gives the same frames for every split point of a stream', () => {
    const stream = encodeFrames(EVERY_MESSAGE);
    const whole = framesOf(new FrameParser(), stream).map(decodeFrame);
    expect(whole).toHaveLength(EVERY_MESSAGE.length);
    for (let i = 0; i <= stream.length; i++) {
      const parser = new FrameParser();
      const got = [...framesOf(parser, stream.subarray(0, i)), ...framesOf(parser, stream.subarray(i))].map(decodeFrame);
      expect(got, `split at ${i}`).toEqual(whole);
      expect(parser.pendingBytes).toBe(0);
    }
    const parser = new FrameParser();
    const byteByByte = [...stream].flatMap((b) => framesOf(parser, Uint8Array.of(b)));
    expect(byteByByte.map(decodeFrame)).toEqual(whole);
  });

  it('keeps the leftover of an unfinished frame, and calls a stream ending inside one malformed', () => {
    const frame = encodeFrame({ type: 'hello', agency: 1 });
    const parser = new FrameParser();
    expect(framesOf(parser, frame.subarray(0, 5))).toEqual([]);
    expect(parser.pendingBytes).toBe(5);
    expect(() => parser.end()).toThrow(expect.objectContaining({ code: 'MALFORMED_MESSAGE' }));
  });

  it('refuses a header declaring more than 8192 bytes before its body arrives, after the frames before it', () => {
    const header = Buffer.from([0x4d, 0x1f, 0xfe]); // 8190 bytes of payload: 8193 on the wire
    const before = encodeFrame({ type: 'hello', agency: 1 });
    const seen: RawFrame[] = [];
    expect(() => new FrameParser().push(Buffer.concat([before, header]), (f) => seen.push(f))).toThrow(expect.objectContaining({ code: 'FRAME_TOO_LARGE' }));
    expect(seen).toHaveLength(1);
    const largest = encodeFrame({ type: 'echo', data: Buffer.alloc(MAX_FRAME_SIZE - 3) });
    expect(largest).toHaveLength(MAX_FRAME_SIZE);
    expect(decodeStream(largest).error).toBeUndefined();
    expect(() => encodeFrame({ type: 'echo', data: Buffer.alloc(MAX_FRAME_SIZE - 2) })).toThrow(WireEncodeError);
  });

  it('names what the README says a server answers to bad payloads', () => {
    const code = (bytes: Uint8Array): string | undefined => decodeStream(bytes).error?.code;
    expect(code(Buffer.from([0x5a, 0, 0]))).toBe('UNKNOWN_MESSAGE');
    expect(code(Buffer.from('GET / HTTP/1.1\r\n'))).toBe('FRAME_TOO_LARGE');
    expect(code(Buffer.from([0x48, 0, 3, 0, 0, 1]))).toBe('MALFORMED_MESSAGE'); // hello with 3 bytes
    expect(code(Buffer.from([0x53, 0, 9, 0, 0, 0, 1, 0, 0, 0, 2, 2]))).toBe('MALFORMED_MESSAGE'); // flag 2
    const batch = encodeFrame({ type: 'batch', agency: 1, firstPosition: 0, bets: [BET, BET] });
    batch.writeUInt16BE(3, 11); // claims 3 bets, carries 2
    expect(code(batch)).toBe('MALFORMED_MESSAGE');
    const fourFields = Buffer.concat([Buffer.from([0x42, 0, 8 + 6, 0, 0, 0, 1, 0, 0, 0, 0]), Buffer.from('a\u001fb\u001fc\u001e')]);
    fourFields.writeUInt16BE(fourFields.length - 3, 1);
    expect(decodeStream(fourFields).error?.message).toMatch(/3 fields, not 5/);
    const badUtf8 = Buffer.from([0x58, 0, 5, 1, 0, 2, 0xc3, 0x28]);
    expect(code(badUtf8)).toBe('MALFORMED_MESSAGE');
    expect(() => decodeFrame({ type: FrameType.done, payload: Buffer.alloc(5) })).toThrow(WireError);
  });

  it('knows the error codes by name, and a batch holds at most 65,535 bets (its count is a u16)', () => {
    expect(errorName(6)).toBe('INVALID_BET');
    expect(errorName(14)).toBe('UNKNOWN_AGENCY');
    expect(errorName(99)).toBe('UNKNOWN_99');
    expect(MAX_BATCH_BETS).toBe(65_535);
    expect(() => encodeFrame({ type: 'batch', agency: 1, firstPosition: 0, bets: Array(65_536).fill({ ...BET, firstName: '', lastName: '', birthdate: '', document: '', number: '' }) })).toThrow(/at most 65535/);
  });
});
