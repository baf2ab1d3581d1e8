import { describe, expect, it } from 'vitest';
import type { BetFields } from '../domain/bet.js';
import { betText } from '../protocol/bet-text.js';
import { MAX_FRAME_SIZE } from '../protocol/constants.js';
import { encodeBatchText } from '../protocol/serializer.js';
import { type Batch, Batcher, BetTooLargeError } from './batcher.js';

const bet = (i: number, over: Partial<BetFields> = {}): string =>
  betText({ firstName: 'Ana', lastName: 'Pérez', document: String(i).padStart(8, '0'), birthdate: '1990-01-01', number: String(i % 10_000), ...over });

function batchesOf(batcher: Batcher, bets: readonly string[]): Batch[] {
  const out: Batch[] = [];
  for (const b of bets) {
    const closed = batcher.add(b);
    if (closed) out.push(closed);
  }
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
      const frame = encodeBatchText({ agency: 1, firstIndex: b.firstIndex, count: b.count, text: b.text }, b.textBytes);
      expect(frame.length).toBe(b.frameSize);
      expect(frame.length).toBeLessThanOrEqual(MAX_FRAME_SIZE);
    }
    // Each batch is as full as it may be: the next bet would not have fitted.
    for (const b of batches.slice(0, -1)) {
      expect(b.frameSize + Buffer.byteLength(wide[b.firstIndex + b.count] as string)).toBeGreaterThan(MAX_FRAME_SIZE);
    }
    expect(batches.reduce((n, b) => n + b.count, 0)).toBe(500);
    // Counting characters would have put about three times as many bets in a frame.
    expect(batches[0]!.count).toBeLessThan(30);
  });

  it('starts numbering where the server stands (a resumed agency)', () => {
    const batches = batchesOf(new Batcher(10, 37), Array.from({ length: 25 }, (_, i) => bet(i)));
    expect(batches.map((b) => [b.firstIndex, b.count])).toEqual([[37, 10], [47, 10], [57, 5]]);
  });

  it('a bet that cannot fit in a frame even alone is refused with a clear error', () => {
    expect(() => new Batcher(10).add('x'.repeat(MAX_FRAME_SIZE))).toThrow(BetTooLargeError);
  });
});
