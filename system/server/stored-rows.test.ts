/**
 * StoredRowsWriter must write, byte for byte, what RFC 4180 formatting of the decoded fields
 * gives (csv-parser's formatRow, the number through Number()), encoded as UTF-8.
 */
import { describe, expect, it } from 'vitest';
import type { BetFields } from '../domain/bet.js';
import { checkBet } from '../domain/validation.js';
import { formatField, formatRow } from '../csv/csv-parser.js';
import { batchOf } from '../protocol/bet-text.js';
import { StoredRowsWriter } from './stored-rows.js';

const bet = (over: Partial<BetFields> = {}): BetFields => ({ firstName: 'Ana', lastName: 'Núñez', document: '00412345', birthdate: '1999-03-17', number: '7574', ...over });
const TODAY = new Date('2024-06-15T12:00:00Z');

/** The plain definition: RFC 4180 quoting of every field, the number without leading zeros. */
function reference(agency: number, bets: readonly BetFields[]): string {
  return bets.map((b) => formatRow([String(agency), b.firstName, b.lastName, b.document, b.birthdate, String(Number(b.number))]) + '\n').join('');
}

/** The writer's lines for bets[from…] of one batch. */
function written(agency: number, bets: readonly BetFields[], from = 0, writer = new StoredRowsWriter()): Buffer {
  const batch = batchOf(agency, 0, bets);
  return writer.rows(agency, batch.bytes, batch.spans, from, bets.length);
}

function expectSame(agency: number, bets: readonly BetFields[], from = 0, writer?: StoredRowsWriter): void {
  const expected = reference(agency, bets.slice(from));
  const got = written(agency, bets, from, writer);
  expect(got.toString('utf8')).toBe(expected);
  expect(got.equals(Buffer.from(expected, 'utf8'))).toBe(true);
}

/** White space String.trim removes, one and more bytes in UTF-8. */
const WHITE = [' ', '\u00a0', '\u1680', '\u2000', '\u2005', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff'];
/** Characters trim keeps, some of them next to white space in Unicode. */
const NOT_WHITE = ['\u200b', '\u180e', '\u00ad', '\u2060', 'Ñ', '漢', '€', '😀', 'a'];

describe('StoredRowsWriter', () => {
  const cases: [string, BetFields[]][] = [
    ['plain names', [bet(), bet({ firstName: 'Zoë', number: '7' }), bet({ lastName: '漢字' })]],
    ['a name with a comma', [bet(), bet({ lastName: 'Pérez, Jr.' }), bet()]],
    ['names with quotes', [bet({ firstName: 'O"Brien' }), bet({ lastName: 'Ruiz, "el Rulo"' }), bet({ firstName: '"', lastName: '""' })]],
    ['names with outer ASCII spaces', [bet({ firstName: ' Ana' }), bet({ lastName: 'Núñez ' }), bet({ firstName: ' Ana María ' })]],
    ['names with outer multi-byte white space', WHITE.flatMap((w) => [bet({ firstName: `${w}Ana` }), bet({ lastName: `Ruiz${w}` })])],
    ['names starting or ending with characters trim keeps', NOT_WHITE.flatMap((c) => [bet({ firstName: `${c}Ana` }), bet({ lastName: `Ruiz${c}` }), bet({ firstName: c })])],
    ['white space inside a name', [bet({ firstName: 'Ana\u00a0María' }), bet({ lastName: 'de\u3000la Cruz' })]],
    ['numbers with leading zeros', [bet({ number: '0' }), bet({ number: '007' }), bet({ number: '000' }), bet({ number: '0042' }), bet({ number: '10' })]],
  ];
  for (const [what, bets] of cases) {
    it(`writes what RFC 4180 formatting gives: ${what}`, () => {
      for (const b of bets) expect(checkBet(12, b, TODAY), JSON.stringify(b)).toBeUndefined();
      expectSame(12, bets);
    });
  }

  it('quotes what formatField quotes even where validation refuses it (CR, LF, tabs)', () => {
    const names = ['a\rb', 'a\nb', '\tAna', 'Ana\t', 'a\r\nb', '\r', '\n'];
    expect(names.every((n) => formatField(n) !== n)).toBe(true);
    expectSame(1, names.map((n) => bet({ firstName: n, lastName: n })));
  });

  it('quotes or leaves every BMP character as formatField does, at either end of a name and alone', () => {
    const bets: BetFields[] = [];
    for (let c = 0; c <= 0xffff; c++) {
      // Not the wire's own separators (no field holds them), nor lone surrogates (not UTF-8).
      if (c === 0x1e || c === 0x1f || (c >= 0xd800 && c <= 0xdfff)) continue;
      const ch = String.fromCharCode(c);
      bets.push(bet({ firstName: `${ch}x`, lastName: `x${ch}` }), bet({ firstName: ch, lastName: `${ch}${ch}` }));
      if (bets.length >= 500) expectSame(3, bets.splice(0));
    }
    expectSame(3, bets);
  });

  it('starts after a repeated prefix when asked to', () => {
    const bets = [bet({ document: '1' }), bet({ document: '2' }), bet({ document: '3', lastName: 'A, B' })];
    for (const from of [0, 1, 2, 3]) expectSame(3, bets, from);
  });

  it('fits the worst case in its bound: every name all quotes, the longest agency, four-digit numbers', () => {
    const quotes = '"'.repeat(100);
    expectSame(0xffff_ffff, Array.from({ length: 40 }, () => bet({ firstName: quotes, lastName: quotes, number: '0000' })));
  });

  it('hands out lines of their exact size, not views into its scratch buffer', () => {
    const writer = new StoredRowsWriter();
    written(1, Array.from({ length: 100 }, () => bet({ lastName: 'Ruiz, "el Rulo"' })), 0, writer);
    const small = written(1, [bet()], 0, writer);
    expect(small.buffer.byteLength).toBe(small.length);
    expect(small.toString('utf8')).toBe(reference(1, [bet()]));
  });

  it('agrees with RFC 4180 formatting on 20,000 generated valid bets, in batches, one writer throughout', () => {
    let x = 20_240_615;
    const rnd = (n: number) => {
      x = (x * 1103515245 + 12345) >>> 0;
      return (x >>> 8) % n;
    };
    const pieces = ['Ana', 'José', 'Ñ', 'ü', '漢字', '😀', '€', '"', '""', ',', ' ', ', ', '"el Rulo"', ...WHITE, ...NOT_WHITE];
    const name = () => Array.from({ length: 1 + rnd(4) }, () => pieces[rnd(pieces.length)]).join('');
    const numbers = ['0', '00', '000', '0000', '007', '0042', '7', '10', '100', '7574', '9999', '0999'];
    const writer = new StoredRowsWriter();
    let seen = 0;
    let quoted = 0;
    while (seen < 20_000) {
      const bets: BetFields[] = [];
      const size = 1 + rnd(120);
      while (bets.length < size) {
        const b = bet({ firstName: name(), lastName: name(), document: String(rnd(100_000_000)).padStart(rnd(2) === 0 ? 8 : 1, '0'), number: numbers[rnd(numbers.length)] as string });
        if (checkBet(7, b, TODAY) === undefined) bets.push(b);
      }
      for (const b of bets) if (formatField(b.firstName) !== b.firstName || formatField(b.lastName) !== b.lastName) quoted++;
      expectSame(7 + rnd(3) * 1000, bets, rnd(4) === 0 ? rnd(size) : 0, writer);
      seen += size;
    }
    expect(quoted).toBeGreaterThan(seen / 4);
  });
});
