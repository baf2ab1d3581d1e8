import { describe, expect, it } from 'vitest';
import type { BetFields } from '../domain/bet.js';
import { formatRow } from '../csv/csv-parser.js';
import { batchOf } from '../protocol/bet-text.js';
import { storedRows } from './stored-rows.js';

const bet = (over: Partial<BetFields> = {}): BetFields => ({ firstName: 'Ana', lastName: 'Núñez', document: '00412345', birthdate: '1999-03-17', number: '7574', ...over });

/** The plain definition: RFC 4180 quoting of every field, the number without leading zeros. */
function reference(agency: number, bets: readonly BetFields[]): string {
  return bets.map((b) => formatRow([String(agency), b.firstName, b.lastName, b.document, b.birthdate, String(Number(b.number))]) + '\n').join('');
}

describe('storedRows', () => {
  const cases: [string, BetFields[]][] = [
    ['plain names (the fast path)', [bet(), bet({ firstName: 'Zoë', number: '7' }), bet({ lastName: '漢字' })]],
    ['a name with a comma', [bet(), bet({ lastName: 'Pérez, Jr.' }), bet()]],
    ['a name with quotes', [bet({ firstName: 'O"Brien' })]],
    ['names with outer spaces', [bet({ firstName: ' Ana' }), bet({ lastName: 'Núñez\u00a0' })]],
    ['numbers with leading zeros', [bet({ number: '0042' }), bet({ number: '0' }), bet({ number: '00' })]],
  ];
  for (const [what, bets] of cases) {
    it(`writes what RFC 4180 formatting gives: ${what}`, () => {
      const batch = batchOf(12, 0, bets);
      expect(storedRows(12, batch.text, batch.spans, 0, bets.length)).toBe(reference(12, bets));
    });
  }

  it('starts after a repeated prefix when asked to', () => {
    const bets = [bet({ document: '1' }), bet({ document: '2' }), bet({ document: '3', lastName: 'A, B' })];
    const batch = batchOf(3, 0, bets);
    for (const from of [0, 1, 2, 3]) expect(storedRows(3, batch.text, batch.spans, from, 3)).toBe(reference(3, bets.slice(from)));
  });
});
