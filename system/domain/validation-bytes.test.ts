/**
 * isValidBetBytes must accept exactly what checkBetSpans accepts, read on the UTF-8 bytes of the
 * same wire text; bytes that are not well-formed UTF-8 it leaves to the text rules (false).
 */
import { describe, expect, it } from 'vitest';
import type { BetFields } from './bet.js';
import { isValidBetBytes } from './validation-bytes.js';
import { checkBet } from './validation.js';

const TODAY = new Date('2024-06-15T12:00:00Z');
const encoder = new TextEncoder();

/** The bet's fields as UTF-8, one after the other with a separator byte, and their spans. */
function wire(fields: readonly (string | Uint8Array)[]): { bytes: Uint8Array; spans: number[] } {
  const parts = fields.map((f) => (typeof f === 'string' ? encoder.encode(f) : f));
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0));
  const spans: number[] = [];
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    spans.push(at, at + p.length);
    at += p.length + 1;
    bytes[at - 1] = 0x1f;
  }
  return { bytes, spans };
}

function* bets(seed: number, count: number): Generator<BetFields> {
  let x = seed;
  const rnd = (n: number) => {
    x = (x * 1103515245 + 12345) >>> 0;
    return (x >>> 8) % n;
  };
  const pieces = ['Ana', ' ', '\u00a0', '\u3000', '\u2000', '\u200a', '\u200b', '\u2028', '\u202f', '\u205f', '\ufeff', '\u1680', '\t', '\r', 'José', 'Ñ', '😀', '€', '"', ',', '\u0085', '\u009f', '\u00a0', '\u007f', '\u001f', 'x'.repeat(60), '漢'.repeat(40), '€'.repeat(42), ''];
  const pick = () => (rnd(3) === 0 ? 'Ana' : Array.from({ length: rnd(4) }, () => pieces[rnd(pieces.length)]).join(''));
  const digits = ['', '0', '00412345', '12a', '9'.repeat(20), '9'.repeat(21), '7574', '10000', '0042', '-1', '٣', '1', '9999', ' 1'];
  const dates = ['1999-03-17', '1988-12-01', '2024-02-29', '2023-02-29', '2000-02-29', '1900-02-29', '1899-12-31', '1900-01-01', '2024-06-15', '2024-06-16', '2025-01-01', '1999-3-17', '1999-03-17x', '0000-00-00', '1999-13-01', '1999-04-31', '1999+03-17', '１999-03-17'];
  for (let i = 0; i < count; i++) {
    yield { firstName: pick(), lastName: pick(), document: digits[rnd(digits.length)] as string, birthdate: dates[rnd(dates.length)] as string, number: digits[rnd(digits.length)] as string };
  }
}

describe('isValidBetBytes', () => {
  it('accepts exactly the bets checkBetSpans accepts, on 30,000 generated bets', () => {
    let valid = 0;
    for (const bet of bets(11, 30_000)) {
      const { bytes, spans } = wire([bet.firstName, bet.lastName, bet.document, bet.birthdate, bet.number]);
      const expected = checkBet(1, bet, TODAY) === undefined;
      expect(isValidBetBytes(bytes, spans, 0, TODAY), JSON.stringify(bet)).toBe(expected);
      if (expected) valid++;
    }
    expect(valid).toBeGreaterThan(400);
  });

  it('reads the spans from an offset', () => {
    const { bytes, spans } = wire(['Ana', 'Núñez', '00412345', '1999-03-17', '7574']);
    expect(isValidBetBytes(bytes, [0, 0, 0, 0, ...spans], 4, TODAY)).toBe(true);
  });

  it('leaves bytes that are not well-formed UTF-8 to the text rules', () => {
    const malformed = [[0xff], [0xc3], [0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0x9f, 0xbf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf0, 0x8f, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80, 0x80, 0x80], [0x80], [0xe2, 0x28, 0xa1]];
    for (const m of malformed) {
      const name = Uint8Array.from([0x41, ...m, 0x42]);
      expect(isValidBetBytes(wire([name, 'Ruiz', '1', '1999-03-17', '1']).bytes, wire([name, 'Ruiz', '1', '1999-03-17', '1']).spans, 0, TODAY), m.join(' ')).toBe(false);
    }
    // Their well-formed neighbours are names like any other.
    for (const ok of [[0xc2, 0xa9], [0xe0, 0xa0, 0x80], [0xed, 0x9f, 0xbf], [0xf0, 0x90, 0x80, 0x80], [0xf4, 0x8f, 0xbf, 0xbf]]) {
      const { bytes, spans } = wire([Uint8Array.from([0x41, ...ok]), 'Ruiz', '1', '1999-03-17', '1']);
      expect(isValidBetBytes(bytes, spans, 0, TODAY), ok.join(' ')).toBe(true);
    }
  });

  it('reads today from the clock when not given one', () => {
    const { bytes, spans } = wire(['Ana', 'Ruiz', '1', '1999-03-17', '1']);
    expect(isValidBetBytes(bytes, spans)).toBe(true);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const future = wire(['Ana', 'Ruiz', '1', tomorrow, '1']);
    expect(isValidBetBytes(future.bytes, future.spans)).toBe(false);
  });
});
