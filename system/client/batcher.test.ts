import { describe, expect, it } from 'vitest';
import type { BetFields } from '../domain/bet.js';
import { betText } from '../protocol/bet-text.js';
import { MAX_FRAME_SIZE } from '../protocol/constants.js';
import { encodeBatchBytes } from '../protocol/serializer.js';
import { type Batch, Batcher, BetTooLargeError } from './batcher.js';
import { packTexts } from './packed-bets.js';

const bet = (i: number, over: Partial<BetFields> = {}): string =>
  betText({ firstName: 'Ana', lastName: 'Pérez', document: String(i).padStart(8, '0'), birthdate: '1990-01-01', number: String(i % 10_000), ...over });

/** Feeds `bets` in pieces of `piece` (every split point of a file's chunks looks alike to the batcher). */
function batchesOf(batcher: Batcher, bets: readonly string[], piece = bets.length): Batch[] {
  const out: Batch[] = [];
  for (let i = 0; i < bets.length; i += piece) out.push(...batcher.add(packTexts(bets.slice(i, i + piece))));
  const last = batcher.flush();
  if (last) out.push(last);
  return out;
}

describe('Batcher', () => {
  it('every batch but the last holds exactly maxAmount while the frame allows it', () => {
    const batches = batchesOf(new Batcher(100), Array.from({ length: 1050 }, (_, i) => bet(i)));
    expect(batches.map((b) => b.count)).toEqual([...Array(10).fill(100), 50]);
    expect(batches.map((b) => b.firstIndex)).toEqual(Array.from({ length: 11 }, (_, i) => i * 100));
  });

  it('counts UTF-8 bytes, not characters: multibyte names close batches earlier, and no frame passes 8192 bytes', () => {
    // 60 characters of 3 bytes each per name: about 380 bytes per bet, 21 bets per frame.
    const wide = Array.from({ length: 500 }, (_, i) => bet(i, { firstName: '漢'.repeat(60), lastName: 'ñ€'.repeat(30) }));
    const batches = batchesOf(new Batcher(1000), wide);
    for (const b of batches) {
      const frame = encodeBatchBytes({ agency: 1, firstIndex: b.firstIndex, count: b.count }, b.bets);
      expect(frame.length).toBe(b.frameSize);
      expect(frame.length).toBeLessThanOrEqual(MAX_FRAME_SIZE);
      expect(b.bets.toString('utf8')).toBe(wide.slice(b.firstIndex, b.firstIndex + b.count).join(''));
    }
    // Each batch is as full as it may be: the next bet would not have fitted.
    for (const b of batches.slice(0, -1)) {
      expect(b.frameSize + Buffer.byteLength(wide[b.firstIndex + b.count] as string)).toBeGreaterThan(MAX_FRAME_SIZE);
    }
    expect(batches.reduce((n, b) => n + b.count, 0)).toBe(500);
    // Counting characters would have put about three times as many bets in a frame.
    expect(batches[0]!.count).toBeLessThan(30);
  });

  it('makes the same batches whatever pieces the bets come in', () => {
    const mixed = Array.from({ length: 700 }, (_, i) => (i % 3 === 0 ? bet(i, { lastName: '漢'.repeat(80) }) : bet(i)));
    const shape = (batches: Batch[]) => batches.map((b) => `${b.firstIndex}+${b.count}:${b.frameSize}:${b.bets.toString('utf8')}`);
    const whole = shape(batchesOf(new Batcher(100), mixed));
    // Some batches are closed by the frame's size, others by maxAmount.
    expect(whole.length).toBeGreaterThan(9);
    for (const piece of [1, 2, 3, 99, 100, 101, 333]) {
      expect(shape(batchesOf(new Batcher(100), mixed, piece)), `pieces of ${piece}`).toEqual(whole);
    }
    expect(whole.map((b) => b.split(':').slice(2).join(':')).join('')).toBe(mixed.join(''));
  });

  it('starts numbering where the server stands (a resumed agency), and from any bet of a piece', () => {
    const batches = batchesOf(new Batcher(10, 37), Array.from({ length: 25 }, (_, i) => bet(i)));
    expect(batches.map((b) => [b.firstIndex, b.count])).toEqual([[37, 10], [47, 10], [57, 5]]);
    const texts = Array.from({ length: 23 }, (_, i) => bet(i));
    const batcher = new Batcher(10, 5);
    const fromFifth = [...batcher.add(packTexts(texts), 5), batcher.flush() as Batch];
    expect(fromFifth.map((b) => [b.firstIndex, b.count])).toEqual([[5, 10], [15, 8]]);
    expect(fromFifth[0]!.bets.toString('utf8')).toBe(texts.slice(5, 15).join(''));
  });

  it('a bet that cannot fit in a frame even alone is refused with a clear error', () => {
    expect(() => new Batcher(10).add(packTexts(['x'.repeat(MAX_FRAME_SIZE)]))).toThrow(BetTooLargeError);
    expect(() => new Batcher(10).add(packTexts([bet(1), 'x'.repeat(MAX_FRAME_SIZE)]))).toThrow(BetTooLargeError);
  });
});
