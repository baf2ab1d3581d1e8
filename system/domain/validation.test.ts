import { describe, expect, it } from 'vitest';
import { encodeBet } from '../protocol/serializer.js';
import type { BetFields } from './bet.js';
import { isWinner, WINNING_NUMBER } from './bet.js';
import { checkBirthdate, isTrimmed, isValidAgency, MAX_NAME_LENGTH, validateBet } from './validation.js';

const TODAY = new Date('2024-06-15T12:00:00Z');
const GOOD: BetFields = { firstName: 'José', lastName: 'Núñez', document: '30904465', birthdate: '1999-03-17', number: '7574' };

function reason(agency: number, fields: Partial<BetFields>): string | undefined {
  const v = validateBet(agency, { ...GOOD, ...fields }, TODAY);
  return v.ok ? undefined : v.reason;
}

describe('checkBirthdate', () => {
  it('knows leap years', () => {
    expect(checkBirthdate('2024-02-29', TODAY)).toBeUndefined();
    expect(checkBirthdate('2000-02-29', TODAY)).toBeUndefined();
    expect(checkBirthdate('2023-02-29', TODAY)).toMatch(/not a calendar date/);
    expect(checkBirthdate('1900-02-29', TODAY)).toMatch(/not a calendar date/);
    expect(checkBirthdate('2100-02-29', new Date('2200-01-01'))).toMatch(/not a calendar date/);
  });

  it('refuses days and months that do not exist', () => {
    for (const d of ['2024-04-31', '2024-06-31', '2024-13-01', '2024-00-10', '2024-01-00', '2024-01-32', '2023-02-30']) {
      expect(checkBirthdate(d, TODAY), d).toMatch(/not a calendar date/);
    }
    for (const d of ['2024-01-31', '2023-12-31', '2023-02-28', '1900-01-01']) expect(checkBirthdate(d, TODAY), d).toBeUndefined();
  });

  it('refuses anything that is not YYYY-MM-DD', () => {
    const bad = ['', '2024-2-29', '24-02-29', '2024/02/29', '29-02-2024', ' 2024-02-28', '2024-02-28 ', '2024-02-28\n', '2024-02-2a', '２０２４-02-28', '20240228', '+2024-02-28'];
    for (const d of bad) expect(checkBirthdate(d, TODAY), JSON.stringify(d)).toMatch(/not YYYY-MM-DD/);
  });

  it('refuses dates in the future and before 1900', () => {
    expect(checkBirthdate('2024-06-15', TODAY)).toBeUndefined();
    expect(checkBirthdate('2024-06-16', TODAY)).toMatch(/future/);
    expect(checkBirthdate('2999-01-01', TODAY)).toMatch(/future/);
    expect(checkBirthdate('1899-12-31', TODAY)).toMatch(/before 1900/);
    expect(checkBirthdate('0099-01-01', TODAY)).toBeDefined();
  });

  it('uses the real clock when no date is given', () => {
    expect(checkBirthdate('1999-03-17')).toBeUndefined();
    expect(checkBirthdate(`${new Date().getUTCFullYear() + 1}-01-01`)).toMatch(/future/);
  });
});

describe('validateBet', () => {
  it('accepts a good bet and keeps the document as text, the number as a number', () => {
    expect(validateBet(3, { ...GOOD, document: '00412345', number: '0042' }, TODAY)).toEqual({
      ok: true,
      bet: { agency: 3, firstName: 'José', lastName: 'Núñez', document: '00412345', birthdate: '1999-03-17', number: 42 },
    });
  });

  it('keeps leading zeros of documents', () => {
    for (const document of ['0', '00000000', '00412345', '0'.repeat(20)]) {
      const v = validateBet(1, { ...GOOD, document }, TODAY);
      expect(v.ok && v.bet.document, document).toBe(document);
    }
  });

  it('refuses documents that are not all ASCII digits or too long', () => {
    for (const document of ['', '12a', '-1', '1.5', ' 123', '123 ', '1e5', '１２３', '12 34', '1'.repeat(21)]) {
      expect(reason(1, { document }), JSON.stringify(document)).toMatch(/document/);
    }
    expect(reason(1, { document: '9'.repeat(20) })).toBeUndefined();
  });

  it('accepts numbers 0 to 9999 and refuses the rest', () => {
    for (const number of ['0', '1', '7574', '9999', '0000']) expect(reason(1, { number }), number).toBeUndefined();
    for (const number of ['10000', '-1', '12a', '', ' 1', '1 ', '1.0', '+1', '1e3', '99999', '٣', '00000', '0'.repeat(300)]) {
      expect(reason(1, { number }), JSON.stringify(number)).toMatch(/number/);
    }
  });

  it('refuses empty, blank and control-character names', () => {
    for (const name of ['', ' ', '   ', '\t', 'Ana\nMaría', 'Ana\r', 'a\u0000', 'a\u001f', 'a\u007f', 'a\u0085', 'a\u009f']) {
      expect(reason(1, { firstName: name }), JSON.stringify(name)).toMatch(/first name/);
      expect(reason(1, { lastName: name }), JSON.stringify(name)).toMatch(/last name/);
    }
  });

  it('accepts accented names, commas, quotes and inner spaces', () => {
    for (const name of ['José', 'Zoë', 'Müller', 'Peña', 'Pérez, Jr.', 'O"Brien', 'María José', "D'Angelo", '李']) {
      expect(reason(1, { firstName: name, lastName: name }), name).toBeUndefined();
    }
  });

  it('limits names to 100 characters', () => {
    expect(reason(1, { lastName: 'a'.repeat(MAX_NAME_LENGTH) })).toBeUndefined();
    expect(reason(1, { lastName: 'a'.repeat(MAX_NAME_LENGTH + 1) })).toMatch(/last name is longer/);
  });

  it('refuses a name whose UTF-8 form does not fit a wire field (255 bytes)', () => {
    expect(reason(1, { firstName: '€'.repeat(85) })).toBeUndefined(); // 255 bytes
    expect(reason(1, { firstName: '€'.repeat(86) })).toMatch(/first name.*bytes/); // 258 bytes, 86 characters
  });

  it('every bet it accepts can be put on the wire', () => {
    const names = ['a'.repeat(MAX_NAME_LENGTH), 'ñ'.repeat(MAX_NAME_LENGTH), '€'.repeat(MAX_NAME_LENGTH), '😀'.repeat(50), '€'.repeat(85)];
    for (const firstName of names) {
      for (const document of ['1', '9'.repeat(20)]) {
        const fields = { ...GOOD, firstName, lastName: firstName, document };
        if (validateBet(1, fields, TODAY).ok) expect(() => encodeBet({ agency: 1, index: 0, bet: fields }), firstName).not.toThrow();
      }
    }
  });

  it('refuses agency 0 and other non-positive or non-integer agencies', () => {
    for (const agency of [0, -1, 1.5, Number.NaN, Infinity, 0x1_0000_0000]) {
      expect(reason(agency, {}), String(agency)).toMatch(/agency/);
      expect(isValidAgency(agency)).toBe(false);
    }
    for (const agency of [1, 5, 0xffff_ffff]) expect(isValidAgency(agency)).toBe(true);
  });

  it('names the first field that is wrong', () => {
    expect(reason(0, { firstName: '', number: 'x' })).toMatch(/agency/);
    expect(reason(1, { firstName: '', lastName: '', number: 'x' })).toMatch(/^first name/);
    expect(reason(1, { document: 'x', birthdate: 'x' })).toMatch(/^document/);
    expect(reason(1, { birthdate: '2023-02-29', number: 'x' })).toMatch(/^birthdate/);
  });
});

describe('bet helpers', () => {
  it('isWinner is true only for 7574', () => {
    expect(WINNING_NUMBER).toBe(7574);
    expect(isWinner({ number: 7574 })).toBe(true);
    expect(isWinner({ number: 7573 })).toBe(false);
    expect(isWinner({ number: 0 })).toBe(false);
  });
});

describe('isTrimmed', () => {
  it('is true for exactly the UTF-16 units String.prototype.trim removes (stored rows quote names by it)', () => {
    const differ: string[] = [];
    for (let c = 0; c <= 0xffff; c++) {
      if (isTrimmed(c) !== (String.fromCharCode(c).trim() === '')) differ.push(c.toString(16));
    }
    expect(differ).toEqual([]);
  });
});
