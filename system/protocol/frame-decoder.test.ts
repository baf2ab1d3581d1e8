import { describe, expect, it } from 'vitest';
import { FRAME_HEADER_SIZE, MAX_FRAME_SIZE, MAX_PAYLOAD_SIZE } from './constants.js';
import { FrameTooLargeError, ProtocolError, TruncatedFrameError } from './errors.js';
import { FrameDecoder, type Frame } from './frame-decoder.js';

/** A raw frame: type byte, 2-byte big-endian length, payload. */
function rawFrame(code: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(FRAME_HEADER_SIZE);
  header[0] = code;
  header.writeUInt16BE(payload.length, 1);
  return Buffer.concat([header, payload]);
}

/** Frames as plain values, copied out so later pushes cannot change what was compared. */
function plain(frames: Frame[]): { code: number; payload: string }[] {
  return frames.map((f) => ({ code: f.code, payload: Buffer.from(f.payload).toString('hex') }));
}

function feed(decoder: FrameDecoder, chunks: Buffer[]): { code: number; payload: string }[] {
  const out: { code: number; payload: string }[] = [];
  for (const chunk of chunks) out.push(...plain(decoder.push(chunk)));
  decoder.end();
  return out;
}

const STREAM_FRAMES = [
  rawFrame(0x48, Buffer.from([0, 0, 0, 7])),
  rawFrame(0x45, Buffer.alloc(0)),
  rawFrame(0x4d, Buffer.from('some payload bytes, ñandú', 'utf8')),
  rawFrame(0x58, Buffer.from([1, 2, 3])),
  rawFrame(0x45, Buffer.alloc(0)),
];
const STREAM = Buffer.concat(STREAM_FRAMES);
const EXPECTED = STREAM_FRAMES.map((f) => ({ code: f[0] as number, payload: f.subarray(FRAME_HEADER_SIZE).toString('hex') }));

describe('FrameDecoder', () => {
  it('decodes several frames pushed at once, in order', () => {
    expect(feed(new FrameDecoder(), [STREAM])).toEqual(EXPECTED);
  });

  it('decodes the same frames when fed one byte at a time', () => {
    const chunks = [...STREAM].map((b) => Buffer.from([b]));
    expect(feed(new FrameDecoder(), chunks)).toEqual(EXPECTED);
  });

  it('decodes the same frames for a split at every point of the stream', () => {
    for (let at = 0; at <= STREAM.length; at++) {
      const got = feed(new FrameDecoder(), [STREAM.subarray(0, at), STREAM.subarray(at)]);
      expect(got, `split at ${at}`).toEqual(EXPECTED);
    }
  });

  it('decodes the same frames for every pair of split points', () => {
    for (let a = 0; a <= STREAM.length; a++) {
      for (let b = a; b <= STREAM.length; b++) {
        const chunks = [STREAM.subarray(0, a), STREAM.subarray(a, b), STREAM.subarray(b)];
        expect(feed(new FrameDecoder(), chunks), `splits at ${a} and ${b}`).toEqual(EXPECTED);
      }
    }
  });

  it('returns nothing until a frame is complete and reports the bytes held', () => {
    const d = new FrameDecoder();
    const frame = rawFrame(0x42, Buffer.from('abcdef'));
    expect(d.push(frame.subarray(0, 2))).toEqual([]);
    expect(d.pendingBytes).toBe(2);
    expect(d.push(frame.subarray(2, 8))).toEqual([]);
    expect(d.pendingBytes).toBe(8);
    const frames = d.push(frame.subarray(8));
    expect(plain(frames)).toEqual([{ code: 0x42, payload: Buffer.from('abcdef').toString('hex') }]);
    expect(d.pendingBytes).toBe(0);
  });

  it('keeps payloads handed out earlier intact when later bytes arrive', () => {
    const d = new FrameDecoder();
    const first = rawFrame(0x45, Buffer.from('first'));
    const second = rawFrame(0x45, Buffer.from('second'));
    const both = Buffer.concat([first, second]);
    const [f1] = d.push(both.subarray(0, first.length + 2));
    expect(f1?.payload.toString()).toBe('first');
    const [f2] = d.push(both.subarray(first.length + 2));
    expect(f2?.payload.toString()).toBe('second');
    expect(f1?.payload.toString()).toBe('first');
  });

  it('accepts a frame of exactly 8192 bytes on the wire', () => {
    const frame = rawFrame(0x45, Buffer.alloc(MAX_PAYLOAD_SIZE, 0x61));
    expect(frame.length).toBe(MAX_FRAME_SIZE);
    const d = new FrameDecoder();
    const frames = d.push(frame);
    expect(frames).toHaveLength(1);
    expect(frames[0]?.payload.length).toBe(MAX_PAYLOAD_SIZE);
    expect(() => d.end()).not.toThrow();
  });

  it('accepts an 8192-byte frame fed one byte at a time', () => {
    const frame = rawFrame(0x45, Buffer.alloc(MAX_PAYLOAD_SIZE, 0x62));
    const d = new FrameDecoder();
    let count = 0;
    for (const b of frame) count += d.push(Buffer.from([b])).length;
    expect(count).toBe(1);
  });

  it('rejects an 8193-byte frame as soon as its 3-byte header is in, before the body', () => {
    const header = Buffer.from([0x4d, 0, 0]);
    header.writeUInt16BE(MAX_PAYLOAD_SIZE + 1, 1);
    const d = new FrameDecoder();
    expect(d.push(header.subarray(0, 1))).toEqual([]);
    expect(d.push(header.subarray(1, 2))).toEqual([]);
    let caught: unknown;
    try {
      d.push(header.subarray(2, 3));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(FrameTooLargeError);
    expect(caught).toBeInstanceOf(ProtocolError);
    expect((caught as FrameTooLargeError).frameSize).toBe(MAX_FRAME_SIZE + 1);
    expect((caught as FrameTooLargeError).name).toBe('FrameTooLargeError');
  });

  it('rejects the largest declared length (65535) from the header alone', () => {
    const d = new FrameDecoder();
    expect(() => d.push(Buffer.from([0x45, 0xff, 0xff]))).toThrow(FrameTooLargeError);
  });

  it('an oversized header after a valid frame in the same chunk: the frame comes out, then the error', () => {
    const d = new FrameDecoder();
    const bad = Buffer.from([0x45, 0x20, 0x00]); // declares 8192 payload bytes
    const frames = d.push(Buffer.concat([rawFrame(0x45, Buffer.from('ok')), bad]));
    expect(frames.map((f) => f.payload.toString())).toEqual(['ok']);
    expect(d.error).toBeInstanceOf(FrameTooLargeError);
    expect(() => d.push(Buffer.from('more'))).toThrow(FrameTooLargeError);
    expect(() => d.end()).toThrow(FrameTooLargeError);
  });

  it('end() inside a frame throws TruncatedFrameError with the bytes held', () => {
    const d = new FrameDecoder();
    d.push(rawFrame(0x45, Buffer.from('hello')).subarray(0, 5));
    let caught: unknown;
    try {
      d.end();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(TruncatedFrameError);
    expect((caught as TruncatedFrameError).pendingBytes).toBe(5);
  });

  it('end() inside a header throws TruncatedFrameError', () => {
    const d = new FrameDecoder();
    d.push(Buffer.from([0x45]));
    expect(() => d.end()).toThrow(TruncatedFrameError);
  });

  it('end() between frames does not throw', () => {
    const d = new FrameDecoder();
    d.push(Buffer.concat([rawFrame(0x45, Buffer.from('a')), rawFrame(0x45, Buffer.alloc(0))]));
    expect(() => d.end()).not.toThrow();
  });

  it('ignores empty chunks', () => {
    const d = new FrameDecoder();
    expect(d.push(Buffer.alloc(0))).toEqual([]);
    d.push(Buffer.from([0x45, 0]));
    expect(d.push(Buffer.alloc(0))).toEqual([]);
    expect(d.pendingBytes).toBe(2);
    expect(d.push(Buffer.from([0]))).toHaveLength(1);
  });
});
