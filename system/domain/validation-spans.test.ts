/**
 * The span-based validator must say exactly what the plain string rules say: this is the
 * straightforward version (regular expressions and String.trim), run on many generated bets.
 */
import { describe, expect, it } from 'vitest';
import type { BetFields } from './bet.js';
import { checkBet, checkBetSpans, checkBirthdate } from './validation.js';

const TODAY = new Date('2024-06-15T12:00:00Z');

function reference(agency: number, f: BetFields): string | undefined {
  if (!Number.isInteger(agency) || agency < 1 || agency > 0xffffffff) return `agency ${agency} is not a positive integer`;
  const name = (label: string, v: string): string | undefined => {
    if (v.trim() === '') return `${label} is empty`;
    if (v.length > 100) return `${label} is longer than 100 characters`;
    if (new TextEncoder().encode(v).length > 255) return `${label} is longer than 255 UTF-8 bytes`;
    if (/[\u0000-\u001f\u007f-\u009f]/.test(v)) return `${label} holds a control character`;
    return undefined;
  };
  const n = name('first name', f.firstName) ?? name('last name', f.lastName);
  if (n) return n;
  if (!/^[0-9]+$/.test(f.document)) return `document "${f.document}" is not all digits`;
  if (f.document.length > 20) return 'document is longer than 20 digits';
  const d = checkBirthdate(f.birthdate, TODAY);
  if (d) return d;
  if (!/^[0-9]{1,4}$/.test(f.number)) return `number "${f.number}" is not an integer from 0 to 9999`;
  return undefined;
}

/** A small seeded generator of nasty fields. */
function* bets(seed: number, count: number): Generator<BetFields> {
  let x = seed;
  const rnd = (n: number) => {
    x = (x * 1103515245 + 12345) >>> 0;
    return x % n;
  };
  const pieces = ['Ana', ' ', '\u00a0', '\u3000', '\t', 'José', 'Ñ', '😀', '€', '"', ',', '\u0085', '\u007f', '\u001f', 'x'.repeat(60), '漢'.repeat(40), ''];
  const pick = () => (rnd(2) === 0 ? ['Ana', 'José María', 'Núñez'][rnd(3)] as string : Array.from({ length: rnd(4) }, () => pieces[rnd(pieces.length)]).join(''));
  const digits = ['', '0', '00412345', '12a', '9'.repeat(21), '7574', '10000', '0042', '-1', '٣', '1', '31337', '9999'];
  const dates = ['1999-03-17', '1999-03-17', '1988-12-01', '2024-02-29', '2023-02-29', '1899-12-31', '2030-01-01', '1999-3-17', '1999-03-17x', '2024-06-15', '2024-06-16', '0000-00-00'];
  for (let i = 0; i < count; i++) {
    yield { firstName: pick(), lastName: pick(), document: digits[rnd(digits.length)] as string, birthdate: dates[rnd(dates.length)] as string, number: digits[rnd(digits.length)] as string };
  }
}

describe('checkBetSpans', () => {
  it('agrees with the plain string rules on 20,000 generated bets', () => {
    let valid = 0;
    for (const bet of bets(7574, 20_000)) {
      const expected = reference(1, bet);
      expect(checkBet(1, bet, TODAY), JSON.stringify(bet)).toBe(expected);
      if (expected === undefined) valid++;
    }
    expect(valid).toBeGreaterThan(100);
  });

  it('reads fields in place inside a larger text, at an offset into the spans', () => {
    const text = 'xxAnaUPérezU00412345U1999-03-17U7574Uyy';
    const spans = [9, 9, 2, 5, 6, 11, 12, 20, 21, 31, 32, 36];
    expect(checkBetSpans(1, text, spans, 2, TODAY)).toBeUndefined();
    expect(checkBetSpans(1, text, [2, 5, 6, 11, 12, 20, 21, 31, 32, 37], 0, TODAY)).toMatch(/^number "7574U"/);
  });
});
