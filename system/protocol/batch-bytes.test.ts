/**
 * Batches travel and are decoded as bytes: a batch message carries a view of its bets' UTF-8
 * bytes in the received frame and byte spans into them. Split anywhere, read after later bytes
 * arrived, refused when not UTF-8 or not 5 fields a bet, with the errors' words as before.
 */
import { describe, expect, it } from 'vitest';
import type { BetFields } from '../domain/bet.js';
import { batchOf, betsOf } from './bet-text.js';
import { MessageCode } from './constants.js';
import { MalformedMessageError } from './errors.js';
import { FrameDecoder } from './frame-decoder.js';
import { decodeMessage } from './message-decoder.js';
import type { Message } from './messages.js';
import { encodeBatch } from './serializer.js';

const BET: BetFields = { firstName: 'Santiago Lionel', lastName: 'Lorca', document: '30904465', birthdate: '1999-03-17', number: '7574' };
const ACCENTED: BetFields = { firstName: 'José Zoë', lastName: 'Núñez, Jr.', document: '00412345', birthdate: '2000-02-29', number: '0' };

function decodeAll(bytes: Buffer): Message[] {
  const d = new FrameDecoder();
  const out = d.push(bytes).map(decodeMessage);
  d.end();
  return out;
}

const decodeRaw = (code: number, payload: Buffer): Message => decodeMessage({ code, payload });

describe('batches on bytes', () => {
  const bets: BetFields[] = [BET, ACCENTED, { ...BET, firstName: 'Zoë 😀', lastName: '漢字, "x"' }, { ...ACCENTED, firstName: '\u00a0Ñ' }];
  const batches = [batchOf(3, 0, bets), batchOf(3, 4, bets.slice(1)), batchOf(3, 7, [])];
  const stream = Buffer.concat(batches.map(encodeBatch));

  /** The bets of every batch decoded from `chunks`, read only once every chunk was pushed. */
  function decodedBets(chunks: Buffer[]): BetFields[][] {
    const d = new FrameDecoder();
    const messages = chunks.flatMap((c) => d.push(c).map(decodeMessage));
    d.end();
    return messages.map((m) => (m.type === 'batch' ? betsOf(m) : []));
  }
  const expected = batches.map(betsOf);

  it('decodes the same bets for a split at every point, multi-byte characters cut in two included', () => {
    expect(expected[0]).toEqual(bets);
    for (let at = 0; at <= stream.length; at++) {
      expect(decodedBets([stream.subarray(0, at), stream.subarray(at)]), `split at ${at}`).toEqual(expected);
    }
  });

  it('decodes the same bets fed one byte at a time (every payload copied out of partial chunks)', () => {
    expect(decodedBets([...stream].map((b) => Buffer.from([b])))).toEqual(expected);
  });

  it('gives spans as byte offsets into the bets\' bytes', () => {
    const [m] = decodeAll(encodeBatch(batchOf(1, 0, [{ ...BET, firstName: 'Zoë' }])));
    if (m?.type !== 'batch') throw new Error('not a batch');
    expect(Array.from(m.spans.subarray(0, 4))).toEqual([0, 4, 5, 10]);
    expect(Buffer.from(m.bytes.subarray(m.spans[0], m.spans[1])).toString('utf8')).toBe('Zoë');
  });

  it('refuses a batch whose bets are not valid UTF-8 as malformed, naming where the bets start', () => {
    const batch = Buffer.from(encodeBatch(batchOf(1, 0, [{ ...BET, firstName: 'José' }])));
    const at = batch.indexOf(Buffer.from('é', 'utf8'));
    for (const bad of [[0xc3, 0x41], [0xff, 0x41], [0xc0, 0x80], [0xed, 0xa0]]) {
      const frame = Buffer.from(batch);
      frame[at] = bad[0] as number;
      frame[at + 1] = bad[1] as number;
      expect(() => decodeAll(frame), bad.join(' ')).toThrow(new MalformedMessageError('batch: text at byte 10 is not valid UTF-8'));
    }
    const surrogate = Buffer.concat([batch.subarray(0, at), Buffer.from([0xed, 0xa0, 0x80]), batch.subarray(at + 2)]);
    surrogate.writeUInt16BE(surrogate.length - 3, 1);
    expect(() => decodeAll(surrogate)).toThrow(/batch: text at byte 10 is not valid UTF-8/);
  });

  it('names what is wrong with the bets as before: too few, a field too many or too few, bytes left over', () => {
    const header = Buffer.from([0, 0, 0, 1, 0, 0, 0, 0, 0, 2]);
    const batch = (text: string) => () => decodeRaw(MessageCode.batch, Buffer.concat([header, Buffer.from(text, 'utf8')]));
    const bet = ['Ana', 'Ruiz', '1', '1999-03-17', '7'].join('\x1f') + '\x1e';
    expect(batch(bet)).toThrow(new MalformedMessageError('batch: 2 bets announced, 1 found'));
    expect(batch(bet + 'a\x1fb\x1e')).toThrow(new MalformedMessageError('batch: bet 2 does not have 5 fields'));
    expect(batch(bet + 'ñ\x1f' + bet)).toThrow(new MalformedMessageError('batch: bet 2 does not have 5 fields'));
    expect(batch(bet + 'ñ\x1f' + bet.slice(0, -1))).toThrow(new MalformedMessageError('batch: 2 bets announced, 1 found'));
    expect(batch(bet + bet + 'ñ')).toThrow(new MalformedMessageError('batch: 2 unexpected bytes after the 2 bets announced'));
  });
});
